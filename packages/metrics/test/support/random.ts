/**
 * Creates a seeded generator for test data (Marsaglia's xorshift32), so every
 * random case is the same on every run.
 *
 * @param seed - Any integer; 0 is replaced by 1 because xorshift stays at 0.
 * @returns A function returning uniform numbers in [0, 1).
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4294967296;
  };
}
