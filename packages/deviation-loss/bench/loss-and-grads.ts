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
  computeLossAndGrads,
  type LossBatch,
  type LossTermConfig,
} from "../src";
import { randomMatrix } from "../test/support/arrays";

const IMAGES = 1;
const PATCHES = 225;
const DIM = 640;
const WARMUP = 3;
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

function medianMs(config: string | LossTermConfig[]): number {
  const loss = buildLoss(config);
  for (let i = 0; i < WARMUP; i++) computeLossAndGrads(loss, batch);
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const start = process.hrtime.bigint();
    computeLossAndGrads(loss, batch);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

async function main(): Promise<void> {
  tf.env().set("IS_TEST", true);
  const rows: { backend: string; loss: string; ms: number }[] = [];
  for (const backend of ["cpu", "wasm"]) {
    await tf.setBackend(backend);
    await tf.ready();
    for (const [name, config] of LOSSES) {
      rows.push({ backend, loss: name, ms: medianMs(config) });
    }
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
