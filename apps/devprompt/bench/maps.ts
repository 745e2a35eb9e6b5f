// Times the anomaly-map pipeline at the sizes of ViT-B-16-plus-240 and
// prints a table. The plain triple loop over (patch, memory row, channel)
// is measured in the same run as the reference for the blocked kernel.
//
// Run: npx tsx apps/devprompt/bench/maps.ts
import { performance } from "node:perf_hooks";
import { bilinearResize } from "../src/maps/bilinear-resize";
import { computeAnomalyMaps } from "../src/maps/anomaly-maps";
import { gaussianBlur } from "../src/maps/gaussian-blur";
import { l2NormalizeRows } from "../src/maps/l2-normalize";
import { maxDotProducts } from "../src/maps/max-cosine-similarity";
import { buildVisualMemory } from "../src/maps/visual-memory";

const PATCHES = 225;
const TAP_DIM = 896;
const EMBED_DIM = 640;
const GRID = 15;
const OUTPUT = 400;

function randomRows(rows: number, dim: number, seed: number): Float32Array {
  let state = seed >>> 0;
  const data = new Float32Array(rows * dim);
  for (let i = 0; i < data.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    data[i] = state / 4294967296 - 0.5;
  }
  return l2NormalizeRows(data, rows, dim);
}

function plainMaxDot(
  queries: Float32Array,
  memory: Float32Array,
  memoryRows: number,
): Float64Array {
  const best = new Float64Array(PATCHES).fill(-Infinity);
  for (let q = 0; q < PATCHES; q++) {
    for (let m = 0; m < memoryRows; m++) {
      let sum = 0;
      for (let c = 0; c < TAP_DIM; c++) {
        sum += queries[q * TAP_DIM + c] * memory[m * TAP_DIM + c];
      }
      if (sum > best[q]) best[q] = sum;
    }
  }
  return best;
}

/** Returns the median wall time of `repeats` calls, in milliseconds. */
function time(repeats: number, run: () => unknown): number {
  run();
  const samples: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    run();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

const rows: { case: string; ms: string; note: string }[] = [];
for (const shots of [1, 4]) {
  const memoryRows = shots * PATCHES;
  const queries = randomRows(PATCHES, TAP_DIM, 1);
  const memory = randomRows(memoryRows, TAP_DIM, 2);
  const plain = time(3, () => plainMaxDot(queries, memory, memoryRows));
  const blocked = time(5, () =>
    maxDotProducts(queries, PATCHES, memory, memoryRows, TAP_DIM),
  );
  rows.push({
    case: `nearest row, 225 × ${memoryRows} × 896, plain loop`,
    ms: plain.toFixed(1),
    note: "reference",
  });
  rows.push({
    case: `nearest row, 225 × ${memoryRows} × 896, blocked 4 × 4`,
    ms: blocked.toFixed(1),
    note: `${(plain / blocked).toFixed(2)}× faster than the plain loop`,
  });
}

const grid = randomRows(1, PATCHES, 3).map(Math.abs);
rows.push({
  case: "bilinear 15 × 15 → 400 × 400",
  ms: time(20, () => bilinearResize(grid, GRID, GRID, OUTPUT, OUTPUT)).toFixed(
    2,
  ),
  note: "",
});
const big = bilinearResize(grid, GRID, GRID, OUTPUT, OUTPUT);
rows.push({
  case: "Gaussian blur σ 4 on 400 × 400",
  ms: time(10, () => gaussianBlur(big, OUTPUT, OUTPUT, { sigma: 4 })).toFixed(
    2,
  ),
  note: "",
});

for (const shots of [1, 4]) {
  const memory = buildVisualMemory(
    Array.from({ length: shots }, (_, s) => [
      randomRows(PATCHES, TAP_DIM, 10 + s),
      randomRows(PATCHES, TAP_DIM, 20 + s),
    ]),
    PATCHES,
    TAP_DIM,
  );
  const input = {
    gridHeight: GRID,
    gridWidth: GRID,
    embedDim: EMBED_DIM,
    patchFeatures: randomRows(PATCHES, EMBED_DIM, 4),
    patchTaps: [
      randomRows(PATCHES, TAP_DIM, 5),
      randomRows(PATCHES, TAP_DIM, 6),
    ],
    globalEmbedding: randomRows(1, EMBED_DIM, 7),
    normalAnchor: randomRows(1, EMBED_DIM, 8),
    abnormalAnchor: randomRows(1, EMBED_DIM, 9),
    logitScale: 4.6052,
    memory,
  };
  const options = { outputSize: OUTPUT, blurSigma: 4, blurTruncate: 4 };
  rows.push({
    case: `whole pipeline per image, ${shots} shot(s), 2 taps`,
    ms: time(5, () => computeAnomalyMaps(input, options)).toFixed(1),
    note: "",
  });
}

console.log(`| case | median ms | note |\n|---|---:|---|`);
for (const row of rows)
  console.log(`| ${row.case} | ${row.ms} | ${row.note} |`);
console.log(`\nNode ${process.version}, ${process.arch}, one thread.`);
