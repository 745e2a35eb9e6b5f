/**
 * Value of a metric that can be undefined for some inputs.
 *
 * AUROC needs both classes, PRO needs at least one anomalous region, and so
 * on. When the input does not define the metric, `value` is `NaN` and
 * `reason` states the cause; a made-up value such as 0.5 is never returned.
 */
export interface MetricResult {
  /** Metric value in [0, 1], or `NaN` when the input does not define it. */
  readonly value: number;
  /** Cause of a `NaN` value; absent when the value is defined. */
  readonly reason?: string;
}

/** F1-max together with the score threshold that reaches it. */
export interface F1MaxResult extends MetricResult {
  /**
   * Highest score threshold `t` at which F1 reaches its maximum, in score
   * units. A sample counts as predicted anomalous when its score is `>= t`.
   * `NaN` when the value is undefined.
   */
  readonly threshold: number;
}

/** AUROC, average precision and F1-max computed in one pass over the thresholds. */
export interface BinaryMetrics {
  /** Area under the ROC curve (trapezoid over distinct thresholds). */
  readonly auroc: MetricResult;
  /** Average precision: sum over distinct thresholds of `(R_n - R_(n-1)) * P_n`. */
  readonly averagePrecision: MetricResult;
  /** Maximum over thresholds of `2PR / (P + R)`. */
  readonly f1Max: F1MaxResult;
  /** Number of positive (anomalous) samples. */
  readonly positives: number;
  /** Number of negative (normal) samples. */
  readonly negatives: number;
}

/** Builds an undefined result with its reason. */
export function undefinedMetric(reason: string): MetricResult {
  return { value: Number.NaN, reason };
}
