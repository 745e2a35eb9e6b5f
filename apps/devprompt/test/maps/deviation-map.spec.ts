import { deviationMap } from "../../src/maps/deviation-map";

describe("deviationMap", () => {
  const abnormal = Float32Array.from([0, 1]);

  it("matches hand-computed deviations", () => {
    // Scores ⟨z, ā⟩ are 0.8, −0.6 and 0; with μ = 0.1 and σ = 0.5 the
    // deviations are 1.4, 1.4 and 0.2.
    const patches = Float32Array.from([0.6, 0.8, 0.8, -0.6, 1, 0]);
    const map = deviationMap(patches, 3, 2, abnormal, 0.1, 0.5);
    expect(map[0]).toBeCloseTo(1.4, 6);
    expect(map[1]).toBeCloseTo(1.4, 6);
    expect(map[2]).toBeCloseTo(0.2, 6);
  });

  it("equals |score| for the exact N(0, 1) reference", () => {
    const map = deviationMap(
      Float32Array.from([0, -0.3]),
      1,
      2,
      abnormal,
      0,
      1,
    );
    expect(map[0]).toBeCloseTo(0.3, 7);
  });

  it("rejects a non-positive sigma", () => {
    expect(() =>
      deviationMap(new Float32Array(2), 1, 2, abnormal, 0, 0),
    ).toThrow(/sigma must be a positive number, got 0/);
  });
});
