import * as tf from "@tensorflow/tfjs";

import { defineLoss } from "../define-loss";
import { l2NormalizeRows } from "../text-features";

/** Options of the `agreement` loss; it has none. */
export type AgreementOptions = Record<string, never>;

/**
 * PromptAD's manual/learned agreement: ‖mean_i norm(manual_i) −
 * mean_j norm(learned_j)‖², the squared distance between the means of the
 * individually L2-normalised manual and learned abnormal features. It pulls
 * the learned abnormal prompts towards the hand-written ones.
 */
export const agreementLoss = defineLoss<AgreementOptions>({
  name: "agreement",
  description:
    "Squared distance between the mean normalised manual and learned abnormal prompt features.",
  options: {},
  compute: ({ text }) => {
    const manual = text.manualAbnormal.shape[0];
    const learned = text.learnedAbnormal.shape[0];
    if (manual === 0 || learned === 0) {
      throw new RangeError(
        `loss module "agreement" needs at least one manual and one learned ` +
          `abnormal prompt, got ${manual} manual and ${learned} learned; ` +
          'remove "agreement" from the loss configuration for this prompt set',
      );
    }
    const difference = tf.sub(
      tf.mean(l2NormalizeRows(text.manualAbnormal), 0),
      tf.mean(l2NormalizeRows(text.learnedAbnormal), 0),
    );
    return tf.sum(tf.square(difference)) as tf.Scalar;
  },
});
