/**
 * Conversions between float32 and the two 16-bit float formats of
 * safetensors: IEEE 754 binary16 (`F16`) and bfloat16 (`BF16`, the upper
 * half of a float32).
 */

const scratch = new DataView(new ArrayBuffer(4));

/**
 * Decodes IEEE 754 binary16 bit patterns (1 sign, 5 exponent, 10 fraction
 * bits) to float32; every binary16 value, subnormals and NaN included, is
 * exactly representable.
 *
 * @param bits - Binary16 bit patterns.
 * @returns Float32 values, one per input.
 */
export function float16BitsToFloat32(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) {
    const h = bits[i];
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const fraction = h & 0x3ff;

    if (exponent === 0) {
      // Zero or subnormal: fraction · 2^-24.
      out[i] = sign * fraction * 2 ** -24;
    } else if (exponent === 0x1f) {
      out[i] = fraction === 0 ? sign * Infinity : NaN;
    } else {
      out[i] = sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
    }
  }
  return out;
}

/**
 * Encodes float32 values as binary16 with round-to-nearest-even; values
 * beyond ±65504 (after rounding) become ±Infinity and NaN stays NaN.
 *
 * @param values - Float32 values.
 * @returns Binary16 bit patterns, one per input.
 */
export function float32ToFloat16Bits(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    scratch.setFloat32(0, values[i], true);
    const x = scratch.getUint32(0, true);
    const sign = (x >>> 16) & 0x8000;
    const exponent = (x >>> 23) & 0xff;
    const mantissa = x & 0x7fffff;

    if (exponent === 0xff) {
      out[i] = sign | 0x7c00 | (mantissa !== 0 ? 0x200 : 0);
      continue;
    }

    // Re-bias from 127 to 15.
    const halfExponent = exponent - 127 + 15;

    if (halfExponent >= 0x1f) {
      out[i] = sign | 0x7c00;
      continue;
    }

    if (halfExponent <= 0) {
      // Subnormal or zero in binary16: shift the full 24-bit significand.
      if (halfExponent < -10) {
        out[i] = sign;
        continue;
      }
      const significand = mantissa | 0x800000;
      const shift = 14 - halfExponent;
      const truncated = significand >>> shift;
      const remainder = significand & ((1 << shift) - 1);
      const halfway = 1 << (shift - 1);
      const roundUp =
        remainder > halfway || (remainder === halfway && (truncated & 1) === 1);
      out[i] = sign | (truncated + (roundUp ? 1 : 0));
      continue;
    }

    const truncated = (halfExponent << 10) | (mantissa >>> 13);
    const remainder = mantissa & 0x1fff;
    const roundUp =
      remainder > 0x1000 || (remainder === 0x1000 && (truncated & 1) === 1);
    // A carry out of the fraction correctly bumps the exponent, up to Infinity.
    out[i] = sign | (truncated + (roundUp ? 1 : 0));
  }
  return out;
}

/**
 * Decodes bfloat16 bit patterns to float32 exactly (bfloat16 is the upper 16
 * bits of a float32).
 *
 * @param bits - Bfloat16 bit patterns.
 * @returns Float32 values, one per input.
 */
export function bfloat16BitsToFloat32(bits: Uint16Array): Float32Array {
  const words = new Uint32Array(bits.length);
  for (let i = 0; i < bits.length; i++) {
    words[i] = bits[i] << 16;
  }
  return new Float32Array(words.buffer);
}

/**
 * Encodes float32 values as bfloat16 with round-to-nearest-even; NaN stays
 * NaN.
 *
 * @param values - Float32 values.
 * @returns Bfloat16 bit patterns, one per input.
 */
export function float32ToBfloat16Bits(values: Float32Array): Uint16Array {
  const words = new Uint32Array(
    values.buffer,
    values.byteOffset,
    values.length,
  );
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const x = words[i];
    if ((x & 0x7f800000) === 0x7f800000 && (x & 0x7fffff) !== 0) {
      out[i] = (x >>> 16) | 0x40;
      continue;
    }
    const rounding = 0x7fff + ((x >>> 16) & 1);
    out[i] = ((x + rounding) >>> 16) & 0xffff;
  }
  return out;
}
