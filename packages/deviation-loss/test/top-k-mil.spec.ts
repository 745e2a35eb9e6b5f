import * as tf from "@tensorflow/tfjs";

import { resolveTopK, topKMean, topKWeights, type TopK } from "../src";
import { BACKENDS, useBackend } from "./support/backends";
import { expectClose } from "./support/tolerance";

describe("resolveTopK", () => {
  test.each<[TopK, number, number]>([
    [0.1, 225, 22],
    [0.1, 10, 1],
    [0.1, 5, 1],
    [0.1, 1, 1],
    [0.57, 100, 57],
    [0.3, 10, 3],
    [1, 7, 7],
    [{ count: 1 }, 9, 1],
    [{ count: 22 }, 225, 22],
    [{ count: 300 }, 225, 225],
  ])("topK %j of %i patches is %i", (topK, patches, k) => {
    expect(resolveTopK(topK, patches)).toBe(k);
  });

  test.each<[TopK, RegExp]>([
    [0, /fraction must be in \(0, 1\], got 0/],
    [1.5, /fraction must be in \(0, 1\], got 1.5/],
    [Number.NaN, /got NaN/],
    [{ count: 0 }, /count must be an integer >= 1, got 0/],
    [{ count: 2.5 }, /count must be an integer >= 1, got 2.5/],
  ])("rejects topK %j", (topK, message) => {
    expect(() => resolveTopK(topK, 10)).toThrow(message);
  });

  test("rejects zero patches", () => {
    expect(() => resolveTopK(0.1, 0)).toThrow(
      /patches must be an integer >= 1/,
    );
  });
});

describe("topKWeights", () => {
  test("marks the largest k of each row", () => {
    const weights = topKWeights([1, 5, 3, 4, 0, 2, 7, 6], 2, 4, 2);
    expect(Array.from(weights)).toEqual([0, 0.5, 0, 0.5, 0, 0, 0.5, 0.5]);
  });

  test("ties go to the lower patch index", () => {
    const weights = topKWeights([2, 9, 2, 2, 9], 1, 5, 3);
    expect(Array.from(weights)).toEqual(
      [1 / 3, 1 / 3, 0, 0, 1 / 3].map(Math.fround),
    );
  });

  test("k equal to the patch count keeps every patch", () => {
    const weights = topKWeights([3, 1, 2], 1, 3, 3);
    expect(Array.from(weights)).toEqual(Array(3).fill(Math.fround(1 / 3)));
  });

  test("rejects k outside [1, patches]", () => {
    expect(() => topKWeights([1, 2], 1, 2, 3)).toThrow(
      /k must be an integer in \[1, 2\], got 3/,
    );
  });

  test("rejects a size mismatch", () => {
    expect(() => topKWeights([1, 2, 3], 1, 2, 1)).toThrow(
      /expected 1 × 2 values, got 3/,
    );
  });
});

describe.each(BACKENDS)("topKMean on %s", (backend) => {
  beforeAll(() => useBackend(backend));

  test("averages the k largest values", () => {
    const mean = tf.tidy(() =>
      topKMean(tf.tensor2d([[0.5, 3, 1, 2]]), 2).arraySync(),
    );
    expectClose(mean, [2.5], "Top-2 mean");
  });

  test("gradient is 1/k on the chosen entries only", () => {
    const grad = tf.tidy(() =>
      tf
        .grad((x: tf.Tensor) => tf.sum(topKMean(x as tf.Tensor2D, 2)))(
          tf.tensor2d([
            [0.5, 3, 1, 2],
            [4, 4, 4, 0],
          ]),
        )
        .dataSync(),
    );
    expectClose(grad, [0, 0.5, 0, 0.5, 0.5, 0.5, 0, 0], "gradient");
  });
});
