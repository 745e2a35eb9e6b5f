import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { InvalidRunError, type RunExecutor } from "../../src/sweep/executor";
import { runLocally } from "../../src/sweep/local-runner";
import {
  readFailure,
  readResult,
  writeResult,
} from "../../src/sweep/run-results";
import { countingExecutor, fakeResult, fakeRun, SILENT_LOG } from "./fake-runs";

describe("runLocally", () => {
  let out: string;
  beforeEach(async () => {
    out = await mkdtemp(path.join(tmpdir(), "devprompt-local-"));
  });
  afterEach(async () => {
    await rm(out, { recursive: true, force: true });
  });

  const runs = Array.from({ length: 7 }, (_, i) =>
    fakeRun(`run${i}`, { seed: i }),
  );

  test.each([1, 3])(
    "keeps at most %i run(s) in flight and runs each once",
    async (concurrency) => {
      const executor = countingExecutor();
      const summary = await runLocally(runs, executor, {
        out,
        device: "cpu",
        concurrency,
        log: SILENT_LOG,
      });
      expect(summary).toEqual({ computed: 7, skipped: 0, failed: [] });
      expect(executor.maxInFlight).toBe(concurrency);
      expect([...executor.calls.values()]).toEqual(Array(7).fill(1));
      const result = await readResult(out, "run4");
      expect(result?.metrics.imageAuroc).toBe(41);
      expect(result?.seed).toBe(4);
    },
  );

  test("skips runs whose result exists", async () => {
    await writeResult(out, fakeResult(runs[2], 99));
    const executor = countingExecutor(0);
    const outcomes: string[] = [];
    const summary = await runLocally(runs, executor, {
      out,
      device: "cpu",
      concurrency: 2,
      log: SILENT_LOG,
      onFinished: (run, outcome) => outcomes.push(`${run.id}:${outcome}`),
    });
    expect(summary).toEqual({ computed: 6, skipped: 1, failed: [] });
    expect(executor.calls.has("run2")).toBe(false);
    expect(outcomes).toContain("run2:skipped");
    expect((await readResult(out, "run2"))?.metrics.pro).toBe(99);
  });

  test("records failures and goes on with the other runs", async () => {
    const failing: RunExecutor = {
      async execute(run, context) {
        if (run.id === "run1")
          throw new InvalidRunError(run.id, "unknown class tile");
        if (run.id === "run3") throw new Error("out of memory");
        return countingExecutor(0).execute(run, context);
      },
    };
    const summary = await runLocally(runs, failing, {
      out,
      device: "cpu",
      concurrency: 2,
      log: SILENT_LOG,
    });
    expect(summary.computed).toBe(5);
    expect(summary.failed).toEqual([
      { id: "run1", error: "run run1: unknown class tile" },
      { id: "run3", error: "out of memory" },
    ]);
    expect(await readFailure(out, "run1")).toMatchObject({
      error: "run run1: unknown class tile",
      deterministic: true,
      attempts: 1,
    });
    expect(await readFailure(out, "run3")).toMatchObject({
      deterministic: false,
    });
    expect(await readResult(out, "run1")).toBeUndefined();

    // A later success replaces the failure record.
    await runLocally([runs[3]], countingExecutor(0), {
      out,
      device: "cpu",
      concurrency: 1,
      log: SILENT_LOG,
    });
    expect(await readFailure(out, "run3")).toBeUndefined();
    expect(await readResult(out, "run3")).toBeDefined();
  });

  test("rejects a concurrency below 1", async () => {
    await expect(
      runLocally(runs, countingExecutor(), {
        out,
        device: "cpu",
        concurrency: 0,
        log: SILENT_LOG,
      }),
    ).rejects.toThrow("concurrency must be a positive integer, got 0");
  });
});
