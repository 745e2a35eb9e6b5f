import { checkMatrix } from "./check-shape";

/**
 * L2-normalises each row of a row-major matrix into a new array.
 *
 * A row of zeros stays zero (no division by zero), because an all-zero
 * feature has no direction to keep.
 *
 * @param data - matrix of shape (rows, dim), row-major
 * @param rows - number of rows
 * @param dim - row length
 * @returns a new Float32Array of shape (rows, dim) whose rows have unit norm
 */
export function l2NormalizeRows(
  data: Float32Array,
  rows: number,
  dim: number,
): Float32Array {
  checkMatrix("l2NormalizeRows input", data, rows, dim);
  const out = new Float32Array(data.length);

  for (let r = 0; r < rows; r++) {
    const offset = r * dim;
    let sumSquares = 0;
    for (let c = 0; c < dim; c++) {
      const v = data[offset + c];
      sumSquares += v * v;
    }
    const norm = Math.sqrt(sumSquares);
    if (norm === 0) continue;
    for (let c = 0; c < dim; c++) {
      out[offset + c] = data[offset + c] / norm;
    }
  }
  return out;
}
