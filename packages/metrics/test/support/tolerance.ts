/**
 * The one tolerance helper of the metric tests.
 *
 * Two tolerances cover every comparison:
 * - `SAME_MATHS` (1e-12) for two float64 computations of the same quantity
 *   that sum in a different order. The sums here have up to about 6 * 10^5
 *   terms in [0, 1]. The code under test compensates its sums of region
 *   shares, and the remaining sums (trapezoid areas, precision terms) differ
 *   by less than 1e-12 in these tests, although n * 2^-53 would allow 1e-10.
 * - `GOLDEN` (1e-6) for values against scikit-learn or the Python AUPRO
 *   reference stored in fixtures, the acceptance bar for matching them.
 */
export const SAME_MATHS = 1e-12;

/** Tolerance against the stored scikit-learn and Python reference values. */
export const GOLDEN = 1e-6;

/**
 * Fails with the label, both values and their difference unless
 * `|actual - expected| <= tolerance`; NaN only matches NaN.
 */
export function expectClose(
  actual: number,
  expected: number,
  tolerance: number,
  label: string,
): void {
  if (Number.isNaN(expected) && Number.isNaN(actual)) return;

  const difference = Math.abs(actual - expected);
  if (!(difference <= tolerance)) {
    throw new Error(
      `${label}: expected ${expected}, got ${actual} (difference ${difference}, tolerance ${tolerance})`,
    );
  }
}
