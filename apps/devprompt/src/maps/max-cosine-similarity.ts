import { checkMatrix } from "./check-shape";

/** Query rows processed together by the blocked kernel. */
const QUERY_BLOCK = 4;
/** Memory rows processed together by the blocked kernel. */
const MEMORY_BLOCK = 4;

/**
 * Finds, for every query row, the largest dot product with any memory row.
 *
 * For unit-norm rows this is the cosine similarity of the nearest memory
 * row. The kernel reads 4 query rows and 4 memory rows per pass over the
 * channels and keeps 16 running sums, so each value loaded from memory is
 * used four times. Sums are accumulated in float64.
 *
 * @param queries - shape (queryRows, dim), row-major
 * @param queryRows - number of query rows (patches of one image)
 * @param memory - shape (memoryRows, dim), row-major
 * @param memoryRows - number of memory rows (shots × patches)
 * @param dim - row length
 * @returns Float64Array of length queryRows with the maximum dot product
 */
export function maxDotProducts(
  queries: Float32Array,
  queryRows: number,
  memory: Float32Array,
  memoryRows: number,
  dim: number,
): Float64Array {
  checkMatrix("maxDotProducts queries", queries, queryRows, dim);
  checkMatrix("maxDotProducts memory", memory, memoryRows, dim);
  const best = new Float64Array(queryRows).fill(-Infinity);
  const fullQueryRows = queryRows - (queryRows % QUERY_BLOCK);
  const fullMemoryRows = memoryRows - (memoryRows % MEMORY_BLOCK);

  for (let q = 0; q < fullQueryRows; q += QUERY_BLOCK) {
    const q0 = q * dim;
    const q1 = q0 + dim;
    const q2 = q1 + dim;
    const q3 = q2 + dim;
    let b0 = -Infinity;
    let b1 = -Infinity;
    let b2 = -Infinity;
    let b3 = -Infinity;

    for (let m = 0; m < fullMemoryRows; m += MEMORY_BLOCK) {
      const m0 = m * dim;
      const m1 = m0 + dim;
      const m2 = m1 + dim;
      const m3 = m2 + dim;
      let s00 = 0,
        s01 = 0,
        s02 = 0,
        s03 = 0;
      let s10 = 0,
        s11 = 0,
        s12 = 0,
        s13 = 0;
      let s20 = 0,
        s21 = 0,
        s22 = 0,
        s23 = 0;
      let s30 = 0,
        s31 = 0,
        s32 = 0,
        s33 = 0;
      for (let c = 0; c < dim; c++) {
        const a0 = queries[q0 + c];
        const a1 = queries[q1 + c];
        const a2 = queries[q2 + c];
        const a3 = queries[q3 + c];
        const v0 = memory[m0 + c];
        const v1 = memory[m1 + c];
        const v2 = memory[m2 + c];
        const v3 = memory[m3 + c];
        s00 += a0 * v0;
        s01 += a0 * v1;
        s02 += a0 * v2;
        s03 += a0 * v3;
        s10 += a1 * v0;
        s11 += a1 * v1;
        s12 += a1 * v2;
        s13 += a1 * v3;
        s20 += a2 * v0;
        s21 += a2 * v1;
        s22 += a2 * v2;
        s23 += a2 * v3;
        s30 += a3 * v0;
        s31 += a3 * v1;
        s32 += a3 * v2;
        s33 += a3 * v3;
      }
      b0 = Math.max(b0, s00, s01, s02, s03);
      b1 = Math.max(b1, s10, s11, s12, s13);
      b2 = Math.max(b2, s20, s21, s22, s23);
      b3 = Math.max(b3, s30, s31, s32, s33);
    }

    best[q] = b0;
    best[q + 1] = b1;
    best[q + 2] = b2;
    best[q + 3] = b3;
  }

  // Rows left over by the blocks: every query against the remaining memory
  // rows, and the remaining queries against all memory rows.
  for (let q = 0; q < queryRows; q++) {
    const firstMemoryRow = q < fullQueryRows ? fullMemoryRows : 0;
    let b = best[q];
    for (let m = firstMemoryRow; m < memoryRows; m++) {
      b = Math.max(b, dot(queries, q * dim, memory, m * dim, dim));
    }
    best[q] = b;
  }
  return best;
}

function dot(
  a: Float32Array,
  aOffset: number,
  b: Float32Array,
  bOffset: number,
  dim: number,
): number {
  let sum = 0;
  for (let c = 0; c < dim; c++) sum += a[aOffset + c] * b[bOffset + c];
  return sum;
}
