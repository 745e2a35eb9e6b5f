import { abnormalProbability } from "../../src/maps/abnormal-probability";
import { MAP_TOLERANCE, expectClose } from "../support/tolerance";

describe("abnormalProbability", () => {
  it("returns one half for equal similarities", () => {
    expect(abnormalProbability(0.3, 0.3, 4.6)).toBe(0.5);
  });

  it("matches a hand-computed softmax", () => {
    // softmax([4.6 · 0.3, 4.6 · 0.1])[1] = e^0.46 / (e^1.38 + e^0.46)
    const expected = Math.exp(0.46) / (Math.exp(1.38) + Math.exp(0.46));
    expectClose(abnormalProbability(0.3, 0.1, 4.6), expected, MAP_TOLERANCE);
  });

  it("is symmetric under swapping the classes", () => {
    const p = abnormalProbability(0.2, 0.7, 4.6);
    const q = abnormalProbability(0.7, 0.2, 4.6);
    expectClose(p + q, 1, MAP_TOLERANCE);
  });

  it("stays finite for extreme logits", () => {
    expect(abnormalProbability(-1, 1, 1000)).toBe(1);
    expect(abnormalProbability(1, -1, 1000)).toBe(0);
  });
});
