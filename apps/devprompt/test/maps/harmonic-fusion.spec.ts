import { fuseMaps, harmonicFusion } from "../../src/maps/harmonic-fusion";

describe("harmonicFusion", () => {
  it("matches hand-computed values", () => {
    expect(harmonicFusion(0.5, 0.5)).toBe(0.25);
    expect(harmonicFusion(1, 0.25)).toBeCloseTo(0.2, 12);
  });

  it("is half the usual harmonic mean", () => {
    const a = 0.3;
    const b = 0.8;
    expect(harmonicFusion(a, b)).toBeCloseTo((2 * a * b) / (a + b) / 2, 12);
  });

  it("is symmetric and below both inputs", () => {
    expect(harmonicFusion(0.2, 0.9)).toBe(harmonicFusion(0.9, 0.2));
    expect(harmonicFusion(0.2, 0.9)).toBeLessThan(0.2);
  });

  it("returns 0 when an input is 0 or negative", () => {
    expect(harmonicFusion(0, 0.7)).toBe(0);
    expect(harmonicFusion(0.7, 0)).toBe(0);
    expect(harmonicFusion(0, 0)).toBe(0);
    expect(harmonicFusion(-1e-8, 0.7)).toBe(0);
  });

  it("propagates NaN", () => {
    expect(harmonicFusion(NaN, 0.5)).toBeNaN();
  });
});

describe("fuseMaps", () => {
  it("fuses element by element", () => {
    const fused = fuseMaps(
      Float32Array.from([0.5, 0, 1]),
      Float32Array.from([0.5, 0.3, 1]),
    );
    expect(Array.from(fused)).toEqual([0.25, 0, 0.5]);
  });

  it("rejects maps of different sizes", () => {
    expect(() => fuseMaps(new Float32Array(4), new Float32Array(3))).toThrow(
      /textual map has 4 values but visual map has 3/,
    );
  });
});
