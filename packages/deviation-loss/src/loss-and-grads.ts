import * as tf from "@tensorflow/tfjs";

import {
  prepareLossInputs,
  toTensor,
  validateLossBatch,
  type FeatureArray,
  type Float32Matrix,
  type LossBatch,
} from "./batch";
import { CompositeLoss } from "./composite-loss";
import type { FeatureSource } from "./contract";
import { assertFiniteTerms, NonFiniteLossError } from "./finite";

/** Gradients of the total with respect to each text-feature group. */
export interface TextFeatureGrads {
  /** dL/d(normal text features), same shape as the batch's `normalText`. */
  readonly normal: Float32Matrix;
  /** dL/d(manual abnormal features), same shape as `manualAbnormalText`. */
  readonly manualAbnormal: Float32Matrix;
  /** dL/d(learned abnormal features), same shape as `learnedAbnormalText`. */
  readonly learnedAbnormal: Float32Matrix;
}

/** Result of {@link computeLossAndGrads}. */
export interface LossAndGrads {
  /** The weighted total Σ weight · term. */
  readonly total: number;
  /** Unweighted value of each term, by label, in configuration order. */
  readonly terms: Readonly<Record<string, number>>;
  /** Gradients of `total` with respect to the unnormalised text features. */
  readonly grads: TextFeatureGrads;
}

/** Options of {@link computeLossAndGrads}. */
export interface LossAndGradsOptions {
  /**
   * `patch` (default) scores the patch features; `global` scores the global
   * image embeddings as a one-patch map, for a classification run.
   */
  readonly featureSource?: FeatureSource;
  /**
   * Whether to raise {@link NonFiniteLossError} for a NaN or infinite term
   * or gradient; true by default.
   */
  readonly checkFinite?: boolean;
}

const GROUPS = ["normal", "manualAbnormal", "learnedAbnormal"] as const;
type Group = (typeof GROUPS)[number];

const BATCH_FIELD: Record<Group, keyof LossBatch> = {
  normal: "normalText",
  manualAbnormal: "manualAbnormalText",
  learnedAbnormal: "learnedAbnormalText",
};

function firstNonFinite(grads: TextFeatureGrads): number | undefined {
  for (const group of GROUPS) {
    const bad = grads[group].data.find((value) => !Number.isFinite(value));
    if (bad !== undefined) {
      return bad;
    }
  }
  return undefined;
}

// Runs when the total's gradient is not finite but every term is. The total
// does not show which module is at fault, so each term is differentiated
// alone. This costs one extra pass per term, on the failure path only.
function findNonFiniteGradient(
  loss: CompositeLoss,
  batch: LossBatch,
  featureSource: FeatureSource,
  bad: number,
): NonFiniteLossError {
  for (const term of loss.terms) {
    const alone = new CompositeLoss([{ ...term, weight: 1 }]);
    const single = evaluateWithGrads(alone, batch, featureSource);
    const value = firstNonFinite(single.grads);
    if (value !== undefined) {
      return new NonFiniteLossError(term.label, value, "gradient");
    }
  }
  const labels = loss.labels.join(", ");
  return new NonFiniteLossError(
    labels,
    bad,
    "gradient",
    " No single term reproduces it, so it comes from the weighted sum.",
  );
}

/**
 * Evaluates a composite loss on one batch and differentiates its total with
 * respect to the unnormalised text features of each prompt group. The
 * anchors and normalisations are computed inside the differentiated
 * function, so the gradients include them; these gradients are what the
 * text encoder's vector-Jacobian product takes. Every tensor created here is
 * disposed before it returns; tensors in `batch` stay owned by the caller.
 *
 * @param loss - the composite loss, e.g. from `buildLoss('devprompt')`
 * @param batch - features, labels and logit scale of one batch
 * @param options - feature source and whether to check finiteness
 * @returns the total, the unweighted terms and the three gradients
 * @throws NonFiniteLossError naming the module whose value or gradient is
 *   NaN or infinite (when `checkFinite` is on)
 * @example
 * ```ts
 * const { total, terms, grads } = computeLossAndGrads(buildLoss('devprompt'), {
 *   patchFeatures: { data: z, shape: [1, 225, 640] },
 *   normalText: { data: normal, shape: [1, 640] },
 *   manualAbnormalText: { data: manual, shape: [11, 640] },
 *   learnedAbnormalText: { data: learned, shape: [4, 640] },
 *   logitScale: 4.6052,
 * });
 * // terms: { alignment, margin, agreement, deviation }; grads.normal.shape: [1, 640]
 * ```
 */
export function computeLossAndGrads(
  loss: CompositeLoss,
  batch: LossBatch,
  options: LossAndGradsOptions = {},
): LossAndGrads {
  const featureSource = options.featureSource ?? "patch";
  validateLossBatch(batch, featureSource);

  const result = evaluateWithGrads(loss, batch, featureSource);

  if (options.checkFinite ?? true) {
    assertFiniteTerms(result.terms);
    const bad = firstNonFinite(result.grads);
    if (bad !== undefined) {
      throw findNonFiniteGradient(loss, batch, featureSource, bad);
    }
  }
  return result;
}

/** Result of {@link computeLoss}: the total and the terms, no gradients. */
export type LossValues = Omit<LossAndGrads, "grads">;

/**
 * Evaluates a composite loss on one batch without differentiating it, for
 * logging a validation loss. It is cheaper than
 * {@link computeLossAndGrads} because no gradient tape is recorded.
 *
 * @param loss - the composite loss
 * @param batch - features, labels and logit scale of one batch
 * @param options - feature source and whether to check finiteness
 * @returns the weighted total and the unweighted terms
 * @throws NonFiniteLossError naming the module whose value is NaN or
 *   infinite (when `checkFinite` is on)
 */
export function computeLoss(
  loss: CompositeLoss,
  batch: LossBatch,
  options: LossAndGradsOptions = {},
): LossValues {
  const featureSource = options.featureSource ?? "patch";
  validateLossBatch(batch, featureSource);

  const terms: Record<string, number> = {};
  let total = NaN;
  tf.tidy(() => {
    const [normal, manualAbnormal, learnedAbnormal] = GROUPS.map(
      (group) =>
        toTensor(batch[BATCH_FIELD[group]] as FeatureArray) as tf.Tensor2D,
    );
    const inputs = prepareLossInputs(
      batch,
      { normal, manualAbnormal, learnedAbnormal },
      { featureSource },
    );
    const evaluation = loss.evaluate(inputs);
    for (const [label, term] of Object.entries(evaluation.terms)) {
      terms[label] = term.dataSync()[0];
    }
    total = evaluation.total.dataSync()[0];
  });

  if (options.checkFinite ?? true) {
    assertFiniteTerms(terms);
  }
  return { total, terms };
}

function evaluateWithGrads(
  loss: CompositeLoss,
  batch: LossBatch,
  featureSource: FeatureSource,
): LossAndGrads {
  const termValues: Record<string, number> = {};
  const grads = {} as Record<Group, Float32Matrix>;
  let total = NaN;

  tf.tidy(() => {
    const xs = GROUPS.map((group) =>
      toTensor(batch[BATCH_FIELD[group]] as FeatureArray),
    );

    const differentiated = (...args: tf.Tensor[]): tf.Scalar => {
      const [normal, manualAbnormal, learnedAbnormal] = args as tf.Tensor2D[];
      const text = { normal, manualAbnormal, learnedAbnormal };
      const inputs = prepareLossInputs(batch, text, { featureSource });
      const evaluation = loss.evaluate(inputs);
      for (const [label, term] of Object.entries(evaluation.terms)) {
        termValues[label] = term.dataSync()[0];
      }
      // tf.grads rejects an input that the result does not depend on, as
      // happens for the normal features under a deviation-only loss. Adding
      // 0 · Σx for every group keeps the value and gives such a group a
      // zero gradient.
      const tie = tf.addN(args.map((x) => tf.mul(tf.sum(x), 0)));
      return tf.add(evaluation.total, tie) as tf.Scalar;
    };

    const result = tf.valueAndGrads(differentiated)(xs);
    total = result.value.dataSync()[0];
    GROUPS.forEach((group, index) => {
      grads[group] = {
        data: Float32Array.from(result.grads[index].dataSync()),
        shape: [...xs[index].shape],
      };
    });
  });

  return { total, terms: termValues, grads };
}
