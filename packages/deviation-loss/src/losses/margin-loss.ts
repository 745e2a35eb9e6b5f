import * as tf from "@tensorflow/tfjs";

import { defineLoss } from "../define-loss";
import { choiceOption, numberOption } from "../options";

/** Options of the `margin` loss. */
export interface MarginOptions {
  /** Margin m added inside the hinge, in squared-distance units, >= 0. */
  readonly margin: number;
  /**
   * Order of reduction. `channel-sum` (default, as in PromptAD's reference
   * code) sums squared differences over patches for each channel before the
   * hinge. `per-patch` applies the hinge to each patch's squared distances.
   */
  readonly reduction: "channel-sum" | "per-patch";
}

/**
 * PromptAD's explicit anomaly margin (a triplet loss with the patch as
 * anchor, n̄ as positive and ā as negative).
 *
 * `channel-sum`: for each image and channel c, P_c = Σ_p (z_pc − n̄_c)² and
 * N_c = Σ_p (z_pc − ā_c)²; the loss is the mean over images and channels of
 * relu(P_c − N_c + m). This is how the reference code's triplet loss reduces
 * a [images, patches, channels] tensor: its sum over dimension 1 runs over
 * the patches.
 *
 * `per-patch`: the mean over images and patches of
 * relu(‖z_p − n̄‖² − ‖z_p − ā‖² + m).
 */
export const marginLoss = defineLoss<MarginOptions>({
  name: "margin",
  description:
    "Triplet margin pulling patches towards the normal anchor and away from the abnormal anchor.",
  options: {
    margin: numberOption({
      description: "Margin m inside the hinge, in squared-distance units.",
      default: 0,
      min: 0,
    }),
    reduction: choiceOption(
      ["channel-sum", "per-patch"] as const,
      "channel-sum",
      "Reduction order: per channel summed over patches (reference code), or per patch.",
    ),
  },
  compute: (inputs, options) => {
    const z = inputs.patchFeatures;
    const [images, patches, dim] = z.shape;
    const { normalAnchor, abnormalAnchor } = inputs.text;

    // (z − n̄)² − (z − ā)² = 2 z (ā − n̄) + n̄² − ā², summed over the
    // reduced axis. The expansion gives the same sums without building two
    // [images, patches, dim] tensors of squares.
    const direction = tf.sub(abnormalAnchor, normalAnchor);
    const anchorSquares = tf.sub(
      tf.square(normalAnchor),
      tf.square(abnormalAnchor),
    );
    let gap: tf.Tensor;
    if (options.reduction === "channel-sum") {
      const patchSum = tf.sum(z, 1);
      gap = tf.add(
        tf.mul(tf.mul(patchSum, direction), 2),
        tf.mul(anchorSquares, patches),
      );
    } else {
      const rows = tf.reshape(z, [images * patches, dim]);
      const projection = tf.matMul(rows, tf.reshape(direction, [dim, 1]));
      gap = tf.add(tf.mul(projection, 2), tf.sum(anchorSquares));
    }
    return tf.mean(tf.relu(tf.add(gap, options.margin))) as tf.Scalar;
  },
});
