/**
 * Writes the inputs of the image-encoder golden fixtures into a work folder:
 * a seeded random `test-tiny` checkpoint in the OpenCLIP hub layout
 * (`model/`) and a fixed batch of preprocessed pixels (`input.npy`).
 * vision_tower.py then computes the expected outputs with PyTorch.
 *
 * Usage: npx tsx tools/golden/image-encoder/write-inputs.ts WORK_DIR
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

import { getArchitecture } from "../../../packages/clip-encoders/src/architecture";
import { writeRandomCheckpoint } from "../../../packages/clip-encoders/src/checkpoint";
import { encodeNpy } from "../../../packages/clip-encoders/src/image/npy";
import {
  GOLDEN_ARCHITECTURE,
  GOLDEN_BATCH,
  GOLDEN_SEED,
  goldenPixels,
} from "./golden-input";

const workDir = process.argv[2];
if (workDir === undefined) {
  console.error("usage: write-inputs.ts WORK_DIR");
  process.exit(2);
}

const arch = getArchitecture(GOLDEN_ARCHITECTURE);
const modelDir = path.join(workDir, "model");
mkdirSync(modelDir, { recursive: true });
const { weightsHash } = writeRandomCheckpoint(modelDir, arch, {
  seed: GOLDEN_SEED,
});

const size = arch.vision.imageSize;
const shape = [GOLDEN_BATCH, 3, size, size];
writeFileSync(
  path.join(workDir, "input.npy"),
  Buffer.concat(encodeNpy(goldenPixels(shape), shape)),
);
writeFileSync(
  path.join(workDir, "inputs.json"),
  `${JSON.stringify({ architecture: arch.name, seed: GOLDEN_SEED, weightsHash, inputShape: shape }, null, 2)}\n`,
);
console.log(
  `wrote ${modelDir} (weights sha256 ${weightsHash}) and input.npy ${JSON.stringify(shape)}`,
);
