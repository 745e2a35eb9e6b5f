import * as tf from "@tensorflow/tfjs";

import { prepareLossInputs, validateLossBatch, type LossBatch } from "../src";
import { empty, matrix } from "./support/arrays";
import { expectClose } from "./support/tolerance";

const batch: LossBatch = {
  patchFeatures: matrix([
    [
      [1, 0],
      [0, 1],
    ],
  ]),
  globalFeatures: matrix([[0.6, 0.8]]),
  normalText: matrix([[2, 0]]),
  manualAbnormalText: matrix([[0, 3]]),
  learnedAbnormalText: empty(2),
  labels: [1],
  logitScale: 4.6,
};

describe("validateLossBatch", () => {
  test("returns images, patches and dim", () => {
    expect(validateLossBatch(batch)).toEqual({ images: 1, patches: 2, dim: 2 });
  });

  test.each<[string, Partial<LossBatch>, RegExp]>([
    [
      "a 2-D patch map",
      { patchFeatures: matrix([[1, 0]]) },
      /patchFeatures must have shape \[images, patches, dim\], got \[1, 2\]/,
    ],
    [
      "a short data array",
      { patchFeatures: { data: new Float32Array(3), shape: [1, 2, 2] } },
      /patchFeatures has 3 values but its shape \[1, 2, 2\] needs 4/,
    ],
    [
      "a text dimension mismatch",
      { normalText: matrix([[1, 0, 0]]) },
      /normalText has feature dimension 3 but the patch features have 2/,
    ],
    [
      "no normal prompt",
      { normalText: empty(2) },
      /normalText needs at least one normal prompt/,
    ],
    [
      "no abnormal prompt",
      { manualAbnormalText: empty(2) },
      /hold no abnormal prompt between them/,
    ],
    [
      "a label count mismatch",
      { labels: [0, 1] },
      /labels has 2 entries but the batch has 1 images/,
    ],
    [
      "a soft label",
      { labels: [0.5] },
      /labels\[0\] is 0.5; use 0 for a normal image and 1 for an anomalous one/,
    ],
    [
      "a NaN logit scale",
      { logitScale: NaN },
      /logitScale must be a finite number .*got NaN/,
    ],
    [
      "a global image count mismatch",
      {
        globalFeatures: matrix([
          [1, 0],
          [0, 1],
        ]),
      },
      /globalFeatures has 2 images but patchFeatures has 1/,
    ],
  ])("rejects %s", (_case, change, message) => {
    expect(() => validateLossBatch({ ...batch, ...change })).toThrow(message);
  });

  test("global source needs global features", () => {
    expect(() =>
      validateLossBatch({ ...batch, globalFeatures: undefined }, "global"),
    ).toThrow(/featureSource "global" needs globalFeatures/);
  });
});

describe("prepareLossInputs", () => {
  const text = () => ({
    normal: tf.tensor2d([[2, 0]]),
    manualAbnormal: tf.tensor2d([[0, 3]]),
    learnedAbnormal: tf.zeros([0, 2]) as tf.Tensor2D,
  });

  test("patch source keeps the patch map", () => {
    const shape = tf.tidy(
      () => prepareLossInputs(batch, text()).patchFeatures.shape,
    );
    expect(shape).toEqual([1, 2, 2]);
  });

  test("global source makes a one-patch map", () => {
    const result = tf.tidy(() => {
      const inputs = prepareLossInputs(batch, text(), {
        featureSource: "global",
      });
      return {
        shape: inputs.patchFeatures.shape,
        values: Array.from(inputs.patchFeatures.dataSync()),
        source: inputs.featureSource,
      };
    });
    expect(result.shape).toEqual([1, 1, 2]);
    expectClose(result.values, [0.6, 0.8], "global features");
    expect(result.source).toBe("global");
  });

  test("labels default to normal", () => {
    const labels = tf.tidy(() =>
      Array.from(
        prepareLossInputs(
          { ...batch, labels: undefined },
          text(),
        ).labels.dataSync(),
      ),
    );
    expect(labels).toEqual([0]);
  });

  test("anchors come from the given text tensors", () => {
    const anchors = tf.tidy(() => {
      const { text: derived } = prepareLossInputs(batch, text());
      return [
        ...derived.normalAnchor.dataSync(),
        ...derived.abnormalAnchor.dataSync(),
      ];
    });
    expectClose(anchors, [1, 0, 0, 1], "n̄ then ā");
  });
});
