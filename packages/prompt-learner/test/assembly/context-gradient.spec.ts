import {
  PromptTable,
  SeededNormal,
  assemblePromptEmbeddings,
  buildPromptLayout,
  buildPromptTexts,
  defaultContextConfig,
  initLearnableContext,
  scatterContextGradient,
  zeroContextTensor,
} from "../../src";

import { expectClose, makeWordTokenizer } from "../helpers";

const WIDTH = 4;
const table = { shape: [49408, WIDTH], data: new Float32Array(49408 * WIDTH) };
const texts = buildPromptTexts("bottle", PromptTable.promptad());

function randomArray(length: number, seed: number): Float32Array {
  return new SeededNormal(seed).fillNormal(new Float32Array(length), 1);
}

describe("scatterContextGradient", () => {
  test("sums dE over the prompts that share a row", () => {
    const config = { ...defaultContextConfig(), nCtx: 2, nProAb: 2 };
    const layout = buildPromptLayout(texts, config, makeWordTokenizer());
    const dE = new Float32Array(layout.count * 77 * WIDTH).fill(1);
    const gradient = scatterContextGradient(layout, dE, WIDTH);
    // 1 normal + 11 manual + 2 learned prompts use C_n; one learned prompt uses each C_a[j].
    expect(gradient.normal.shape).toEqual([1, 2, WIDTH]);
    expect(Array.from(gradient.normal.data)).toEqual(
      new Array(2 * WIDTH).fill(14),
    );
    expect(gradient.abnormal.shape).toEqual([2, 1, WIDTH]);
    expect(Array.from(gradient.abnormal.data)).toEqual(
      new Array(2 * WIDTH).fill(1),
    );
  });

  test("reads each context position from its own row", () => {
    const config = defaultContextConfig();
    const layout = buildPromptLayout(texts, config, makeWordTokenizer());
    const dE = new Float32Array(layout.count * 77 * WIDTH);
    // Mark the value position t + 100·prompt into channel 0 of each row.
    for (let i = 0; i < layout.count; i++) {
      for (let t = 0; t < 77; t++) dE[(i * 77 + t) * WIDTH] = t + 100 * i;
    }
    const gradient = scatterContextGradient(layout, dE, WIDTH);
    const promptSum = (16 * 15) / 2;
    for (let k = 0; k < 4; k++) {
      expect(gradient.normal.data[k * WIDTH]).toBe(
        16 * (1 + k) + 100 * promptSum,
      );
    }
    for (let j = 0; j < 4; j++) {
      expect(gradient.abnormal.data[j * WIDTH]).toBe(5 + 100 * (12 + j));
      expect(gradient.abnormal.data[j * WIDTH + 1]).toBe(0);
    }
  });

  test.each([
    ["all-pairs", { nPro: 2, nProAb: 3, nCtx: 2, nCtxAb: 2 }],
    ["reference-cyclic", { nPro: 2, nProAb: 3, nCtx: 2, nCtxAb: 2 }],
    ["all-pairs", { nPro: 1, nProAb: 4, nCtx: 4, nCtxAb: 1 }],
  ] as const)("is the transpose of assembly (%s, %j)", (pairing, sizes) => {
    // Assembly is affine in the context: E(C) = E(0) + A·C. The scatter must
    // be Aᵀ, so <dE, E(C) - E(0)> = <scatter(dE), C> for any dE and C.
    const config = { ...defaultContextConfig(), ...sizes };
    const layout = buildPromptLayout(texts, config, makeWordTokenizer(), {
      learnedPairing: pairing,
    });
    const context = initLearnableContext({ ...config, initStd: 1 }, WIDTH);
    const zero = {
      normal: zeroContextTensor(context.normal.shape),
      abnormal: zeroContextTensor(context.abnormal.shape),
    };
    const withContext = assemblePromptEmbeddings(
      layout,
      table,
      context,
    ).embeddings;
    const withoutContext = assemblePromptEmbeddings(
      layout,
      table,
      zero,
    ).embeddings;
    const dE = randomArray(withContext.length, 9);

    let lhs = 0;
    for (let i = 0; i < dE.length; i++)
      lhs += dE[i] * (withContext[i] - withoutContext[i]);
    const gradient = scatterContextGradient(layout, dE, WIDTH);
    let rhs = 0;
    for (const name of ["normal", "abnormal"] as const) {
      gradient[name].data.forEach((g, i) => (rhs += g * context[name].data[i]));
    }
    // Both sides sum the same float32 products in a different order.
    expectClose([lhs], [rhs], 1e-4, 1e-5);
  });

  test("accepts dE cut after the longest eot", () => {
    const layout = buildPromptLayout(
      texts,
      defaultContextConfig(),
      makeWordTokenizer(),
    );
    const tokens = Math.max(...layout.eot) + 1;
    const full = randomArray(layout.count * 77 * WIDTH, 3);
    const cut = new Float32Array(layout.count * tokens * WIDTH);
    for (let i = 0; i < layout.count; i++) {
      cut.set(
        full.subarray(i * 77 * WIDTH, (i * 77 + tokens) * WIDTH),
        i * tokens * WIDTH,
      );
    }
    expect(scatterContextGradient(layout, cut, WIDTH)).toEqual(
      scatterContextGradient(layout, full, WIDTH),
    );
  });

  test("rejects dE that ends before an eot", () => {
    const layout = buildPromptLayout(
      texts,
      defaultContextConfig(),
      makeWordTokenizer(),
    );
    const tokens = Math.max(...layout.eot);
    expect(() =>
      scatterContextGradient(
        layout,
        new Float32Array(layout.count * tokens * WIDTH),
        WIDTH,
      ),
    ).toThrow(
      /dE covers \d+ token positions but prompt ".*" has its end token at \d+/,
    );
  });

  test("rejects dE of a size that fits no token count", () => {
    const layout = buildPromptLayout(
      texts,
      defaultContextConfig(),
      makeWordTokenizer(),
    );
    expect(() =>
      scatterContextGradient(layout, new Float32Array(7), WIDTH),
    ).toThrow(
      "dE has 7 values, which is not 16 prompts × tokens × 4 for any tokens in 1..77",
    );
  });
});
