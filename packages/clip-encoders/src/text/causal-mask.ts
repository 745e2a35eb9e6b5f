/**
 * Builds the additive causal attention mask of the CLIP text transformer,
 * `size × size` row-major: 0 where a query may attend (key position ≤ query
 * position) and −∞ above the diagonal, as OpenCLIP's `build_causal_mask` does.
 *
 * @param size - token positions
 * @returns the mask values
 */
export function causalMaskValues(size: number): Float32Array {
  const values = new Float32Array(size * size);
  for (let row = 0; row < size; row++) {
    values.fill(
      Number.NEGATIVE_INFINITY,
      row * size + row + 1,
      (row + 1) * size,
    );
  }
  return values;
}
