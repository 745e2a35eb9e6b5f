import { benchmarkClasses } from "@devprompt/datasets";
import { promises as fs } from "node:fs";
import * as path from "node:path";
import type { OptionValue } from "../cli/parse-option-value";
import type { OptionSource } from "../config/resolve-options";
import { writeFileAtomic } from "../io/atomic-write";
import type { Logger } from "../log/logger";
import { runEval, type EvalMetrics } from "../pipeline/run-eval";
import { runTrain, trainSettingsFromOptions } from "../pipeline/run-train";
import { buildBenchmarkReport, type BenchmarkReport } from "./benchmark-report";

/** Names of the table files written into the benchmark folder. */
const REPORT_FILES = {
  markdown: "benchmark.md",
  csv: "benchmark.csv",
  json: "benchmark.json",
};

/**
 * Trains and evaluates every requested class of MVTec AD or VisA, each in
 * its own run directory `<out>/<class>`, then writes the per-class table
 * with its mean as Markdown, CSV and JSON.
 *
 * @param options - benchmark option values (train options plus categories)
 * @param sources - source of each value, recorded in each run's config.json
 * @param log - logger of the command
 * @returns the report
 */
export async function runBenchmark(
  options: Record<string, OptionValue>,
  sources: Record<string, OptionSource>,
  log: Logger,
): Promise<BenchmarkReport> {
  const benchmark = options.dataset as "mvtec" | "visa";
  const out = path.resolve(options.out as string);
  const root = path.resolve(options.root as string);
  const overwrite = options.overwrite === true;

  const existing = await fs.readdir(out).catch(() => [] as string[]);
  if (existing.includes(REPORT_FILES.json) && !overwrite) {
    throw new Error(
      `benchmark folder ${out} already contains results (${REPORT_FILES.json}); pass --overwrite to replace them`,
    );
  }
  const classes = await selectClasses(
    benchmark,
    root,
    options.categories as string[],
    log,
  );

  const results: { className: string; metrics: EvalMetrics }[] = [];
  for (const [i, className] of classes.entries()) {
    log.info(`class ${i + 1} of ${classes.length}: ${className}`);
    const runDir = path.join(out, className);
    const values: Record<string, OptionValue> = {
      ...options,
      category: className,
      out: runDir,
      resume: false,
    };
    await runTrain(trainSettingsFromOptions(values), { values, sources }, log);
    const evaluation = await runEval(
      {
        run: runDir,
        device: options.device as "cpu" | "cuda",
        allowCpuFallback: options.allowCpuFallback === true,
        outputSize: options.outputSize as number,
        blurSigma: options.blurSigma as number,
        heatmaps: 0,
        saveMaps: false,
        deviationMap: false,
        overwrite,
      },
      log,
    );
    results.push({ className, metrics: evaluation.metrics });
  }

  const report = buildBenchmarkReport(
    benchmark,
    options.shots as number,
    results,
  );
  await writeFileAtomic(path.join(out, REPORT_FILES.markdown), report.markdown);
  await writeFileAtomic(path.join(out, REPORT_FILES.csv), report.csv);
  await writeFileAtomic(path.join(out, REPORT_FILES.json), report.json);
  return report;
}

async function selectClasses(
  benchmark: "mvtec" | "visa",
  root: string,
  requested: string[],
  log: Logger,
): Promise<string[]> {
  const known = benchmarkClasses(benchmark);
  if (!(requested.length === 1 && requested[0] === "all")) {
    const unknown = requested.filter((name) => !known.includes(name));
    if (unknown.length > 0) {
      throw new Error(
        `unknown ${benchmark} class(es) ${unknown.join(", ")}; valid classes: ${known.join(", ")}`,
      );
    }
    return requested;
  }

  const present: string[] = [];
  for (const name of known) {
    const stat = await fs.stat(path.join(root, name)).catch(() => undefined);
    if (stat?.isDirectory()) present.push(name);
  }
  if (present.length === 0) {
    throw new Error(
      `no ${benchmark} class folders found under ${root}; pass the dataset root that contains ${known[0]}/, ${known[1]}/, …`,
    );
  }
  const missing = known.filter((name) => !present.includes(name));
  if (missing.length > 0) {
    log.warn(
      `${missing.length} ${benchmark} class(es) are missing under ${root} and are left out of the mean: ${missing.join(", ")}`,
    );
  }
  return present;
}
