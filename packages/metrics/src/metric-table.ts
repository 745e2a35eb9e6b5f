import { MetricResult } from "./metric-result";

/** Metrics of one class (one row of a result table). */
export interface ClassMetrics {
  /** Class name, for example `bottle` or `pcb1`. */
  readonly className: string;
  /**
   * Metric values by column name, as fractions in [0, 1] (`NaN` or a
   * {@link MetricResult} with `NaN` when undefined).
   */
  readonly values: Readonly<Record<string, number | MetricResult>>;
}

/** Treatment of `NaN` values in the mean row. */
export type NanPolicy = "propagate" | "omit";

/** Options of {@link buildMetricTable}. */
export interface MetricTableOptions {
  /** Columns in output order; default: every metric name in order of first appearance. */
  readonly columns?: readonly string[];
  /**
   * `propagate` (default): a column's mean is `NaN` when any class is
   * `NaN` or missing; `omit`: the mean runs over the defined values only.
   */
  readonly nanPolicy?: NanPolicy;
}

/** Per-class metric values with their mean row. */
export interface MetricTable {
  /** Metric names, in column order. */
  readonly columns: readonly string[];
  /** Class names, in row order. */
  readonly classNames: readonly string[];
  /** `values[row][column]`, fractions in [0, 1]; `NaN` when undefined or missing. */
  readonly values: readonly (readonly number[])[];
  /** Mean of each column over the classes, fractions in [0, 1]. */
  readonly mean: readonly number[];
  /** Number of classes each column's mean averages. */
  readonly meanCounts: readonly number[];
  /** Policy used for `NaN` values in the mean. */
  readonly nanPolicy: NanPolicy;
}

/** Number formatting of the CSV and Markdown tables. */
export interface TableFormat {
  /** Factor applied to every value; 100 prints percentages. */
  readonly scale?: number;
  /** Digits after the decimal point; `undefined` prints the shortest exact form. */
  readonly digits?: number;
}

/**
 * Returns a copy of the default Markdown format: percentages with one
 * decimal, the usual form of MVTec AD and VisA result tables.
 *
 * @returns `{ scale: 100, digits: 1 }`, a new object per call.
 */
export function defaultMarkdownFormat(): Required<TableFormat> {
  return { scale: 100, digits: 1 };
}

function toNumber(value: number | MetricResult | undefined): number {
  if (value === undefined) return Number.NaN;
  return typeof value === "number" ? value : value.value;
}

/**
 * Builds a result table from per-class metrics and adds the mean row.
 *
 * @param rows - One entry per class; class names must be unique.
 * @param options - Column order and the `NaN` policy of the mean.
 * @returns The table; missing metrics of a class are `NaN`.
 * @throws RangeError when a class name repeats.
 *
 * @example
 * ```ts
 * const table = buildMetricTable([
 *   { className: "bottle", values: { "image AUROC": 0.99, "pixel AUROC": 0.97 } },
 *   { className: "cable", values: { "image AUROC": 0.91, "pixel AUROC": 0.95 } },
 * ]);
 * table.mean; // [0.95, 0.96] (up to float rounding)
 * ```
 */
export function buildMetricTable(
  rows: readonly ClassMetrics[],
  options: MetricTableOptions = {},
): MetricTable {
  const seen = new Set<string>();
  for (const { className } of rows) {
    if (seen.has(className)) {
      throw new RangeError(
        `class "${className}" appears twice in the metric rows; merge its metrics into one row`,
      );
    }
    seen.add(className);
  }

  const columns = options.columns ?? [
    ...new Set(rows.flatMap((row) => Object.keys(row.values))),
  ];
  const nanPolicy = options.nanPolicy ?? "propagate";
  const values = rows.map((row) =>
    columns.map((column) => toNumber(row.values[column])),
  );

  const mean: number[] = [];
  const meanCounts: number[] = [];
  columns.forEach((_, c) => {
    const column = values.map((row) => row[c]);
    const used =
      nanPolicy === "omit" ? column.filter((v) => !Number.isNaN(v)) : column;
    const sum = used.reduce((total, v) => total + v, 0);
    mean.push(used.length === 0 ? Number.NaN : sum / used.length);
    meanCounts.push(used.length);
  });

  return {
    columns: [...columns],
    classNames: rows.map((row) => row.className),
    values,
    mean,
    meanCounts,
    nanPolicy,
  };
}

/**
 * Serialises a table as JSON: one object per class plus the mean, keyed by
 * column name, with `NaN` written as `null` (JSON has no NaN).
 *
 * @param table - Table from {@link buildMetricTable}.
 * @returns Indented JSON text, values unscaled fractions.
 */
export function metricTableToJson(table: MetricTable): string {
  const record = (values: readonly number[]): Record<string, number | null> =>
    Object.fromEntries(
      table.columns.map((column, c) => [
        column,
        Number.isNaN(values[c]) ? null : values[c],
      ]),
    );

  return JSON.stringify(
    {
      columns: table.columns,
      classes: table.classNames.map((className, r) => ({
        className,
        values: record(table.values[r]),
      })),
      mean: record(table.mean),
      meanCounts: Object.fromEntries(
        table.columns.map((column, c) => [column, table.meanCounts[c]]),
      ),
      nanPolicy: table.nanPolicy,
    },
    null,
    2,
  );
}

function formatValue(
  value: number,
  format: TableFormat,
  missing: string,
): string {
  if (Number.isNaN(value)) return missing;
  const scaled = value * (format.scale ?? 1);
  return format.digits === undefined
    ? String(scaled)
    : scaled.toFixed(format.digits);
}

/** Quotes a CSV field when it contains a comma, quote or line break (RFC 4180). */
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Writes a table as CSV (RFC 4180): a header `class,<columns>`, one line per
 * class and a last line `mean`; undefined values are empty fields.
 *
 * @param table - Table from {@link buildMetricTable}.
 * @param format - Scale and digits; default unscaled fractions printed in
 *   full precision.
 * @returns CSV text with `\n` line ends and a final line end.
 */
export function metricTableToCsv(
  table: MetricTable,
  format: TableFormat = {},
): string {
  const line = (name: string, values: readonly number[]): string =>
    [name, ...values.map((v) => formatValue(v, format, ""))]
      .map(csvField)
      .join(",");

  const lines = [
    ["class", ...table.columns].map(csvField).join(","),
    ...table.classNames.map((name, r) => line(name, table.values[r])),
    line("mean", table.mean),
  ];
  return `${lines.join("\n")}\n`;
}

/**
 * Writes a table as a GitHub-flavoured Markdown table with a bold mean row;
 * undefined values print as `n/a`.
 *
 * @param table - Table from {@link buildMetricTable}.
 * @param format - Scale and digits; default {@link defaultMarkdownFormat}
 *   (percentages, one decimal).
 * @returns Markdown text with a final line end.
 */
export function metricTableToMarkdown(
  table: MetricTable,
  format: TableFormat = defaultMarkdownFormat(),
): string {
  const cell = (text: string): string => text.replace(/\|/g, "\\|");
  const line = (cells: readonly string[]): string => `| ${cells.join(" | ")} |`;
  const formatted = (values: readonly number[], bold: boolean): string[] =>
    values.map((v) => {
      const text = formatValue(v, format, "n/a");
      return bold ? `**${text}**` : text;
    });

  const lines = [
    line(["class", ...table.columns].map(cell)),
    line(["---", ...table.columns.map(() => "---:")]),
    ...table.classNames.map((name, r) =>
      line([cell(name), ...formatted(table.values[r], false)]),
    ),
    line(["**mean**", ...formatted(table.mean, true)]),
  ];
  return `${lines.join("\n")}\n`;
}
