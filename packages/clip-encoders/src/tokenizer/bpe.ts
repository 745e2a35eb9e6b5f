/** Marks the last symbol of a word in CLIP's vocabulary. */
export const END_OF_WORD = "</w>";

// A module constant: reading the global `Infinity` in the merge loop is slow
// in a Node vm context, as Jest uses.
const NO_RANK = Number.POSITIVE_INFINITY;

/**
 * Byte-pair encoding with CLIP's merge table. A word starts as its characters,
 * the last one carrying `</w>`. The adjacent pair with the lowest merge rank
 * is then merged everywhere, left to right, until no adjacent pair has a
 * rank. Results are cached per word.
 */
export class BytePairEncoder {
  private readonly ranks = new Map<string, number>();
  private readonly cache = new Map<string, string[]>();

  /**
   * @param merges - Merge pairs in priority order (rank = index).
   */
  constructor(merges: ReadonlyArray<readonly [string, string]>) {
    merges.forEach(([left, right], rank) => {
      // Symbols never contain a space (the byte encoder maps 0x20 to U+0120),
      // so "left right" identifies the pair.
      this.ranks.set(`${left} ${right}`, rank);
    });
  }

  /**
   * Splits one pre-token into vocabulary symbols.
   *
   * @param word - Pre-token in byte-encoder characters, without `</w>`.
   * @returns Symbols; the last one ends with `</w>`.
   */
  encodeWord(word: string): string[] {
    const cached = this.cache.get(word);
    if (cached !== undefined) {
      return cached;
    }

    const symbols = [...word];
    symbols[symbols.length - 1] += END_OF_WORD;

    while (symbols.length > 1) {
      let bestRank = NO_RANK;
      let bestLeft = "";
      let bestRight = "";
      for (let i = 0; i < symbols.length - 1; i++) {
        const rank = this.ranks.get(`${symbols[i]} ${symbols[i + 1]}`);
        if (rank !== undefined && rank < bestRank) {
          bestRank = rank;
          bestLeft = symbols[i];
          bestRight = symbols[i + 1];
        }
      }
      if (bestRank === NO_RANK) {
        break;
      }

      let write = 0;
      for (let read = 0; read < symbols.length; read++) {
        const mergeHere =
          read < symbols.length - 1 &&
          symbols[read] === bestLeft &&
          symbols[read + 1] === bestRight;
        if (mergeHere) {
          symbols[write++] = bestLeft + bestRight;
          read++;
        } else {
          symbols[write++] = symbols[read];
        }
      }
      symbols.length = write;
    }

    this.cache.set(word, symbols);
    return symbols;
  }
}
