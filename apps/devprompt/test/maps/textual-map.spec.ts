import { abnormalProbability } from "../../src/maps/abnormal-probability";
import { textualMap } from "../../src/maps/textual-map";

describe("textualMap", () => {
  const normal = Float32Array.from([1, 0]);
  const abnormal = Float32Array.from([0, 1]);

  it("scores each patch by its two similarities", () => {
    // Patch 0 equals the normal anchor, patch 1 the abnormal one, patch 2 lies between.
    const s = Math.SQRT1_2;
    const patches = Float32Array.from([1, 0, 0, 1, s, s]);
    const map = textualMap(patches, 3, 2, normal, abnormal, 4.6);
    expect(map[0]).toBeCloseTo(abnormalProbability(1, 0, 4.6), 7);
    expect(map[1]).toBeCloseTo(abnormalProbability(0, 1, 4.6), 7);
    expect(map[2]).toBeCloseTo(0.5, 7);
  });

  it("keeps the patch order", () => {
    const patches = Float32Array.from([0, 1, 1, 0]);
    const map = textualMap(patches, 2, 2, normal, abnormal, 4.6);
    expect(map[0]).toBeGreaterThan(0.5);
    expect(map[1]).toBeLessThan(0.5);
  });

  it("rejects features of the wrong size", () => {
    expect(() =>
      textualMap(new Float32Array(5), 3, 2, normal, abnormal, 4.6),
    ).toThrow(/expected 3 × 2 = 6 values, got 5/);
  });

  it("rejects an anchor of another width", () => {
    expect(() =>
      textualMap(
        new Float32Array(6),
        3,
        2,
        Float32Array.from([1, 0, 0]),
        abnormal,
        4.6,
      ),
    ).toThrow(/normal anchor/);
  });
});
