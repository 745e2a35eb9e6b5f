import { promises as fs } from "node:fs";
import { ATTEMPT_DIR_PREFIX } from "./executor";
import type { SweepPlan } from "./plan";
import type { QueuedRunState } from "./queue";
import { readFailure, readResult, runFolder, writeResult } from "./run-results";

/** State of one run as `sweep status` shows it. */
export type RunState = "done" | "failed" | "running" | "queued" | "pending";

/** One run's line in the status. */
export interface RunStatus {
  /** Run id. */
  id: string;
  /** Dataset, class, setting, shots and seed in one label. */
  label: string;
  /** State. */
  state: RunState;
  /** Error of a failed run, or the last error of a retried one. */
  reason?: string;
  /** Progress detail of a running run. */
  detail?: string;
}

/** Status of a whole sweep. */
export interface SweepStatus {
  /** Runs per state. */
  counts: Record<RunState, number>;
  /** Every run, in plan order. */
  runs: RunStatus[];
}

const QUEUED_STATES = ["waiting", "delayed", "prioritized", "waiting-children"];

/**
 * Works out each run's state from the output folder and, when given, the
 * queue. A result file always means `done`. Without a queue, a run with an
 * attempt folder but no result is `running` (or was interrupted), and a
 * run without files is `pending`.
 *
 * @param out - sweep output folder
 * @param plan - the plan
 * @param queued - queue states by run id, when a queue is known
 * @returns counts and per-run states
 */
export async function sweepStatus(
  out: string,
  plan: SweepPlan,
  queued?: Map<string, QueuedRunState>,
): Promise<SweepStatus> {
  const counts: Record<RunState, number> = {
    done: 0,
    failed: 0,
    running: 0,
    queued: 0,
    pending: 0,
  };
  const runs: RunStatus[] = [];
  for (const run of plan.runs) {
    const label = `${run.dataset}/${run.category} ${run.setting} shots=${run.shots} seed=${run.seed}`;
    const status: RunStatus = { id: run.id, label, state: "pending" };
    const fromQueue = queued?.get(run.id);
    if ((await readResult(out, run.id)) !== undefined) status.state = "done";
    else if (fromQueue !== undefined && fromQueue.state !== "unknown") {
      if (fromQueue.state === "completed") status.state = "done";
      else if (fromQueue.state === "failed") {
        status.state = "failed";
        status.reason = fromQueue.failedReason;
      } else if (fromQueue.state === "active") {
        status.state = "running";
        status.detail = fromQueue.progress?.detail;
      } else if (QUEUED_STATES.includes(fromQueue.state)) {
        status.state = "queued";
        // A delayed job waits for its retry after a failed attempt.
        if (fromQueue.failedReason) status.reason = fromQueue.failedReason;
      }
    } else {
      const failure = await readFailure(out, run.id);
      if (failure !== undefined) {
        status.state = "failed";
        status.reason = failure.error;
      } else if (queued === undefined) {
        const entries = await fs
          .readdir(runFolder(out, run.id))
          .catch(() => [] as string[]);
        const started = entries.some((e) => e.startsWith(ATTEMPT_DIR_PREFIX));
        if (started) status.state = "running";
      }
    }
    counts[status.state]++;
    runs.push(status);
  }
  return { counts, runs };
}

/**
 * Formats a status as text: a count line, then one line per run that is
 * not done (failed runs with their reason).
 *
 * @param status - the status
 * @param all - list done runs too
 * @returns text ending with a newline
 */
export function formatStatus(status: SweepStatus, all: boolean): string {
  const { counts } = status;
  const total = status.runs.length;
  const lines = [
    `${total} run(s): ${counts.done} done, ${counts.running} running, ${counts.queued} queued, ${counts.pending} pending, ${counts.failed} failed`,
  ];
  for (const run of status.runs) {
    if (run.state === "done" && !all) continue;
    let line = `${run.state.padEnd(8)} ${run.id} ${run.label}`;
    if (run.detail) line += ` (${run.detail})`;
    if (run.reason) line += `: ${run.reason}`;
    lines.push(line);
  }
  return `${lines.join("\n")}\n`;
}

/**
 * Copies results that workers returned through the queue into the output
 * folder, for workers that wrote `result.json` on their own disk instead
 * of a shared folder. Runs whose `result.json` exists are left alone.
 *
 * @param out - sweep output folder on this machine
 * @param plan - the plan
 * @param queued - queue states by run id, with the returned results
 * @returns ids of the results written
 */
export async function collectQueuedResults(
  out: string,
  plan: SweepPlan,
  queued: Map<string, QueuedRunState>,
): Promise<string[]> {
  const written: string[] = [];
  for (const run of plan.runs) {
    const result = queued.get(run.id)?.result;
    if (result === undefined || result.id !== run.id) continue;
    if ((await readResult(out, run.id)) !== undefined) continue;
    await writeResult(out, result);
    written.push(run.id);
  }
  return written;
}
