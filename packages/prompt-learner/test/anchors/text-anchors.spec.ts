import { computeTextAnchors } from "../../src";

import { expectClose } from "../helpers";

const groups = {
  normal: { start: 0, count: 2 },
  manualAbnormal: { start: 2, count: 1 },
  learnedAbnormal: { start: 3, count: 1 },
};

describe("computeTextAnchors", () => {
  // Rows: normal (3, 0), (0, 4); manual (0, 2); learned (-1, 0).
  const features = new Float32Array([3, 0, 0, 4, 0, 2, -1, 0]);
  const anchors = computeTextAnchors(features, 2, groups);

  test("normal anchor normalises the mean of raw features", () => {
    // mean (1.5, 2), norm 2.5
    expectClose(anchors.normalAnchor, [0.6, 0.8], 1e-7);
  });

  test("abnormal anchor averages manual and learned together", () => {
    // mean (-0.5, 1), norm sqrt(1.25)
    const norm = Math.sqrt(1.25);
    expectClose(anchors.abnormalAnchor, [-0.5 / norm, 1 / norm], 1e-7);
  });

  test("mean before normalising differs from the mean of unit vectors", () => {
    // Unit vectors (1, 0) and (0, 1) would give (0.707, 0.707) instead.
    expect(anchors.normalAnchor[0]).not.toBeCloseTo(Math.SQRT1_2, 3);
  });

  test("per-prompt features are unit rows", () => {
    expectClose(anchors.normalisedFeatures, [1, 0, 0, 1, 0, 1, -1, 0], 0);
    expect(anchors.dim).toBe(2);
  });

  test("rejects a row count that disagrees with the groups", () => {
    expect(() => computeTextAnchors(new Float32Array(6), 2, groups)).toThrow(
      "text features have 3 rows but the prompt groups list 4 prompts",
    );
  });

  test("rejects a length that is not whole rows", () => {
    expect(() => computeTextAnchors(new Float32Array(7), 2, groups)).toThrow(
      "text features have 7 values, not a whole number of rows of dimension 2",
    );
  });

  test("rejects a zero mean", () => {
    const opposite = new Float32Array([1, 0, -1, 0, 0, 1, 0, 1]);
    expect(() => computeTextAnchors(opposite, 2, groups)).toThrow(
      "cannot normalise the mean of the normal text features: its L2 norm is 0",
    );
  });

  test("rejects an empty abnormal group", () => {
    const empty = {
      normal: { start: 0, count: 1 },
      manualAbnormal: { start: 1, count: 0 },
      learnedAbnormal: { start: 1, count: 0 },
    };
    expect(() =>
      computeTextAnchors(new Float32Array([1, 0]), 2, empty),
    ).toThrow("no abnormal prompts to average for the abnormal anchor");
  });
});
