import {
  PromptAssembler,
  PromptTable,
  assemblePromptEmbeddings,
  buildPromptLayout,
  buildPromptTexts,
  defaultContextConfig,
  embedFrozenTokens,
  initLearnableContext,
  promptTokenIds,
  writeContextRows,
} from "../../src";

import { makeWordTokenizer } from "../helpers";

const WIDTH = 3;
const VOCAB = 49408;

/** Table whose row `id` is `[2·id, 2·id + 1, -id]`: every value exact in float32. */
function makeTable() {
  const data = new Float32Array(VOCAB * WIDTH);
  for (let id = 0; id < VOCAB; id++) {
    data.set([2 * id, 2 * id + 1, -id], id * WIDTH);
  }
  return { shape: [VOCAB, WIDTH], data };
}

const table = makeTable();
const config = defaultContextConfig();
const layout = buildPromptLayout(
  buildPromptTexts("bottle", PromptTable.promptad()),
  config,
  makeWordTokenizer(),
);
const context = initLearnableContext(config, WIDTH);

function row(values: Float32Array, prompt: number, token: number): number[] {
  const offset = (prompt * layout.contextLength + token) * WIDTH;
  return Array.from(values.subarray(offset, offset + WIDTH));
}

describe("assemblePromptEmbeddings", () => {
  const assembled = assemblePromptEmbeddings(layout, table, context);

  test("has shape prompts × 77 × width and the layout eot", () => {
    expect(assembled.shape).toEqual([16, 77, WIDTH]);
    expect(assembled.embeddings).toHaveLength(16 * 77 * WIDTH);
    expect(Array.from(assembled.eot)).toEqual(Array.from(layout.eot));
  });

  test("token rows are table rows of the token ids", () => {
    for (const prompt of [0, 5, 12]) {
      const ids = promptTokenIds(layout, prompt);
      const first = prompt >= 12 ? 6 : 5;
      for (const token of [0, first, first + 1, layout.eot[prompt], 76]) {
        const id = ids[token];
        expect([
          prompt,
          token,
          row(assembled.embeddings, prompt, token),
        ]).toEqual([prompt, token, [2 * id, 2 * id + 1, -id]]);
      }
    }
  });

  test("normal context rows follow the start token in every prompt", () => {
    for (let prompt = 0; prompt < 16; prompt++) {
      for (let k = 0; k < 4; k++) {
        expect(row(assembled.embeddings, prompt, 1 + k)).toEqual(
          Array.from(context.normal.data.subarray(k * WIDTH, (k + 1) * WIDTH)),
        );
      }
    }
  });

  test("abnormal context row j follows C_n in learned prompt j", () => {
    for (let j = 0; j < 4; j++) {
      expect(row(assembled.embeddings, 12 + j, 5)).toEqual(
        Array.from(context.abnormal.data.subarray(j * WIDTH, (j + 1) * WIDTH)),
      );
    }
  });

  test("manual prompts have no abnormal context row", () => {
    const id = promptTokenIds(layout, 1)[5];
    expect(row(assembled.embeddings, 1, 5)).toEqual([2 * id, 2 * id + 1, -id]);
  });

  test("rejects a token id outside the table", () => {
    const small = { shape: [100, WIDTH], data: new Float32Array(100 * WIDTH) };
    expect(() => assemblePromptEmbeddings(layout, small, context)).toThrow(
      /token id 49406 at position 0 of prompt "\[C_n0×4\] bottle\." is outside the token embedding table of 100 rows/,
    );
  });

  test("rejects a malformed table", () => {
    const bad = { shape: [VOCAB, WIDTH], data: new Float32Array(5) };
    expect(() => embedFrozenTokens(layout, bad)).toThrow(
      `token embedding must be [vocabSize, width] with matching data, got shape [${VOCAB}, ${WIDTH}] and 5 values`,
    );
  });

  test("rejects a context of another width", () => {
    expect(() =>
      assemblePromptEmbeddings(layout, table, initLearnableContext(config, 4)),
    ).toThrow(
      "normal context has shape [1, 4, 4] with 16 values; expected [1, 4, 3]",
    );
  });
});

describe("writeContextRows", () => {
  test("rejects a target of the wrong size", () => {
    expect(() =>
      writeContextRows(layout, context, new Float32Array(10)),
    ).toThrow(
      "target has 10 values; expected 16 prompts × 77 tokens × 3 = 3696",
    );
  });
});

describe("PromptAssembler", () => {
  const assembler = new PromptAssembler(layout, table);

  test("matches assemblePromptEmbeddings", () => {
    const direct = assemblePromptEmbeddings(layout, table, context);
    const cached = assembler.assemble(context);
    expect(cached.shape).toEqual(direct.shape);
    expect(Array.from(cached.embeddings)).toEqual(
      Array.from(direct.embeddings),
    );
  });

  test("a new context replaces the old rows", () => {
    assembler.assemble(context);
    const other = initLearnableContext({ ...config, seed: 5 }, WIDTH);
    const next = assembler.assemble(other);
    expect(row(next.embeddings, 0, 1)).toEqual(
      Array.from(other.normal.data.subarray(0, WIDTH)),
    );
  });
});
