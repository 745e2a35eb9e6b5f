import { readFileSync } from "node:fs";
import { join } from "node:path";

import { ClipTokenizer, tokenize } from "../../src/tokenizer/clip-tokenizer";

interface GoldenCase {
  text: string;
  ids: number[];
}

const golden = JSON.parse(
  readFileSync(join(__dirname, "../fixtures/tokenizer-golden.json"), "utf8"),
) as { contextLength: number; cases: GoldenCase[] };

const tokenizer = ClipTokenizer.fromPackage();

function padded(ids: number[], length = 77): number[] {
  return [...ids, ...new Array<number>(length - ids.length).fill(0)];
}

describe("ClipTokenizer", () => {
  test("vocabulary has 49408 tokens and the special ids", () => {
    expect(tokenizer.vocabSize).toBe(49408);
    expect(tokenizer.startToken).toBe(49406);
    expect(tokenizer.endToken).toBe(49407);
  });

  test("matches well-known CLIP ids", () => {
    // Ids that several independent CLIP tokenizer ports assert in their
    // tests for the OpenAI vocabulary.
    expect(tokenizer.encode("a photo of a cat")).toEqual([
      320, 1125, 539, 320, 2368,
    ]);
    expect(tokenizer.encode("a photo of a dog")).toEqual([
      320, 1125, 539, 320, 1929,
    ]);
    expect(tokenizer.encode("a diagram")).toEqual([320, 22697]);
    expect(tokenizer.encode("a spooky scene")).toEqual([320, 15369, 3562]);
    expect(tokenizer.encode("hello world")).toEqual([3306, 1002]);
    expect(
      Array.from(tokenizer.tokenize("a photo of a cat.").slice(0, 9)),
    ).toEqual([49406, 320, 1125, 539, 320, 2368, 269, 49407, 0]);
  });

  test("byte tokens come first in vocabulary order", () => {
    // "!" is the first printable byte (id 0), "!</w>" id 256; a lone space
    // never survives cleaning, so check two printable bytes.
    expect(tokenizer.encode("!")).toEqual([256]);
    expect(tokenizer.encode("a")).toEqual([320]);
    expect(tokenizer.decode([0, 256])).toBe("!!");
  });

  test(`matches reference ids for all ${golden.cases.length} corpus texts`, () => {
    const mismatches: string[] = [];
    for (const { text, ids } of golden.cases) {
      const actual = Array.from(tokenizer.tokenize(text));
      const expected = padded(ids, golden.contextLength);
      if (actual.join(",") !== expected.join(",")) {
        mismatches.push(
          `${JSON.stringify(text)}: expected ${ids.join(" ")}, got ${actual.join(" ")}`,
        );
      }
    }
    expect(mismatches).toEqual([]);
  });

  test("truncation keeps the end token last", () => {
    const long = Array.from({ length: 100 }, () => "cat").join(" ");
    const ids = tokenizer.tokenize(long);
    expect(ids.length).toBe(77);
    expect(ids[0]).toBe(49406);
    expect(ids[76]).toBe(49407);
    expect(Array.from(ids.slice(1, 76)).every((id) => id === 2368)).toBe(true);
  });

  test("truncate false rejects a long text", () => {
    const long = Array.from({ length: 80 }, () => "cat").join(" ");
    expect(() => tokenizer.tokenize(long, { truncate: false })).toThrow(
      /has 82 tokens with start and end, more than the context length 77/,
    );
  });

  test("75 tokens fit without truncation", () => {
    const text = Array.from({ length: 75 }, () => "cat").join(" ");
    const ids = tokenizer.tokenize(text, { truncate: false });
    expect(ids[75]).toBe(2368);
    expect(ids[76]).toBe(49407);
  });

  test("batch reports shape and end positions", () => {
    const batch = tokenize(["a photo of a cat.", "", "dog"], {
      contextLength: 10,
    });
    expect(batch.shape).toEqual([3, 10]);
    expect(Array.from(batch.endIndices)).toEqual([7, 1, 2]);
    expect(Array.from(batch.ids.slice(10, 20))).toEqual([
      49406, 49407, 0, 0, 0, 0, 0, 0, 0, 0,
    ]);
    expect(batch.ids[20 + 2]).toBe(49407);
  });

  test("end index is the position of the largest id", () => {
    const batch = tokenize(["flawed metal nut with a bent shape."]);
    const row = Array.from(batch.ids);
    expect(batch.endIndices[0]).toBe(row.indexOf(Math.max(...row)));
  });

  test("decode inverts encode for cleaned text", () => {
    for (const text of [
      "a photo of a damaged bottle.",
      "café 🙂 naïve",
      "it's 42!",
    ]) {
      expect(tokenizer.decode(tokenizer.tokenize(text))).toBe(
        tokenizer.decode(tokenizer.encode(text)),
      );
    }
    expect(tokenizer.decode(tokenizer.encode("Café 🙂"))).toBe("café 🙂");
  });

  test("decode rejects an id outside the vocabulary", () => {
    expect(() => tokenizer.decode([49408])).toThrow(
      /token id 49408 is outside the vocabulary of 49408 tokens/,
    );
  });

  test("rejects a context length below 2", () => {
    expect(() => tokenizer.tokenize("a", { contextLength: 1 })).toThrow(
      /at least 2, got 1/,
    );
  });

  test("fromPackage returns one shared instance", () => {
    expect(ClipTokenizer.fromPackage()).toBe(tokenizer);
  });
});
