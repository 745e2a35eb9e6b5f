import * as tf from "@tensorflow/tfjs";

import type { TextFeatures } from "./contract";

/**
 * Divides each row by its Euclidean norm. No epsilon is added, as in
 * PromptAD's `x / x.norm(dim=-1, keepdim=True)`, so a zero row gives NaN
 * and the loss check reports it.
 *
 * @param rows - [count, dim]
 * @returns [count, dim], each row of unit length
 */
export function l2NormalizeRows(rows: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.div(rows, tf.sqrt(tf.sum(tf.square(rows), 1, true))));
}

/**
 * Computes an anchor: the L2-normalised mean of the unnormalised rows.
 *
 * @param rows - unnormalised features, [count, dim], count >= 1
 * @returns [dim], of unit length
 */
export function meanAnchor(rows: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const mean = tf.mean(rows, 0);
    return tf.div(mean, tf.sqrt(tf.sum(tf.square(mean))));
  });
}

/**
 * Derives the anchors n̄, ā and the normalised abnormal features from the
 * unnormalised text features of each prompt group.
 *
 * @param normal - normal prompt features, [normalCount >= 1, dim]
 * @param manualAbnormal - manual abnormal features, [manualCount, dim]
 * @param learnedAbnormal - learned abnormal features, [learnedCount, dim];
 *   manualCount + learnedCount >= 1
 * @returns the features with anchors; call it inside `tf.tidy`, which
 *   disposes the intermediate concatenation
 */
export function deriveTextFeatures(
  normal: tf.Tensor2D,
  manualAbnormal: tf.Tensor2D,
  learnedAbnormal: tf.Tensor2D,
): TextFeatures {
  const abnormal = tf.concat([manualAbnormal, learnedAbnormal], 0);
  return {
    normal,
    manualAbnormal,
    learnedAbnormal,
    normalAnchor: meanAnchor(normal),
    abnormalAnchor: meanAnchor(abnormal),
    abnormalNormalized: l2NormalizeRows(abnormal),
  };
}
