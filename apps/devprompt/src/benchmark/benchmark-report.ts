import {
  buildMetricTable,
  metricTableToCsv,
  metricTableToJson,
  metricTableToMarkdown,
  type MetricTable,
} from "@devprompt/metrics";
import type { EvalMetrics } from "../pipeline/run-eval";
import { publishedFigures } from "./published-figures";

/** Table columns and the metrics.json key each one shows. */
const COLUMNS: [string, keyof EvalMetrics][] = [
  ["image AUROC", "imageAuroc"],
  ["pixel AUROC", "pixelAuroc"],
  ["PRO", "pro"],
  ["image AP", "imageAp"],
  ["pixel AP", "pixelAp"],
  ["image F1-max", "imageF1Max"],
  ["pixel F1-max", "pixelF1Max"],
];

/** Rendered benchmark tables. */
export interface BenchmarkReport {
  /** Per-class table with the mean row, fractions. */
  table: MetricTable;
  /** Markdown: the table in percent, then the published figures. */
  markdown: string;
  /** CSV of the table in percent. */
  csv: string;
  /** JSON of the table (fractions) and the published figures. */
  json: string;
}

/**
 * Builds the per-class table with its mean and renders it as Markdown, CSV
 * and JSON. The Markdown adds the published one-shot means of DevPrompt,
 * PromptAD and WinCLIP+ for comparison when the run used one shot.
 *
 * @param benchmark - `mvtec` or `visa`
 * @param shots - shots per class of the runs
 * @param results - metrics of each class, in percent as in metrics.json
 * @returns the table and its three renderings
 */
export function buildBenchmarkReport(
  benchmark: "mvtec" | "visa",
  shots: number,
  results: readonly { className: string; metrics: EvalMetrics }[],
): BenchmarkReport {
  const table = buildMetricTable(
    results.map(({ className, metrics }) => ({
      className,
      values: Object.fromEntries(
        COLUMNS.map(([column, key]) => [
          column,
          metrics[key] === null ? Number.NaN : (metrics[key] as number) / 100,
        ]),
      ),
    })),
    { columns: COLUMNS.map(([column]) => column) },
  );

  const published = shots === 1 ? publishedFigures(benchmark) : [];
  const lines = [
    `# ${benchmark === "mvtec" ? "MVTec AD" : "VisA"}, ${shots}-shot`,
    "",
    metricTableToMarkdown(table).trimEnd(),
    "",
  ];
  if (published.length > 0) {
    lines.push(
      "Published one-shot means (percent) for the same setting:",
      "",
      "| method | pixel AUROC | image AUROC |",
      "|---|---:|---:|",
      ...published.map(
        (p) =>
          `| ${p.method} | ${p.pixelAuroc ?? "not reported"} | ${p.imageAuroc ?? "not reported"} |`,
      ),
      "",
    );
  }

  const json = JSON.stringify(
    {
      benchmark,
      shots,
      table: JSON.parse(metricTableToJson(table)),
      published,
    },
    null,
    2,
  );
  return {
    table,
    markdown: `${lines.join("\n")}\n`,
    csv: metricTableToCsv(table, { scale: 100 }),
    json: `${json}\n`,
  };
}
