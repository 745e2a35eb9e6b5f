/**
 * Writes the input of the prompt golden fixtures: a token embedding table of
 * CLIP's full vocabulary (49 408 rows) but width 4, stored as F16 so the
 * file stays near 400 KB. Values are N(0, 1) draws from seed 2024, rounded
 * to float16, so both readers see the same exact values.
 *
 * Usage: npx tsx tools/golden/prompts/write-token-embedding.ts OUT.safetensors
 */
import { writeSafetensors } from "@devprompt/clip-encoders";
import { SeededNormal } from "@devprompt/prompt-learner";

const VOCAB_SIZE = 49408;
const WIDTH = 4;
const SEED = 2024;

const output = process.argv[2];
if (output === undefined) {
  throw new Error("usage: write-token-embedding.ts OUT.safetensors");
}
const data = new SeededNormal(SEED).fillNormal(
  new Float32Array(VOCAB_SIZE * WIDTH),
  1,
);
const hash = writeSafetensors(
  output,
  new Map([["token_embedding.weight", { shape: [VOCAB_SIZE, WIDTH], data }]]),
  { dtype: "F16" },
);
console.log(`wrote ${output} (sha256 ${hash})`);
