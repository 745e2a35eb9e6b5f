/**
 * Checks that two arrays agree element-wise within an absolute tolerance.
 * This is the one tolerance helper of this package's tests. Pixel values
 * are compared in 8-bit levels or in normalised units. Each call site
 * states its tolerance with the reason (for example "one level: the
 * fixed-point rounding of a different resampler"). On failure the message
 * names the first offending index with actual and expected values and the
 * count of all offenders.
 */
export function expectAllClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance: number,
  label = "values",
): void {
  if (actual.length !== expected.length) {
    throw new Error(
      `${label}: length ${actual.length}, expected ${expected.length}`,
    );
  }
  let first = -1;
  let count = 0;
  let maxDiff = 0;
  for (let i = 0; i < actual.length; i++) {
    const diff = Math.abs(actual[i] - expected[i]);
    maxDiff = Math.max(maxDiff, diff);
    if (!(diff <= tolerance)) {
      if (first < 0) first = i;
      count++;
    }
  }
  if (count > 0) {
    throw new Error(
      `${label}: ${count} of ${actual.length} differ by more than ${tolerance} ` +
        `(max ${maxDiff}); first at index ${first}: actual ${actual[first]}, ` +
        `expected ${expected[first]}`,
    );
  }
}
