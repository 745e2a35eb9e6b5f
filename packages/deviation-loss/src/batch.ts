import * as tf from "@tensorflow/tfjs";

import type { FeatureSource, LossInputs } from "./contract";
import { deriveTextFeatures } from "./text-features";

/** A dense float32 array with its shape, row-major. */
export interface Float32Matrix {
  /** Values in row-major order; length is the product of `shape`. */
  readonly data: Float32Array;
  /** Size of each dimension. */
  readonly shape: readonly number[];
}

/** A feature array given either as a tfjs tensor or as data with a shape. */
export type FeatureArray = tf.Tensor | Float32Matrix;

/**
 * One training batch as the trainer stores it. Tensors passed in stay owned
 * by the caller, and arrays are copied into tensors that are disposed after
 * use.
 */
export interface LossBatch {
  /** L2-normalised V-V patch features, [images, patches, dim]. */
  readonly patchFeatures: FeatureArray;
  /**
   * L2-normalised global image embeddings, [images, dim]; required when the
   * feature source is `global`.
   */
  readonly globalFeatures?: FeatureArray;
  /** Normal prompt features, unnormalised, [normalCount >= 1, dim]. */
  readonly normalText: FeatureArray;
  /** Manual abnormal prompt features, unnormalised, [manualCount, dim]. */
  readonly manualAbnormalText: FeatureArray;
  /** Learned abnormal prompt features, unnormalised, [learnedCount, dim]. */
  readonly learnedAbnormalText: FeatureArray;
  /** Image labels, 0 (normal) or 1 (anomalous); all 0 when omitted. */
  readonly labels?: ArrayLike<number>;
  /** The model's `logit_scale` parameter as stored (about 4.6 for CLIP). */
  readonly logitScale: number;
}

/** Options of {@link prepareLossInputs}. */
export interface PrepareOptions {
  /** Source of the image features that the losses score; `patch` by default. */
  readonly featureSource?: FeatureSource;
}

/** The text-feature groups, as tensors, that gradients are taken for. */
export interface TextFeatureTensors {
  /** Normal prompt features, [normalCount, dim]. */
  readonly normal: tf.Tensor2D;
  /** Manual abnormal prompt features, [manualCount, dim]. */
  readonly manualAbnormal: tf.Tensor2D;
  /** Learned abnormal prompt features, [learnedCount, dim]. */
  readonly learnedAbnormal: tf.Tensor2D;
}

function shapeOf(array: FeatureArray): readonly number[] {
  return array instanceof tf.Tensor ? array.shape : array.shape;
}

function formatShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

function checkRank(field: string, array: FeatureArray, names: string[]): void {
  const shape = shapeOf(array);
  if (shape.length !== names.length) {
    throw new RangeError(
      `invalid loss batch: ${field} must have shape [${names.join(", ")}], ` +
        `got ${formatShape(shape)}`,
    );
  }
  if (!(array instanceof tf.Tensor)) {
    const size = shape.reduce((product, n) => product * n, 1);
    if (array.data.length !== size) {
      throw new RangeError(
        `invalid loss batch: ${field} has ${array.data.length} values but its ` +
          `shape ${formatShape(shape)} needs ${size}`,
      );
    }
  }
}

function checkDim(field: string, array: FeatureArray, dim: number): void {
  const shape = shapeOf(array);
  const last = shape[shape.length - 1];
  if (last !== dim) {
    throw new RangeError(
      `invalid loss batch: ${field} has feature dimension ${last} but the ` +
        `patch features have ${dim}; all features must come from one model`,
    );
  }
}

/**
 * Checks shapes, labels and the logit scale of a batch.
 *
 * @param batch - the batch to check
 * @param featureSource - which image features will be scored
 * @returns the images, patches and feature dimension
 * @throws RangeError naming the field, the value found and what is expected
 */
export function validateLossBatch(
  batch: LossBatch,
  featureSource: FeatureSource = "patch",
): { images: number; patches: number; dim: number } {
  checkRank("patchFeatures", batch.patchFeatures, ["images", "patches", "dim"]);
  const [images, patches, dim] = shapeOf(batch.patchFeatures);
  if (images < 1 || patches < 1 || dim < 1) {
    throw new RangeError(
      "invalid loss batch: patchFeatures needs at least one image, patch and " +
        `channel, got ${formatShape(shapeOf(batch.patchFeatures))}`,
    );
  }

  if (batch.globalFeatures !== undefined) {
    checkRank("globalFeatures", batch.globalFeatures, ["images", "dim"]);
    checkDim("globalFeatures", batch.globalFeatures, dim);
    if (shapeOf(batch.globalFeatures)[0] !== images) {
      throw new RangeError(
        `invalid loss batch: globalFeatures has ${shapeOf(batch.globalFeatures)[0]} ` +
          `images but patchFeatures has ${images}`,
      );
    }
  } else if (featureSource === "global") {
    throw new RangeError(
      'invalid loss batch: featureSource "global" needs globalFeatures ' +
        '[images, dim]; pass the global image embeddings or use "patch"',
    );
  }

  const groups = [
    ["normalText", batch.normalText],
    ["manualAbnormalText", batch.manualAbnormalText],
    ["learnedAbnormalText", batch.learnedAbnormalText],
  ] as const;
  for (const [field, array] of groups) {
    checkRank(field, array, ["count", "dim"]);
    checkDim(field, array, dim);
  }
  if (shapeOf(batch.normalText)[0] < 1) {
    throw new RangeError(
      "invalid loss batch: normalText needs at least one normal prompt, got 0",
    );
  }
  if (
    shapeOf(batch.manualAbnormalText)[0] +
      shapeOf(batch.learnedAbnormalText)[0] <
    1
  ) {
    throw new RangeError(
      "invalid loss batch: manualAbnormalText and learnedAbnormalText hold no " +
        "abnormal prompt between them; at least one is needed",
    );
  }

  if (batch.labels !== undefined) {
    if (batch.labels.length !== images) {
      throw new RangeError(
        `invalid loss batch: labels has ${batch.labels.length} entries but ` +
          `the batch has ${images} images`,
      );
    }
    for (let i = 0; i < images; i++) {
      const label = batch.labels[i];
      if (label !== 0 && label !== 1) {
        throw new RangeError(
          `invalid loss batch: labels[${i}] is ${label}; use 0 for a normal ` +
            "image and 1 for an anomalous one",
        );
      }
    }
  }

  if (!Number.isFinite(batch.logitScale)) {
    throw new RangeError(
      `invalid loss batch: logitScale must be a finite number (the stored ` +
        `logit_scale, about 4.6 for CLIP), got ${batch.logitScale}`,
    );
  }
  return { images, patches, dim };
}

/**
 * Converts a feature array to a tensor; tensors are returned as they are.
 *
 * @param array - a tensor, or data with a shape
 * @returns a float32 tensor
 */
export function toTensor(array: FeatureArray): tf.Tensor {
  if (array instanceof tf.Tensor) {
    return array;
  }
  return tf.tensor(array.data, [...array.shape], "float32");
}

/**
 * Builds the loss inputs of a batch for given text-feature tensors. Call it
 * inside `tf.tidy` (and inside the differentiated function when gradients
 * are needed), because it creates tensors.
 *
 * @param batch - a batch that passed {@link validateLossBatch}
 * @param text - the text-feature tensors, usually the differentiated
 *   variables
 * @param options - feature source
 * @returns inputs for every loss module
 */
export function prepareLossInputs(
  batch: LossBatch,
  text: TextFeatureTensors,
  options: PrepareOptions = {},
): LossInputs {
  const featureSource = options.featureSource ?? "patch";
  const { images, dim } = validateLossBatch(batch, featureSource);

  const globalFeatures =
    batch.globalFeatures === undefined
      ? null
      : (toTensor(batch.globalFeatures) as tf.Tensor2D);
  const patchFeatures =
    featureSource === "global" && globalFeatures !== null
      ? tf.reshape(globalFeatures, [images, 1, dim])
      : (toTensor(batch.patchFeatures) as tf.Tensor3D);
  const labels =
    batch.labels === undefined
      ? tf.zeros([images])
      : tf.tensor1d(Array.from(batch.labels), "float32");

  return {
    patchFeatures: patchFeatures as tf.Tensor3D,
    globalFeatures,
    text: deriveTextFeatures(
      text.normal,
      text.manualAbnormal,
      text.learnedAbnormal,
    ),
    labels: labels as tf.Tensor1D,
    logitScale: batch.logitScale,
    featureSource,
  };
}
