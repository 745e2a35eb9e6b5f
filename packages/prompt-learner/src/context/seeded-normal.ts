/**
 * Seeded pseudo-random numbers for context initialisation.
 *
 * Uniforms come from the 32-bit generator Mulberry32, a Weyl sequence with
 * step 0x6D2B79F5 followed by an integer mixing function. Two 32-bit outputs
 * make one double with 53 random bits. Normals come from the Box-Muller
 * transform, which turns two uniforms u1, u2 into the independent pair
 * `sqrt(-2 ln(1 - u1)) · (cos(2π u2), sin(2π u2))`. Both values are used, cos
 * first. `1 - u1` lies in (0, 1], so the logarithm is finite.
 */

const WEYL_STEP = 0x6d2b79f5;
const TWO_POW_26 = 67108864;
const TWO_POW_53 = 9007199254740992;

/** Seeded source of standard normal draws; the same seed gives the same stream. */
export class SeededNormal {
  private state: number;
  private spare: number | undefined;

  /**
   * @param seed - Any integer; it is reduced modulo 2^32.
   */
  constructor(seed: number) {
    if (!Number.isInteger(seed)) {
      throw new Error(`seed must be an integer, got ${seed}`);
    }
    this.state = seed >>> 0;
  }

  /** Returns the next 32-bit unsigned integer of the Mulberry32 stream. */
  nextUint32(): number {
    this.state = (this.state + WEYL_STEP) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Returns a uniform double in [0, 1) with 53 random bits (two 32-bit draws). */
  nextUniform(): number {
    const high = this.nextUint32() >>> 5;
    const low = this.nextUint32() >>> 6;
    return (high * TWO_POW_26 + low) / TWO_POW_53;
  }

  /** Returns the next standard normal draw. */
  nextNormal(): number {
    if (this.spare !== undefined) {
      const value = this.spare;
      this.spare = undefined;
      return value;
    }
    const radius = Math.sqrt(-2 * Math.log(1 - this.nextUniform()));
    const angle = 2 * Math.PI * this.nextUniform();
    this.spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }

  /**
   * Fills an array with draws from N(0, std²), rounded to float32.
   *
   * @param target - Array to fill in index order.
   * @param std - Standard deviation.
   */
  fillNormal(target: Float32Array, std: number): Float32Array {
    for (let i = 0; i < target.length; i++) {
      target[i] = std * this.nextNormal();
    }
    return target;
  }
}
