/**
 * Writes the inputs of the end-to-end pipeline golden fixture into a work
 * folder: a small random checkpoint, a synthetic dataset, a fixed prompt
 * context and inputs.json with the prompts' token ids. Every input comes
 * from a seed, so the jest test regenerates the same files.
 *
 *     npx tsx --tsconfig tsconfig.base.json tools/golden/pipeline/write-inputs.ts WORK_DIR
 */
import {
  ClipTokenizer,
  getArchitecture,
  writeRandomCheckpoint,
} from "@devprompt/clip-encoders";
import { generateSyntheticDataset, openDataset } from "@devprompt/datasets";
import {
  PromptTable,
  buildPromptLayout,
  buildPromptTexts,
  initLearnableContext,
  resolveContextConfig,
} from "@devprompt/prompt-learner";
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";

// Shared with the jest test through inputs.json, which the fixture repeats.
const SETUP = {
  architecture: "test-tiny",
  checkpointSeed: 21,
  className: "tile",
  dataset: {
    size: 40,
    seed: 13,
    trainCount: 1,
    testGoodCount: 2,
    testDefectCount: 3,
  },
  // A wider initialisation than training's 0.02 so that the prompts differ
  // visibly and the anchors are not nearly equal.
  context: { initStd: 0.5, seed: 17 },
  outputSize: 48,
  blurSigma: 4,
  blurTruncate: 4,
};

async function main(): Promise<void> {
  const work = path.resolve(process.argv[2] ?? "");
  if (process.argv[2] === undefined) {
    throw new Error("usage: write-inputs.ts WORK_DIR");
  }
  mkdirSync(work, { recursive: true });
  const architecture = getArchitecture(SETUP.architecture);
  writeRandomCheckpoint(path.join(work, "model"), architecture, {
    seed: SETUP.checkpointSeed,
  });
  const root = path.join(work, "data");
  await generateSyntheticDataset({
    root,
    category: SETUP.className,
    ...SETUP.dataset,
  });
  const dataset = await openDataset({
    format: "folder",
    root,
    category: SETUP.className,
    shots: "all",
  });

  // The app gives a class outside the table the generic states only.
  const table = PromptTable.promptad().extend({
    classes: { [SETUP.className]: { name: SETUP.className, states: [] } },
  });
  const texts = buildPromptTexts(SETUP.className, table, {
    style: "promptad",
  });
  const config = resolveContextConfig(SETUP.context);
  const tokenizer = ClipTokenizer.fromPackage();
  const layout = buildPromptLayout(texts, config, (t) => tokenizer.tokenize(t));
  const prompts: { group: string; suffixIds: number[] }[] = [];
  for (const group of [
    "normal",
    "manualAbnormal",
    "learnedAbnormal",
  ] as const) {
    for (const suffix of texts[group]) {
      prompts.push({ group, suffixIds: [...tokenizer.tokenize(suffix)] });
    }
  }
  const context = initLearnableContext(config, architecture.text.width);

  const inputs = {
    setup: SETUP,
    contextConfig: config,
    context: {
      normal: { shape: context.normal.shape, data: [...context.normal.data] },
      abnormal: {
        shape: context.abnormal.shape,
        data: [...context.abnormal.data],
      },
    },
    prompts,
    promptCount: layout.labels.length,
    shots: dataset.train.map((r) => r.relativePath),
    test: dataset.test.map((r) => ({
      relativePath: r.relativePath,
      label: r.label,
      maskPath: r.maskPath === null ? null : path.relative(root, r.maskPath),
    })),
  };
  writeFileSync(path.join(work, "inputs.json"), JSON.stringify(inputs));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
