import { abnormalProbability } from "../../src/maps/abnormal-probability";
import { globalTextualScore, imageScore } from "../../src/maps/image-score";

describe("globalTextualScore", () => {
  it("scores the global embedding against both anchors", () => {
    const g = Float32Array.from([0.6, 0.8]);
    const score = globalTextualScore(
      g,
      Float32Array.from([1, 0]),
      Float32Array.from([0, 1]),
      4.6,
    );
    expect(score).toBeCloseTo(abnormalProbability(0.6, 0.8, 4.6), 6);
  });

  it("rejects anchors of another width", () => {
    expect(() =>
      globalTextualScore(
        new Float32Array(3),
        new Float32Array(2),
        new Float32Array(3),
        4.6,
      ),
    ).toThrow(/normal anchor/);
  });
});

describe("imageScore", () => {
  it("fuses the global score with the peak of the visual map", () => {
    const visual = Float32Array.from([0.1, 0.5, 0.2]);
    expect(imageScore(0.5, visual)).toBeCloseTo(0.25, 7);
  });

  it("ignores every value but the peak", () => {
    const a = imageScore(0.4, Float32Array.from([0.3, 0.05]));
    const b = imageScore(0.4, Float32Array.from([0.3, 0.29]));
    expect(a).toBe(b);
  });

  it("rejects an empty map", () => {
    expect(() => imageScore(0.5, new Float32Array(0))).toThrow(
      /visual map is empty/,
    );
  });
});
