import {
  PromptTable,
  buildPromptLayout,
  buildPromptTexts,
  contextRowCount,
  defaultContextConfig,
  promptTokenIds,
} from "../../src";

import { END, START, makeWordTokenizer } from "../helpers";

const table = PromptTable.promptad();
const bottle = buildPromptTexts("bottle", table);
const config = defaultContextConfig();

describe("buildPromptLayout for bottle with defaults", () => {
  const tokenize = makeWordTokenizer();
  const layout = buildPromptLayout(bottle, config, tokenize);

  test("has 1 normal, 11 manual and 4 learned prompts", () => {
    expect(layout.count).toBe(16);
    expect(layout.contextLength).toBe(77);
    expect(layout.groups).toEqual({
      normal: { start: 0, count: 1 },
      manualAbnormal: { start: 1, count: 11 },
      learnedAbnormal: { start: 12, count: 4 },
    });
  });

  test("normal prompt has the context after the start token", () => {
    const [n, bottleId, dot] = [
      tokenize("N")[1],
      tokenize("bottle")[1],
      tokenize(".")[1],
    ];
    const ids = Array.from(promptTokenIds(layout, 0));
    expect(ids.slice(0, 8)).toEqual([START, n, n, n, n, bottleId, dot, END]);
    expect(ids.slice(8).every((id) => id === 0)).toBe(true);
    expect(layout.eot[0]).toBe(7);
  });

  test("ids equal the tokenised reference prompt strings", () => {
    // PromptAD tokenises "N N N N {suffix}" and "N N N N A {suffix}".
    for (let i = 0; i < layout.count; i++) {
      const learned = i >= 12;
      const suffix =
        i === 0
          ? bottle.normal[0]
          : learned
            ? bottle.learnedAbnormal[0]
            : bottle.manualAbnormal[i - 1];
      const reference = tokenize(`N N N N ${learned ? "A " : ""}${suffix}`);
      expect([i, Array.from(promptTokenIds(layout, i))]).toEqual([
        i,
        Array.from(reference),
      ]);
    }
  });

  test("eot is the end-token position of every prompt", () => {
    for (let i = 0; i < layout.count; i++) {
      expect(promptTokenIds(layout, i)[layout.eot[i]]).toBe(END);
    }
  });

  test("records context sets and row counts", () => {
    expect(Array.from(layout.normalSet)).toEqual(new Array(16).fill(0));
    expect(Array.from(layout.abnormalSet)).toEqual([
      ...new Array(12).fill(-1),
      0,
      1,
      2,
      3,
    ]);
    expect(contextRowCount(layout, 0)).toBe(4);
    expect(contextRowCount(layout, 12)).toBe(5);
  });

  test("labels show the context and suffix", () => {
    expect(layout.labels[0]).toBe("[C_n0×4] bottle.");
    expect(layout.labels[13]).toBe("[C_n0×4] [C_a1×1] bottle.");
  });

  test("promptTokenIds rejects an index out of range", () => {
    expect(() => promptTokenIds(layout, 16)).toThrow(
      "prompt index 16 is out of range; the layout has 16 prompts",
    );
  });
});

describe("buildPromptLayout with several context sets", () => {
  const tokenize = makeWordTokenizer();
  const texts = {
    ...bottle,
    manualAbnormal: bottle.manualAbnormal.slice(0, 2),
  };
  const several = { ...config, nPro: 2, nProAb: 3 };

  test("normal and manual prompts repeat per normal set, template outer", () => {
    const layout = buildPromptLayout(texts, several, tokenize);
    expect(layout.groups.normal).toEqual({ start: 0, count: 2 });
    expect(layout.groups.manualAbnormal).toEqual({ start: 2, count: 4 });
    expect(Array.from(layout.normalSet.subarray(0, 6))).toEqual([
      0, 1, 0, 1, 0, 1,
    ]);
    expect(layout.labels[3]).toBe("[C_n1×4] damaged bottle.");
    expect(layout.labels[4]).toBe("[C_n0×4] flawed bottle.");
  });

  test("all-pairs uses every (p, j) with j outer", () => {
    const layout = buildPromptLayout(texts, several, tokenize);
    const { start, count } = layout.groups.learnedAbnormal;
    expect(count).toBe(6);
    expect(Array.from(layout.normalSet.subarray(start))).toEqual([
      0, 1, 0, 1, 0, 1,
    ]);
    expect(Array.from(layout.abnormalSet.subarray(start))).toEqual([
      0, 0, 1, 1, 2, 2,
    ]);
  });

  test("reference-cyclic pairs i mod nPro with i mod nProAb", () => {
    const layout = buildPromptLayout(texts, several, tokenize, {
      learnedPairing: "reference-cyclic",
    });
    const { start } = layout.groups.learnedAbnormal;
    expect(Array.from(layout.normalSet.subarray(start))).toEqual([
      0, 1, 0, 1, 0, 1,
    ]);
    expect(Array.from(layout.abnormalSet.subarray(start))).toEqual([
      0, 1, 2, 0, 1, 2,
    ]);
  });

  test("several context tokens of each kind", () => {
    const layout = buildPromptLayout(
      texts,
      { ...config, nCtx: 2, nCtxAb: 3 },
      tokenize,
    );
    const { start } = layout.groups.learnedAbnormal;
    const [n, a] = [tokenize("N")[1], tokenize("A")[1]];
    expect(Array.from(promptTokenIds(layout, start).subarray(0, 7))).toEqual([
      START,
      n,
      n,
      a,
      a,
      a,
      tokenize("bottle")[1],
    ]);
  });
});

describe("buildPromptLayout overflow", () => {
  // 12 positions; a manual prompt takes start + 4 context rows + its words + end.
  const tokenize = makeWordTokenizer(12);
  const texts = {
    ...bottle,
    manualAbnormal: ["bottle with a very long crack."],
  };

  test("is an error naming the prompt by default", () => {
    expect(() => buildPromptLayout(texts, config, tokenize)).toThrow(
      'prompt "[C_n0×4] bottle with a very long crack." needs 13 tokens with its ' +
        "context but the text encoder takes 12",
    );
  });

  test("truncates like CLIP and keeps the end token when asked", () => {
    const layout = buildPromptLayout(texts, config, tokenize, {
      overflow: "truncate",
    });
    const ids = promptTokenIds(layout, 1);
    expect(Array.from(ids)).toEqual(
      Array.from(tokenize(`N N N N ${texts.manualAbnormal[0]}`)),
    );
    expect(ids[11]).toBe(END);
    expect(layout.eot[1]).toBe(11);
  });

  test("a prompt that fits exactly is kept whole", () => {
    const fits = { ...bottle, manualAbnormal: ["bottle with a deep crack."] };
    const layout = buildPromptLayout(fits, config, tokenize);
    expect(layout.eot[1]).toBe(11);
  });

  test("context longer than the sequence is an error even when truncating", () => {
    expect(() =>
      buildPromptLayout(bottle, { ...config, nCtx: 11 }, tokenize, {
        overflow: "truncate",
      }),
    ).toThrow(
      /11 context tokens leave no room for the end token in 12 positions/,
    );
  });
});

describe("buildPromptLayout input checks", () => {
  test("rejects a tokenizer without the start token", () => {
    const tokenize = (text: string) => makeWordTokenizer()(text).subarray(1);
    expect(() => buildPromptLayout(bottle, config, tokenize)).toThrow(
      /tokenizer output for "N" must start with the start token 49406/,
    );
  });

  test("rejects a tokenizer without the end token", () => {
    const tokenize = (text: string) => {
      const ids = makeWordTokenizer()(text);
      return ids.map((id) => (id === END ? 0 : id));
    };
    expect(() => buildPromptLayout(bottle, config, tokenize)).toThrow(
      /has no end token 49407/,
    );
  });

  test("rejects a placeholder word of two tokens", () => {
    expect(() =>
      buildPromptLayout(bottle, config, makeWordTokenizer(), {
        placeholderWords: { normal: "N N", abnormal: "A" },
      }),
    ).toThrow('placeholder word "N N" must be a single BPE token');
  });

  test("rejects an unknown pairing", () => {
    expect(() =>
      buildPromptLayout(bottle, config, makeWordTokenizer(), {
        learnedPairing: "zip" as unknown as "all-pairs",
      }),
    ).toThrow('unknown learned pairing "zip"');
  });
});
