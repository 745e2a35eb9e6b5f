import { promises as fs } from "node:fs";
import { hostname } from "node:os";
import * as path from "node:path";
import { writeJsonAtomic } from "../io/atomic-write";
import type { EvalMetrics } from "../pipeline/run-eval";
import type { PlannedRun } from "./plan";

/** Folder of all runs inside a sweep output folder. */
export const RUNS_DIR = "runs";
/** Result of a finished run; its presence marks the run done. */
export const RESULT_FILE = "result.json";
/** Error of a run that failed for good. */
export const FAILURE_FILE = "failed.json";

/** Record of a finished run, stored in `runs/<id>/result.json`. */
export interface RunResult {
  /** Run id. */
  id: string;
  /** Setting label. */
  setting: string;
  /** Dataset label. */
  dataset: string;
  /** Class name. */
  category: string;
  /** Number of shots. */
  shots: number;
  /** Seed. */
  seed: number;
  /** Metrics in percent, `null` where undefined. */
  metrics: EvalMetrics;
  /** Number of test images scored. */
  images: number;
  /** Wall time of train+eval in milliseconds. */
  durationMs: number;
  /** Worker that ran it, as `host:pid`. */
  worker: string;
  /** ISO time the result was written. */
  finishedAt: string;
}

/** Record of a run that failed for good, stored in `runs/<id>/failed.json`. */
export interface RunFailure {
  /** Run id. */
  id: string;
  /** Error message. */
  error: string;
  /** True when the error comes from the run's settings and retrying cannot help. */
  deterministic: boolean;
  /** Attempts made, this one included. */
  attempts: number;
  /** Worker that ran it, as `host:pid`. */
  worker: string;
  /** ISO time of the failure. */
  failedAt: string;
}

/** Name of this process for result files: `host:pid`. */
export function workerName(): string {
  return `${hostname()}:${process.pid}`;
}

/**
 * Folder of one run.
 *
 * @param out - sweep output folder
 * @param id - run id
 * @returns `out/runs/<id>`
 */
export function runFolder(out: string, id: string): string {
  return path.join(out, RUNS_DIR, id);
}

async function readJson<T>(file: string): Promise<T | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new Error(
      `${file} is not valid JSON (${(error as Error).message}); delete it to run that sweep run again`,
    );
  }
}

/**
 * Reads a run's result.
 *
 * @param out - sweep output folder
 * @param id - run id
 * @returns the result, or undefined when the run has not finished
 */
export function readResult(
  out: string,
  id: string,
): Promise<RunResult | undefined> {
  return readJson<RunResult>(path.join(runFolder(out, id), RESULT_FILE));
}

/**
 * Reads a run's failure record.
 *
 * @param out - sweep output folder
 * @param id - run id
 * @returns the failure, or undefined
 */
export function readFailure(
  out: string,
  id: string,
): Promise<RunFailure | undefined> {
  return readJson<RunFailure>(path.join(runFolder(out, id), FAILURE_FILE));
}

/**
 * Writes a run's result atomically and removes an older failure record.
 *
 * @param out - sweep output folder
 * @param result - the result
 */
export async function writeResult(
  out: string,
  result: RunResult,
): Promise<void> {
  const folder = runFolder(out, result.id);
  await fs.mkdir(folder, { recursive: true });
  await writeJsonAtomic(path.join(folder, RESULT_FILE), result);
  await fs.rm(path.join(folder, FAILURE_FILE), { force: true });
}

/**
 * Writes a run's failure record atomically.
 *
 * @param out - sweep output folder
 * @param failure - the failure
 */
export async function writeFailure(
  out: string,
  failure: RunFailure,
): Promise<void> {
  const folder = runFolder(out, failure.id);
  await fs.mkdir(folder, { recursive: true });
  await writeJsonAtomic(path.join(folder, FAILURE_FILE), failure);
}

/**
 * Builds the result record of a run.
 *
 * @param run - the planned run
 * @param metrics - its metrics and image count
 * @param durationMs - wall time in milliseconds
 * @returns the record
 */
export function resultOf(
  run: PlannedRun,
  metrics: { metrics: EvalMetrics; images: number },
  durationMs: number,
): RunResult {
  return {
    id: run.id,
    setting: run.setting,
    dataset: run.dataset,
    category: run.category,
    shots: run.shots,
    seed: run.seed,
    metrics: metrics.metrics,
    images: metrics.images,
    durationMs,
    worker: workerName(),
    finishedAt: new Date().toISOString(),
  };
}
