import {
  BinaryMetrics,
  F1MaxResult,
  MetricResult,
  undefinedMetric,
} from "./metric-result";
import { ThresholdCounts } from "./threshold-counts";

/**
 * Sweeps the thresholds from the highest down and computes AUROC, average
 * precision and F1-max in one pass over the counts.
 *
 * At each distinct threshold `t`, `tp` and `fp` count the positives and
 * negatives with score `>= t` (the points of scikit-learn's
 * `_binary_clf_curve`). Thresholds at which only negatives enter add points
 * on a horizontal line of the ROC curve. One step per gap between positive
 * scores therefore gives the same areas and sums.
 * - AUROC is the trapezoid area of (fp/N, tp/P) from (0, 0). The doubled
 *   area is summed in integer counts, exact in float64 while
 *   `2 * P * N < 2^53`.
 * - Average precision is `sum((tp_n - tp_(n-1)) / P * tp_n / (tp_n + fp_n))`.
 * - F1 at a threshold is `2PR / (P + R) = 2 tp / (P + tp + fp)`; its maximum
 *   is reached at a positive score, because adding only negatives lowers it.
 *
 * @param counts - Counts at the distinct positive scores.
 * @returns The three metrics; undefined ones carry a reason.
 *
 * @internal
 */
export function sweepBinaryMetrics(counts: ThresholdCounts): BinaryMetrics {
  const p = counts.positiveTotal;
  const n = counts.negativeTotal;
  const { values, positives, negativesEqual, negativesBelow } = counts;

  let tp = 0;
  let fp = negativesBelow[values.length];
  let doubledArea = 0;
  let precisionSum = 0;
  let bestF1 = -1;
  let bestThreshold = Number.NaN;

  for (let d = values.length - 1; d >= 0; d--) {
    // The threshold values[d]: positives and equal negatives enter together.
    const tpBefore = tp;
    const fpBefore = fp;
    tp += positives[d];
    fp += negativesEqual[d];
    doubledArea += (fp - fpBefore) * (tp + tpBefore);
    precisionSum += (tp - tpBefore) * (tp / (tp + fp));
    const f1 = (2 * tp) / (p + tp + fp);
    if (f1 > bestF1) {
      bestF1 = f1;
      bestThreshold = values[d];
    }

    // Thresholds between values[d] and the next lower positive score.
    doubledArea += negativesBelow[d] * 2 * tp;
    fp += negativesBelow[d];
  }

  return {
    auroc: aurocFromArea(doubledArea, p, n),
    averagePrecision: averagePrecisionFromSum(precisionSum, p),
    f1Max: f1MaxFromBest(bestF1, bestThreshold, p),
    positives: p,
    negatives: n,
  };
}

function aurocFromArea(
  doubledArea: number,
  p: number,
  n: number,
): MetricResult {
  if (p === 0) {
    return undefinedMetric(
      `AUROC is undefined without positive (anomalous) samples; got 0 positives and ${n} negatives`,
    );
  }
  if (n === 0) {
    return undefinedMetric(
      `AUROC is undefined without negative (normal) samples; got ${p} positives and 0 negatives`,
    );
  }
  return { value: doubledArea / (2 * p * n) };
}

function averagePrecisionFromSum(
  precisionSum: number,
  p: number,
): MetricResult {
  if (p === 0) {
    return undefinedMetric(
      "average precision is undefined without positive (anomalous) samples, because recall divides by 0",
    );
  }
  return { value: precisionSum / p };
}

function f1MaxFromBest(
  bestF1: number,
  threshold: number,
  p: number,
): F1MaxResult {
  if (p === 0) {
    return {
      ...undefinedMetric(
        "F1-max is undefined without positive (anomalous) samples, because recall divides by 0",
      ),
      threshold: Number.NaN,
    };
  }
  return { value: bestF1, threshold };
}
