import { gaussianSamples, referenceStatistics } from "../src";
import { expectClose } from "./support/tolerance";

describe("referenceStatistics", () => {
  test("exact reference is mean 0 and std 1", () => {
    expect(
      referenceStatistics({
        reference: "exact",
        referenceSamples: 5000,
        seed: 1,
      }),
    ).toEqual({ mean: 0, std: 1 });
  });

  test("two draws give mean and half the gap", () => {
    // Population standard deviation of {x0, x1} is |x0 − x1| / 2.
    const [x0, x1] = gaussianSamples(2, 5);
    const stats = referenceStatistics({
      reference: "sampled",
      referenceSamples: 2,
      seed: 5,
    });
    expectClose(stats.mean, (x0 + x1) / 2, "mean", 1e-12);
    expectClose(stats.std, Math.abs(x0 - x1) / 2, "std", 1e-12);
  });

  test("5000 draws land near N(0, 1)", () => {
    const stats = referenceStatistics({
      reference: "sampled",
      referenceSamples: 5000,
      seed: 111,
    });
    // Five standard errors: 5 / sqrt(5000) = 0.071 for the mean and
    // 5 · sqrt(1 / (2 · 5000)) = 0.05 for the standard deviation.
    expect(Math.abs(stats.mean)).toBeLessThan(0.071);
    expect(Math.abs(stats.std - 1)).toBeLessThan(0.05);
  });

  test("sampled reference is deterministic", () => {
    const spec = {
      reference: "sampled",
      referenceSamples: 100,
      seed: 8,
    } as const;
    expect(referenceStatistics(spec)).toEqual(referenceStatistics(spec));
  });

  test("rejects fewer than two draws", () => {
    expect(() =>
      referenceStatistics({
        reference: "sampled",
        referenceSamples: 1,
        seed: 1,
      }),
    ).toThrow(/referenceSamples must be an integer >= 2, got 1/);
  });
});
