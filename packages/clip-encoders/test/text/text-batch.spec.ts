import {
  checkTextBatch,
  padTokens,
  prepareTextBatch,
  sliceTokens,
  usedTokenCount,
} from "../../src/text/text-batch";

describe("usedTokenCount", () => {
  it("is the maximum end-of-text position plus one", () => {
    expect(usedTokenCount(Int32Array.from([3, 0, 7, 2]))).toBe(8);
  });

  it("is one for a prompt ending at position zero", () => {
    expect(usedTokenCount(Int32Array.from([0]))).toBe(1);
  });
});

describe("checkTextBatch", () => {
  it("infers the token count", () => {
    const shape = checkTextBatch(
      new Float32Array(2 * 5 * 4),
      Int32Array.from([4, 1]),
      4,
      77,
    );
    expect(shape).toEqual({ prompts: 2, tokens: 5, width: 4 });
  });

  it("rejects an empty eot", () => {
    expect(() =>
      checkTextBatch(new Float32Array(8), new Int32Array(0), 4, 77),
    ).toThrow(/eot is empty/);
  });

  it("rejects more tokens than the context length", () => {
    expect(() =>
      checkTextBatch(new Float32Array(1 * 6 * 4), Int32Array.from([0]), 4, 5),
    ).toThrow(/1 ≤ tokens ≤ 5/);
  });

  it("rejects a negative end-of-text position", () => {
    expect(() =>
      checkTextBatch(new Float32Array(1 * 3 * 4), Int32Array.from([-1]), 4, 77),
    ).toThrow(/eot\[0\] = -1 is outside \[0, 2\]/);
  });
});

describe("sliceTokens and padTokens", () => {
  // Two prompts, three tokens, width two: values 0..11 in row-major order.
  const values = Float32Array.from({ length: 12 }, (_, i) => i);
  const shape = { prompts: 2, tokens: 3, width: 2 };

  it("slice keeps the leading rows of each prompt", () => {
    expect(Array.from(sliceTokens(values, shape, 2))).toEqual([
      0, 1, 2, 3, 6, 7, 8, 9,
    ]);
  });

  it("pad restores the layout with zero rows", () => {
    const cut = Float32Array.from([0, 1, 2, 3, 6, 7, 8, 9]);
    expect(Array.from(padTokens(cut, shape, 2))).toEqual([
      0, 1, 2, 3, 0, 0, 6, 7, 8, 9, 0, 0,
    ]);
  });

  it("both return the input when nothing is cut", () => {
    expect(sliceTokens(values, shape, 3)).toBe(values);
    expect(padTokens(values, shape, 3)).toBe(values);
  });
});

describe("prepareTextBatch", () => {
  const encoder = { width: 2, contextLength: 77, embedDim: 3 };
  const embeddings = Float32Array.from({ length: 12 }, (_, i) => i);
  const eot = Int32Array.from([0, 1]);

  it("cuts after the last end-of-text token", () => {
    const batch = prepareTextBatch(embeddings, eot, encoder, true);
    expect(batch.keep).toBe(2);
    expect(Array.from(batch.input)).toEqual([0, 1, 2, 3, 6, 7, 8, 9]);
  });

  it("keeps every token without truncation", () => {
    const batch = prepareTextBatch(embeddings, eot, encoder, false);
    expect(batch.keep).toBe(3);
    expect(batch.input).toBe(embeddings);
  });

  it("checks the feature gradient length", () => {
    expect(() =>
      prepareTextBatch(embeddings, eot, encoder, true, new Float32Array(5)),
    ).toThrow(/featureGradient has 5 values, expected 2 prompts × 3 = 6/);
  });
});
