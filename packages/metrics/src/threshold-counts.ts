/**
 * Per-threshold counts from which every exact metric of this package
 * follows, built without sorting the negatives.
 *
 * AUROC, AP, F1-max and PRO change slope only at the scores of positive
 * samples. Between two neighbouring distinct positive scores, lowering the
 * threshold only adds negatives, which moves the ROC and PRO curves along a
 * horizontal line and lowers precision. So it is enough to sort the
 * positives (usually a few percent of the pixels) and to count, for each
 * distinct positive score, the negatives equal to it and the negatives
 * between it and the next lower one.
 *
 * @internal
 */

import { floatBitsToKey } from "./float-key";
import { radixSortScores } from "./radix-sort";

/** Counts at the distinct scores of the positive samples. */
export interface ThresholdCounts {
  /** Distinct positive scores, ascending; length `D`. */
  readonly values: Float64Array;
  /** Number of positive samples at each value; length `D`. */
  readonly positives: Float64Array;
  /**
   * Sum over the positive pixels at each value of 1 / (pixel count of their
   * region); length `D`. Present for pixel data with regions.
   */
  readonly regionOverlap?: Float64Array;
  /** Number of negatives equal to each value; length `D`. */
  readonly negativesEqual: Uint32Array;
  /**
   * Number of negatives strictly between `values[d - 1]` and `values[d]`
   * (below `values[0]` for `d = 0`); entry `D` counts negatives above the
   * highest value. Length `D + 1`.
   */
  readonly negativesBelow: Uint32Array;
  /** Total number of positive samples. */
  readonly positiveTotal: number;
  /** Total number of negative samples. */
  readonly negativeTotal: number;
}

/** Distinct values of a sorted array with their multiplicity and weight. */
export interface DistinctValues {
  /** Distinct values, ascending. */
  readonly values: Float64Array;
  /** Multiplicity of each value. */
  readonly counts: Float64Array;
  /** Summed weights per value; present when weights were given. */
  readonly weights?: Float64Array;
}

/**
 * Collapses a sorted array into its distinct values.
 *
 * @param sorted - Ascending values.
 * @param weightOf - Optional weight of the element at each index.
 */
export function distinctValues(
  sorted: Float32Array | Float64Array,
  weightOf?: (index: number) => number,
): DistinctValues {
  let distinct = 0;
  for (let k = 0; k < sorted.length; k++) {
    if (k === 0 || sorted[k] !== sorted[k - 1]) distinct++;
  }

  const values = new Float64Array(distinct);
  const counts = new Float64Array(distinct);
  const weights = weightOf ? new Float64Array(distinct) : undefined;
  let d = -1;
  for (let k = 0; k < sorted.length; k++) {
    if (k === 0 || sorted[k] !== sorted[k - 1]) values[++d] = sorted[k];
    counts[d]++;
    if (weights && weightOf) weights[d] += weightOf(k);
  }
  return weights ? { values, counts, weights } : { values, counts };
}

/** Zeroed negative counts for `size` distinct positive values. */
function emptyNegativeCounts(size: number): {
  negativesEqual: Uint32Array;
  negativesBelow: Uint32Array;
} {
  return {
    negativesEqual: new Uint32Array(size),
    negativesBelow: new Uint32Array(size + 1),
  };
}

/** Lower bound: first index in [low, high) with `sorted[index] >= value`. */
function lowerBound(
  sorted: ArrayLike<number>,
  value: number,
  low: number,
  high: number,
): number {
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle] < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * Counts negatives against distinct positive values by binary search; for
 * small inputs such as image-level scores.
 *
 * @param values - Distinct positive values, ascending.
 * @param negatives - Negative scores, any order, finite.
 * @returns `negativesEqual` (length `D`) and `negativesBelow` (length `D + 1`).
 */
export function countNegativesBySearch(
  values: Float64Array,
  negatives: ArrayLike<number>,
): { negativesEqual: Uint32Array; negativesBelow: Uint32Array } {
  const { negativesEqual, negativesBelow } = emptyNegativeCounts(values.length);
  for (let k = 0; k < negatives.length; k++) {
    const score = negatives[k];
    const at = lowerBound(values, score, 0, values.length);
    if (at < values.length && values[at] === score) negativesEqual[at]++;
    else negativesBelow[at]++;
  }
  return { negativesEqual, negativesBelow };
}

/**
 * Bucket table over the keys of the distinct positive values; the bucket of
 * a key is `(key - minKey) >>> shift`.
 */
interface KeyTable {
  readonly keys: Uint32Array;
  readonly minKey: number;
  readonly maxKey: number;
  readonly shift: number;
  /** `start[b]`: first index whose key falls into bucket `b` or later. */
  readonly start: Uint32Array;
}

// About one distinct positive value per bucket, within a table of 1 KiB to
// 1 MiB; a larger table gains little because it stops fitting in cache.
const MIN_BUCKET_BITS = 8;
const MAX_BUCKET_BITS = 18;

function buildKeyTable(values: Float64Array): KeyTable {
  const floats = Float32Array.from(values);
  const bits = new Uint32Array(floats.buffer);
  const keys = Uint32Array.from(bits, floatBitsToKey);
  const minKey = keys[0];
  const maxKey = keys[keys.length - 1];

  const bucketBits = Math.min(
    MAX_BUCKET_BITS,
    Math.max(MIN_BUCKET_BITS, Math.ceil(Math.log2(keys.length + 1))),
  );
  const spanBits = Math.ceil(Math.log2(maxKey - minKey + 1));
  const shift = Math.max(0, spanBits - bucketBits);
  const buckets = Math.floor((maxKey - minKey) / 2 ** shift) + 1;

  const start = new Uint32Array(buckets + 1);
  let d = 0;
  for (let b = 0; b <= buckets; b++) {
    while (d < keys.length && (keys[d] - minKey) / 2 ** shift < b) d++;
    start[b] = d;
  }
  return { keys, minKey, maxKey, shift, start };
}

/**
 * Counts float32 negatives against distinct positive values in one pass,
 * without sorting them: a bucket table on the order-preserving uint32 key of
 * each score narrows the binary search to the few values of one bucket.
 *
 * @param values - Distinct positive values (float32-representable), ascending.
 * @param chunks - Negative scores, finite, without -0.
 * @returns `negativesEqual` (length `D`) and `negativesBelow` (length `D + 1`).
 */
export function countFloat32Negatives(
  values: Float64Array,
  chunks: readonly Float32Array[],
): { negativesEqual: Uint32Array; negativesBelow: Uint32Array } {
  const size = values.length;
  const { negativesEqual, negativesBelow } = emptyNegativeCounts(size);
  if (size === 0) {
    negativesBelow[0] = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    return { negativesEqual, negativesBelow };
  }

  const { keys, minKey, maxKey, shift, start } = buildKeyTable(values);
  for (const chunk of chunks) {
    const bits = new Uint32Array(chunk.buffer, chunk.byteOffset, chunk.length);
    for (let k = 0; k < bits.length; k++) {
      const key = floatBitsToKey(bits[k]);
      if (key < minKey) {
        negativesBelow[0]++;
        continue;
      }
      if (key > maxKey) {
        negativesBelow[size]++;
        continue;
      }
      // Binary search inside the bucket, written out because a call to
      // lowerBound() here ran about 2.5x slower (V8 in Node 20, 32 M
      // scores): it is shared with Float64Array callers.
      const bucket = (key - minKey) >>> shift;
      let at = start[bucket];
      let high = start[bucket + 1];
      while (at < high) {
        const middle = (at + high) >>> 1;
        if (keys[middle] < key) at = middle + 1;
        else high = middle;
      }
      if (at < size && keys[at] === key) negativesEqual[at]++;
      else negativesBelow[at]++;
    }
  }
  return { negativesEqual, negativesBelow };
}

/**
 * Counts float32 negatives against distinct positive values by sorting the
 * negatives and merging the two sorted sequences. Faster than the bucket
 * table when there are many distinct positive values, at the cost of about
 * two more copies of the negative scores while it runs.
 *
 * @param values - Distinct positive values (float32-representable), ascending.
 * @param chunks - Negative scores, finite, without -0.
 * @returns `negativesEqual` (length `D`) and `negativesBelow` (length `D + 1`).
 */
export function countFloat32NegativesByMerge(
  values: Float64Array,
  chunks: readonly Float32Array[],
): { negativesEqual: Uint32Array; negativesBelow: Uint32Array } {
  const size = values.length;
  const { negativesEqual, negativesBelow } = emptyNegativeCounts(size);
  const sorted = radixSortScores(chunks).scores;

  let d = 0;
  for (let k = 0; k < sorted.length; k++) {
    const score = sorted[k];
    while (d < size && values[d] < score) d++;
    if (d < size && values[d] === score) negativesEqual[d]++;
    else negativesBelow[d]++;
  }
  return { negativesEqual, negativesBelow };
}
