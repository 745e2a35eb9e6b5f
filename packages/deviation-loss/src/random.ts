/**
 * Seeded pseudo-random numbers for the deviation reference.
 *
 * Generator: xoshiro128** (Blackman and Vigna, "Scrambled linear pseudorandom
 * number generators", 2018), 32-bit outputs, with its 128-bit state filled by
 * four outputs of splitmix32 started at the seed. splitmix32 here is the
 * MurmurHash3 32-bit finaliser applied to a Weyl sequence with increment
 * 0x9e3779b9. Gaussian draws use the Box-Muller transform and keep both
 * numbers of each pair.
 *
 * NOTE: these are not NumPy's numbers. `numpy.random.normal` (Mersenne
 * Twister with the legacy polar method) gives other draws for the same seed,
 * so a reference mean and standard deviation from 5000 draws differ from a
 * NumPy run by roughly 1 / sqrt(5000), about 0.014.
 */

/** A seeded source of uniform numbers; each call advances the state. */
export interface RandomSource {
  /** Returns the next 32-bit output as an unsigned integer in [0, 2^32). */
  nextUint32(): number;
  /** Returns the next uniform number in [0, 1) with 53 random bits. */
  nextFloat64(): number;
}

const WEYL_INCREMENT = 0x9e3779b9;
const TWO_POW_26 = 67108864;
const TWO_POW_53 = 9007199254740992;
const MAX_SEED = 0xffffffff;

function rotateLeft(value: number, bits: number): number {
  return ((value << bits) | (value >>> (32 - bits))) >>> 0;
}

/**
 * Checks that `seed` is an integer in [0, 2^32 - 1].
 *
 * @param seed - the seed to check
 * @param context - the name of the caller, used in the error message
 * @throws RangeError when the seed is not such an integer
 */
export function assertValidSeed(seed: number, context: string): void {
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
    throw new RangeError(
      `${context}: seed must be an integer in [0, ${MAX_SEED}], got ${seed}`,
    );
  }
}

/**
 * Creates a xoshiro128** generator whose state is filled by splitmix32 from
 * `seed`.
 *
 * @param seed - an integer in [0, 2^32 - 1]
 * @returns a generator; equal seeds give equal sequences
 * @example
 * ```ts
 * const random = createRandom(111);
 * random.nextFloat64(); // a number in [0, 1)
 * ```
 */
export function createRandom(seed: number): RandomSource {
  assertValidSeed(seed, "createRandom");

  let weyl = seed >>> 0;
  const splitmix32 = (): number => {
    weyl = (weyl + WEYL_INCREMENT) >>> 0;
    let z = weyl;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  const state = new Uint32Array([
    splitmix32(),
    splitmix32(),
    splitmix32(),
    splitmix32(),
  ]);
  return createXoshiro128StarStar(state);
}

/**
 * Creates a xoshiro128** generator from an explicit 128-bit state, for
 * checking against the published reference outputs.
 *
 * @param state - four 32-bit words, not all zero; the array is copied
 * @returns a generator starting at that state
 */
export function createXoshiro128StarStar(state: Uint32Array): RandomSource {
  if (state.length !== 4 || state.every((word) => word === 0)) {
    throw new RangeError(
      "createXoshiro128StarStar: the state must be four 32-bit words, not all zero",
    );
  }
  const s = Uint32Array.from(state);

  const nextUint32 = (): number => {
    const result = Math.imul(rotateLeft(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotateLeft(s[3], 11);
    return result;
  };

  // 27 high bits of one output and 26 of the next make a 53-bit integer.
  const nextFloat64 = (): number => {
    const high = nextUint32() >>> 5;
    const low = nextUint32() >>> 6;
    return (high * TWO_POW_26 + low) / TWO_POW_53;
  };

  return { nextUint32, nextFloat64 };
}

/**
 * Draws `count` numbers from N(0, 1) with the Box-Muller transform: for
 * uniforms u1 in (0, 1] and u2 in [0, 1), the pair is
 * sqrt(-2 ln u1) · (cos 2πu2, sin 2πu2).
 *
 * @param count - number of draws, an integer >= 0
 * @param seed - seed of {@link createRandom}
 * @returns `count` draws in float64
 */
export function gaussianSamples(count: number, seed: number): Float64Array {
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(
      `gaussianSamples: count must be an integer >= 0, got ${count}`,
    );
  }
  const random = createRandom(seed);
  const samples = new Float64Array(count);

  for (let i = 0; i < count; i += 2) {
    const u1 = 1 - random.nextFloat64();
    const u2 = random.nextFloat64();
    const radius = Math.sqrt(-2 * Math.log(u1));
    const angle = 2 * Math.PI * u2;
    samples[i] = radius * Math.cos(angle);
    if (i + 1 < count) {
      samples[i + 1] = radius * Math.sin(angle);
    }
  }
  return samples;
}
