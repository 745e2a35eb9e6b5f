import { decodeHTML } from "entities";

/**
 * Whitespace as the Python `regex` module's `\s` matches it in a str pattern
 * (Unicode White_Space). JavaScript's `\s` differs: it adds U+FEFF and lacks
 * U+0085, so the class is spelled out.
 */
export const PYTHON_WHITESPACE =
  "\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";

const WHITESPACE_RUN = new RegExp(`[${PYTHON_WHITESPACE}]+`, "gu");

/** Python `str.strip()` also removes U+001C–U+001F, which `\s` does not match. */
const STRIP_EDGES = new RegExp(
  `^[${PYTHON_WHITESPACE}\\u001c-\\u001f]+|[${PYTHON_WHITESPACE}\\u001c-\\u001f]+$`,
  "gu",
);

/**
 * Control characters ftfy's `remove_control_chars` deletes: C0 controls other
 * than tab, line feed, form feed and carriage return, DEL, deprecated format
 * characters, the byte-order mark, interlinear annotation and object
 * replacement characters, and tag characters.
 */
const CONTROL_CHARACTERS =
  // eslint-disable-next-line no-control-regex -- removing them is the purpose.
  /[\u0000-\u0008\u000b\u000e-\u001f\u007f\u206a-\u206f\ufeff\ufff9-\ufffc\u{e0000}-\u{e007f}]/gu;

/** Line separators ftfy's `fix_line_breaks` turns into `\n`. */
const LINE_BREAKS = /\r\n|[\r\u0085\u2028\u2029]/g;

/** Latin ligatures ftfy's `fix_latin_ligatures` expands. */
const LIGATURES: Record<string, string> = {
  Ĳ: "IJ",
  ĳ: "ij",
  ŉ: "ʼn",
  Ǆ: "DŽ",
  ǅ: "Dž",
  ǆ: "dž",
  Ǉ: "LJ",
  ǈ: "Lj",
  ǉ: "lj",
  Ǌ: "NJ",
  ǋ: "Nj",
  ǌ: "nj",
  Ǳ: "DZ",
  ǲ: "Dz",
  ǳ: "dz",
  ﬀ: "ff",
  ﬁ: "fi",
  ﬂ: "fl",
  ﬃ: "ffi",
  ﬄ: "ffl",
  ﬅ: "ſt",
  ﬆ: "st",
};
const LIGATURE_PATTERN = new RegExp(
  `[${Object.keys(LIGATURES).join("")}]`,
  "gu",
);

/**
 * Full-width and half-width forms (U+FF01–U+FFEF) whose NFKC form is one
 * character, plus the ideographic space, as ftfy's `fix_character_width`
 * maps them.
 */
const WIDTH_FORMS = /[\u3000\uff01-\uffef]/gu;

function fixWidth(character: string): string {
  if (character === "\u3000") {
    return " ";
  }
  const normalized = character.normalize("NFKC");
  return [...normalized].length === 1 ? normalized : character;
}

/** Curly quotes ftfy's `uncurl_quotes` straightens. */
const SINGLE_QUOTES = /[\u02bc\u2018-\u201b]/gu;
const DOUBLE_QUOTES = /[\u201c-\u201f]/gu;

/**
 * Applies the parts of ftfy's `fix_text` (ftfy 6 defaults) that change clean
 * Unicode text: remove control characters, unify line breaks, expand Latin
 * ligatures, fold full-width forms, straighten curly quotes, then NFC.
 *
 * NOTE: ftfy's mojibake repair (`fix_encoding` and its relatives) and its own
 * HTML-entity pass are not implemented, so text with mojibake, or with
 * entities nested three or more deep, can tokenise differently from OpenAI's
 * tokenizer.
 *
 * @param text - Raw text.
 * @returns The fixed text.
 */
export function fixText(text: string): string {
  return text
    .replace(CONTROL_CHARACTERS, "")
    .replace(LINE_BREAKS, "\n")
    .replace(LIGATURE_PATTERN, (c) => LIGATURES[c])
    .replace(WIDTH_FORMS, fixWidth)
    .replace(SINGLE_QUOTES, "'")
    .replace(DOUBLE_QUOTES, '"')
    .normalize("NFC");
}

/**
 * Cleans a prompt as CLIP's tokenizer does before BPE: ftfy-style fixes, HTML
 * unescape twice (Python `html.unescape`, HTML5 entities), whitespace runs
 * collapsed to one space, ends stripped, then lower-cased.
 *
 * Source: `basic_clean`, `whitespace_clean` and `encode` in OpenAI CLIP
 * `clip/simple_tokenizer.py`.
 *
 * @param text - Raw prompt.
 * @returns The cleaned, lower-case text.
 * @example
 * ```ts
 * cleanText('  A  Photo&amp;nbsp;of\tA CAT ');  // 'a photo of a cat'
 * ```
 */
export function cleanText(text: string): string {
  const unescaped = decodeHTML(decodeHTML(fixText(text)));
  return unescaped
    .replace(STRIP_EDGES, "")
    .replace(WHITESPACE_RUN, " ")
    .replace(STRIP_EDGES, "")
    .toLowerCase();
}
