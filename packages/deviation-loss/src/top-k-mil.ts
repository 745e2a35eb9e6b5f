import * as tf from "@tensorflow/tfjs";

/**
 * Size of the Top-K set: a fraction of the patches in (0, 1], or an explicit
 * count of patches.
 */
export type TopK = number | { readonly count: number };

// A fraction times a patch count such as 0.57 × 100 evaluates to
// 56.99999999999999 in float64; this slack makes it 57, as written.
const FLOOR_SLACK = 1e-9;

/**
 * Resolves the Top-K setting to a number of patches: K = max(1,
 * ⌊fraction · patches⌋) for a fraction, and min(count, patches) for a count,
 * so a K larger than the map is clamped to all of its patches.
 *
 * @param topK - a fraction in (0, 1] or `{ count }` with an integer count >= 1
 * @param patches - patches per image, an integer >= 1
 * @returns K, an integer in [1, patches]
 * @example
 * ```ts
 * resolveTopK(0.1, 225); // 22
 * resolveTopK(0.1, 5); // 1
 * resolveTopK({ count: 300 }, 225); // 225
 * ```
 */
export function resolveTopK(topK: TopK, patches: number): number {
  if (!Number.isInteger(patches) || patches < 1) {
    throw new RangeError(
      `resolveTopK: patches must be an integer >= 1, got ${patches}`,
    );
  }
  if (typeof topK === "number") {
    if (!(topK > 0 && topK <= 1)) {
      throw new RangeError(
        `resolveTopK: a Top-K fraction must be in (0, 1], got ${topK}; ` +
          "write { count: n } for a number of patches",
      );
    }
    const k = Math.floor(topK * patches + FLOOR_SLACK);
    return Math.min(patches, Math.max(1, k));
  }
  if (!Number.isInteger(topK.count) || topK.count < 1) {
    throw new RangeError(
      `resolveTopK: a Top-K count must be an integer >= 1, got ${topK.count}`,
    );
  }
  return Math.min(patches, topK.count);
}

/**
 * Builds the selection matrix of the Top-K mean: entry (i, p) is 1/K when
 * patch p is among the K largest values of image i, else 0. Among equal
 * values the lower patch index is taken first, so ties resolve the same way
 * on every backend.
 *
 * @param values - values per patch, row-major [images, patches]
 * @param images - number of rows
 * @param patches - number of columns
 * @param k - how many values to keep per row, in [1, patches]
 * @returns the weights, row-major [images, patches]
 */
export function topKWeights(
  values: ArrayLike<number>,
  images: number,
  patches: number,
  k: number,
): Float32Array {
  if (values.length !== images * patches) {
    throw new RangeError(
      `topKWeights: expected ${images} × ${patches} values, got ${values.length}`,
    );
  }
  if (!Number.isInteger(k) || k < 1 || k > patches) {
    throw new RangeError(
      `topKWeights: k must be an integer in [1, ${patches}], got ${k}`,
    );
  }
  const weights = new Float32Array(images * patches);
  const order = new Array<number>(patches);

  for (let image = 0; image < images; image++) {
    const offset = image * patches;
    for (let p = 0; p < patches; p++) {
      order[p] = p;
    }
    order.sort((a, b) => {
      const difference = values[offset + b] - values[offset + a];
      return difference !== 0 ? difference : a - b;
    });
    for (let rank = 0; rank < k; rank++) {
      weights[offset + order[rank]] = 1 / k;
    }
  }
  return weights;
}

/**
 * Averages the K largest values of each row (Top-K multiple-instance
 * pooling). The selection is read from the values and then held constant,
 * so the gradient reaches exactly the K chosen entries, each with weight
 * 1/K. In tfjs 4.22, `tf.topk` has no gradient on any backend, and the
 * gradient of `tf.gather` needs the UnsortedSegmentSum kernel, which the
 * wasm backend lacks. A product with a constant weight matrix avoids both.
 *
 * @param values - [images, patches]
 * @param k - how many values to keep per row, in [1, patches]
 * @returns [images], the mean of the kept values of each row
 */
export function topKMean(values: tf.Tensor2D, k: number): tf.Tensor1D {
  const [images, patches] = values.shape;
  const weights = topKWeights(values.dataSync(), images, patches, k);
  return tf.tidy(() =>
    tf.sum(tf.mul(values, tf.tensor2d(weights, [images, patches])), 1),
  );
}
