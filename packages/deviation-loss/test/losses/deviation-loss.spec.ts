import * as tf from "@tensorflow/tfjs";

import {
  computeLossAndGrads,
  createLossRegistry,
  deviationScores,
  referenceStatistics,
  type LossBatch,
} from "../../src";

import { empty, matrix } from "../support/arrays";
import { BACKENDS, useBackend } from "../support/backends";
import { expectClose } from "../support/tolerance";

// One image of three patches (1, 0), (0.6, 0.8), (0, 1). The abnormal
// feature (0, 2) gives ā = (0, 1), so s = (0, 0.8, 1).
const batch: LossBatch = {
  patchFeatures: matrix([
    [
      [1, 0],
      [0.6, 0.8],
      [0, 1],
    ],
  ]),
  normalText: matrix([[1, 0]]),
  manualAbnormalText: matrix([[0, 2]]),
  learnedAbnormalText: empty(2),
  logitScale: 4.6,
};

function deviation(options: Record<string, unknown>, labels?: number[]) {
  const loss = createLossRegistry().build([{ name: "deviation", options }]);
  return computeLossAndGrads(loss, { ...batch, labels });
}

const exact = { reference: "exact" };

describe.each(BACKENDS)("deviation loss on %s", (backend) => {
  beforeAll(() => useBackend(backend));

  test("deviation averages the top K of a normal image", () => {
    // Top 2 of (0, 0.8, 1) is (1, 0.8): D = 0.9, loss = λ · |D| = 0.9.
    const result = deviation({ ...exact, topK: { count: 2 } });
    expectClose(result.total, 0.9, "loss");

    // dL/dā = mean of the two chosen patches = (0.3, 0.9); ā = u/‖u‖
    // with u = (0, 2): dL/du = (I − āāᵀ)(0.3, 0.9) / 2 = (0.15, 0).
    expectClose(result.grads.manualAbnormal.data, [0.15, 0], "dL/d abnormal");
    expectClose(result.grads.normal.data, [0, 0], "dL/d normal");
  });

  test("deviation with K = 1 keeps the largest patch", () => {
    const result = deviation({ ...exact, topK: { count: 1 } });
    expectClose(result.total, 1, "loss");
    // The chosen patch (0, 1) is parallel to ā: no gradient survives.
    expectClose(result.grads.manualAbnormal.data, [0, 0], "dL/d abnormal");
  });

  test("deviation fraction 10 % of 3 patches is K = 1", () => {
    expectClose(deviation({ ...exact, topK: 0.1 }).total, 1, "loss");
  });

  test("deviation clamps K to the patch count", () => {
    // K = 50 > 3 patches: D = mean(0, 0.8, 1) = 0.6.
    const result = deviation({ ...exact, topK: { count: 50 } });
    expectClose(result.total, 0.6, "loss");
    // Patch (1, 0) has s = 0, where |s| has gradient 0 (as in PyTorch), so
    // dL/dā = ((0.6 + 0) / 3, (0.8 + 1) / 3); projected and halved.
    expectClose(result.grads.manualAbnormal.data, [0.1, 0], "dL/d abnormal");
  });

  test("deviation scales the normal term by lambda", () => {
    const result = deviation({ ...exact, topK: { count: 2 }, lambda: 3 });
    expectClose(result.total, 2.7, "loss");
  });

  test("deviation pushes an anomalous image above the margin", () => {
    // y = 1: loss = max(0, a − D) = 5 − 0.9, gradient of −D.
    const result = deviation({ ...exact, topK: { count: 2 } }, [1]);
    expectClose(result.total, 4.1, "loss");
    expectClose(result.grads.manualAbnormal.data, [-0.15, 0], "dL/d abnormal");
  });

  test("deviation is zero above the margin", () => {
    const result = deviation(
      { ...exact, topK: { count: 2 }, margin: 0.5 },
      [1],
    );
    expectClose(result.total, 0, "loss");
    expectClose(result.grads.manualAbnormal.data, [0, 0], "dL/d abnormal");
  });

  test("signed deviation keeps the sign of s − μ", () => {
    // Patch scores turned around: ā = (0, −1) gives s = (0, −0.8, −1);
    // the signed top 2 is (0, −0.8), D = −0.4, loss = |D| = 0.4.
    const flipped: LossBatch = {
      ...batch,
      manualAbnormalText: matrix([[0, -2]]),
    };
    const loss = createLossRegistry().build([
      {
        name: "deviation",
        options: { ...exact, deviation: "signed", topK: { count: 2 } },
      },
    ]);
    expectClose(computeLossAndGrads(loss, flipped).total, 0.4, "signed loss");

    const absolute = createLossRegistry().build([
      { name: "deviation", options: { ...exact, topK: { count: 2 } } },
    ]);
    expectClose(
      computeLossAndGrads(absolute, flipped).total,
      0.9,
      "absolute loss",
    );
  });

  test("sampled reference standardises the scores", () => {
    const { mean, std } = referenceStatistics({
      reference: "sampled",
      referenceSamples: 5000,
      seed: 111,
    });
    const d = [0, 0.8, 1].map((s) => Math.abs(s - mean) / std);
    const top2 = [...d].sort((a, b) => b - a).slice(0, 2);
    const result = deviation({ topK: { count: 2 } });
    expectClose(result.total, (top2[0] + top2[1]) / 2, "loss");
  });

  test("deviation scores form a map per patch", () => {
    const scores = tf.tidy(() =>
      deviationScores(
        tf.tensor3d([
          [
            [1, 0],
            [0.6, 0.8],
            [0, 1],
          ],
        ]),
        tf.tensor1d([0, 1]),
        { mean: 0.5, std: 2 },
        "signed",
      ).arraySync(),
    );
    expectClose(scores.flat(), [-0.25, 0.15, 0.25], "signed map");
  });
});

test("deviation rejects an integer fraction with a hint", () => {
  expect(() =>
    createLossRegistry().build([{ name: "deviation", options: { topK: 10 } }]),
  ).toThrow(
    /expected a fraction in \(0, 1\], got 10; to keep the 10 largest patches write \{ "count": 10 \}/,
  );
});

test.each([
  [{ topK: 0 }, /expected a fraction in \(0, 1\], got 0/],
  [
    { topK: { count: 0 } },
    /\{ "count": n \} with an integer n >= 1, got \{"count":0\}/,
  ],
  [{ topK: { count: 2, extra: 1 } }, /got \{"count":2,"extra":1\}/],
  [{ reference: "numpy" }, /expected one of "sampled", "exact", got "numpy"/],
  [{ referenceSamples: 1 }, /expected an integer >= 2, got 1/],
  [{ seed: -1 }, /expected an integer in \[0, 4294967295\], got -1/],
  [{ lambda: Number.NaN }, /expected a number >= 0, got NaN/],
  [{ deviation: "squared" }, /expected one of "absolute", "signed"/],
])("deviation rejects options %j", (options, message) => {
  expect(() =>
    createLossRegistry().build([{ name: "deviation", options }]),
  ).toThrow(message);
});

test("deviation options keep their defaults", () => {
  const loss = createLossRegistry().build([{ name: "deviation" }]);
  expect(loss.terms[0].module.options).toEqual({
    reference: "sampled",
    referenceSamples: 5000,
    seed: 111,
    deviation: "absolute",
    topK: 0.1,
    lambda: 1,
    margin: 5,
  });
});
