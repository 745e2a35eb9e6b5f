import { ClipTokenizer } from "@devprompt/clip-encoders";

import {
  PromptTable,
  buildPromptLayout,
  buildPromptTexts,
  clipPromptTokenizer,
  defaultContextConfig,
  promptTokenIds,
  tokenEmbeddingTable,
} from "../../src";

describe("clipPromptTokenizer", () => {
  const tokenize = clipPromptTokenizer();

  test("returns 77 CLIP ids", () => {
    const ids = tokenize("a photo of a normal bottle.");
    expect(ids).toHaveLength(77);
    // "a photo of a" is 320 1125 539 320 and "." is 269 in CLIP's vocabulary.
    expect(Array.from(ids.subarray(0, 5))).toEqual([
      49406, 320, 1125, 539, 320,
    ]);
    expect(ids[7]).toBe(269);
    expect(ids[8]).toBe(49407);
  });

  test("uses the tokenizer it is given", () => {
    const tokenizer = ClipTokenizer.fromPackage();
    expect(Array.from(clipPromptTokenizer(tokenizer)("bottle."))).toEqual(
      Array.from(tokenizer.tokenize("bottle.")),
    );
  });

  test("truncation in a layout matches the whole reference string", () => {
    const phrase = `${"very ".repeat(80)}long crack`;
    const texts = {
      ...buildPromptTexts("bottle", PromptTable.promptad()),
      manualAbnormal: [`${phrase}.`],
    };
    const layout = buildPromptLayout(texts, defaultContextConfig(), tokenize, {
      overflow: "truncate",
    });
    expect(Array.from(promptTokenIds(layout, 1))).toEqual(
      Array.from(tokenize(`N N N N ${phrase}.`)),
    );
    expect(layout.eot[1]).toBe(76);
  });

  test("an over-long phrase is an error by default", () => {
    const texts = {
      ...buildPromptTexts("bottle", PromptTable.promptad()),
      manualAbnormal: [`${"very ".repeat(72)}long crack.`],
    };
    expect(() =>
      buildPromptLayout(texts, defaultContextConfig(), tokenize),
    ).toThrow(/needs 81 tokens with its context but the text encoder takes 77/);
  });
});

describe("tokenEmbeddingTable", () => {
  test("returns the checkpoint's table without copying", () => {
    const data = new Float32Array(6);
    const weights = new Map([
      [
        "token_embedding.weight",
        { shape: [3, 2], data, sourceDtype: "F32" as const },
      ],
    ]);
    const table = tokenEmbeddingTable(weights);
    expect(table.shape).toEqual([3, 2]);
    expect(table.data).toBe(data);
  });

  test("names a missing table", () => {
    expect(() => tokenEmbeddingTable(new Map())).toThrow(
      "checkpoint weights have no token_embedding.weight",
    );
  });

  test("rejects a table of rank 1", () => {
    const weights = new Map([
      [
        "token_embedding.weight",
        { shape: [6], data: new Float32Array(6), sourceDtype: "F32" as const },
      ],
    ]);
    expect(() => tokenEmbeddingTable(weights)).toThrow(
      "token_embedding.weight must be [vocabSize, width], got [6]",
    );
  });
});
