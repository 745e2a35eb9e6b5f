/**
 * Throws when a flat array does not hold `rows × cols` values.
 *
 * @param name - what the array is, used in the message
 * @param data - the flat row-major array
 * @param rows - expected number of rows
 * @param cols - expected number of columns
 * @internal
 */
export function checkMatrix(
  name: string,
  data: ArrayLike<number>,
  rows: number,
  cols: number,
): void {
  if (!Number.isInteger(rows) || rows <= 0) {
    throw new RangeError(
      `${name}: rows must be a positive integer, got ${rows}`,
    );
  }
  if (!Number.isInteger(cols) || cols <= 0) {
    throw new RangeError(
      `${name}: columns must be a positive integer, got ${cols}`,
    );
  }
  if (data.length !== rows * cols) {
    throw new RangeError(
      `${name}: expected ${rows} × ${cols} = ${rows * cols} values, got ${data.length}`,
    );
  }
}

/**
 * Throws when two arrays that are combined element by element differ in
 * length.
 *
 * @internal
 */
export function checkSameLength(
  nameA: string,
  a: ArrayLike<number>,
  nameB: string,
  b: ArrayLike<number>,
): void {
  if (a.length !== b.length) {
    throw new RangeError(
      `${nameA} has ${a.length} values but ${nameB} has ${b.length}; both must describe the same grid`,
    );
  }
}
