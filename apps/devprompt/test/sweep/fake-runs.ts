import type { RunContext, RunExecutor } from "../../src/sweep/executor";
import type { PlannedRun } from "../../src/sweep/plan";
import { resultOf, type RunResult } from "../../src/sweep/run-results";
import type { EvalMetrics } from "../../src/pipeline/run-eval";
import type { Logger } from "../../src/log/logger";

/** Creates a planned run with made-up paths; only the labels and the id matter. */
export function fakeRun(
  id: string,
  fields: Partial<PlannedRun> = {},
): PlannedRun {
  return {
    id,
    setting: "default",
    dataset: "synth",
    format: "folder",
    root: "/data",
    category: "tile",
    shots: 1,
    seed: 1,
    model: "/model",
    train: {},
    eval: {},
    ...fields,
  };
}

/** Creates metrics whose every field equals `value`. */
export function flatMetrics(value: number | null): EvalMetrics {
  return {
    imageAuroc: value,
    pixelAuroc: value,
    pro: value,
    imageAp: value,
    pixelAp: value,
    imageF1Max: value,
    pixelF1Max: value,
  };
}

/** Creates a result of `run` with every metric equal to `value`. */
export function fakeResult(run: PlannedRun, value: number | null): RunResult {
  return {
    ...resultOf(run, { metrics: flatMetrics(value), images: 6 }, 1),
    worker: "test:1",
    finishedAt: "2026-01-01T00:00:00.000Z",
  };
}

/**
 * Creates a deterministic executor that sets every metric to
 * `10 × seed + shots` after a short wait, so that runs overlap. It counts
 * calls per run id and the maximum number of runs in flight.
 */
export function countingExecutor(
  waitMs = 20,
): RunExecutor & { calls: Map<string, number>; maxInFlight: number } {
  let inFlight = 0;
  const executor = {
    calls: new Map<string, number>(),
    maxInFlight: 0,
    async execute(run: PlannedRun, _context: RunContext) {
      executor.calls.set(run.id, (executor.calls.get(run.id) ?? 0) + 1);
      inFlight++;
      executor.maxInFlight = Math.max(executor.maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, waitMs));
      inFlight--;
      return { metrics: flatMetrics(10 * run.seed + run.shots), images: 6 };
    },
  };
  return executor;
}

/** A logger that drops everything. */
export const SILENT_LOG: Logger = {
  name: "test",
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  warnOnce: () => undefined,
  error: () => undefined,
};
