import { readFileSync } from "node:fs";
import { join } from "node:path";

import { readSafetensors } from "@devprompt/clip-encoders";

import {
  type ContextConfig,
  type LearnedPairing,
  type PromptStyleName,
  PromptTable,
  assemblePromptEmbeddings,
  buildPromptLayout,
  buildPromptTexts,
  clipPromptTokenizer,
  initLearnableContext,
} from "../../src";

const clipTokenize = clipPromptTokenizer();
import { expectClose } from "../helpers";

// Built by tools/golden/prompts/make_prompt_fixtures.py, which assembles the
// prompts the way PromptAD's reference code does, with numpy, its own BPE
// tokenizer and its own Mulberry32 plus Box-Muller generator.
const FIXTURES = join(__dirname, "..", "fixtures");

interface GoldenCase {
  classKey: string;
  style: PromptStyleName;
  config: ContextConfig;
  learnedPairing?: LearnedPairing;
  strings: string[];
  groupCounts: [number, number, number];
  tokenIds: number[][];
  eot: number[];
}

const description = JSON.parse(
  readFileSync(join(FIXTURES, "prompts-golden.json"), "utf8"),
) as { embeddingFile: string; cases: Record<string, GoldenCase> };
const golden = readSafetensors(
  join(FIXTURES, "prompts-golden.safetensors"),
).tensors;
const table = readSafetensors(
  join(FIXTURES, description.embeddingFile),
).tensors.get("token_embedding.weight")!;

describe.each(Object.entries(description.cases))(
  "golden case %s",
  (name, expected) => {
    const texts = buildPromptTexts(expected.classKey, PromptTable.promptad(), {
      style: expected.style,
    });
    const layout = buildPromptLayout(texts, expected.config, clipTokenize, {
      learnedPairing: expected.learnedPairing,
    });

    test("group sizes match", () => {
      expect([
        layout.groups.normal.count,
        layout.groups.manualAbnormal.count,
        layout.groups.learnedAbnormal.count,
      ]).toEqual(expected.groupCounts);
    });

    test("token ids match exactly", () => {
      for (let i = 0; i < layout.count; i++) {
        const ids = Array.from(layout.tokenIds.subarray(i * 77, (i + 1) * 77));
        expect([expected.strings[i], ids]).toEqual([
          expected.strings[i],
          expected.tokenIds[i],
        ]);
      }
    });

    test("tokenizer agrees on the reference strings", () => {
      for (let i = 0; i < layout.count; i++) {
        expect(Array.from(clipTokenize(expected.strings[i]))).toEqual(
          expected.tokenIds[i],
        );
      }
    });

    test("eot positions match exactly", () => {
      expect(Array.from(layout.eot)).toEqual(expected.eot);
    });

    test("context initialisation matches", () => {
      const context = initLearnableContext(expected.config, table.shape[1]);
      expectClose(
        context.normal.data,
        golden.get(`${name}.normal_ctx`)!.data,
        1e-6,
      );
      expectClose(
        context.abnormal.data,
        golden.get(`${name}.abnormal_ctx`)!.data,
        1e-6,
      );
    });

    test("embedding matrices match", () => {
      const context = initLearnableContext(expected.config, table.shape[1]);
      const assembled = assemblePromptEmbeddings(layout, table, context);
      const reference = golden.get(`${name}.embeddings`)!;
      expect(assembled.shape).toEqual(reference.shape);
      expectClose(assembled.embeddings, reference.data, 1e-6);
    });
  },
);
