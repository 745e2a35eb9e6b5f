import { assertValidSeed, gaussianSamples } from "./random";

/** Mean μ and standard deviation σ that deviations are measured against. */
export interface ReferenceStatistics {
  /** Reference mean μ, in units of the patch score ⟨z, ā⟩. */
  readonly mean: number;
  /** Reference standard deviation σ, > 0. */
  readonly std: number;
}

/**
 * Recipe of the reference. `sampled` draws `referenceSamples` numbers from
 * N(0, 1) with `seed`; Deviation Networks (Pang et al., KDD 2019) use 5000
 * draws. `exact` uses μ = 0 and σ = 1.
 */
export interface ReferenceSpec {
  /** `sampled` (μ, σ of seeded draws) or `exact` (μ = 0, σ = 1). */
  readonly reference: "sampled" | "exact";
  /** Number of N(0, 1) draws r for `sampled`, an integer >= 2. */
  readonly referenceSamples: number;
  /** Seed of the draws for `sampled`, an integer in [0, 2^32 - 1]. */
  readonly seed: number;
}

/**
 * Computes μ and σ of the deviation reference. For `sampled`, σ is the
 * population standard deviation (divisor r), as Keras' `K.std` in the
 * Deviation Networks code computes it.
 *
 * @param spec - reference kind, number of draws and seed
 * @returns μ and σ; `{ mean: 0, std: 1 }` for `exact`
 * @example
 * ```ts
 * referenceStatistics({ reference: 'sampled', referenceSamples: 5000, seed: 111 });
 * // { mean: ≈0, std: ≈1 }, the same numbers on every run
 * ```
 */
export function referenceStatistics(spec: ReferenceSpec): ReferenceStatistics {
  if (spec.reference === "exact") {
    return { mean: 0, std: 1 };
  }
  const count = spec.referenceSamples;
  if (!Number.isInteger(count) || count < 2) {
    throw new RangeError(
      `referenceStatistics: referenceSamples must be an integer >= 2, got ${count}`,
    );
  }
  assertValidSeed(spec.seed, "referenceStatistics");

  const samples = gaussianSamples(count, spec.seed);
  let sum = 0;
  for (const value of samples) {
    sum += value;
  }
  const mean = sum / count;

  let squares = 0;
  for (const value of samples) {
    squares += (value - mean) * (value - mean);
  }
  return { mean, std: Math.sqrt(squares / count) };
}
