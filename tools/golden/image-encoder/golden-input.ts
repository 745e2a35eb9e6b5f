/**
 * The fixed inputs of the image-encoder golden fixtures, shared by the
 * fixture writer and the tests that regenerate the same weights.
 */

/** Registered architecture of the golden checkpoint. */
export const GOLDEN_ARCHITECTURE = "test-tiny";

/** Seed of the random weights. */
export const GOLDEN_SEED = 20261204;

/** Images in the golden batch. */
export const GOLDEN_BATCH = 2;

/**
 * Deterministic preprocessed pixels of the given NCHW shape: a smooth
 * pattern of amplitude 2 that differs between channels and images, in the
 * range of CLIP-normalised pixels.
 */
export function goldenPixels(shape: readonly number[]): Float32Array {
  const count = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    data[i] = 2 * Math.sin(0.731 * i + 0.17 * Math.floor(i / 97));
  }
  return data;
}
