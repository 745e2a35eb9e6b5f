/**
 * Times the loss side of one training step: the composed loss and its
 * gradients with respect to the text features. The batch is one image of
 * 225 patches of dimension 640 (ViT-B-16-plus-240) and 16 prompts (1
 * normal, 11 manual abnormal, 4 learned abnormal). It prints the median time
 * per step of each backend and loss, and its ratio to the PromptAD preset on
 * the cpu backend measured in the same run.
 *
 * Run: npx tsx packages/deviation-loss/bench/loss-and-grads.ts
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";

import {
  buildLoss,
  type CompositeLoss,
  computeLossAndGrads,
  type LossBatch,
  type LossTermConfig,
} from "../src";
import { randomMatrix } from "../test/support/arrays";

const IMAGES = 1;
const PATCHES = 225;
const DIM = 640;
const WARMUP = 5;
const REPEATS = 15;

const batch: LossBatch = {
  patchFeatures: randomMatrix([IMAGES, PATCHES, DIM], 1, true),
  normalText: randomMatrix([1, DIM], 2),
  manualAbnormalText: randomMatrix([11, DIM], 3),
  learnedAbnormalText: randomMatrix([4, DIM], 4),
  logitScale: 4.6052,
};

const LOSSES: [string, string | LossTermConfig[]][] = [
  ["promptad", "promptad"],
  ["devprompt", "devprompt"],
  ["deviation only", [{ name: "deviation" }]],
];

function timeStepMs(loss: CompositeLoss): number {
  const start = process.hrtime.bigint();
  computeLossAndGrads(loss, batch);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

// The losses take turns, step by step, so that a slow phase of a shared
// machine or JIT warm-up does not land on one loss only.
function medianMsPerLoss(): number[] {
  const losses = LOSSES.map(([, config]) => buildLoss(config));
  for (let i = 0; i < WARMUP; i++) {
    losses.forEach(timeStepMs);
  }
  const times = losses.map((): number[] => []);
  for (let i = 0; i < REPEATS; i++) {
    losses.forEach((loss, index) => times[index].push(timeStepMs(loss)));
  }
  return times.map(median);
}

async function main(): Promise<void> {
  tf.env().set("IS_TEST", true);
  const rows: { backend: string; loss: string; ms: number }[] = [];
  for (const backend of ["cpu", "wasm"]) {
    await tf.setBackend(backend);
    await tf.ready();
    const medians = medianMsPerLoss();
    LOSSES.forEach(([name], index) => {
      rows.push({ backend, loss: name, ms: medians[index] });
    });
  }

  const reference = rows[0].ms;
  console.log(
    `loss + gradients, ${IMAGES} × ${PATCHES} × ${DIM} patches, 16 prompts, ` +
      `median of ${REPEATS} steps`,
  );
  console.log("| backend | loss | ms per step | ratio to cpu promptad |");
  console.log("| --- | --- | ---: | ---: |");
  for (const row of rows) {
    console.log(
      `| ${row.backend} | ${row.loss} | ${row.ms.toFixed(1)} | ${(row.ms / reference).toFixed(2)} |`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
