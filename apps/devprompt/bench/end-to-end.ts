// End-to-end benchmark of the devprompt CLI with a full-size random
// ViT-B-16-plus-240 checkpoint on the CPU: `devprompt train` of one class
// with 1 shot, then `devprompt eval` of its test images. Each command runs
// as a child process of the built CLI (apps/devprompt/dist/main.js), so its
// peak resident memory and CPU time are its own.
//
// Training time is split into setup (model and graph loading, shot
// encoding, writing the run) and the per-epoch times that train-log.jsonl
// records. With fewer than 100 epochs, the 100-epoch time is extrapolated
// as setup + 100 × mean epoch time, and the table marks that row as
// extrapolated.
//
// Run: npx tsx apps/devprompt/bench/end-to-end.ts [--epochs N]
// Environment:
//   BENCH_EPOCHS           epochs to run (default 100; --epochs wins)
//   BENCH_DATA_ROOT        folder dataset to use (default: the magnetic tile
//                          images in ../shared/data beside the repository;
//                          a generated synthetic dataset when absent)
//   DEVPROMPT_BENCH_CACHE  cache of the random checkpoint and its ONNX graphs
//                          (default <tmpdir>/devprompt-bench)
//   BENCH_TEST_IMAGES      evaluate only this many test images, picked
//                          evenly over the sorted test listing and copied
//                          with their masks (default: every test image)
//   BENCH_KEEP=1           keep the run directory instead of deleting it
import { execFileSync, spawn } from "node:child_process";
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";

import { generateSyntheticDataset } from "@devprompt/datasets";

import {
  BENCH_ARCHITECTURE,
  ensureRandomCheckpoint,
} from "./random-checkpoint";

const REPO_ROOT = path.resolve(__dirname, "../../..");
const CLI = path.join(REPO_ROOT, "apps/devprompt/dist/main.js");
const USAGE_REPORTER = path.join(__dirname, "usage-reporter.cjs");
const DEFAULT_DATA = path.resolve(REPO_ROOT, "../shared/data/magnetic_tile");
/** Epoch count of the method's default schedule, the one reported. */
const REPORTED_EPOCHS = 100;

/** Wall time, CPU time and peak memory of one child process. */
interface ChildRun {
  wallSeconds: number;
  cpuSeconds: number;
  peakRssMiB: number;
  /** Summary lines the CLI printed on stderr, e.g. "train: 100/100 in 41.2 s". */
  stderr: string;
}

function parseEpochs(): number {
  const index = process.argv.indexOf("--epochs");
  const text =
    index !== -1 ? process.argv[index + 1] : process.env.BENCH_EPOCHS;
  if (text === undefined) return REPORTED_EPOCHS;
  const epochs = Number(text);
  if (!Number.isInteger(epochs) || epochs < 1) {
    throw new Error(
      `invalid epoch count ${JSON.stringify(text)}: expected a positive integer`,
    );
  }
  return epochs;
}

/** Runs the CLI with `args` and measures the child process. */
function runCli(args: string[], usageFile: string): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(
      process.execPath,
      ["--require", USAGE_REPORTER, CLI, ...args],
      {
        env: { ...process.env, DEVPROMPT_USAGE_FILE: usageFile },
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      process.stderr.write(chunk);
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const wallSeconds = (performance.now() - start) / 1000;
      if (code !== 0) {
        reject(new Error(`devprompt ${args[0]} failed with exit code ${code}`));
        return;
      }
      const usage = JSON.parse(readFileSync(usageFile, "utf8")) as {
        maxRssKiB: number;
        userCpuMicros: number;
        systemCpuMicros: number;
      };
      resolve({
        wallSeconds,
        cpuSeconds: (usage.userCpuMicros + usage.systemCpuMicros) / 1e6,
        peakRssMiB: usage.maxRssKiB / 1024,
        stderr,
      });
    });
  });
}

/** Seconds of a progress summary line such as "evaluate: 279/279 in 80.3 s". */
function stageSeconds(stderr: string, label: string): number | undefined {
  const pattern = new RegExp(`^${label}: \\d+/\\d+ in ([0-9.]+) s$`, "m");
  const match = pattern.exec(stderr);
  return match ? Number(match[1]) : undefined;
}

/**
 * Copies a class folder with its whole training split and `count` of its
 * test images, picked evenly over the test listing sorted by path, with
 * their masks. Evaluation time grows linearly with the test images, so a
 * subset gives the same images/s in less time.
 */
function copyTestSubset(classDir: string, dest: string, count: number): void {
  cpSync(path.join(classDir, "train"), path.join(dest, "train"), {
    recursive: true,
  });
  const testDir = path.join(classDir, "test");
  const tests = readdirSync(testDir)
    .sort()
    .flatMap((defect) =>
      readdirSync(path.join(testDir, defect))
        .sort()
        .map((file) => ({ defect, file })),
    );
  const picks = Math.min(count, tests.length);
  for (let i = 0; i < picks; i++) {
    const { defect, file } = tests[Math.floor((i * tests.length) / picks)];
    mkdirSync(path.join(dest, "test", defect), { recursive: true });
    copyFileSync(
      path.join(testDir, defect, file),
      path.join(dest, "test", defect, file),
    );
    const stem = file.replace(/\.[^.]+$/, "");
    const masks = path.join(classDir, "ground_truth", defect);
    if (!existsSync(masks)) continue;
    for (const mask of readdirSync(masks)) {
      const maskStem = mask.replace(/\.[^.]+$/, "");
      if (maskStem === stem || maskStem === `${stem}_mask`) {
        mkdirSync(path.join(dest, "ground_truth", defect), { recursive: true });
        copyFileSync(
          path.join(masks, mask),
          path.join(dest, "ground_truth", defect, mask),
        );
      }
    }
  }
}

async function datasetRoot(workDir: string): Promise<{
  root: string;
  description: string;
}> {
  const requested = process.env.BENCH_DATA_ROOT;
  const classDir =
    requested !== undefined
      ? path.resolve(requested)
      : existsSync(DEFAULT_DATA)
        ? DEFAULT_DATA
        : undefined;
  const subset = process.env.BENCH_TEST_IMAGES;
  if (classDir !== undefined && subset !== undefined) {
    const count = Number(subset);
    if (!Number.isInteger(count) || count < 1) {
      throw new Error(
        `invalid BENCH_TEST_IMAGES ${JSON.stringify(subset)}: expected a positive integer`,
      );
    }
    const dest = path.join(workDir, "data", path.basename(classDir));
    copyTestSubset(classDir, dest, count);
    return {
      root: dest,
      description: `${classDir}, all training images and ${count} test images picked evenly`,
    };
  }
  if (classDir !== undefined) {
    return {
      root: classDir,
      description: requested ?? "../shared/data/magnetic_tile (real images)",
    };
  }
  // Without the shared images the benchmark still measures speed, on
  // generated 512×512 images.
  const root = path.join(workDir, "data");
  await generateSyntheticDataset({
    root,
    category: "synthetic",
    trainCount: 1,
    testGoodCount: 20,
    testDefectCount: 20,
    size: 512,
    seed: 0,
  });
  return {
    root: path.join(root, "synthetic"),
    description: "generated synthetic dataset, 40 test images of 512×512",
  };
}

function epochSeconds(runDir: string): number[] {
  return readFileSync(path.join(runDir, "train-log.jsonl"), "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => (JSON.parse(line) as { seconds: number }).seconds);
}

function gitCommit(): string {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], {
      cwd: REPO_ROOT,
      encoding: "utf8",
    }).trim();
  } catch {
    return "unknown";
  }
}

function cell(value: number, digits: number): string {
  return value.toFixed(digits);
}

async function main(): Promise<void> {
  if (!existsSync(CLI)) {
    throw new Error(
      `${CLI} not found; build the CLI first with: node apps/devprompt/build.mjs`,
    );
  }
  const epochs = parseEpochs();
  const { directory: model, generatedSeconds } = ensureRandomCheckpoint(
    0,
    (line) => console.log(line),
  );
  const graphCache = path.join(model, "onnx-cache");
  const graphsCached =
    existsSync(graphCache) && readdirSync(graphCache).length > 0;

  const workDir = mkdtempSync(path.join(os.tmpdir(), "devprompt-app-bench-"));
  const runDir = path.join(workDir, "run");
  const loadBefore = os.loadavg()[0];
  try {
    const data = await datasetRoot(workDir);
    const train = await runCli(
      [
        "train",
        "--model",
        model,
        "--dataset",
        "folder",
        "--root",
        data.root,
        "--shots",
        "1",
        "--out",
        runDir,
        "--epochs",
        String(epochs),
      ],
      path.join(workDir, "train-usage.json"),
    );
    const evaluation = await runCli(
      ["eval", "--run", runDir],
      path.join(workDir, "eval-usage.json"),
    );
    const loadAfter = os.loadavg()[0];

    const perEpoch = epochSeconds(runDir);
    const epochTotal = perEpoch.reduce((sum, s) => sum + s, 0);
    const meanEpoch = epochTotal / perEpoch.length;
    const setup = train.wallSeconds - epochTotal;
    const reported = setup + REPORTED_EPOCHS * meanEpoch;
    const metrics = JSON.parse(
      readFileSync(path.join(runDir, "metrics.json"), "utf8"),
    ) as { images: number };
    const scoring = stageSeconds(evaluation.stderr, "evaluate");
    const scoringRate =
      scoring === undefined ? "not printed" : cell(metrics.images / scoring, 2);

    const cpus = os.cpus();
    console.log("");
    console.log(
      `devprompt end-to-end benchmark, ${new Date().toISOString().slice(0, 10)}, commit ${gitCommit()}`,
    );
    console.log(
      `machine: ${cpus.length} × ${cpus[0]?.model.trim() ?? "unknown CPU"}, Node ${process.version}, load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after`,
    );
    console.log(
      `model: random ${BENCH_ARCHITECTURE} (${model}), ${generatedSeconds > 0 ? `generated in ${generatedSeconds.toFixed(1)} s` : "cached"}; ONNX graphs ${graphsCached ? "cached" : "generated during train (in setup)"}`,
    );
    console.log(
      `data: ${data.description}; ${metrics.images} test images evaluated`,
    );
    console.log("");
    console.log("| step | wall (s) | CPU (s) | peak RSS (MiB) | rate |");
    console.log("|---|---:|---:|---:|---|");
    console.log(
      `| train, 1 shot, ${epochs} epochs | ${cell(train.wallSeconds, 1)} | ${cell(train.cpuSeconds, 1)} | ${cell(train.peakRssMiB, 0)} | setup ${cell(setup, 1)} s + ${cell(meanEpoch, 3)} s/epoch |`,
    );
    if (epochs !== REPORTED_EPOCHS) {
      console.log(
        `| train, 1 shot, ${REPORTED_EPOCHS} epochs (extrapolated) | ${cell(reported, 1)} | | | |`,
      );
    }
    console.log(
      `| eval, ${metrics.images} images | ${cell(evaluation.wallSeconds, 1)} | ${cell(evaluation.cpuSeconds, 1)} | ${cell(evaluation.peakRssMiB, 0)} | ${scoringRate} images/s while scoring, ${cell(metrics.images / evaluation.wallSeconds, 2)} images/s for the command |`,
    );
    console.log("");
    console.log(
      "CPU time is summed over threads; with other jobs on the machine, wall time exceeds CPU time / cores.",
    );
  } finally {
    if (process.env.BENCH_KEEP === "1") {
      console.log(`run directory kept: ${runDir}`);
    } else {
      rmSync(workDir, { recursive: true, force: true });
    }
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
