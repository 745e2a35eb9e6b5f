import * as tf from "@tensorflow/tfjs";

import {
  CompositeLoss,
  computeLossAndGrads,
  createLossRegistry,
  defineLoss,
} from "../src";
import { onePatchBatch } from "./support/arrays";
import { expectClose } from "./support/tolerance";

const constant = (name: string, value: number) =>
  defineLoss({
    name,
    description: "A constant.",
    options: {},
    compute: () => tf.scalar(value),
  });

const batch = onePatchBatch;

describe("CompositeLoss", () => {
  test("total is the weighted sum of the terms", () => {
    const registry = createLossRegistry()
      .register(constant("two", 2))
      .register(constant("three", 3));
    const loss = registry.build([
      { name: "two", weight: 0.5 },
      { name: "three", weight: 4 },
    ]);
    const result = computeLossAndGrads(loss, batch);
    expectClose(result.total, 13, "total");
    expect(result.terms).toEqual({ two: 2, three: 3 });
  });

  test("weight zero keeps the term in the report", () => {
    const loss = createLossRegistry()
      .register(constant("five", 5))
      .build([{ name: "five", weight: 0 }]);
    const result = computeLossAndGrads(loss, batch);
    expect(result.total).toBe(0);
    expect(result.terms).toEqual({ five: 5 });
  });

  test("a module returning a vector is named", () => {
    const vector = defineLoss({
      name: "vector",
      description: "Not a scalar.",
      options: {},
      compute: () => tf.ones([2]) as unknown as tf.Scalar,
    });
    const loss = createLossRegistry()
      .register(vector)
      .build([{ name: "vector" }]);
    expect(() => computeLossAndGrads(loss, batch)).toThrow(
      'loss module "vector" must return a scalar tensor, got [2]; reduce it with tf.mean or tf.sum',
    );
  });

  test("rejects an empty list of terms", () => {
    expect(() => new CompositeLoss([])).toThrow(/at least one term/);
  });

  test("terms are frozen", () => {
    const loss = createLossRegistry().build("promptad");
    expect(Object.isFrozen(loss.terms)).toBe(true);
  });
});
