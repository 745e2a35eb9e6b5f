import type { ContextConfig } from "../context/context-config";
import { resolveContextConfig } from "../context/context-config";
import type { PromptTexts } from "../prompts/prompt-style";

/**
 * Tokenises one text into CLIP ids: start token, BPE tokens, end token, then
 * zero padding, `contextLength` ids in all (77 for CLIP).
 */
export type PromptTokenizer = (text: string) => Int32Array;

/** The three prompt groups, in the order they appear in a layout. */
export type PromptGroup = "normal" | "manualAbnormal" | "learnedAbnormal";

/** Group names in layout order. */
export const PROMPT_GROUPS: readonly PromptGroup[] = [
  "normal",
  "manualAbnormal",
  "learnedAbnormal",
];

/** A contiguous range of prompts. */
export interface PromptRange {
  /** Index of the first prompt. */
  start: number;
  /** Number of prompts. */
  count: number;
}

/**
 * Pairing of normal and abnormal context sets in learned abnormal prompts
 * when both nPro and nProAb exceed 1 (they are identical for nPro = 1):
 *
 * - `all-pairs`: every (p, j), j outer and p inner, nPro · nProAb prompts.
 * - `reference-cyclic`: prompt i uses C_n[i mod nPro] and C_a[i mod nProAb],
 *   i < nPro · nProAb, which is what the reference code's expand and reshape
 *   produce (PromptAD `PromptLearner.forward`); some pairs repeat and others
 *   never occur.
 */
export type LearnedPairing = "all-pairs" | "reference-cyclic";

/** Handling of a prompt that needs more than `contextLength` tokens. */
export type OverflowPolicy = "error" | "truncate";

/** Words whose single-token ids stand in the context rows of `tokenIds`. */
export interface PlaceholderWords {
  /** Word for C_n rows (PromptAD uses `N`). */
  normal: string;
  /** Word for C_a rows (PromptAD uses `A`). */
  abnormal: string;
}

/** Options of {@link buildPromptLayout}. */
export interface PromptLayoutOptions {
  /**
   * `error` (default) rejects a prompt whose context plus suffix exceeds the
   * context length. `truncate` keeps the first `contextLength - 1` ids and
   * ends with the end token, as CLIP's tokenizer does with a long text.
   */
  overflow?: OverflowPolicy;
  /** Context pairing of learned abnormal prompts. Default `all-pairs`. */
  learnedPairing?: LearnedPairing;
  /**
   * Words whose token ids fill the context rows of `tokenIds`. PromptAD
   * tokenises "N N N N {class}." and "N N N N A {class}.", so with the same
   * words `tokenIds` equals its tokenised prompts. Defaults `N` and `A`.
   */
  placeholderWords?: PlaceholderWords;
  /** Start-of-text id, 49406 in CLIP's BPE vocabulary. */
  startToken?: number;
  /** End-of-text id, 49407 (the largest id) in CLIP's BPE vocabulary. */
  endToken?: number;
}

/**
 * Token ids and context positions of every prompt of one class.
 *
 * Prompt order: normal, manual abnormal, learned abnormal (see `groups`).
 * Within the normal and manual groups, the template index is outer and the
 * normal context set p inner. Context rows sit right after the start token:
 * C_n rows at positions 1..nCtx, and for learned prompts C_a rows at
 * nCtx+1..nCtx+nCtxAb.
 */
export interface PromptLayout {
  /** Prompts in all groups. */
  count: number;
  /** Token positions per prompt (77 for CLIP). */
  contextLength: number;
  /** Context sizes the layout was built for. */
  config: ContextConfig;
  /** Prompt range of each group. */
  groups: Record<PromptGroup, PromptRange>;
  /** Readable form of each prompt, for example `[C_n0×4] [C_a2×1] bottle.`. */
  labels: string[];
  /** `[count, contextLength]` ids, with placeholder ids in the context rows. */
  tokenIds: Int32Array;
  /** `[count]` position of the largest id (the end token) of each prompt. */
  eot: Int32Array;
  /** `[count]` normal context set p used by each prompt. */
  normalSet: Int32Array;
  /** `[count]` abnormal context set j of each learned prompt, -1 for the others. */
  abnormalSet: Int32Array;
}

// CLIP BPE special ids (OpenAI CLIP `simple_tokenizer.py`, vocabulary of 49408).
const CLIP_START_TOKEN = 49406;
const CLIP_END_TOKEN = 49407;

interface PromptSpec {
  group: PromptGroup;
  suffix: string;
  normalSet: number;
  abnormalSet: number;
}

/**
 * Tokenises the suffix texts and inserts the context rows after the start
 * token, shifting the suffix right.
 *
 * @param texts - Suffix texts of the three groups (see `buildPromptTexts`).
 * @param config - Context sizes; only nPro, nCtx, nProAb and nCtxAb are used.
 * @param tokenize - CLIP tokenizer returning `contextLength` ids per text.
 * @param options - Overflow policy, pairing and token conventions.
 * @throws Error naming the prompt when it does not fit (with `overflow:
 * 'error'`), or when the tokenizer output lacks the start or end token.
 */
export function buildPromptLayout(
  texts: PromptTexts,
  config: ContextConfig,
  tokenize: PromptTokenizer,
  options: PromptLayoutOptions = {},
): PromptLayout {
  const resolved = resolveContextConfig(config);
  const startToken = options.startToken ?? CLIP_START_TOKEN;
  const endToken = options.endToken ?? CLIP_END_TOKEN;
  const words = options.placeholderWords ?? { normal: "N", abnormal: "A" };
  const tokenizeChecked = (text: string) =>
    checkTokenized(tokenize(text), text, startToken, endToken);

  const normalPlaceholder = singleTokenId(
    tokenizeChecked(words.normal),
    words.normal,
  );
  const abnormalPlaceholder = singleTokenId(
    tokenizeChecked(words.abnormal),
    words.abnormal,
  );

  const specs = promptSpecs(
    texts,
    resolved,
    options.learnedPairing ?? "all-pairs",
  );
  const suffixIds = new Map<string, Int32Array>();
  for (const spec of specs) {
    if (!suffixIds.has(spec.suffix)) {
      suffixIds.set(spec.suffix, tokenizeChecked(spec.suffix));
    }
  }
  const contextLength = suffixIds.values().next().value?.length ?? 0;

  const count = specs.length;
  const tokenIds = new Int32Array(count * contextLength);
  const eot = new Int32Array(count);
  const labels: string[] = [];
  specs.forEach((spec, i) => {
    const suffix = suffixIds.get(spec.suffix) as Int32Array;
    if (suffix.length !== contextLength) {
      throw new Error(
        `tokenizer returned ${suffix.length} ids for ${JSON.stringify(spec.suffix)} ` +
          `but ${contextLength} for other prompts; it must pad every text to one length`,
      );
    }
    const learned = spec.abnormalSet >= 0;
    const label =
      `[C_n${spec.normalSet}×${resolved.nCtx}] ` +
      (learned ? `[C_a${spec.abnormalSet}×${resolved.nCtxAb}] ` : "") +
      spec.suffix;
    labels.push(label);

    const contextIds = new Int32Array(
      resolved.nCtx + (learned ? resolved.nCtxAb : 0),
    );
    contextIds.fill(normalPlaceholder, 0, resolved.nCtx);
    contextIds.fill(abnormalPlaceholder, resolved.nCtx);
    const row = insertContextIds(
      suffix,
      contextIds,
      endToken,
      options.overflow ?? "error",
      label,
    );
    tokenIds.set(row, i * contextLength);
    eot[i] = argmax(row);
  });

  return {
    count,
    contextLength,
    config: resolved,
    groups: groupRanges(specs),
    labels,
    tokenIds,
    eot,
    normalSet: Int32Array.from(specs, (spec) => spec.normalSet),
    abnormalSet: Int32Array.from(specs, (spec) => spec.abnormalSet),
  };
}

/** Returns the token ids of prompt `index` (a view into `layout.tokenIds`). */
export function promptTokenIds(
  layout: PromptLayout,
  index: number,
): Int32Array {
  if (!Number.isInteger(index) || index < 0 || index >= layout.count) {
    throw new Error(
      `prompt index ${index} is out of range; the layout has ${layout.count} prompts`,
    );
  }
  return layout.tokenIds.subarray(
    index * layout.contextLength,
    (index + 1) * layout.contextLength,
  );
}

/**
 * Returns the number of context rows of prompt `index`: nCtx, plus nCtxAb for
 * a learned abnormal prompt. Its suffix starts at position 1 + that number.
 */
export function contextRowCount(layout: PromptLayout, index: number): number {
  const { nCtx, nCtxAb } = layout.config;
  return nCtx + (layout.abnormalSet[index] >= 0 ? nCtxAb : 0);
}

function promptSpecs(
  texts: PromptTexts,
  config: ContextConfig,
  pairing: LearnedPairing,
): PromptSpec[] {
  const specs: PromptSpec[] = [];
  for (const group of ["normal", "manualAbnormal"] as const) {
    for (const suffix of texts[group]) {
      for (let p = 0; p < config.nPro; p++) {
        specs.push({ group, suffix, normalSet: p, abnormalSet: -1 });
      }
    }
  }
  const pairs = learnedPairs(config, pairing);
  for (const suffix of texts.learnedAbnormal) {
    for (const [p, j] of pairs) {
      specs.push({
        group: "learnedAbnormal",
        suffix,
        normalSet: p,
        abnormalSet: j,
      });
    }
  }
  return specs;
}

function learnedPairs(
  config: ContextConfig,
  pairing: LearnedPairing,
): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  const total = config.nPro * config.nProAb;
  if (pairing === "all-pairs") {
    for (let j = 0; j < config.nProAb; j++) {
      for (let p = 0; p < config.nPro; p++) {
        pairs.push([p, j]);
      }
    }
  } else if (pairing === "reference-cyclic") {
    for (let i = 0; i < total; i++) {
      pairs.push([i % config.nPro, i % config.nProAb]);
    }
  } else {
    throw new Error(
      `unknown learned pairing ${JSON.stringify(pairing)}; expected all-pairs or reference-cyclic`,
    );
  }
  return pairs;
}

function groupRanges(specs: PromptSpec[]): Record<PromptGroup, PromptRange> {
  const ranges = {} as Record<PromptGroup, PromptRange>;
  for (const group of PROMPT_GROUPS) {
    const start = specs.findIndex((spec) => spec.group === group);
    const count = specs.filter((spec) => spec.group === group).length;
    ranges[group] = { start: count === 0 ? specs.length : start, count };
  }
  return ranges;
}

function checkTokenized(
  ids: Int32Array,
  text: string,
  startToken: number,
  endToken: number,
): Int32Array {
  if (ids.length < 2 || ids[0] !== startToken) {
    throw new Error(
      `tokenizer output for ${JSON.stringify(text)} must start with the start ` +
        `token ${startToken}, got [${Array.from(ids.slice(0, 4)).join(", ")}...]`,
    );
  }
  if (!ids.includes(endToken)) {
    throw new Error(
      `tokenizer output for ${JSON.stringify(text)} has no end token ${endToken}`,
    );
  }
  return ids;
}

function singleTokenId(ids: Int32Array, word: string): number {
  if (ids.length < 3 || argmax(ids) !== 2) {
    throw new Error(
      `placeholder word ${JSON.stringify(word)} must be a single BPE token; ` +
        `choose a short word such as "N"`,
    );
  }
  return ids[1];
}

/**
 * Inserts `contextIds` after the start token and shifts the suffix right.
 * The suffix ends at its end token; padding after it is dropped.
 */
function insertContextIds(
  suffix: Int32Array,
  contextIds: Int32Array,
  endToken: number,
  overflow: OverflowPolicy,
  label: string,
): Int32Array {
  const length = suffix.length;
  const suffixEnd = suffix.indexOf(endToken) + 1;
  const needed = suffixEnd + contextIds.length;
  const row = new Int32Array(length);
  row[0] = suffix[0];
  row.set(contextIds, 1);
  if (needed <= length) {
    row.set(suffix.subarray(1, suffixEnd), 1 + contextIds.length);
    return row;
  }
  if (overflow === "error") {
    throw new Error(
      `prompt ${quoteLabel(label)} needs ${needed} tokens with its context ` +
        `but the text encoder takes ${length}; shorten the phrase, use fewer ` +
        `context tokens, or pass overflow: 'truncate'`,
    );
  }
  if (1 + contextIds.length >= length) {
    throw new Error(
      `prompt ${quoteLabel(label)}: ${contextIds.length} context tokens ` +
        `leave no room for the end token in ${length} positions`,
    );
  }
  const kept = length - 1 - (1 + contextIds.length);
  row.set(suffix.subarray(1, 1 + kept), 1 + contextIds.length);
  row[length - 1] = endToken;
  return row;
}

/** Quotes a prompt label for a message, shortened to about 80 characters. */
function quoteLabel(label: string): string {
  return JSON.stringify(label.length > 80 ? `${label.slice(0, 77)}...` : label);
}

/** Index of the first maximum. */
function argmax(values: Int32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) {
    if (values[i] > values[best]) best = i;
  }
  return best;
}
