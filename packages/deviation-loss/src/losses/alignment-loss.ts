import * as tf from "@tensorflow/tfjs";

import { defineLoss } from "../define-loss";
import { choiceOption } from "../options";

/** Options of the `alignment` loss. */
export interface AlignmentOptions {
  /**
   * Multiplier of the cosine similarities. `stored` uses the stored logit
   * scale t itself, as PromptAD does. `exp` uses e^t, as CLIP does at
   * inference.
   */
  readonly logitScale: "stored" | "exp";
}

/**
 * PromptAD's patch-to-prompt cross-entropy. For every patch z of every
 * image, the logits are s · [⟨z, n̄⟩, ⟨z, â_1⟩, …, ⟨z, â_M⟩] over the normal
 * anchor and each L2-normalised abnormal feature (manual, then learned).
 * The loss is the cross-entropy with the normal class as target, averaged
 * over all images and patches. Labels are not used, because every training
 * image is treated as normal.
 */
export const alignmentLoss = defineLoss<AlignmentOptions>({
  name: "alignment",
  description:
    "Cross-entropy of each patch against the normal anchor and every abnormal prompt, target normal.",
  options: {
    logitScale: choiceOption(
      ["stored", "exp"] as const,
      "stored",
      "Multiplier of the cosine similarities: the stored logit scale t, or e^t.",
    ),
  },
  compute: (inputs, options) => {
    const [images, patches, dim] = inputs.patchFeatures.shape;
    const scale =
      options.logitScale === "exp"
        ? Math.exp(inputs.logitScale)
        : inputs.logitScale;

    const prompts = tf.concat(
      [
        tf.reshape(inputs.text.normalAnchor, [1, dim]),
        inputs.text.abnormalNormalized,
      ],
      0,
    );
    const rows = tf.reshape(inputs.patchFeatures, [images * patches, dim]);
    const logits = tf.mul(tf.matMul(rows, prompts, false, true), scale);
    // Cross-entropy with target 0: logSumExp(logits) − logit_0. Written out
    // because tf.logSoftmax on the wasm backend of tfjs 4.22 fails tfjs's
    // kernel memory-leak check, which is active when IS_TEST is set.
    const normalLogit = tf.slice(logits, [0, 0], [-1, 1]);
    const crossEntropy = tf.sub(tf.logSumExp(logits, 1, true), normalLogit);
    return tf.mean(crossEntropy) as tf.Scalar;
  },
});
