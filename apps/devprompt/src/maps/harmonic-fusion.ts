import { checkSameLength } from "./check-shape";

/**
 * Fuses two scores as `1 / (1/a + 1/b)`.
 *
 * This is the expression of the PromptAD reference code. It equals half the
 * usual harmonic mean `2ab / (a + b)`, which only rescales the result and
 * leaves every ranking metric unchanged. When either input is 0 or negative
 * the result is 0, the limit of the expression as that input goes to 0 from
 * above, so a patch that matches the memory exactly gets no anomaly score.
 *
 * @param a - first score, expected in [0, 1]
 * @param b - second score, expected in [0, 1]
 * @returns the fused score, in [0, min(a, b)]; NaN when an input is NaN
 */
export function harmonicFusion(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return NaN;
  if (a <= 0 || b <= 0) return 0;
  return 1 / (1 / a + 1 / b);
}

/**
 * Fuses two maps on the same grid element by element with
 * {@link harmonicFusion}.
 *
 * @param textual - textual map, length patches
 * @param visual - visual-memory map, length patches
 * @returns Float32Array of length patches
 */
export function fuseMaps(
  textual: Float32Array,
  visual: Float32Array,
): Float32Array {
  checkSameLength("textual map", textual, "visual map", visual);
  const out = new Float32Array(textual.length);
  for (let i = 0; i < textual.length; i++) {
    out[i] = harmonicFusion(textual[i], visual[i]);
  }
  return out;
}
