/**
 * The one tolerance of these tests. tfjs computes in float32 (machine
 * epsilon 1.19e-7) and the references are exact or float64. The reductions
 * in the fixtures run over at most a few hundred terms, so the float32
 * rounding error stays below about 100 ulp, i.e. 1.2e-5 relative in the worst
 * case and far less in practice. Values are compared with
 * |actual − expected| <= 1e-5 · max(1, |expected|).
 */
export const FLOAT32_TOLERANCE = 1e-5;

/**
 * Checks that numbers agree within {@link FLOAT32_TOLERANCE} (or `tolerance`)
 * and fails with the first mismatching indices, values and the bound.
 *
 * @param actual - computed values
 * @param expected - reference values, same length
 * @param what - what is compared, for the failure message
 * @param tolerance - relative-or-absolute bound
 */
export function expectClose(
  actual: number | ArrayLike<number>,
  expected: number | ArrayLike<number>,
  what: string,
  tolerance = FLOAT32_TOLERANCE,
): void {
  const a = typeof actual === "number" ? [actual] : Array.from(actual);
  const e = typeof expected === "number" ? [expected] : Array.from(expected);
  if (a.length !== e.length) {
    throw new Error(`${what}: expected ${e.length} values, got ${a.length}`);
  }
  const failures: string[] = [];
  for (let i = 0; i < e.length; i++) {
    const bound = tolerance * Math.max(1, Math.abs(e[i]));
    if (!(Math.abs(a[i] - e[i]) <= bound)) {
      failures.push(`[${i}] actual ${a[i]}, expected ${e[i]}, bound ${bound}`);
    }
  }
  if (failures.length > 0) {
    throw new Error(
      `${what}: ${failures.length} of ${e.length} values differ\n` +
        failures.slice(0, 5).join("\n"),
    );
  }
}
