/**
 * Times one training step's prompt work at full size (text width 640 of
 * ViT-B-16-plus-240, vocabulary 49 408, bottle with the default context:
 * 16 prompts of 77 tokens) and prints a table. The reference row sums every
 * value of E in the same run, so each ratio is the cost of an operation in
 * read passes over E. Copies of E into fresh arrays were left out as the
 * reference because their time swung between 0.6 and 10 ms on a loaded
 * 2-core machine (page faults of the new 3 MB allocation).
 *
 * Run: npx tsx packages/prompt-learner/bench/prompt-assembly.ts
 */
import { performance } from "node:perf_hooks";

import {
  PromptAssembler,
  PromptTable,
  assemblePromptEmbeddings,
  buildPromptLayout,
  buildPromptTexts,
  clipPromptTokenizer,
  computeTextAnchors,
  defaultContextConfig,
  initLearnableContext,
  scatterContextGradient,
} from "../src";

const WIDTH = 640;
const EMBED_DIM = 640;
const VOCAB_SIZE = 49408;
const REPEATS = 200;

function sumAll(values: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum;
}

/** Returns the median time of `repeats` calls in milliseconds, after a warm-up. */
function time(repeats: number, run: () => unknown): number {
  for (let i = 0; i < 10; i++) run();
  const samples: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    run();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

const table = {
  shape: [VOCAB_SIZE, WIDTH],
  data: Float32Array.from(
    { length: VOCAB_SIZE * WIDTH },
    (_, i) => (i % 97) / 97,
  ),
};
const config = defaultContextConfig();
const texts = buildPromptTexts("bottle", PromptTable.promptad());
const tokenize = clipPromptTokenizer();
const layout = buildPromptLayout(texts, config, tokenize);
const context = initLearnableContext(config, WIDTH);
const assembler = new PromptAssembler(layout, table);
const embeddings = assembler.assemble(context).embeddings;
const tokens = Math.max(...layout.eot) + 1;
const dE = new Float32Array(layout.count * tokens * WIDTH).fill(0.5);
const dEFull = new Float32Array(embeddings.length).fill(0.5);
const features = Float32Array.from(
  { length: layout.count * EMBED_DIM },
  (_, i) => Math.sin(i),
);

const rows: Array<[string, number]> = [
  [
    "reference: one read pass over E (sum)",
    time(REPEATS, () => sumAll(embeddings)),
  ],
  [
    "buildPromptLayout (tokenise 13 texts)",
    time(20, () => buildPromptLayout(texts, config, tokenize)),
  ],
  [
    "assemblePromptEmbeddings (lookup + context)",
    time(REPEATS, () => assemblePromptEmbeddings(layout, table, context)),
  ],
  [
    "PromptAssembler.assemble (cached lookup)",
    time(REPEATS, () => assembler.assemble(context)),
  ],
  [
    `scatterContextGradient (dE cut to ${tokens} tokens)`,
    time(REPEATS, () => scatterContextGradient(layout, dE, WIDTH)),
  ],
  [
    "scatterContextGradient (dE of 77 tokens)",
    time(REPEATS, () => scatterContextGradient(layout, dEFull, WIDTH)),
  ],
  [
    "computeTextAnchors (16 × 640)",
    time(REPEATS, () => computeTextAnchors(features, EMBED_DIM, layout.groups)),
  ],
];

const reference = rows[0][1];
console.log(
  `prompt-learner, ${layout.count} prompts × 77 tokens × ${WIDTH}, median of repeated runs`,
);
console.log("| operation | ms | × reference |");
console.log("|---|---:|---:|");
for (const [name, ms] of rows) {
  console.log(
    `| ${name} | ${ms.toFixed(3)} | ${(ms / reference).toFixed(2)} |`,
  );
}
