import { buildMetricTable } from "@devprompt/metrics";
import type { EvalMetrics } from "../pipeline/run-eval";
import type { SweepPlan } from "./plan";
import type { RunResult } from "./run-results";

/** Metric columns of the report, in the order of metrics.json. */
export const REPORT_METRICS: readonly (keyof EvalMetrics)[] = [
  "imageAuroc",
  "pixelAuroc",
  "pro",
  "imageAp",
  "pixelAp",
  "imageF1Max",
  "pixelF1Max",
];

/** Mean and spread of one metric over seeds, in percent. */
export interface SeedStatistic {
  /** Mean over the seeds with a defined value; `null` when none. */
  mean: number | null;
  /** Sample standard deviation (n − 1); `null` for fewer than 2 values. */
  std: number | null;
  /** Number of seeds averaged. */
  n: number;
}

/** One row of a setting's table. */
export interface ReportRow {
  /** Class name, or `mean` for the mean over classes. */
  className: string;
  /** Statistic per metric. */
  metrics: Record<string, SeedStatistic>;
}

/** The table of one dataset, setting and shot count. */
export interface ReportGroup {
  /** Dataset label. */
  dataset: string;
  /** Setting label. */
  setting: string;
  /** Shot count. */
  shots: number;
  /** Seeds that contributed. */
  seeds: number[];
  /** One row per class, then the `mean` row. */
  rows: ReportRow[];
}

/** The whole report. */
export interface SweepReport {
  /** Runs in the plan. */
  planned: number;
  /** Runs with a result. */
  finished: number;
  /** Tables. */
  groups: ReportGroup[];
}

/**
 * Mean and sample standard deviation of the defined values.
 *
 * @param values - values in percent, `null` where undefined
 * @returns the statistic
 */
export function seedStatistic(
  values: readonly (number | null)[],
): SeedStatistic {
  const defined = values.filter(
    (v): v is number => v !== null && Number.isFinite(v),
  );
  const n = defined.length;
  if (n === 0) return { mean: null, std: null, n };
  const mean = defined.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, std: null, n };
  const variance = defined.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
  return { mean, std: Math.sqrt(variance), n };
}

/**
 * Builds the report: for each dataset, setting and shot count, one row per
 * class with mean ± std over seeds, and a mean row. The mean row's mean is
 * the mean of the class means. Its spread is the standard deviation over
 * seeds of the per-seed class average. It is given only when every class
 * has a result for the same seeds.
 *
 * @param plan - the plan, for order and counts
 * @param results - results of finished runs
 * @returns the report
 */
export function buildSweepReport(
  plan: SweepPlan,
  results: readonly RunResult[],
): SweepReport {
  const byId = new Map(results.map((r) => [r.id, r]));
  const groups = new Map<
    string,
    { group: ReportGroup; byClass: Map<string, RunResult[]> }
  >();
  for (const run of plan.runs) {
    const key = JSON.stringify([run.dataset, run.setting, run.shots]);
    let entry = groups.get(key);
    if (entry === undefined) {
      entry = {
        group: {
          dataset: run.dataset,
          setting: run.setting,
          shots: run.shots,
          seeds: [],
          rows: [],
        },
        byClass: new Map(),
      };
      groups.set(key, entry);
    }
    if (!entry.byClass.has(run.category)) entry.byClass.set(run.category, []);
    const result = byId.get(run.id);
    if (result !== undefined) {
      entry.byClass.get(run.category)?.push(result);
      if (!entry.group.seeds.includes(run.seed))
        entry.group.seeds.push(run.seed);
    }
  }

  for (const { group, byClass } of groups.values()) {
    for (const [className, classResults] of byClass) {
      const metrics: Record<string, SeedStatistic> = {};
      for (const name of REPORT_METRICS)
        metrics[name] = seedStatistic(classResults.map((r) => r.metrics[name]));
      group.rows.push({ className, metrics });
    }
    group.rows.push({
      className: "mean",
      metrics: meanRow(group.rows, byClass),
    });
  }
  return {
    planned: plan.runs.length,
    finished: results.length,
    groups: [...groups.values()].map((g) => g.group),
  };
}

function meanRow(
  rows: readonly ReportRow[],
  byClass: Map<string, RunResult[]>,
): Record<string, SeedStatistic> {
  // The mean over classes of the per-class means, in fractions as the
  // metrics table expects.
  const table = buildMetricTable(
    rows.map((row) => ({
      className: row.className,
      values: Object.fromEntries(
        REPORT_METRICS.map((name) => [
          name,
          (row.metrics[name].mean ?? Number.NaN) / 100,
        ]),
      ),
    })),
    { columns: REPORT_METRICS, nanPolicy: "propagate" },
  );
  const seedSets = [...byClass.values()].map((list) =>
    list
      .map((r) => r.seed)
      .sort((a, b) => a - b)
      .join(","),
  );
  const sameSeeds = seedSets.every((s) => s === seedSets[0] && s !== "");
  const seeds = sameSeeds ? seedSets[0].split(",").map(Number) : [];
  const out: Record<string, SeedStatistic> = {};
  REPORT_METRICS.forEach((name, c) => {
    const mean = Number.isNaN(table.mean[c]) ? null : table.mean[c] * 100;
    let std: number | null = null;
    if (mean !== null && seeds.length >= 2) {
      const perSeed = seeds.map((seed) => {
        const values = [...byClass.values()].map(
          (list) => list.find((r) => r.seed === seed)?.metrics[name] ?? null,
        );
        return values.some((v) => v === null)
          ? null
          : (values as number[]).reduce((a, b) => a + b, 0) / values.length;
      });
      std = seedStatistic(perSeed).std;
    }
    out[name] = { mean, std, n: mean === null ? 0 : rows.length };
  });
  return out;
}

function formatStatistic(s: SeedStatistic, digits: number): string {
  if (s.mean === null) return "n/a";
  return s.std === null
    ? s.mean.toFixed(digits)
    : `${s.mean.toFixed(digits)} ± ${s.std.toFixed(digits)}`;
}

/**
 * Formats the report as Markdown: one table per dataset, setting and shot
 * count, cells `mean ± std` in percent.
 *
 * @param report - the report
 * @param digits - decimals; 1 by default
 * @returns Markdown text
 */
export function reportToMarkdown(report: SweepReport, digits = 1): string {
  const lines = [
    `# Sweep report`,
    "",
    `${report.finished} of ${report.planned} run(s) finished. Values in percent, mean ± sample standard deviation over seeds.`,
  ];
  for (const group of report.groups) {
    lines.push(
      "",
      `## ${group.dataset}, ${group.setting}, ${group.shots} shot(s), seeds ${group.seeds.join(", ") || "none"}`,
      "",
      `| class | ${REPORT_METRICS.join(" | ")} |`,
      `| --- | ${REPORT_METRICS.map(() => "---:").join(" | ")} |`,
    );
    for (const row of group.rows) {
      const name =
        row.className === "mean"
          ? "**mean**"
          : row.className.replace(/\|/g, "\\|");
      lines.push(
        `| ${name} | ${REPORT_METRICS.map((m) => formatStatistic(row.metrics[m], digits)).join(" | ")} |`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Formats the report as long-format CSV: one line per dataset, setting,
 * shots, class and metric with mean, std and n (empty when undefined).
 *
 * @param report - the report
 * @returns CSV text with a header line
 */
export function reportToCsv(report: SweepReport): string {
  const lines = ["dataset,setting,shots,class,metric,mean,std,n"];
  for (const group of report.groups) {
    for (const row of group.rows) {
      for (const metric of REPORT_METRICS) {
        const s = row.metrics[metric];
        lines.push(
          [
            group.dataset,
            group.setting,
            String(group.shots),
            row.className,
            metric,
            s.mean === null ? "" : String(s.mean),
            s.std === null ? "" : String(s.std),
            String(s.n),
          ]
            .map(csvField)
            .join(","),
        );
      }
    }
  }
  return `${lines.join("\n")}\n`;
}
