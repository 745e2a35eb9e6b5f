import type { PromptLayout, PromptRange } from "../assembly/prompt-layout";

/** Text anchors and normalised text features of one class. */
export interface TextAnchors {
  /** Embedding dimension D of the text features. */
  dim: number;
  /** `[D]` n̄ = normalise(mean of the unnormalised normal features). */
  normalAnchor: Float32Array;
  /** `[D]` ā = normalise(mean of all unnormalised abnormal features, manual and learned). */
  abnormalAnchor: Float32Array;
  /** `[prompts, D]` each prompt's feature divided by its L2 norm. */
  normalisedFeatures: Float32Array;
}

/**
 * Computes the normal and abnormal text anchors and the per-prompt
 * normalised features from unnormalised text-encoder outputs.
 *
 * Means are taken before normalising, as PromptAD does: each anchor is
 * `m / ‖m‖` with `m` the plain mean of the group's raw features, so prompts
 * with larger feature norms weigh more. Sums run in float64.
 *
 * @param features - `[prompts, D]` unnormalised text features, in layout order.
 * @param dim - Feature dimension D (640 for ViT-B-16-plus-240).
 * @param groups - Prompt ranges; a {@link PromptLayout}'s `groups` fits.
 * @throws Error when the sizes disagree or a feature or mean has zero norm.
 * @example
 * ```ts
 * const anchors = computeTextAnchors(features, 640, layout.groups);
 * anchors.normalAnchor.length; // 640
 * ```
 */
export function computeTextAnchors(
  features: Float32Array,
  dim: number,
  groups: PromptLayout["groups"],
): TextAnchors {
  if (!Number.isInteger(dim) || dim < 1 || features.length % dim !== 0) {
    throw new Error(
      `text features have ${features.length} values, not a whole number of ` +
        `rows of dimension ${dim}`,
    );
  }
  const prompts = features.length / dim;
  const total =
    groups.normal.count +
    groups.manualAbnormal.count +
    groups.learnedAbnormal.count;
  if (total !== prompts) {
    throw new Error(
      `text features have ${prompts} rows but the prompt groups list ${total} prompts`,
    );
  }

  const normalAnchor = normaliseMean(features, dim, [groups.normal], "normal");
  const abnormalAnchor = normaliseMean(
    features,
    dim,
    [groups.manualAbnormal, groups.learnedAbnormal],
    "abnormal",
  );
  const normalisedFeatures = new Float32Array(features.length);
  for (let i = 0; i < prompts; i++) {
    const row = features.subarray(i * dim, (i + 1) * dim);
    const norm = l2Norm(row);
    checkNorm(norm, `text feature of prompt ${i}`);
    for (let d = 0; d < dim; d++) {
      normalisedFeatures[i * dim + d] = row[d] / norm;
    }
  }
  return { dim, normalAnchor, abnormalAnchor, normalisedFeatures };
}

function normaliseMean(
  features: Float32Array,
  dim: number,
  ranges: PromptRange[],
  name: string,
): Float32Array {
  const sum = new Float64Array(dim);
  let count = 0;
  for (const range of ranges) {
    for (let i = range.start; i < range.start + range.count; i++) {
      for (let d = 0; d < dim; d++) sum[d] += features[i * dim + d];
      count++;
    }
  }
  if (count === 0) {
    throw new Error(`no ${name} prompts to average for the ${name} anchor`);
  }
  // The mean's 1/count factor cancels in the normalisation, so the sum is
  // normalised directly.
  const norm = l2Norm(sum);
  checkNorm(norm, `mean of the ${name} text features`);
  return Float32Array.from(sum, (value) => value / norm);
}

function l2Norm(values: ArrayLike<number>): number {
  let squares = 0;
  for (let i = 0; i < values.length; i++) squares += values[i] * values[i];
  return Math.sqrt(squares);
}

function checkNorm(norm: number, subject: string): void {
  if (!(norm > 0) || !Number.isFinite(norm)) {
    throw new Error(`cannot normalise the ${subject}: its L2 norm is ${norm}`);
  }
}
