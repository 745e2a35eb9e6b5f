/**
 * Seeded pseudo-random numbers: xoshiro128** (Blackman and Vigna, 2018) for
 * uniform 32-bit words, seeded through a SplitMix-style mixer, and
 * Box–Muller for Gaussian draws.
 *
 * NOTE: the Gaussian draws use Math.log, Math.sqrt and Math.cos/sin. V8 (the
 * engine of Node.js) computes these with its own fdlibm port, so the values do
 * not depend on the platform's C library. Another JavaScript engine may round
 * a draw differently in the last bit.
 */

const TWO_POW_32 = 4294967296;

// Module-level aliases: looking up the global `Math` inside a loop is about
// ten times slower in a Node vm context (as Jest uses) than a local binding.
const { cos, imul, log, sin, sqrt, PI } = Math;

/** Golden-ratio increment of SplitMix, 2^32 / φ. */
const GOLDEN_GAMMA = 0x9e3779b9;

/** MurmurHash3's 32-bit finaliser: a bijection that spreads every input bit. */
function mix32(value: number): number {
  let z = value >>> 0;
  z = imul(z ^ (z >>> 16), 0x85ebca6b);
  z = imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** 32-bit FNV-1a hash of the UTF-16 code units of a string. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function rotateLeft(value: number, bits: number): number {
  return ((value << bits) | (value >>> (32 - bits))) >>> 0;
}

/**
 * A deterministic random stream. Streams with the same seed and stream name
 * produce the same sequence. Different names give unrelated sequences, so a
 * tensor's values do not depend on which tensors were drawn before it.
 *
 * @example
 * ```ts
 * const random = new SeededRandom(42, 'visual.proj');
 * random.nextGaussian(); // the same number on every run
 * ```
 */
export class SeededRandom {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareGaussian: number | undefined;

  /**
   * @param seed - Non-negative safe integer (below 2^53).
   * @param stream - Name of an independent stream under the same seed.
   * @throws Error when `seed` is not a non-negative safe integer.
   */
  constructor(seed: number, stream = "") {
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new Error(
        `random seed must be a non-negative safe integer, got ${seed}`,
      );
    }

    const low = seed >>> 0;
    const high = Math.floor(seed / TWO_POW_32) >>> 0;
    let state = (mix32(low) ^ mix32(high + GOLDEN_GAMMA) ^ fnv1a(stream)) >>> 0;

    const nextSeedWord = (): number => {
      state = (state + GOLDEN_GAMMA) >>> 0;
      return mix32(state);
    };

    this.s0 = nextSeedWord();
    this.s1 = nextSeedWord();
    this.s2 = nextSeedWord();
    this.s3 = nextSeedWord();

    // xoshiro's state must not be all zero.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) {
      this.s0 = 1;
    }
  }

  /**
   * Creates a stream with an explicit xoshiro128** state, for checking the
   * generator against published test vectors.
   *
   * @internal
   */
  static fromState(state: [number, number, number, number]): SeededRandom {
    const random = new SeededRandom(0);
    [random.s0, random.s1, random.s2, random.s3] = state.map((v) => v >>> 0);
    return random;
  }

  /** Returns the next uniform unsigned 32-bit integer. */
  nextUint32(): number {
    const result = imul(rotateLeft(imul(this.s1, 5) >>> 0, 7), 9);
    const shifted = this.s1 << 9;

    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= shifted;
    this.s3 = rotateLeft(this.s3 >>> 0, 11);

    return result >>> 0;
  }

  /** Returns a uniform number in [0, 1) with 32 random bits. */
  nextFloat(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /**
   * Fills an array with draws from N(mean, std²). The values are exactly those
   * of `mean + std * nextGaussian()` called once per element, computed about
   * four times faster because the generator state stays in local variables.
   *
   * @param out - Array to fill; every element is written.
   * @param mean - Mean of the distribution.
   * @param std - Standard deviation of the distribution.
   */
  fillNormal(out: Float32Array, mean: number, std: number): void {
    let start = 0;
    if (this.spareGaussian !== undefined && out.length > 0) {
      out[0] = mean + std * this.spareGaussian;
      this.spareGaussian = undefined;
      start = 1;
    }

    let s0 = this.s0;
    let s1 = this.s1;
    let s2 = this.s2;
    let s3 = this.s3;
    const next = (): number => {
      const product = imul(s1, 5) >>> 0;
      const result = imul((product << 7) | (product >>> 25), 9) >>> 0;
      const shifted = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= shifted;
      s3 = ((s3 << 11) | (s3 >>> 21)) >>> 0;
      return result;
    };

    for (let i = start; i < out.length; i += 2) {
      const radius = sqrt(-2 * log(1 - next() / TWO_POW_32));
      const angle = 2 * PI * (next() / TWO_POW_32);
      out[i] = mean + std * (radius * cos(angle));
      const second = radius * sin(angle);
      if (i + 1 < out.length) {
        out[i + 1] = mean + std * second;
      } else {
        this.spareGaussian = second;
      }
    }

    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
  }

  /** Returns a standard normal draw (mean 0, standard deviation 1). */
  nextGaussian(): number {
    if (this.spareGaussian !== undefined) {
      const spare = this.spareGaussian;
      this.spareGaussian = undefined;
      return spare;
    }

    // 1 - u lies in (0, 1], so the logarithm is finite.
    const radius = sqrt(-2 * log(1 - this.nextFloat()));
    const angle = 2 * PI * this.nextFloat();
    this.spareGaussian = radius * sin(angle);
    return radius * cos(angle);
  }
}
