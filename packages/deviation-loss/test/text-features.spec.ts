import * as tf from "@tensorflow/tfjs";

import { deriveTextFeatures, l2NormalizeRows, meanAnchor } from "../src";
import { BACKENDS, useBackend } from "./support/backends";
import { expectClose } from "./support/tolerance";

describe.each(BACKENDS)("text features on %s", (backend) => {
  beforeAll(() => useBackend(backend));

  test("l2NormalizeRows divides each row by its norm", () => {
    const rows = tf.tidy(() =>
      l2NormalizeRows(
        tf.tensor2d([
          [3, 4],
          [0, -2],
        ]),
      ).arraySync(),
    );
    expectClose(rows.flat(), [0.6, 0.8, 0, -1], "rows");
  });

  test("meanAnchor normalises the mean, not the rows", () => {
    // Mean of (4, 0) and (0, 1) is (2, 0.5); normalising the rows first
    // would give (0.5, 0.5) instead.
    const anchor = tf.tidy(() =>
      meanAnchor(
        tf.tensor2d([
          [4, 0],
          [0, 1],
        ]),
      ).arraySync(),
    );
    const norm = Math.hypot(2, 0.5);
    expectClose(anchor, [2 / norm, 0.5 / norm], "anchor");
  });

  test("abnormal anchor pools manual and learned", () => {
    const derived = tf.tidy(() => {
      const text = deriveTextFeatures(
        tf.tensor2d([[1, 0]]),
        tf.tensor2d([[0, 2]]),
        tf.tensor2d([[2, 0]]),
      );
      return {
        normal: text.normalAnchor.arraySync(),
        abnormal: text.abnormalAnchor.arraySync(),
        rows: text.abnormalNormalized.arraySync(),
      };
    });
    expectClose(derived.normal, [1, 0], "n̄");
    expectClose(derived.abnormal, [Math.SQRT1_2, Math.SQRT1_2], "ā");
    expectClose(derived.rows.flat(), [0, 1, 1, 0], "rows, manual first");
  });

  test("empty learned group is allowed", () => {
    const anchor = tf.tidy(() =>
      deriveTextFeatures(
        tf.tensor2d([[1, 0]]),
        tf.tensor2d([[0, 5]]),
        tf.zeros([0, 2]) as tf.Tensor2D,
      ).abnormalAnchor.arraySync(),
    );
    expectClose(anchor, [0, 1], "ā");
  });
});
