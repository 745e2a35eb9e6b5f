// Bound once: a global lookup is slow in hot code that runs in a vm
// context (jest test environments).
const { imul } = Math;

/**
 * Returns a seeded pseudo-random generator of floats in [0, 1): Mulberry32,
 * a 32-bit state generator (Tommy Ettinger, public domain). Equal seeds give
 * equal sequences on every platform.
 *
 * @internal
 */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
