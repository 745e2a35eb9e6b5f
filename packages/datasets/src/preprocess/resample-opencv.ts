import { assertSize, type PixelBuffer } from "./resample-pil";

/**
 * OpenCV's `cv2.resize` as used by reference anomaly-detection loaders
 * (OpenCV 4.x, `imgproc/src/resize.cpp`), for the reference-quirks path
 * only. Bilinear is OpenCV's INTER_LINEAR: two taps per axis at half-pixel
 * centres, no antialiasing when downscaling, 11-bit fixed-point weights.
 * Nearest is INTER_NEAREST: source index floor(x · scale), not centred.
 */

const COEF_BITS = 11;
const COEF_SCALE = 1 << COEF_BITS;

/** Two-tap positions and fixed-point weights along one axis. */
function linearTaps(
  inSize: number,
  outSize: number,
): { index: Int32Array; next: Int32Array; weights: Int32Array } {
  const scale = inSize / outSize;
  const index = new Int32Array(outSize);
  const next = new Int32Array(outSize);
  const weights = new Int32Array(outSize * 2);
  for (let d = 0; d < outSize; d++) {
    // OpenCV computes the fraction in single precision.
    let f = Math.fround((d + 0.5) * scale - 0.5);
    let s = Math.floor(f);
    f = Math.fround(f - s);
    if (s < 0) {
      s = 0;
      f = 0;
    }
    if (s >= inSize - 1) {
      s = inSize - 1;
      f = 0;
    }
    index[d] = s;
    next[d] = Math.min(s + 1, inSize - 1);
    weights[d * 2] = Math.round(Math.fround(1 - f) * COEF_SCALE);
    weights[d * 2 + 1] = Math.round(f * COEF_SCALE);
  }
  return { index, next, weights };
}

/**
 * Resizes like `cv2.resize(src, (width, height), interpolation=INTER_LINEAR)`
 * on an 8-bit image.
 *
 * NOTE: the vertical pass uses the rounding of OpenCV's SIMD kernel
 * (`VResizeLinearVec_32s8u`); OpenCV's scalar tail for the last few
 * samples of a row rounds slightly differently, so a sample can differ by
 * one level from a given OpenCV build.
 *
 * @param src - 8-bit image, any channel count.
 * @param outWidth - Output width.
 * @param outHeight - Output height.
 * @returns A new image.
 */
export function resizeOpenCvLinear(
  src: PixelBuffer,
  outWidth: number,
  outHeight: number,
): PixelBuffer {
  assertSize(outWidth, outHeight);
  const { width, height, channels, data } = src;
  if (outWidth === width && outHeight === height) {
    return { ...src, data: src.data.slice() };
  }
  const xs = linearTaps(width, outWidth);
  const ys = linearTaps(height, outHeight);
  const rowLength = outWidth * channels;

  // Horizontal pass on every source row, into 32-bit sums scaled by 2^11.
  const horizontal = new Int32Array(height * rowLength);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < outWidth; x++) {
      const s0 = (y * width + xs.index[x]) * channels;
      const s1 = (y * width + xs.next[x]) * channels;
      const a0 = xs.weights[x * 2];
      const a1 = xs.weights[x * 2 + 1];
      for (let c = 0; c < channels; c++) {
        horizontal[y * rowLength + x * channels + c] =
          data[s0 + c] * a0 + data[s1 + c] * a1;
      }
    }
  }

  const out = new Uint8Array(outHeight * rowLength);
  for (let y = 0; y < outHeight; y++) {
    const r0 = ys.index[y] * rowLength;
    const r1 = ys.next[y] * rowLength;
    const b0 = ys.weights[y * 2];
    const b1 = ys.weights[y * 2 + 1];
    for (let s = 0; s < rowLength; s++) {
      const v =
        (((b0 * (horizontal[r0 + s] >> 4)) >> 16) +
          ((b1 * (horizontal[r1 + s] >> 4)) >> 16) +
          2) >>
        2;
      out[y * rowLength + s] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
  }
  return { width: outWidth, height: outHeight, channels, data: out };
}

/**
 * Resizes like `cv2.resize(src, (width, height), interpolation=INTER_NEAREST)`:
 * output pixel x takes source pixel floor(x · inWidth / outWidth).
 *
 * @param src - 8-bit image, any channel count.
 * @param outWidth - Output width.
 * @param outHeight - Output height.
 * @returns A new image.
 */
export function resizeOpenCvNearest(
  src: PixelBuffer,
  outWidth: number,
  outHeight: number,
): PixelBuffer {
  assertSize(outWidth, outHeight);
  const { width, height, channels, data } = src;
  const out = new Uint8Array(outWidth * outHeight * channels);
  const sx = new Int32Array(outWidth);
  for (let x = 0; x < outWidth; x++) {
    sx[x] = Math.min(Math.floor((x * width) / outWidth), width - 1);
  }
  for (let y = 0; y < outHeight; y++) {
    const syRow = Math.min(Math.floor((y * height) / outHeight), height - 1);
    for (let x = 0; x < outWidth; x++) {
      const from = (syRow * width + sx[x]) * channels;
      const to = (y * outWidth + x) * channels;
      for (let c = 0; c < channels; c++) out[to + c] = data[from + c];
    }
  }
  return { width: outWidth, height: outHeight, channels, data: out };
}
