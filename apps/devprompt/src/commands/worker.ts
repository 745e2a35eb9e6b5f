import type { CommandDefinition } from "../cli/command-definition";
import { trainEvalExecutor } from "../sweep/executor";
import { connectRedis, DEFAULT_QUEUE, startSweepWorker } from "../sweep/queue";
import { OPTIONS } from "./shared-options";

/** `devprompt worker`: executes queued sweep runs until stopped. */
export const workerCommand: CommandDefinition = {
  name: "worker",
  summary: "execute sweep runs from a BullMQ queue on Redis",
  description:
    "Takes runs that devprompt sweep run --redis enqueued, executes train+eval for each and writes runs/<id>/result.json into the sweep output folder recorded in the job (a folder every worker sees). " +
    "Prints one line per run started, finished or failed; stops after the runs in progress on SIGINT or SIGTERM. " +
    "A worker that dies loses its runs to the other workers once their lock expires.",
  options: [
    {
      key: "redis",
      kind: "string",
      valueName: "url",
      description: "Redis server of the queue, e.g. redis://10.0.0.5:6379",
      required: true,
    },
    {
      key: "queue",
      kind: "string",
      valueName: "name",
      description: "BullMQ queue name",
      defaultValue: DEFAULT_QUEUE,
    },
    OPTIONS.device,
    {
      key: "concurrency",
      kind: "int",
      valueName: "n",
      description: "runs executed at the same time by this worker",
      defaultValue: 1,
      min: 1,
    },
    {
      key: "lockDuration",
      kind: "int",
      valueName: "ms",
      description:
        "how long a run's lock lasts without renewal; a dead worker's runs move to another worker after about this long",
      defaultValue: 30000,
      min: 100,
    },
    {
      key: "stalledInterval",
      kind: "int",
      valueName: "ms",
      description: "interval of the check for runs whose worker died",
      defaultValue: 30000,
      min: 100,
    },
    {
      key: "maxStalled",
      kind: "int",
      valueName: "n",
      description: "times a run may lose its worker before it fails",
      defaultValue: 2,
      min: 0,
    },
  ],
  async run({ options, log, io }) {
    const connection = await connectRedis(options.redis as string, log);
    const queueName = options.queue as string;
    io.stdout(
      `worker ${process.pid} takes runs from queue ${queueName} (concurrency ${String(options.concurrency)})\n`,
    );
    // Handlers go in before the worker starts, so that an early signal
    // also stops it cleanly.
    const stopped = new Promise<void>((resolve) => {
      const stop = (signal: string): void => {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
        log.warn(`${signal}: finishing the runs in progress, then stopping`);
        resolve();
      };
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
    });
    const worker = startSweepWorker({
      connection,
      queueName,
      concurrency: options.concurrency as number,
      device: options.device as "cpu" | "cuda",
      executor: trainEvalExecutor,
      log,
      lockDurationMs: options.lockDuration as number,
      stalledIntervalMs: options.stalledInterval as number,
      maxStalledCount: options.maxStalled as number,
      onEvent: (event, job, detail) => {
        const run = job.data.run;
        io.stdout(
          `${event} ${run.id} ${run.dataset}/${run.category} ${run.setting} seed=${run.seed}` +
            (detail === "" ? "" : ` (${detail})`) +
            "\n",
        );
      },
    });
    await worker.waitUntilReady();
    await stopped;
    await worker.close();
    await connection.quit();
  },
};
