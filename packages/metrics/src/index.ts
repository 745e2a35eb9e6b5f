/**
 * Evaluation metrics of industrial anomaly detection: image- and pixel-level
 * AUROC, average precision and F1-max (equal to scikit-learn's values),
 * PRO/AUPRO with the MVTec AD definition (exact and binned), and per-class
 * result tables as JSON, CSV and Markdown.
 *
 * @packageDocumentation
 * @module @devprompt/metrics
 */

export type { BinaryMetrics, F1MaxResult, MetricResult } from "./metric-result";
export type { BinaryLabel } from "./binary-metrics";
export {
  auroc,
  averagePrecision,
  binaryMetrics,
  f1Max,
} from "./binary-metrics";
export type { RegionLabels } from "./connected-components";
export { labelConnectedComponents } from "./connected-components";
export type {
  AuproOptions,
  AuproResult,
  BinnedAuproOptions,
  BinnedAuproResult,
} from "./pro-curve";
export { defaultAuproOptions } from "./pro-curve";
export type { PixelGrid } from "./pixel-metrics";
export { PixelMetricAccumulator } from "./pixel-metrics";
export type {
  ClassMetrics,
  MetricTable,
  MetricTableOptions,
  NanPolicy,
  TableFormat,
} from "./metric-table";
export {
  buildMetricTable,
  defaultMarkdownFormat,
  metricTableToCsv,
  metricTableToJson,
  metricTableToMarkdown,
} from "./metric-table";
