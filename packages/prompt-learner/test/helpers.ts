/**
 * Shared test helpers: a word-level stand-in tokenizer and the one tolerance
 * check of this package's tests.
 */

/** CLIP's start and end token ids. */
export const START = 49406;
export const END = 49407;

/**
 * Tokenises like CLIP in structure (start, tokens, end, zero padding to
 * `length`) with one id per word or punctuation run, assigned in order of
 * first appearance from 1000. Truncates like CLIP, keeping the end token.
 */
export function makeWordTokenizer(length = 77): (text: string) => Int32Array {
  const vocabulary = new Map<string, number>();
  return (text: string) => {
    const words = text.toLowerCase().match(/[a-z0-9]+|[^\sa-z0-9]+/g) ?? [];
    const ids = [START];
    for (const word of words) {
      if (!vocabulary.has(word)) vocabulary.set(word, 1000 + vocabulary.size);
      ids.push(vocabulary.get(word) as number);
    }
    const row = new Int32Array(length);
    row.set(ids.slice(0, length - 1));
    row[Math.min(ids.length, length - 1)] = END;
    return row;
  };
}

/**
 * Asserts `|actual - expected| <= atol + rtol·|expected|` elementwise and
 * reports the first failing index with both values.
 *
 * Tolerances used in this package: 0 for copies (assembly, save/load), and
 * 1e-6 absolute for float32 values that another implementation recomputed
 * from the same float32 inputs, which allows a few roundings of values of
 * order 1. Finite-difference checks state their own tolerance.
 */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  atol: number,
  rtol = 0,
): void {
  if (actual.length !== expected.length) {
    throw new Error(`length ${actual.length}, expected ${expected.length}`);
  }
  for (let i = 0; i < actual.length; i++) {
    const limit = atol + rtol * Math.abs(expected[i]);
    if (!(Math.abs(actual[i] - expected[i]) <= limit)) {
      throw new Error(
        `index ${i}: actual ${actual[i]}, expected ${expected[i]}, ` +
          `difference ${Math.abs(actual[i] - expected[i])} > ${limit}`,
      );
    }
  }
}
