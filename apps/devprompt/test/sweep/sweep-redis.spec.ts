import {
  getArchitecture,
  writeRandomCheckpoint,
} from "@devprompt/clip-encoders";
import { generateSyntheticDataset } from "@devprompt/datasets";
import * as tf from "@tensorflow/tfjs";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import * as path from "node:path";
import { runCli } from "../../src/cli/program";
import { COMMANDS } from "../../src/commands";
import { readPlan } from "../../src/sweep/plan";
import type { RunResult } from "../../src/sweep/run-results";
import { fakeIo } from "../support/fake-io";
import {
  HAS_REDIS,
  NO_REDIS_REASON,
  startTestRedis,
  type TestRedis,
} from "./redis-server";

// Silences TensorFlow.js's console notice about tfjs-node, as the command does.
tf.env().set("PROD", true);

const REPO_ROOT = path.resolve(__dirname, "../../../..");
const MAIN = path.join(REPO_ROOT, "apps/devprompt/src/main.ts");
const RESULTS_TIMEOUT_MS = 80_000;

/** A worker process and the lines it printed. */
interface WorkerProcess {
  child: ChildProcess;
  lines: string[];
  exited: Promise<void>;
}

function spawnWorker(url: string, queue: string): WorkerProcess {
  // `node --import tsx` runs the TypeScript entry point directly; the
  // process id is then the worker's own, so a signal reaches it.
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      MAIN,
      "worker",
      "--redis",
      url,
      "--queue",
      queue,
      "--lock-duration",
      "2000",
      "--stalled-interval",
      "1000",
      "--quiet",
    ],
    { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] },
  );
  const lines: string[] = [];
  let pending = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    pending += chunk.toString();
    const parts = pending.split("\n");
    pending = parts.pop() ?? "";
    lines.push(...parts);
  });
  child.stderr?.on("data", (chunk: Buffer) =>
    lines.push(`stderr: ${chunk.toString()}`),
  );
  const exited = new Promise<void>((resolve) =>
    child.once("exit", () => resolve()),
  );
  return { child, lines, exited };
}

async function waitFor(
  condition: () => boolean,
  description: string,
  timeoutMs: number,
): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs)
      throw new Error(`timed out waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const cli = async (argv: string[]) => {
  const { out, err, io } = fakeIo();
  const code = await runCli(argv, COMMANDS, io);
  return { code, stdout: out.join(""), stderr: err.join("") };
};

const suite = HAS_REDIS ? describe : describe.skip;

// End to end: a real redis-server on loopback, real worker processes, real
// train+eval on generated images with the smallest random checkpoint.
suite(
  `sweep over a Redis queue${HAS_REDIS ? "" : ` (${NO_REDIS_REASON})`}`,
  () => {
    let base: string;
    let sweepFile: string;
    let redis: TestRedis | undefined;
    const workers: WorkerProcess[] = [];

    beforeAll(async () => {
      base = await mkdtemp(path.join(tmpdir(), "devprompt-sweep-"));
      writeRandomCheckpoint(
        path.join(base, "model"),
        getArchitecture("test-tiny"),
        {
          seed: 3,
        },
      );
      await generateSyntheticDataset({
        root: path.join(base, "data"),
        category: "tile",
        size: 48,
        seed: 4,
        trainCount: 3,
        testGoodCount: 3,
        testDefectCount: 3,
      });
      sweepFile = path.join(base, "sweep.yaml");
      await writeFile(
        sweepFile,
        [
          "model: ./model",
          "datasets:",
          "  - { name: synth, format: folder, root: ./data, classes: [tile] }",
          "shots: [1]",
          "seeds: [1, 2]",
          "train: { epochs: 2 }",
          "eval: { output-size: 48, blur-sigma: 1 }",
          "grid:",
          "  promptStyle: [promptad, devprompt]",
          "",
        ].join("\n"),
      );
      redis = await startTestRedis();
    });

    afterAll(async () => {
      for (const worker of workers) {
        if (
          worker.child.exitCode === null &&
          worker.child.signalCode === null
        ) {
          worker.child.kill("SIGKILL");
          await worker.exited;
        }
      }
      await redis?.stop();
      if (base) await rm(base, { recursive: true, force: true });
    });

    test("queued sweep survives a killed worker", async () => {
      const url = (redis as TestRedis).url;
      const queue = `sweep-test-${process.pid}`;
      const outQueued = path.join(base, "queued");
      const outLocal = path.join(base, "local");

      const enqueue = await cli([
        "sweep",
        "run",
        "--sweep",
        sweepFile,
        "--out",
        outQueued,
        "--redis",
        url,
        "--queue",
        queue,
        "--backoff",
        "200",
        "--quiet",
      ]);
      expect(enqueue.stderr).toBe("");
      expect(enqueue.stdout).toMatch(
        /^4 run\(s\): 4 enqueued, 0 already in the queue/,
      );
      // Enqueueing again keeps one job per run.
      const again = await cli([
        "sweep",
        "run",
        "--out",
        outQueued,
        "--redis",
        url,
        "--queue",
        queue,
        "--quiet",
      ]);
      expect(again.stdout).toMatch(
        /^4 run\(s\): 0 enqueued, 4 already in the queue/,
      );

      const doomed = spawnWorker(url, queue);
      const survivor = spawnWorker(url, queue);
      workers.push(doomed, survivor);
      const startedLine = (w: WorkerProcess) =>
        w.lines.find((l) => l.startsWith("started "));
      await waitFor(
        () => startedLine(doomed) !== undefined,
        "the first worker to start a run",
        60_000,
      );
      doomed.child.kill("SIGKILL");
      await doomed.exited;
      const killedId = (startedLine(doomed) as string).split(" ")[1];
      expect(
        doomed.lines.some((l) => l.startsWith(`finished ${killedId}`)),
      ).toBe(false);

      const plan = await readPlan(outQueued);
      const resultFile = (out: string, id: string) =>
        path.join(out, "runs", id, "result.json");
      await waitFor(
        () =>
          plan.runs.every((run) => existsSync(resultFile(outQueued, run.id))),
        "every result of the queued sweep",
        RESULTS_TIMEOUT_MS,
      );
      survivor.child.kill("SIGTERM");
      await survivor.exited;
      expect(survivor.child.exitCode).toBe(0);

      // Exactly once: every run finished once over both workers, and the
      // killed worker's run was taken over by the survivor.
      const finished = [...doomed.lines, ...survivor.lines]
        .filter((l) => l.startsWith("finished "))
        .map((l) => l.split(" ")[1])
        .sort();
      expect(finished).toEqual(plan.runs.map((r) => r.id).sort());
      const read = (out: string, id: string) =>
        JSON.parse(readFileSync(resultFile(out, id), "utf8")) as RunResult;
      expect(read(outQueued, killedId).worker).toBe(
        `${hostname()}:${survivor.child.pid}`,
      );

      // The killed attempt's folder is gone and each run kept one run folder.
      for (const run of plan.runs) {
        expect(
          readdirSync(path.join(outQueued, "runs", run.id)).sort(),
        ).toEqual(["result.json", "run"]);
      }

      const status = await cli([
        "sweep",
        "status",
        "--out",
        outQueued,
        "--redis",
        url,
        "--queue",
        queue,
      ]);
      expect(status.stdout).toMatch(
        /^4 run\(s\): 4 done, 0 running, 0 queued, 0 pending, 0 failed/,
      );

      // The same sweep without Redis, two runs at a time in this process.
      const local = await cli([
        "sweep",
        "run",
        "--sweep",
        sweepFile,
        "--out",
        outLocal,
        "--concurrency",
        "2",
        "--quiet",
      ]);
      expect(local.stdout).toBe(
        "4 run(s): 4 computed, 0 already finished, 0 failed\n",
      );
      for (const run of plan.runs) {
        expect(read(outLocal, run.id).metrics).toEqual(
          read(outQueued, run.id).metrics,
        );
      }
      const localStatus = await cli(["sweep", "status", "--out", outLocal]);
      expect(localStatus.stdout).toBe(
        "4 run(s): 4 done, 0 running, 0 queued, 0 pending, 0 failed\n",
      );
      const report = await cli(["sweep", "report", "--out", outLocal]);
      expect(report.code).toBe(0);
      expect(report.stdout).toContain("4 of 4 run(s) finished.");
      expect(report.stdout).toContain(
        "## synth, promptStyle=devprompt, 1 shot(s), seeds 1, 2",
      );
      for (const file of ["report.md", "report.csv", "report.json"])
        expect(existsSync(path.join(outLocal, file))).toBe(true);

      // A second local run finds every result and computes nothing.
      const rerun = await cli(["sweep", "run", "--out", outLocal, "--quiet"]);
      expect(rerun.stdout).toBe(
        "4 run(s): 0 computed, 4 already finished, 0 failed\n",
      );
    }, 150_000);
  },
);
