import { BytePairEncoder } from "../../src/tokenizer/bpe";
import {
  byteCharactersInVocabularyOrder,
  byteToUnicodeTable,
} from "../../src/tokenizer/byte-encoder";

describe("byteToUnicodeTable", () => {
  const table = byteToUnicodeTable();

  test("printable bytes map to themselves", () => {
    expect(table[0x61]).toBe("a");
    expect(table[0x21]).toBe("!");
    expect(table[0xe9]).toBe("é");
  });

  test("other bytes map to U+0100 onwards in byte order", () => {
    // 0x00–0x20 are the first 33 remapped bytes, 0x7f–0xa0 the next 34, then 0xad.
    expect(table[0x00]).toBe("\u0100");
    expect(table[0x20]).toBe("\u0120");
    expect(table[0x7f]).toBe("\u0121");
    expect(table[0xa0]).toBe("\u0142");
    expect(table[0xad]).toBe("\u0143");
  });

  test("the table is a bijection of single characters", () => {
    expect(new Set(table).size).toBe(256);
    expect(table.every((c) => c.length === 1)).toBe(true);
  });

  test("vocabulary order puts printable bytes first", () => {
    const order = byteCharactersInVocabularyOrder();
    expect(order[0]).toBe("!");
    expect(order[93]).toBe("~");
    expect(order[94]).toBe("¡");
    expect(order[188]).toBe("\u0100");
    expect(order[255]).toBe("\u0143");
  });
});

describe("BytePairEncoder", () => {
  // Toy merge table: ranks 0..3.
  const bpe = new BytePairEncoder([
    ["l", "o"],
    ["lo", "w</w>"],
    ["e", "r</w>"],
    ["lo", "w"],
  ]);

  test("applies the lowest-rank merge first", () => {
    expect(bpe.encodeWord("low")).toEqual(["low</w>"]);
  });

  test("merges every occurrence left to right", () => {
    // lolo w → [lo, lo, w</w>] → [lo, low</w>].
    expect(bpe.encodeWord("lolow")).toEqual(["lo", "low</w>"]);
  });

  test("stops when no pair has a rank", () => {
    expect(bpe.encodeWord("lower")).toEqual(["low", "er</w>"]);
    expect(bpe.encodeWord("xyz")).toEqual(["x", "y", "z</w>"]);
  });

  test("a single character gets the end-of-word mark", () => {
    expect(bpe.encodeWord("q")).toEqual(["q</w>"]);
  });

  test("does not merge overlapping pairs twice", () => {
    const repeat = new BytePairEncoder([["a", "a"]]);
    expect(repeat.encodeWord("aaa")).toEqual(["aa", "a</w>"]);
  });
});
