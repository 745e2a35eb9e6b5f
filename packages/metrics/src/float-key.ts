/**
 * Order-preserving uint32 keys of float32 values: flipping every bit of a
 * negative float and only the sign bit of a non-negative one makes the
 * unsigned order of the bits equal the numeric order of the floats. -0 and
 * +0 get different keys, so callers store -0 as +0 first.
 *
 * @internal
 */

/** Maps the bits of a float32 (as uint32) to its order-preserving key. */
export function floatBitsToKey(bits: number): number {
  return (bits ^ ((bits >> 31) | 0x80000000)) >>> 0;
}

/** Maps a key back to the float32 bits; inverse of {@link floatBitsToKey}. */
export function keyToFloatBits(key: number): number {
  return (key ^ (((key >> 31) ^ -1) | 0x80000000)) >>> 0;
}
