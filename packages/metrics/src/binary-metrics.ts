import { BinaryMetrics, F1MaxResult, MetricResult } from "./metric-result";
import {
  ThresholdCounts,
  countNegativesBySearch,
  distinctValues,
} from "./threshold-counts";
import { sweepBinaryMetrics } from "./threshold-sweep";

/** Label of one sample: 1 or `true` is anomalous, 0 or `false` is normal. */
export type BinaryLabel = number | boolean;

function countThresholds(
  scores: ArrayLike<number>,
  labels: ArrayLike<BinaryLabel>,
): ThresholdCounts {
  if (scores.length !== labels.length) {
    throw new RangeError(
      `scores and labels must have the same length; got ${scores.length} scores and ${labels.length} labels`,
    );
  }

  let positiveCount = 0;
  for (let k = 0; k < labels.length; k++) {
    const label = labels[k];
    if (label === 1 || label === true) positiveCount++;
    else if (label !== 0 && label !== false) {
      throw new RangeError(
        `label at index ${k} is ${String(label)}; expected 0, 1, false or true (1 or true marks an anomalous sample)`,
      );
    }
  }

  const positives = new Float64Array(positiveCount);
  const negatives = new Float64Array(labels.length - positiveCount);
  let p = 0;
  let n = 0;
  for (let k = 0; k < scores.length; k++) {
    const score = scores[k];
    if (!Number.isFinite(score)) {
      throw new RangeError(
        `score at index ${k} is ${score}; scores must be finite numbers, so check the model output for that sample`,
      );
    }
    // Adding 0 turns -0 into +0 so that both count as one threshold.
    const label = labels[k];
    if (label === 1 || label === true) positives[p++] = score + 0;
    else negatives[n++] = score + 0;
  }

  const distinct = distinctValues(positives.sort());
  return {
    values: distinct.values,
    positives: distinct.counts,
    ...countNegativesBySearch(distinct.values, negatives),
    positiveTotal: positives.length,
    negativeTotal: negatives.length,
  };
}

/**
 * Computes AUROC, average precision and F1-max of per-sample scores with
 * one sort (image-level metrics, or any binary scoring).
 *
 * The values follow scikit-learn (1.x): `roc_auc_score`,
 * `average_precision_score`, and the maximum of `2PR / (P + R)` over the
 * points of `precision_recall_curve`. Tied scores form one threshold.
 *
 * @param scores - Anomaly score per sample, length `n`; higher means more
 *   anomalous. Kept in float64.
 * @param labels - Label per sample, length `n`: 1 or `true` anomalous, 0 or
 *   `false` normal.
 * @returns The three metrics and the class counts.
 * @throws RangeError when lengths differ, a score is NaN or infinite, or a
 *   label is not 0, 1, false or true. The message names the index.
 *
 * @example
 * ```ts
 * binaryMetrics([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]).auroc.value; // 0.75
 * ```
 */
export function binaryMetrics(
  scores: ArrayLike<number>,
  labels: ArrayLike<BinaryLabel>,
): BinaryMetrics {
  return sweepBinaryMetrics(countThresholds(scores, labels));
}

/**
 * Computes the area under the ROC curve, as scikit-learn's `roc_auc_score`.
 *
 * @param scores - Anomaly score per sample, length `n`.
 * @param labels - Label per sample, length `n` (1/true anomalous).
 * @returns AUROC in [0, 1], or `NaN` with a reason when one class is empty.
 * @throws RangeError on invalid input, as {@link binaryMetrics}.
 */
export function auroc(
  scores: ArrayLike<number>,
  labels: ArrayLike<BinaryLabel>,
): MetricResult {
  return binaryMetrics(scores, labels).auroc;
}

/**
 * Computes average precision, as scikit-learn's `average_precision_score`:
 * `sum_n (R_n - R_(n-1)) * P_n` over distinct thresholds, highest first.
 *
 * @param scores - Anomaly score per sample, length `n`.
 * @param labels - Label per sample, length `n` (1/true anomalous).
 * @returns AP in [0, 1], or `NaN` with a reason when there is no positive
 *   (scikit-learn 1.2 returns -0.0 with a warning in that case).
 * @throws RangeError on invalid input, as {@link binaryMetrics}.
 */
export function averagePrecision(
  scores: ArrayLike<number>,
  labels: ArrayLike<BinaryLabel>,
): MetricResult {
  return binaryMetrics(scores, labels).averagePrecision;
}

/**
 * Computes the maximum F1 score over all score thresholds.
 *
 * @param scores - Anomaly score per sample, length `n`.
 * @param labels - Label per sample, length `n` (1/true anomalous).
 * @returns F1-max in [0, 1] and the highest threshold reaching it, or `NaN`
 *   with a reason when there is no positive.
 * @throws RangeError on invalid input, as {@link binaryMetrics}.
 */
export function f1Max(
  scores: ArrayLike<number>,
  labels: ArrayLike<BinaryLabel>,
): F1MaxResult {
  return binaryMetrics(scores, labels).f1Max;
}
