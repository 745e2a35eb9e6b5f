import type { RunConfig } from "../../src/config/run-config";
import { deviationReference } from "../../src/pipeline/scorer";

const config = (lossTerms: unknown[]): RunConfig => ({
  command: "train",
  createdBy: "devprompt test",
  options: {},
  sources: {},
  details: { lossTerms },
});

describe("deviationReference", () => {
  it("uses exact N(0, 1) when the loss says so", () => {
    const reference = deviationReference(
      config([{ name: "deviation", options: { reference: "exact" } }]),
    );
    expect(reference).toEqual({ mu: 0, sigma: 1 });
  });

  it("uses the sampled reference of the deviation term", () => {
    const reference = deviationReference(config([{ name: "deviation" }]));
    expect(reference.mu).not.toBe(0);
    expect(Math.abs(reference.mu)).toBeLessThan(0.1);
    expect(Math.abs(reference.sigma - 1)).toBeLessThan(0.1);
  });

  it("falls back to the module defaults without a deviation term", () => {
    const withTerm = deviationReference(config([{ name: "deviation" }]));
    const without = deviationReference(config([{ name: "alignment" }]));
    expect(without).toEqual(withTerm);
  });
});
