import { promises as fs } from "node:fs";
import * as path from "node:path";
import type {
  CommandContext,
  CommandDefinition,
} from "../cli/command-definition";
import { writeFileAtomic, writeJsonAtomic } from "../io/atomic-write";
import { trainEvalExecutor } from "../sweep/executor";
import { runLocally } from "../sweep/local-runner";
import {
  expandSweep,
  readPlan,
  writePlan,
  type SweepPlan,
} from "../sweep/plan";
import {
  DEFAULT_QUEUE,
  enqueueRuns,
  connectRedis,
  queuedStates,
  type QueuedRunState,
} from "../sweep/queue";
import {
  buildSweepReport,
  reportToCsv,
  reportToMarkdown,
} from "../sweep/report";
import { readResult, type RunResult } from "../sweep/run-results";
import {
  collectQueuedResults,
  formatStatus,
  sweepStatus,
} from "../sweep/status";
import { loadSweepDefinition } from "../sweep/sweep-definition";
import { OPTIONS } from "./shared-options";

/** Actions of `devprompt sweep`. */
const ACTIONS = ["plan", "run", "status", "collect", "report"] as const;

/** Report files written into the sweep output folder. */
const REPORT_FILES = {
  md: "report.md",
  csv: "report.csv",
  json: "report.json",
};

/** `devprompt sweep`: plans, runs, follows and summarises a benchmark sweep. */
export const sweepCommand: CommandDefinition = {
  name: "sweep",
  summary: "plan, run, follow and summarise a sweep of train+eval runs",
  description:
    "ACTION is one of: plan (expand --sweep FILE into runs with stable ids, write OUT/plan.json), " +
    "run (execute every run without a result: here with --concurrency N, or through a BullMQ queue with --redis URL that `devprompt worker` processes consume), " +
    "status (done, running, queued, pending and failed runs with their reason), " +
    "collect (with --redis: write the results that workers returned through the queue into OUT, for workers without a shared folder), " +
    "report (per class and mean, mean ± std over seeds, as OUT/report.md, .csv and .json).",
  arguments: [
    {
      name: "action",
      description: `one of ${ACTIONS.join(", ")}`,
      required: true,
    },
  ],
  options: [
    {
      key: "sweep",
      kind: "path",
      valueName: "file",
      description:
        "sweep definition (YAML or JSON: model, datasets, shots, seeds, train, eval, grid, variants); needed by plan, and by run unless OUT/plan.json exists",
    },
    {
      key: "out",
      kind: "path",
      valueName: "dir",
      description:
        "sweep output folder: plan.json, runs/<id>/result.json, reports",
      required: true,
    },
    {
      key: "redis",
      kind: "string",
      valueName: "url",
      description:
        "Redis server of the queue, e.g. redis://127.0.0.1:6379; run enqueues instead of running here, status reads the queue",
    },
    {
      key: "queue",
      kind: "string",
      valueName: "name",
      description: "BullMQ queue name",
      defaultValue: DEFAULT_QUEUE,
    },
    {
      key: "concurrency",
      kind: "int",
      valueName: "n",
      description: "runs executed at the same time by run without --redis",
      defaultValue: 1,
      min: 1,
    },
    OPTIONS.device,
    {
      key: "attempts",
      kind: "int",
      valueName: "n",
      description:
        "attempts per queued run before it fails (deterministic errors fail at once)",
      defaultValue: 3,
      min: 1,
    },
    {
      key: "backoff",
      kind: "int",
      valueName: "ms",
      description:
        "delay before the first retry of a queued run, doubled at each retry",
      defaultValue: 10000,
      min: 0,
    },
    {
      key: "retryFailed",
      kind: "boolean",
      description: "run: put runs that failed for good back in the queue",
      defaultValue: false,
    },
    {
      key: "all",
      kind: "boolean",
      description: "status: list finished runs too",
      defaultValue: false,
    },
    OPTIONS.json,
  ],
  async run(context) {
    const action = context.args[0];
    if (!ACTIONS.includes(action as (typeof ACTIONS)[number])) {
      throw new Error(
        `unknown sweep action "${action}"; use one of ${ACTIONS.join(", ")}`,
      );
    }
    const out = context.options.out as string;
    if (action === "plan") await planAction(context, out);
    else if (action === "run") await runAction(context, out);
    else if (action === "status") await statusAction(context, out);
    else if (action === "collect") await collectAction(context, out);
    else await reportAction(context, out);
  },
};

async function planFromDefinition(
  context: CommandContext,
  out: string,
): Promise<SweepPlan> {
  const file = context.options.sweep as string | undefined;
  if (file === undefined) {
    throw new Error(
      "devprompt sweep plan needs --sweep FILE, the sweep definition (YAML or JSON)",
    );
  }
  const plan = expandSweep(await loadSweepDefinition(file));
  const written = await writePlan(out, plan);
  context.log.info(`wrote ${written}`);
  return plan;
}

async function planAction(context: CommandContext, out: string): Promise<void> {
  const plan = await planFromDefinition(context, out);
  context.io.stdout(
    `${plan.runs.length} run(s) planned in ${path.join(out, "plan.json")}\n`,
  );
}

async function runAction(context: CommandContext, out: string): Promise<void> {
  const plan =
    context.options.sweep !== undefined
      ? await planFromDefinition(context, out)
      : await readPlan(out);
  const redis = context.options.redis as string | undefined;
  if (redis !== undefined) {
    const connection = await connectRedis(redis, context.log);
    try {
      const summary = await enqueueRuns(
        connection,
        context.options.queue as string,
        plan.runs,
        out,
        {
          attempts: context.options.attempts as number,
          backoffMs: context.options.backoff as number,
        },
        context.options.retryFailed === true,
      );
      context.io.stdout(
        `${plan.runs.length} run(s): ${summary.added} enqueued, ${summary.present} already in the queue, ` +
          `${summary.finished} finished, ${summary.retried} failed run(s) retried, ${summary.failed} left failed ` +
          `(queue ${String(context.options.queue)})\n`,
      );
    } finally {
      await connection.quit();
    }
    return;
  }

  let finished = 0;
  const summary = await runLocally(plan.runs, trainEvalExecutor, {
    out,
    device: context.options.device as "cpu" | "cuda",
    concurrency: context.options.concurrency as number,
    log: context.log,
    onFinished: (run, outcome) => {
      finished++;
      if (context.options.quiet !== true) {
        context.io.stderr.write(
          `[${finished}/${plan.runs.length}] ${outcome} ${run.id} ${run.dataset}/${run.category} ${run.setting} seed=${run.seed}\n`,
        );
      }
    },
  });
  context.io.stdout(
    `${plan.runs.length} run(s): ${summary.computed} computed, ${summary.skipped} already finished, ${summary.failed.length} failed\n`,
  );
  if (summary.failed.length > 0) {
    throw new Error(
      `${summary.failed.length} run(s) failed; the first: ${summary.failed[0].error}. See devprompt sweep status --out ${out}`,
    );
  }
}

async function readQueue(
  context: CommandContext,
  plan: SweepPlan,
  redis: string,
): Promise<Map<string, QueuedRunState>> {
  const connection = await connectRedis(redis, context.log);
  try {
    return await queuedStates(
      connection,
      context.options.queue as string,
      plan.runs.map((r) => r.id),
    );
  } finally {
    await connection.quit();
  }
}

async function collectAction(
  context: CommandContext,
  out: string,
): Promise<void> {
  const redis = context.options.redis as string | undefined;
  if (redis === undefined) {
    throw new Error(
      "devprompt sweep collect needs --redis URL, the queue the workers returned their results through",
    );
  }
  const plan = await readPlan(out);
  const written = await collectQueuedResults(
    out,
    plan,
    await readQueue(context, plan, redis),
  );
  context.io.stdout(
    `${written.length} result(s) copied from the queue into ${out}\n`,
  );
}

async function statusAction(
  context: CommandContext,
  out: string,
): Promise<void> {
  const plan = await readPlan(out);
  const redis = context.options.redis as string | undefined;
  const queued =
    redis === undefined ? undefined : await readQueue(context, plan, redis);
  const status = await sweepStatus(out, plan, queued);
  context.io.stdout(
    context.options.json === true
      ? `${JSON.stringify(status, null, 2)}\n`
      : formatStatus(status, context.options.all === true),
  );
}

async function reportAction(
  context: CommandContext,
  out: string,
): Promise<void> {
  const plan = await readPlan(out);
  const results: RunResult[] = [];
  for (const run of plan.runs) {
    const result = await readResult(out, run.id);
    if (result !== undefined) results.push(result);
  }
  if (results.length === 0) {
    throw new Error(
      `no run of ${out} has finished yet; see devprompt sweep status --out ${out}`,
    );
  }
  const report = buildSweepReport(plan, results);
  const markdown = reportToMarkdown(report);
  await fs.mkdir(out, { recursive: true });
  await writeFileAtomic(path.join(out, REPORT_FILES.md), markdown);
  await writeFileAtomic(path.join(out, REPORT_FILES.csv), reportToCsv(report));
  await writeJsonAtomic(path.join(out, REPORT_FILES.json), report);
  context.io.stdout(
    context.options.json === true
      ? `${JSON.stringify(report, null, 2)}\n`
      : markdown,
  );
}
