import type { Logger } from "../log/logger";

/** Outcome of {@link executeAndRecord}. */
export interface RecordedRun {
  /** The new or existing result. */
  result: RunResult;
  /** True when the run was executed now, false when its result existed. */
  computed: boolean;
}

/** A run that failed in {@link runLocally}. */
export interface LocalRunFailure {
  /** Run id. */
  id: string;
  /** Error message. */
  error: string;
}
import type { RunContext, RunExecutor } from "./executor";
import { InvalidRunError } from "./executor";
import type { PlannedRun } from "./plan";
import {
  readResult,
  resultOf,
  workerName,
  writeFailure,
  writeResult,
  type RunResult,
} from "./run-results";

/**
 * Executes one run unless its result exists, and records the outcome:
 * `result.json` on success; `failed.json` when the error is deterministic
 * or `finalAttempt` is set. The error is thrown again after recording.
 *
 * @param run - the planned run
 * @param executor - executor of train+eval
 * @param context - output folder, device, logger, progress
 * @param attempt - 1-based attempt number
 * @param finalAttempt - true when no retry follows a failure
 * @returns the new or existing result, and whether it was computed now
 */
export async function executeAndRecord(
  run: PlannedRun,
  executor: RunExecutor,
  context: RunContext,
  attempt: number,
  finalAttempt: boolean,
): Promise<RecordedRun> {
  const existing = await readResult(context.out, run.id);
  if (existing !== undefined) return { result: existing, computed: false };
  const start = performance.now();
  try {
    const metrics = await executor.execute(run, context);
    const result = resultOf(
      run,
      metrics,
      Math.round(performance.now() - start),
    );
    await writeResult(context.out, result);
    return { result, computed: true };
  } catch (error) {
    const deterministic = error instanceof InvalidRunError;
    if (deterministic || finalAttempt) {
      await writeFailure(context.out, {
        id: run.id,
        error: (error as Error).message,
        deterministic,
        attempts: attempt,
        worker: workerName(),
        failedAt: new Date().toISOString(),
      });
    }
    throw error;
  }
}

/** Outcome of {@link runLocally}. */
export interface LocalRunSummary {
  /** Runs computed now. */
  computed: number;
  /** Runs whose result already existed. */
  skipped: number;
  /** Runs that failed, with their error. */
  failed: LocalRunFailure[];
}

/**
 * Runs a plan in this process, at most `concurrency` runs at a time. A run
 * whose result exists is skipped; a failed run is recorded in its
 * `failed.json` and the others go on. Local runs make one attempt each.
 *
 * @param runs - runs to execute
 * @param executor - executor of train+eval
 * @param options - output folder, device, concurrency, logger, and a
 *   callback per finished run
 * @returns counts and failures
 */
export async function runLocally(
  runs: readonly PlannedRun[],
  executor: RunExecutor,
  options: {
    out: string;
    device: "cpu" | "cuda";
    concurrency: number;
    log: Logger;
    onFinished?: (
      run: PlannedRun,
      outcome: "done" | "skipped" | "failed",
    ) => void;
  },
): Promise<LocalRunSummary> {
  if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
    throw new RangeError(
      `concurrency must be a positive integer, got ${options.concurrency}`,
    );
  }
  const summary: LocalRunSummary = { computed: 0, skipped: 0, failed: [] };
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < runs.length) {
      const run = runs[next++];
      try {
        const { computed } = await executeAndRecord(
          run,
          executor,
          { out: options.out, device: options.device, log: options.log },
          1,
          true,
        );
        if (computed) summary.computed++;
        else summary.skipped++;
        options.onFinished?.(run, computed ? "done" : "skipped");
      } catch (error) {
        summary.failed.push({ id: run.id, error: (error as Error).message });
        options.onFinished?.(run, "failed");
      }
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(options.concurrency, runs.length) }, lane),
  );
  return summary;
}
