/**
 * LSD radix sort of float32 scores held in several chunks, with an optional
 * uint32 payload that moves with each score.
 *
 * Scores are mapped to order-preserving uint32 keys, sorted in three passes
 * of 11, 11 and 10 bits, and mapped back. Passes whose digit is the same for
 * every key are skipped. Callers must have removed NaN and turned -0 into
 * +0, because -0 and +0 get different keys.
 *
 * Memory: the chunks plus two output-sized buffers (4 bytes per score each,
 * 8 with a payload), so about three times the score bytes at the peak.
 *
 * @internal
 */

import { floatBitsToKey, keyToFloatBits } from "./float-key";

const DIGIT_BITS = [11, 11, 10] as const;
const DIGIT_SHIFTS = [0, 11, 22] as const;

/** Sorted scores and the payload permuted the same way. */
export interface SortedScores {
  /** Scores in ascending order. */
  readonly scores: Float32Array;
  /** Payload in the order of `scores`; present when a payload was given. */
  readonly payload?: Uint32Array;
}

function countDigits(chunks: readonly Float32Array[]): Uint32Array[] {
  const histograms = DIGIT_BITS.map((bits) => new Uint32Array(1 << bits));
  const [low, middle, high] = histograms;

  for (const chunk of chunks) {
    const bits = new Uint32Array(chunk.buffer, chunk.byteOffset, chunk.length);
    for (let i = 0; i < bits.length; i++) {
      const key = floatBitsToKey(bits[i]);
      low[key & 0x7ff]++;
      middle[(key >>> 11) & 0x7ff]++;
      high[key >>> 22]++;
    }
  }
  return histograms;
}

/** Turns a histogram into start offsets, in place. */
function toOffsets(histogram: Uint32Array): void {
  let sum = 0;
  for (let b = 0; b < histogram.length; b++) {
    const count = histogram[b];
    histogram[b] = sum;
    sum += count;
  }
}

function scatter(
  source: Uint32Array,
  target: Uint32Array,
  offsets: Uint32Array,
  shift: number,
  mask: number,
  convert: boolean,
): void {
  for (let i = 0; i < source.length; i++) {
    const key = convert ? floatBitsToKey(source[i]) : source[i];
    target[offsets[(key >>> shift) & mask]++] = key;
  }
}

// Kept apart from scatter() so that the hot loop without a payload has no
// payload branch and no payload arguments.
function scatterWithPayload(
  source: Uint32Array,
  sourcePayload: Uint32Array,
  target: Uint32Array,
  targetPayload: Uint32Array,
  offsets: Uint32Array,
  shift: number,
  mask: number,
  convert: boolean,
): void {
  for (let i = 0; i < source.length; i++) {
    const key = convert ? floatBitsToKey(source[i]) : source[i];
    const at = offsets[(key >>> shift) & mask]++;
    target[at] = key;
    targetPayload[at] = sourcePayload[i];
  }
}

/**
 * Sorts the concatenation of `chunks` ascending.
 *
 * @param chunks - Float32 scores, finite, without -0; not modified.
 * @param payloadChunks - Optional uint32 values, one chunk per score chunk
 *   with the same lengths.
 * @returns New arrays; the chunks can be released afterwards.
 */
export function radixSortScores(
  chunks: readonly Float32Array[],
  payloadChunks?: readonly Uint32Array[],
): SortedScores {
  const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  const histograms = countDigits(chunks);
  const passes = [0, 1, 2].filter(
    (pass) => !histograms[pass].some((count) => count === total),
  );

  // The first pass reads the raw float bits from the chunks and writes keys.
  // When every digit is constant, one pass still has to copy the keys.
  if (passes.length === 0) passes.push(0);

  let keys: Uint32Array = new Uint32Array(total);
  let payload: Uint32Array | undefined = payloadChunks
    ? new Uint32Array(total)
    : undefined;
  let spareKeys: Uint32Array | undefined;
  let sparePayload: Uint32Array | undefined;

  passes.forEach((pass, index) => {
    const offsets = histograms[pass];
    const shift = DIGIT_SHIFTS[pass];
    const mask = (1 << DIGIT_BITS[pass]) - 1;
    toOffsets(offsets);

    if (index === 0) {
      chunks.forEach((chunk, c) => {
        const bits = new Uint32Array(
          chunk.buffer,
          chunk.byteOffset,
          chunk.length,
        );
        if (payload && payloadChunks) {
          scatterWithPayload(
            bits,
            payloadChunks[c],
            keys,
            payload,
            offsets,
            shift,
            mask,
            true,
          );
        } else {
          scatter(bits, keys, offsets, shift, mask, true);
        }
      });
      return;
    }

    spareKeys ??= new Uint32Array(total);
    if (payload) sparePayload ??= new Uint32Array(total);
    if (payload && sparePayload) {
      scatterWithPayload(
        keys,
        payload,
        spareKeys,
        sparePayload,
        offsets,
        shift,
        mask,
        false,
      );
      [payload, sparePayload] = [sparePayload, payload];
    } else {
      scatter(keys, spareKeys, offsets, shift, mask, false);
    }
    [keys, spareKeys] = [spareKeys, keys];
  });

  for (let i = 0; i < total; i++) keys[i] = keyToFloatBits(keys[i]);
  const scores = new Float32Array(keys.buffer, keys.byteOffset, total);
  return payload ? { scores, payload } : { scores };
}
