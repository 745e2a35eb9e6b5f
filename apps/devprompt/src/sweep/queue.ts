import { Queue, UnrecoverableError, Worker, type Job } from "bullmq";
import IORedis from "ioredis";
import type { Logger } from "../log/logger";
import type { RunExecutor, RunProgress } from "./executor";
import { InvalidRunError } from "./executor";
import { executeAndRecord } from "./local-runner";
import type { PlannedRun } from "./plan";
import { readResult, type RunResult } from "./run-results";

/** Queue name used when none is given. */
export const DEFAULT_QUEUE = "devprompt-sweep";

/** Data of one queued run. */
export interface SweepJobData {
  /** The planned run. */
  run: PlannedRun;
  /** Absolute sweep output folder, the same path on every worker. */
  out: string;
}

/** Retry policy of queued runs. */
export interface RetryPolicy {
  /** Attempts per run, the first included. */
  attempts: number;
  /** Delay before the first retry in milliseconds; doubled at each retry. */
  backoffMs: number;
}

/** Maximum delay between reconnection attempts after a lost connection, in ms. */
const MAX_RECONNECT_DELAY_MS = 5000;

/**
 * Connects to Redis for BullMQ and waits until the server accepts the connection.
 * Blocking BullMQ commands need `maxRetriesPerRequest: null`. A first
 * connection that fails rejects at once; a connection lost later is
 * retried with a growing delay of up to 5 s, and each error is logged.
 *
 * @param url - e.g. `redis://127.0.0.1:6379` or `redis://:password@host:6379/0`
 * @param log - receives connection errors after the first connection
 * @returns the connection; close it with `quit()`
 * @throws Error for a URL that is not `redis://` or `rediss://`, or a
 *   server that cannot be reached
 */
export async function connectRedis(url: string, log: Logger): Promise<IORedis> {
  if (!/^rediss?:\/\//.test(url)) {
    throw new Error(
      `--redis ${url} is not a Redis URL; expected redis://HOST:PORT (or rediss:// for TLS)`,
    );
  }
  let connected = false;
  const connection = new IORedis(url, {
    maxRetriesPerRequest: null,
    lazyConnect: true,
    retryStrategy: (times) =>
      connected ? Math.min(times * 500, MAX_RECONNECT_DELAY_MS) : null,
  });
  // ioredis emits the cause (e.g. ECONNREFUSED) as an event; connect()
  // itself only rejects with "Connection is closed".
  let lastError: Error | undefined;
  connection.on("error", (error: Error) => {
    lastError = error;
    if (connected) log.warn(`Redis connection error: ${error.message}`);
  });
  try {
    await connection.connect();
  } catch (error) {
    connection.disconnect();
    throw new Error(
      `could not connect to Redis at ${redactUrl(url)}: ${(lastError ?? (error as Error)).message}; check that redis-server runs there and accepts this machine`,
    );
  }
  connected = true;
  return connection;
}

/** Replaces the password of a Redis URL with `***`, for messages. */
function redactUrl(url: string): string {
  return url.replace(/\/\/([^@/]*):[^@/]*@/, "//$1:***@");
}

/** Outcome of {@link enqueueRuns}. */
export interface EnqueueSummary {
  /** Runs added to the queue now. */
  added: number;
  /** Runs skipped because their result.json exists. */
  finished: number;
  /** Runs already in the queue (waiting, active, delayed or completed). */
  present: number;
  /** Failed runs put back in the queue (only with `retryFailed`). */
  retried: number;
  /** Failed runs left failed. */
  failed: number;
}

/**
 * Adds every run without a result to the queue. The job id is the run id,
 * so adding the same run twice keeps one job.
 *
 * @param connection - Redis connection
 * @param queueName - queue name
 * @param runs - planned runs
 * @param out - absolute sweep output folder
 * @param policy - attempts and backoff
 * @param retryFailed - put runs that failed for good back in the queue
 * @returns what happened to the runs
 */
export async function enqueueRuns(
  connection: IORedis,
  queueName: string,
  runs: readonly PlannedRun[],
  out: string,
  policy: RetryPolicy,
  retryFailed: boolean,
): Promise<EnqueueSummary> {
  const queue = new Queue<SweepJobData>(queueName, { connection });
  const summary: EnqueueSummary = {
    added: 0,
    finished: 0,
    present: 0,
    retried: 0,
    failed: 0,
  };
  try {
    for (const run of runs) {
      if ((await readResult(out, run.id)) !== undefined) {
        summary.finished++;
        continue;
      }
      const state = await queue.getJobState(run.id);
      if (state === "unknown") {
        await queue.add(
          "run",
          { run, out },
          {
            jobId: run.id,
            attempts: policy.attempts,
            backoff: { type: "exponential", delay: policy.backoffMs },
            removeOnComplete: false,
            removeOnFail: false,
          },
        );
        summary.added++;
      } else if (state === "failed") {
        const job = await queue.getJob(run.id);
        if (retryFailed && job) {
          await job.retry("failed", { resetAttemptsMade: true });
          summary.retried++;
        } else summary.failed++;
      } else summary.present++;
    }
  } finally {
    await queue.close();
  }
  return summary;
}

/** State of a run in the queue. */
export interface QueuedRunState {
  /** `waiting`, `active`, `delayed`, `completed`, `failed`, `unknown`, … */
  state: string;
  /** Last failure reason, when any. */
  failedReason?: string;
  /** Attempts made so far. */
  attemptsMade: number;
  /** Last reported progress. */
  progress?: RunProgress;
  /** The result returned by the worker, for completed jobs. */
  result?: RunResult;
}

/**
 * Reads the queue state of runs by id.
 *
 * @param connection - Redis connection
 * @param queueName - queue name
 * @param ids - run ids
 * @returns state per id
 */
export async function queuedStates(
  connection: IORedis,
  queueName: string,
  ids: readonly string[],
): Promise<Map<string, QueuedRunState>> {
  const queue = new Queue<SweepJobData>(queueName, { connection });
  const states = new Map<string, QueuedRunState>();
  try {
    for (const id of ids) {
      const job = await queue.getJob(id);
      if (!job) {
        states.set(id, { state: "unknown", attemptsMade: 0 });
        continue;
      }
      const progress = job.progress;
      states.set(id, {
        state: await job.getState(),
        failedReason: job.failedReason || undefined,
        attemptsMade: job.attemptsMade,
        progress:
          typeof progress === "object" && progress !== null
            ? (progress as unknown as RunProgress)
            : undefined,
        result: (job.returnvalue as RunResult | null) ?? undefined,
      });
    }
  } finally {
    await queue.close();
  }
  return states;
}

/** Settings of a sweep worker. */
export interface SweepWorkerOptions {
  /** Redis connection. */
  connection: IORedis;
  /** Queue name. */
  queueName: string;
  /** Runs executed at the same time by this worker. */
  concurrency: number;
  /** ONNX Runtime execution provider. */
  device: "cpu" | "cuda";
  /** Executor of train+eval. */
  executor: RunExecutor;
  /** Logger. */
  log: Logger;
  /**
   * Milliseconds a job's lock lasts without renewal; a worker that dies
   * loses its jobs to the others after about this long.
   */
  lockDurationMs: number;
  /** Milliseconds between checks for jobs whose lock expired. */
  stalledIntervalMs: number;
  /** Times a job may lose its worker before it fails. */
  maxStalledCount: number;
  /** Called when a run starts and when it ends. */
  onEvent?: (
    event: "started" | "finished" | "failed",
    job: Job<SweepJobData>,
    detail: string,
  ) => void;
}

/**
 * Starts a BullMQ worker that executes queued runs and writes their results
 * into the run's output folder. The job returns the result record too, so
 * that a coordinator without the shared folder can collect it.
 *
 * @param options - connection, queue, concurrency, device, executor, locks
 * @returns the running worker; `close()` waits for the runs in progress
 */
export function startSweepWorker(
  options: SweepWorkerOptions,
): Worker<SweepJobData, RunResult> {
  const worker = new Worker<SweepJobData, RunResult>(
    options.queueName,
    async (job) => {
      options.onEvent?.("started", job, `attempt ${job.attemptsMade + 1}`);
      const attempts = job.opts.attempts ?? 1;
      try {
        const { result } = await executeAndRecord(
          job.data.run,
          options.executor,
          {
            out: job.data.out,
            device: options.device,
            log: options.log,
            onProgress: (progress) => {
              job.updateProgress({ ...progress }).catch((error: unknown) => {
                options.log.warn(
                  `could not report progress of run ${job.id}: ${String(error)}`,
                );
              });
            },
          },
          job.attemptsMade + 1,
          job.attemptsMade + 1 >= attempts,
        );
        return result;
      } catch (error) {
        if (error instanceof InvalidRunError)
          throw new UnrecoverableError(error.message);
        throw error;
      }
    },
    {
      connection: options.connection,
      concurrency: options.concurrency,
      lockDuration: options.lockDurationMs,
      stalledInterval: options.stalledIntervalMs,
      maxStalledCount: options.maxStalledCount,
      autorun: true,
    },
  );
  worker.on("completed", (job) => options.onEvent?.("finished", job, ""));
  worker.on("failed", (job, error) => {
    if (job) options.onEvent?.("failed", job, error.message);
  });
  worker.on("error", (error) =>
    options.log.warn(`worker error: ${error.message}`),
  );
  return worker;
}
