import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type IORedis from "ioredis";
import { InvalidRunError, type RunExecutor } from "../../src/sweep/executor";
import {
  enqueueRuns,
  connectRedis,
  queuedStates,
  startSweepWorker,
} from "../../src/sweep/queue";
import { readFailure, readResult } from "../../src/sweep/run-results";
import { collectQueuedResults, sweepStatus } from "../../src/sweep/status";
import { countingExecutor, fakeRun, SILENT_LOG } from "./fake-runs";
import {
  HAS_REDIS,
  NO_REDIS_REASON,
  startTestRedis,
  type TestRedis,
} from "./redis-server";

const suite = HAS_REDIS ? describe : describe.skip;

// Retry rules of queued runs, with a stand-in executor and a real
// redis-server on loopback.
suite(`sweep queue retries${HAS_REDIS ? "" : ` (${NO_REDIS_REASON})`}`, () => {
  let redis: TestRedis;
  let connection: IORedis;
  let out: string;

  beforeAll(async () => {
    redis = await startTestRedis();
    connection = await connectRedis(redis.url, SILENT_LOG);
    out = await mkdtemp(path.join(tmpdir(), "devprompt-queue-"));
  });
  afterAll(async () => {
    await connection?.quit();
    await redis?.stop();
    if (out) await rm(out, { recursive: true, force: true });
  });

  test("queue retries transient errors only", async () => {
    const runs = [
      fakeRun("ok"),
      fakeRun("invalid", { seed: 2 }),
      fakeRun("flaky", { seed: 3 }),
    ];
    const inner = countingExecutor(0);
    const calls = new Map<string, number>();
    const executor: RunExecutor = {
      async execute(run, context) {
        calls.set(run.id, (calls.get(run.id) ?? 0) + 1);
        context.onProgress?.({
          stage: "train",
          fraction: 0.5,
          detail: "epoch 1/2",
        });
        if (run.id === "invalid")
          throw new InvalidRunError(run.id, "class tile not found");
        if (run.id === "flaky" && calls.get(run.id) === 1)
          throw new Error("device lost");
        return inner.execute(run, context);
      },
    };
    const queue = "retries";
    const policy = { attempts: 3, backoffMs: 50 };
    expect(
      await enqueueRuns(connection, queue, runs, out, policy, false),
    ).toEqual({
      added: 3,
      finished: 0,
      present: 0,
      retried: 0,
      failed: 0,
    });

    const worker = startSweepWorker({
      connection,
      queueName: queue,
      concurrency: 2,
      device: "cpu",
      executor,
      log: SILENT_LOG,
      lockDurationMs: 5000,
      stalledIntervalMs: 5000,
      maxStalledCount: 1,
    });
    const ids = runs.map((r) => r.id);
    const settled = async () => {
      const states = await queuedStates(connection, queue, ids);
      return [...states.values()].every(
        (s) => s.state === "completed" || s.state === "failed",
      );
    };
    const start = Date.now();
    while (!(await settled())) {
      if (Date.now() - start > 20_000)
        throw new Error("queue did not settle in 20 s");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await worker.close();

    const states = await queuedStates(connection, queue, ids);
    expect(calls).toEqual(
      new Map([
        ["ok", 1],
        ["invalid", 1],
        ["flaky", 2],
      ]),
    );
    expect(states.get("invalid")).toMatchObject({
      state: "failed",
      failedReason: "run invalid: class tile not found",
      attemptsMade: 1,
    });
    expect(states.get("ok")).toMatchObject({
      state: "completed",
      progress: { stage: "train", fraction: 0.5, detail: "epoch 1/2" },
    });
    expect(states.get("ok")?.result?.metrics.imageAuroc).toBe(11);
    expect(states.get("flaky")?.state).toBe("completed");
    expect((await readResult(out, "flaky"))?.metrics.pro).toBe(31);
    expect(await readFailure(out, "invalid")).toMatchObject({
      deterministic: true,
      attempts: 1,
    });

    const plan = {
      format: "devprompt-sweep-plan",
      version: 1,
      source: "/s.yaml",
      runs,
    };
    const status = await sweepStatus(out, plan, states);
    expect(status.counts).toEqual({
      done: 2,
      failed: 1,
      running: 0,
      queued: 0,
      pending: 0,
    });
    expect(status.runs[1]).toMatchObject({
      state: "failed",
      reason: "run invalid: class tile not found",
    });

    // A coordinator without the workers' folder copies the results that
    // the jobs returned.
    const elsewhere = path.join(out, "elsewhere");
    expect(await collectQueuedResults(elsewhere, plan, states)).toEqual([
      "ok",
      "flaky",
    ]);
    expect(await readResult(elsewhere, "flaky")).toEqual(
      await readResult(out, "flaky"),
    );
    expect(await collectQueuedResults(elsewhere, plan, states)).toEqual([]);

    // Enqueueing again skips finished runs and leaves the failed one failed
    // unless asked to retry it.
    expect(
      await enqueueRuns(connection, queue, runs, out, policy, false),
    ).toMatchObject({
      added: 0,
      finished: 2,
      failed: 1,
      retried: 0,
    });
    expect(
      await enqueueRuns(connection, queue, runs, out, policy, true),
    ).toMatchObject({
      retried: 1,
    });
    expect(
      (await queuedStates(connection, queue, ["invalid"])).get("invalid")
        ?.state,
    ).toBe("waiting");
  });
});

describe("connectRedis", () => {
  test("rejects a URL of another scheme", async () => {
    await expect(
      connectRedis("http://127.0.0.1:6379", SILENT_LOG),
    ).rejects.toThrow("--redis http://127.0.0.1:6379 is not a Redis URL");
  });

  test("rejects an unreachable server at once", async () => {
    // Port 1 is reserved (tcpmux) and closed on ordinary machines.
    await expect(
      connectRedis("redis://user:secret@127.0.0.1:1", SILENT_LOG),
    ).rejects.toThrow(
      /^could not connect to Redis at redis:\/\/user:\*\*\*@127\.0\.0\.1:1: .*ECONNREFUSED/,
    );
  });
});
