/**
 * Writes the inputs of the text-encoder golden fixtures into a work folder,
 * one subfolder per MLP activation: the text tensors of a seeded random
 * `test-tiny` checkpoint (`text.safetensors`) and the prompt embeddings,
 * end-of-text positions and feature gradient (`inputs.json`).
 * make_fixture.py then computes the expected features and dE with PyTorch.
 *
 * Usage: npx tsx tools/golden/text-encoder/write-inputs.ts WORK_DIR
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

import { getArchitecture } from "../../../packages/clip-encoders/src/architecture";
import type { Activation } from "../../../packages/clip-encoders/src/architecture/types";
import { SeededRandom } from "../../../packages/clip-encoders/src/checkpoint/prng";
import { generateRandomWeights } from "../../../packages/clip-encoders/src/checkpoint/random-weights";
import { writeSafetensors } from "../../../packages/clip-encoders/src/checkpoint/safetensors";

/** Seed of the weights and of the inputs. */
const SEED = 3;
/** Two prompts of 7 positions; the second ends early, so positions 4–6 get zero gradient. */
const TOKENS = 7;
const EOT = [6, 3];

const workDir = process.argv[2];
if (workDir === undefined) {
  console.error("usage: write-inputs.ts WORK_DIR");
  process.exit(2);
}

for (const activation of ["gelu", "quick_gelu"] as Activation[]) {
  const architecture = { ...getArchitecture("test-tiny"), activation };
  const weights = generateRandomWeights(architecture, SEED);
  const text = new Map(
    [...weights].filter(([name]) => !name.startsWith("visual.")),
  );

  const random = new SeededRandom(SEED, `text-golden-${activation}`);
  const { width, heads } = architecture.text;
  const embeddings = Array.from(
    { length: EOT.length * TOKENS * width },
    () => 0.5 * random.nextGaussian(),
  );
  const featureGradient = Array.from(
    { length: EOT.length * architecture.embedDim },
    () => random.nextGaussian(),
  );

  const dir = path.join(workDir, activation);
  mkdirSync(dir, { recursive: true });
  writeSafetensors(path.join(dir, "text.safetensors"), text);
  writeFileSync(
    path.join(dir, "inputs.json"),
    JSON.stringify({
      architecture: architecture.name,
      activation,
      seed: SEED,
      heads,
      tokens: TOKENS,
      eot: EOT,
      // Rounded to float32, the precision the encoders receive.
      embeddings: Array.from(Float32Array.from(embeddings)),
      featureGradient: Array.from(Float32Array.from(featureGradient)),
      textProjectionSum: Array.from(text.get("text_projection")!.data).reduce(
        (a, b) => a + b,
        0,
      ),
    }),
  );
}
