import {
  BinaryMetrics,
  F1MaxResult,
  MetricResult,
  undefinedMetric,
} from "./metric-result";

/** Sorted scores of one class (ascending, finite, no -0). */
export type SortedScoreArray = Float32Array | Float64Array;

/**
 * Sweeps the distinct thresholds of two sorted score arrays from the highest
 * down and computes AUROC, average precision and F1-max in one pass.
 *
 * At each distinct threshold `t`, `tp` and `fp` count the positive and
 * negative scores `>= t` (the points of scikit-learn's `_binary_clf_curve`).
 * AUROC is the trapezoid area of (fp/N, tp/P) from (0, 0); the doubled area
 * is summed in integer counts, exact in float64 while `2 * P * N < 2^53`.
 * Average precision is `sum((tp_n - tp_(n-1)) / P * tp_n / (tp_n + fp_n))`,
 * and F1 at a threshold is `2PR / (P + R) = 2 tp / (P + tp + fp)`.
 *
 * @param positives - Scores of anomalous samples, ascending.
 * @param negatives - Scores of normal samples, ascending.
 * @returns The three metrics; undefined ones carry a reason.
 *
 * @internal
 */
export function sweepBinaryMetrics(
  positives: SortedScoreArray,
  negatives: SortedScoreArray,
): BinaryMetrics {
  const p = positives.length;
  const n = negatives.length;

  let i = p - 1;
  let j = n - 1;
  let tp = 0;
  let fp = 0;
  let doubledArea = 0;
  let precisionSum = 0;
  let bestF1 = -1;
  let bestThreshold = Number.NaN;

  while (i >= 0 || j >= 0) {
    let threshold: number;
    if (i < 0) threshold = negatives[j];
    else if (j < 0) threshold = positives[i];
    else threshold = positives[i] > negatives[j] ? positives[i] : negatives[j];

    const tpBefore = tp;
    const fpBefore = fp;
    while (i >= 0 && positives[i] === threshold) {
      tp++;
      i--;
    }
    while (j >= 0 && negatives[j] === threshold) {
      fp++;
      j--;
    }

    doubledArea += (fp - fpBefore) * (tp + tpBefore);
    precisionSum += (tp - tpBefore) * (tp / (tp + fp));
    const f1 = (2 * tp) / (p + tp + fp);
    if (f1 > bestF1) {
      bestF1 = f1;
      bestThreshold = threshold;
    }
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
