import type * as tf from "@tensorflow/tfjs";

import type { OptionSpecs } from "./options";

/**
 * Source of the image features that the losses score. `patch` uses the V-V
 * patch tokens (segmentation training). `global` uses the global image
 * embedding g as a map of one patch per image, as in the "classification"
 * run of PromptAD's reference code.
 */
export type FeatureSource = "patch" | "global";

/**
 * Text features of one training step, with the anchors derived from them.
 * Gradients are taken with respect to the unnormalised features. The derived
 * tensors are computed from them inside the differentiated function, so
 * gradients flow through the normalisation.
 */
export interface TextFeatures {
  /** Normal prompt features, unnormalised, [normalCount, dim]. */
  readonly normal: tf.Tensor2D;
  /** Manual (hand-written) abnormal prompt features, unnormalised, [manualCount, dim]. */
  readonly manualAbnormal: tf.Tensor2D;
  /** Learned abnormal prompt features, unnormalised, [learnedCount, dim]. */
  readonly learnedAbnormal: tf.Tensor2D;
  /** Normal anchor n̄: the L2-normalised mean of `normal`, [dim]. */
  readonly normalAnchor: tf.Tensor1D;
  /**
   * Abnormal anchor ā: the L2-normalised mean of all abnormal features,
   * manual and learned together, [dim].
   */
  readonly abnormalAnchor: tf.Tensor1D;
  /**
   * Every abnormal feature L2-normalised row by row, manual rows first,
   * [manualCount + learnedCount, dim].
   */
  readonly abnormalNormalized: tf.Tensor2D;
}

/** Everything a loss module receives for one training batch. */
export interface LossInputs {
  /**
   * The L2-normalised image features that the losses score, of shape
   * [images, patches, dim]. These are the V-V patch tokens, or the global
   * embedding as [images, 1, dim] when `featureSource` is `global`.
   */
  readonly patchFeatures: tf.Tensor3D;
  /** L2-normalised global image embeddings g, [images, dim], or `null` when the batch has none. */
  readonly globalFeatures: tf.Tensor2D | null;
  /** Text features and anchors. */
  readonly text: TextFeatures;
  /** Image labels y, [images], 0 for normal and 1 for anomalous images. */
  readonly labels: tf.Tensor1D;
  /**
   * The model's `logit_scale` parameter as stored, about 4.6 for CLIP
   * (PromptAD multiplies logits by this raw value, not by its exponential).
   */
  readonly logitScale: number;
  /** Source of the features in `patchFeatures`. */
  readonly featureSource: FeatureSource;
}

/** A configured loss: maps one batch to a scalar. */
export interface LossModule<O = unknown> {
  /** Registered name of the module, e.g. `deviation`. */
  readonly name: string;
  /** The validated options, every field set. */
  readonly options: Readonly<O>;
  /**
   * Computes the loss value. Runs inside a differentiated function: use
   * tfjs operations only on tensors that depend on the text features.
   *
   * @param inputs - features, anchors, labels and logit scale of the batch
   * @returns a scalar tensor
   */
  compute(inputs: LossInputs): tf.Scalar;
}

/** A named recipe for loss modules, stored in a registry. */
export interface LossModuleFactory<O = unknown> {
  /** Name that configurations use, lower-case words joined by `-`. */
  readonly name: string;
  /** One sentence on what the loss does; shown in listings. */
  readonly description: string;
  /** Option specs, one per option. */
  readonly optionSpecs: OptionSpecs<O>;
  /**
   * Validates raw options and creates a module.
   *
   * @param options - raw options from a configuration; omitted fields take
   *   their defaults
   * @returns the configured module
   * @throws LossConfigError for unknown or invalid options
   */
  create(options?: unknown): LossModule<O>;
}
