/**
 * Benchmark of the full-size image encoder (ViT-B-16-plus-240 with the V-V
 * path, random weights) on the CPU. It prints images/s at batch 1 and 8 and
 * the peak resident memory. When a python3 with torch is found, the same
 * tower in PyTorch (Debian's python3-torch) is measured in the same run, and
 * the max abs difference of the normalised outputs against PyTorch is shown.
 *
 * The random checkpoint (about 0.8 GB) and its ONNX graph are cached in
 * $DEVPROMPT_BENCH_CACHE (default: <tmpdir>/devprompt-bench). Each
 * configuration runs in its own child process, so its peak memory is its
 * own. Environment: BENCH_THREADS (default: available cores), BENCH_RUNS
 * (timed calls per configuration, default 5 at batch 1 and 2 at batch 8),
 * PYTHON (an interpreter with torch and numpy, tried before python3).
 *
 * Run: npx tsx packages/clip-encoders/bench/image-encoder.ts
 */
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";

import * as ort from "onnxruntime-node";

import { getArchitecture, getPreprocess } from "../src/architecture";
import {
  OPEN_CLIP_WEIGHTS_FILE,
  readSafetensors,
  writeRandomCheckpoint,
} from "../src/checkpoint";
import { encodeNpy, locateImageGraph } from "../src/image";
import { createOnnxSession } from "../src/onnx";

const ARCHITECTURE = "ViT-B-16-plus-240";
const SEED = 0;
const REPO_ROOT = path.resolve(__dirname, "../../..");
const TORCH_SCRIPT_DIR = path.join(REPO_ROOT, "tools/golden/image-encoder");

interface Measurement {
  engine: string;
  batch: number;
  imagesPerSecond: number;
  peakRssMiB: number;
}

/** Deterministic pixels in the range of CLIP-normalised images. */
function benchPixels(shape: readonly number[]): Float32Array {
  const count = shape.reduce((a, b) => a * b, 1);
  return Float32Array.from(
    { length: count },
    (_, i) => 2 * Math.sin(0.731 * i),
  );
}

/**
 * Returns the peak resident memory of this process in MiB. On Linux it reads
 * VmHWM from /proc/self/status, because getrusage's maxrss survives execve:
 * a child started by a large parent reports at least the parent's size at
 * fork time.
 */
function peakRssMiB(): number {
  try {
    const status = readFileSync("/proc/self/status", "utf8");
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(status);
    if (match !== null) {
      return Number(match[1]) / 1024;
    }
  } catch {
    // Not Linux: fall back to getrusage, in kilobytes.
  }
  return process.resourceUsage().maxRSS / 1024;
}

function mib(bytes: number): number {
  return bytes / (1024 * 1024);
}

/** Child-process mode: time one batch size on a cached graph. */
async function measure(args: string[]): Promise<void> {
  const [graphPath, batchText, runsText, threadsText, compareDir] = args;
  const batch = Number(batchText);
  const runs = Number(runsText);
  const threads = Number(threadsText);
  const arch = getArchitecture(ARCHITECTURE);
  const size = arch.vision.imageSize;

  const sessionStart = performance.now();
  // Loaded from the path, as ImageEncoder does with a cached graph.
  const { session } = await createOnnxSession(graphPath, {
    intraOpThreads: threads,
    interOpThreads: 1,
  });
  const sessionSeconds = (performance.now() - sessionStart) / 1000;
  const shape = [batch, 3, size, size];
  const input = new ort.Tensor("float32", benchPixels(shape), shape);
  await session.run({ pixel_values: input });

  const start = performance.now();
  for (let i = 0; i < runs; i++) {
    await session.run({ pixel_values: input });
  }
  const seconds = (performance.now() - start) / 1000;

  if (compareDir !== undefined) {
    const one = [1, 3, size, size];
    const pixels = benchPixels(one);
    const out = await session.run({
      pixel_values: new ort.Tensor("float32", pixels, one),
    });
    writeFileSync(
      path.join(compareDir, "input.npy"),
      Buffer.concat(encodeNpy(pixels, one)),
    );
    for (const [name, tensor] of Object.entries(out)) {
      writeFileSync(
        path.join(compareDir, `${name}.npy`),
        Buffer.concat(
          encodeNpy(tensor.data as Float32Array, tensor.dims as number[]),
        ),
      );
    }
  }
  await session.release();

  const result = {
    imagesPerSecond: (batch * runs) / seconds,
    peakRssMiB: peakRssMiB(),
    sessionSeconds,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function runChild(args: string[]): {
  imagesPerSecond: number;
  peakRssMiB: number;
  sessionSeconds: number;
} {
  const child = spawnSync(
    process.execPath,
    [...process.execArgv, __filename, "--measure", ...args],
    {
      encoding: "utf8",
      maxBuffer: 1 << 20,
    },
  );
  if (child.status !== 0) {
    throw new Error(
      `benchmark child failed (exit ${child.status}): ${child.stderr}`,
    );
  }
  const lines = child.stdout.trim().split("\n");
  return JSON.parse(lines[lines.length - 1]);
}

/**
 * Returns the first interpreter that imports torch and numpy: $PYTHON when
 * set, then python3 on PATH, then Debian's /usr/bin/python3, where
 * python3-torch installs (a pyenv python3 on PATH does not see it).
 */
function findTorchPython(): string | undefined {
  const candidates = [process.env.PYTHON, "python3", "/usr/bin/python3"];
  for (const candidate of candidates) {
    if (candidate === undefined || candidate === "") {
      continue;
    }
    const probe = spawnSync(candidate, ["-c", "import torch, numpy"], {
      encoding: "utf8",
    });
    if (probe.status === 0) {
      return candidate;
    }
  }
  return undefined;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + " ".repeat(width - text.length);
}

async function main(): Promise<void> {
  const threads = Number(
    process.env.BENCH_THREADS ?? os.availableParallelism(),
  );
  const runs1 = Number(process.env.BENCH_RUNS ?? 5);
  const runs8 = Number(process.env.BENCH_RUNS ?? 2);
  const cacheRoot =
    process.env.DEVPROMPT_BENCH_CACHE ??
    path.join(os.tmpdir(), "devprompt-bench");
  const arch = getArchitecture(ARCHITECTURE);
  const modelDir = path.join(cacheRoot, `${ARCHITECTURE}-seed${SEED}`);
  const weightsFile = path.join(modelDir, OPEN_CLIP_WEIGHTS_FILE);

  if (!existsSync(weightsFile)) {
    console.log(
      `generating a random ${ARCHITECTURE} checkpoint in ${modelDir} (about 0.8 GB) ...`,
    );
    const start = performance.now();
    mkdirSync(modelDir, { recursive: true });
    writeRandomCheckpoint(modelDir, arch, { seed: SEED });
    console.log(
      `  done in ${((performance.now() - start) / 1000).toFixed(1)} s`,
    );
  }

  const readStart = performance.now();
  const contents = readSafetensors(weightsFile, {
    include: (entry) => entry.name.startsWith("visual."),
  });
  const readSeconds = (performance.now() - readStart) / 1000;
  const buildStart = performance.now();
  const graph = locateImageGraph({
    architecture: arch,
    preprocess: getPreprocess(ARCHITECTURE),
    weights: contents.tensors,
    weightsHash: contents.sha256,
    directory: modelDir,
  });
  const buildSeconds = (performance.now() - buildStart) / 1000;
  const graphPath = graph.path;
  if (graphPath === undefined) {
    throw new Error(`the graph could not be cached under ${modelDir}`);
  }
  const graphMiB = mib(statSync(graphPath).size);
  console.log(
    `weights read in ${readSeconds.toFixed(1)} s; graph ${graph.fromCache ? "found in cache" : "generated"} in ${buildSeconds.toFixed(1)} s (${graphMiB.toFixed(0)} MiB, ${graphPath}); peak RSS so far ${peakRssMiB().toFixed(0)} MiB`,
  );

  const compareDir = mkdtempSync(
    path.join(os.tmpdir(), "image-bench-compare-"),
  );
  const rows: Measurement[] = [];
  const ortName = `onnxruntime-node ${ort.env.versions.node ?? ""}`.trim();
  for (const [batch, runs] of [
    [1, runs1],
    [8, runs8],
  ]) {
    const args = [graphPath, String(batch), String(runs), String(threads)];
    if (batch === 1) {
      args.push(compareDir);
    }
    const { sessionSeconds, ...measured } = runChild(args);
    rows.push({ engine: ortName, batch, ...measured });
    console.log(
      `onnxruntime session for batch ${batch} created in ${sessionSeconds.toFixed(1)} s`,
    );
  }

  const python = findTorchPython();
  let maxAbsDiff: Record<string, number> | undefined;
  if (python !== undefined) {
    for (const [batch, runs] of [
      [1, runs1],
      [8, runs8],
    ]) {
      const args = [
        "bench_torch.py",
        modelDir,
        String(threads),
        String(batch),
        String(runs),
      ];
      if (batch === 1) {
        args.push(compareDir);
      }
      const child = spawnSync(python, args, {
        cwd: TORCH_SCRIPT_DIR,
        encoding: "utf8",
        maxBuffer: 1 << 20,
      });
      if (child.status !== 0) {
        throw new Error(
          `PyTorch benchmark failed (exit ${child.status}): ${child.stderr}`,
        );
      }
      const lines = child.stdout.trim().split("\n");
      const result = JSON.parse(lines[lines.length - 1]);
      rows.push({
        engine: `PyTorch ${result.torch}`,
        batch,
        imagesPerSecond: result.imagesPerSecond,
        peakRssMiB: result.peakRssMiB,
      });
      maxAbsDiff = result.maxAbsDiff ?? maxAbsDiff;
    }
  }
  rmSync(compareDir, { recursive: true, force: true });

  console.log(
    `\n${ARCHITECTURE} image encoder with V-V path, CPU, ${threads} threads, ${os.cpus()[0]?.model ?? "unknown CPU"}`,
  );
  console.log(
    `| ${pad("engine", 24)} | batch | images/s | vs PyTorch | peak RSS (MiB) |`,
  );
  console.log(
    `| ${"-".repeat(24)} | ----- | -------- | ---------- | -------------- |`,
  );
  for (const row of rows) {
    const torchRow = rows.find(
      (r) => r.engine.startsWith("PyTorch") && r.batch === row.batch,
    );
    const ratio =
      torchRow === undefined
        ? "n/a"
        : `${(row.imagesPerSecond / torchRow.imagesPerSecond).toFixed(2)}x`;
    console.log(
      `| ${pad(row.engine, 24)} | ${pad(String(row.batch), 5)} | ${pad(row.imagesPerSecond.toFixed(2), 8)} | ${pad(ratio, 10)} | ${pad(row.peakRssMiB.toFixed(0), 14)} |`,
    );
  }
  if (python === undefined) {
    console.log(
      "PyTorch not measured: python3 with torch and numpy was not found.",
    );
  }
  if (maxAbsDiff !== undefined) {
    console.log(
      "\nmax abs difference of normalised outputs, ONNX vs PyTorch float32 (batch 1):",
    );
    for (const [name, value] of Object.entries(maxAbsDiff)) {
      console.log(`  ${pad(name, 18)} ${value.toExponential(2)}`);
    }
  }
}

if (process.argv[2] === "--measure") {
  void measure(process.argv.slice(3));
} else {
  main().catch((error: unknown) => {
    console.error((error as Error).message);
    process.exit(1);
  });
}
