/**
 * The tolerance helper of the clip-encoders tests.
 *
 * float32 has a 24-bit significand (relative spacing about 6e-8). A value
 * that comes out of a reduction of n terms carries a rounding error of
 * roughly n · 6e-8 relative to the magnitude of its terms, and two
 * implementations that sum in different orders differ by about that much.
 * The tests therefore compare with an absolute bound chosen per case:
 * 1e-6 for a few-term hand-computed value, 1e-4 for unit-norm features after
 * a 12-block transformer (the acceptance bound for the image encoder).
 * On failure the message names the first offending index with both values.
 */
export function expectAllClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  maxAbs: number,
  label = "values",
): void {
  if (actual.length !== expected.length) {
    throw new Error(
      `${label}: expected ${expected.length} values, got ${actual.length}`,
    );
  }

  const { index, difference } = maxAbsDifference(actual, expected);
  if (!(difference <= maxAbs)) {
    throw new Error(
      `${label}: max abs difference ${difference} exceeds ${maxAbs} at index ${index} (actual ${actual[index]}, expected ${expected[index]})`,
    );
  }
}

/** Largest absolute difference and its index; NaN anywhere counts as infinite. */
export function maxAbsDifference(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
): { index: number; difference: number } {
  let index = 0;
  let difference = 0;
  for (let i = 0; i < actual.length; i++) {
    let d = Math.abs(actual[i] - expected[i]);
    if (Number.isNaN(d)) {
      d = Infinity;
    }
    if (d > difference) {
      difference = d;
      index = i;
    }
  }
  return { index, difference };
}
