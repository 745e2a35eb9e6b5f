import * as tf from "@tensorflow/tfjs";

import { defineLoss } from "../define-loss";
import {
  choiceOption,
  formatValue,
  numberOption,
  type OptionSpec,
} from "../options";
import {
  referenceStatistics,
  type ReferenceStatistics,
} from "../reference-statistics";
import { resolveTopK, topKMean, type TopK } from "../top-k-mil";

/** Options of the `deviation` loss. */
export interface DeviationOptions {
  /** `sampled`: μ, σ of seeded N(0, 1) draws; `exact`: μ = 0, σ = 1. */
  readonly reference: "sampled" | "exact";
  /** Number of reference draws r for `sampled`. */
  readonly referenceSamples: number;
  /** Seed of the reference draws. */
  readonly seed: number;
  /** `absolute`: d(p) = |s(p) − μ| / σ; `signed`: d(p) = (s(p) − μ) / σ. */
  readonly deviation: "absolute" | "signed";
  /** Top-K size: a fraction of the patches in (0, 1], or `{ count }`. */
  readonly topK: TopK;
  /** Weight λ of the term for normal images, λ(1 − y)|D|. */
  readonly lambda: number;
  /** Margin a that anomalous images' deviation D must reach, y · max(0, a − D). */
  readonly margin: number;
}

/**
 * Default hyperparameters. Sources: r = 5000 draws and a = 5 come from
 * Deviation Networks (Pang et al., KDD 2019); K = 10 % of the patches and
 * λ = 1 from DevPrompt (Poudineh and Lalonde, 2026). Seed 111 is the
 * training seed of PromptAD's reference code, so one seed fixes a default
 * run.
 */
const DEFAULTS = {
  referenceSamples: 5000,
  seed: 111,
  topK: 0.1,
  lambda: 1,
  margin: 5,
} as const;

const topKOption: OptionSpec<TopK> = {
  description:
    'Patches per image averaged into D: a fraction in (0, 1] giving K = max(1, floor(fraction · patches)), or { "count": n }; K is clamped to the patch count.',
  expected: 'a fraction in (0, 1] or { "count": n } with an integer n >= 1',
  default: DEFAULTS.topK,
  parse(value: unknown): TopK {
    if (typeof value === "number") {
      if (value > 0 && value <= 1) {
        return value;
      }
      const hint =
        Number.isInteger(value) && value > 1
          ? `; to keep the ${value} largest patches write { "count": ${value} }`
          : "";
      throw new Error(
        `expected a fraction in (0, 1], got ${formatValue(value)}${hint}`,
      );
    }
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      const keys = Object.keys(value);
      const count = (value as { count?: unknown }).count;
      if (
        keys.length === 1 &&
        typeof count === "number" &&
        Number.isInteger(count) &&
        count >= 1
      ) {
        return Object.freeze({ count });
      }
    }
    throw new Error(
      `expected a fraction in (0, 1] or { "count": n } with an integer ` +
        `n >= 1, got ${formatValue(value)}`,
    );
  },
};

/**
 * Computes the deviation of each patch's abnormal score from the reference:
 * s(p) = ⟨z_p, ā⟩, d(p) = (s(p) − μ) / σ, and |d(p)| for `absolute`. This is
 * also the deviation map offered at inference.
 *
 * @param patchFeatures - L2-normalised features, [images, patches, dim]
 * @param abnormalAnchor - ā, [dim]
 * @param reference - μ and σ
 * @param mode - `absolute` or `signed`
 * @returns d, [images, patches], in units of σ
 */
export function deviationScores(
  patchFeatures: tf.Tensor3D,
  abnormalAnchor: tf.Tensor1D,
  reference: ReferenceStatistics,
  mode: "absolute" | "signed" = "absolute",
): tf.Tensor2D {
  return tf.tidy(() => {
    const [images, patches, dim] = patchFeatures.shape;
    const rows = tf.reshape(patchFeatures, [images * patches, dim]);
    const scores = tf.matMul(rows, tf.reshape(abnormalAnchor, [dim, 1]));
    const deviation = tf.div(tf.sub(scores, reference.mean), reference.std);
    const shaped = tf.reshape(deviation, [images, patches]) as tf.Tensor2D;
    return mode === "absolute" ? absoluteValue(shaped) : shaped;
  });
}

/**
 * |x| with gradient sign(x), which is 0 at x = 0 as in PyTorch; tf.abs in
 * tfjs 4.22 takes −1 there. tf.sign has a zero gradient, so the product
 * rule leaves exactly sign(x).
 */
function absoluteValue<T extends tf.Tensor>(x: T): T {
  return tf.mul(x, tf.sign(x));
}

// μ and σ depend only on the frozen options object, so they are drawn once
// per module and not once per training step.
const referenceCache = new WeakMap<object, ReferenceStatistics>();

function referenceFor(
  options: Readonly<DeviationOptions>,
): ReferenceStatistics {
  let reference = referenceCache.get(options);
  if (reference === undefined) {
    reference = referenceStatistics(options);
    referenceCache.set(options, reference);
  }
  return reference;
}

/**
 * DevPrompt's deviation loss with Top-K multiple-instance pooling. Per image,
 * D = mean of the K largest d(p) (see {@link deviationScores}), and the loss
 * is the mean over images of λ(1 − y)|D| + y · max(0, a − D). With y = 0 for
 * every training image it drives the top patch scores towards the reference
 * mean. Among equal deviations the lower patch index enters the Top-K first.
 */
export const deviationLoss = defineLoss<DeviationOptions>({
  name: "deviation",
  description:
    "Deviation of the top-K patch scores against the abnormal anchor from an N(0, 1) reference.",
  options: {
    reference: choiceOption(
      ["sampled", "exact"] as const,
      "sampled",
      "Reference μ, σ: of r seeded N(0, 1) draws, or exactly 0 and 1.",
    ),
    referenceSamples: numberOption({
      description: "Number of N(0, 1) draws r of the sampled reference.",
      default: DEFAULTS.referenceSamples,
      min: 2,
      integer: true,
    }),
    seed: numberOption({
      description: "Seed of the reference draws.",
      default: DEFAULTS.seed,
      min: 0,
      max: 0xffffffff,
      integer: true,
    }),
    deviation: choiceOption(
      ["absolute", "signed"] as const,
      "absolute",
      "Deviation d(p): |s − μ| / σ (absolute) or (s − μ) / σ (signed).",
    ),
    topK: topKOption,
    lambda: numberOption({
      description: "Weight λ of the normal-image term λ(1 − y)|D|.",
      default: DEFAULTS.lambda,
      min: 0,
    }),
    margin: numberOption({
      description:
        "Margin a for anomalous images, y · max(0, a − D), in units of σ.",
      default: DEFAULTS.margin,
      min: 0,
    }),
  },
  compute: (inputs, options) => {
    const { patchFeatures, text, labels } = inputs;
    const patches = patchFeatures.shape[1];
    const deviation = deviationScores(
      patchFeatures,
      text.abnormalAnchor,
      referenceFor(options),
      options.deviation,
    );
    const imageDeviation = topKMean(
      deviation,
      resolveTopK(options.topK, patches),
    );

    const normalTerm = tf.mul(
      tf.mul(tf.sub(1, labels), options.lambda),
      absoluteValue(imageDeviation),
    );
    const anomalousTerm = tf.mul(
      labels,
      tf.relu(tf.sub(options.margin, imageDeviation)),
    );
    return tf.mean(tf.add(normalTerm, anomalousTerm)) as tf.Scalar;
  },
});
