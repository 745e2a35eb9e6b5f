/**
 * Resampling of 8-bit interleaved images that reproduces Pillow's
 * `Image.resize` (`libImaging/Resample.c` and the NEAREST branch of
 * `_imaging.c`), so preprocessing matches the torchvision-on-PIL pipeline
 * that CLIP checkpoints were trained with. Golden fixtures from Pillow 9.4
 * match it exactly.
 *
 * Bicubic and bilinear run as two separable passes, horizontal first. When
 * downscaling, the kernel support is widened by the scale factor, which
 * makes it an antialiasing filter. Weights are normalised to sum 1 and
 * converted to 22-bit fixed point, and each pass rounds and clips to 8
 * bits. Nearest picks the source pixel under each output pixel centre,
 * stepping the source coordinate by repeated addition as Pillow does.
 */

/** Resize filter. */
export type Interpolation = "bicubic" | "bilinear" | "nearest";

/** An 8-bit image with interleaved channels, row-major. */
export interface PixelBuffer {
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /** Samples per pixel (1 for masks, 3 for RGB). */
  channels: number;
  /** Samples; length width·height·channels. */
  data: Uint8Array;
}

/**
 * Pillow's fixed-point precision for 8-bit images: 32 - 8 - 2 bits, so
 * accumulators fit in a signed 32-bit integer (as in Pillow's C code) and
 * the passes below can use int32 arithmetic.
 */
const PRECISION_BITS = 22;
const ONE = 2 ** PRECISION_BITS;
const HALF = 2 ** (PRECISION_BITS - 1);

/** Keys cubic convolution kernel with a = -0.5 (Pillow's BICUBIC). */
function bicubicKernel(x: number): number {
  const a = -0.5;
  const t = Math.abs(x);
  if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
  return 0;
}

/** Triangle kernel (Pillow's BILINEAR). */
function triangleKernel(x: number): number {
  const t = Math.abs(x);
  return t < 1 ? 1 - t : 0;
}

/** Fixed-point weights of one resampling pass. */
interface PassWeights {
  /** Taps per output sample (the widest window). */
  taps: number;
  /** First source index of each output sample. */
  start: Int32Array;
  /** Number of source samples used by each output sample. */
  count: Int32Array;
  /** Integer weights, `taps` per output sample. */
  weights: Int32Array;
}

/** Computes Pillow's weights for resampling `inSize` samples to `outSize`. */
function passWeights(
  inSize: number,
  outSize: number,
  interpolation: "bicubic" | "bilinear",
): PassWeights {
  const kernel = interpolation === "bicubic" ? bicubicKernel : triangleKernel;
  const baseSupport = interpolation === "bicubic" ? 2 : 1;
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = baseSupport * filterScale;
  const taps = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Int32Array(outSize * taps);
  const real = new Float64Array(taps);

  for (let out = 0; out < outSize; out++) {
    const center = (out + 0.5) * scale;
    // Pillow rounds the window bounds with a C (int) cast, i.e. truncation.
    const first = Math.max(0, Math.trunc(center - support + 0.5));
    const last = Math.min(inSize, Math.trunc(center + support + 0.5));
    const n = last - first;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      real[i] = kernel((i + first - center + 0.5) / filterScale);
      sum += real[i];
    }
    for (let i = 0; i < n; i++) {
      const w = sum !== 0 ? real[i] / sum : real[i];
      weights[out * taps + i] = Math.trunc(
        w < 0 ? w * ONE - 0.5 : w * ONE + 0.5,
      );
    }
    start[out] = first;
    count[out] = n;
  }
  return { taps, start, count, weights };
}

/** Rounds a fixed-point accumulator to 8 bits and clips it to 0..255. */
function clip8(accumulator: number): number {
  const value = accumulator >> PRECISION_BITS;
  return value < 0 ? 0 : value > 255 ? 255 : value;
}

function resampleHorizontal(
  src: PixelBuffer,
  outWidth: number,
  rowStart: number,
  rows: number,
  w: PassWeights,
): PixelBuffer {
  const { channels, width: inWidth, data } = src;
  const { start, count, weights, taps } = w;
  const out = new Uint8Array(outWidth * rows * channels);
  for (let y = 0; y < rows; y++) {
    const inRow = (y + rowStart) * inWidth * channels;
    const outRow = y * outWidth * channels;
    for (let x = 0; x < outWidth; x++) {
      const n = count[x];
      const k = x * taps;
      const first = inRow + start[x] * channels;
      const o = outRow + x * channels;
      if (channels === 3) {
        // RGB fast path: one pass over the taps with three accumulators.
        let r = HALF;
        let g = HALF;
        let b = HALF;
        for (let i = 0, p = first; i < n; i++, p += 3) {
          const weight = weights[k + i];
          r = (r + data[p] * weight) | 0;
          g = (g + data[p + 1] * weight) | 0;
          b = (b + data[p + 2] * weight) | 0;
        }
        out[o] = clip8(r);
        out[o + 1] = clip8(g);
        out[o + 2] = clip8(b);
        continue;
      }
      for (let c = 0; c < channels; c++) {
        let acc = HALF;
        for (let i = 0, p = first + c; i < n; i++, p += channels) {
          acc = (acc + data[p] * weights[k + i]) | 0;
        }
        out[o + c] = clip8(acc);
      }
    }
  }
  return { width: outWidth, height: rows, channels, data: out };
}

function resampleVertical(
  src: PixelBuffer,
  outHeight: number,
  rowOffset: number,
  w: PassWeights,
): PixelBuffer {
  const { channels, width, data } = src;
  const { start, count, weights, taps } = w;
  const rowLength = width * channels;
  const out = new Uint8Array(outHeight * rowLength);
  // Whole source rows are accumulated at once, so memory is read in order.
  const acc = new Int32Array(rowLength);
  for (let y = 0; y < outHeight; y++) {
    const first = (start[y] - rowOffset) * rowLength;
    const n = count[y];
    const k = y * taps;
    acc.fill(HALF);
    for (let i = 0; i < n; i++) {
      const weight = weights[k + i];
      const row = first + i * rowLength;
      for (let s = 0; s < rowLength; s++) {
        acc[s] = (acc[s] + data[row + s] * weight) | 0;
      }
    }
    const outRow = y * rowLength;
    for (let s = 0; s < rowLength; s++) out[outRow + s] = clip8(acc[s]);
  }
  return { width, height: outHeight, channels, data: out };
}

/** Pillow's NEAREST resize (`ImagingScaleAffine` with a pure scale). */
function resizeNearestPil(
  src: PixelBuffer,
  outWidth: number,
  outHeight: number,
): PixelBuffer {
  const { channels, width, height, data } = src;
  const xScale = width / outWidth;
  const yScale = height / outHeight;
  const sourceX = new Int32Array(outWidth);
  // Repeated addition, not (x + 0.5)·scale: Pillow accumulates, and the two
  // differ where the exact source coordinate is an integer.
  let xo = xScale * 0.5;
  for (let x = 0; x < outWidth; x++) {
    sourceX[x] = Math.min(width - 1, Math.trunc(xo));
    xo += xScale;
  }
  const out = new Uint8Array(outWidth * outHeight * channels);
  let yo = yScale * 0.5;
  for (let y = 0; y < outHeight; y++) {
    const sy = Math.min(height - 1, Math.trunc(yo));
    yo += yScale;
    for (let x = 0; x < outWidth; x++) {
      const from = (sy * width + sourceX[x]) * channels;
      const to = (y * outWidth + x) * channels;
      for (let c = 0; c < channels; c++) out[to + c] = data[from + c];
    }
  }
  return { width: outWidth, height: outHeight, channels, data: out };
}

/**
 * Resizes an 8-bit image exactly as Pillow's `Image.resize((width, height),
 * filter)` does with the default `reducing_gap=None`.
 *
 * @param src - Image to resize; it is not modified.
 * @param outWidth - Output width in pixels (at least 1).
 * @param outHeight - Output height in pixels (at least 1).
 * @param interpolation - Filter.
 * @returns A new image; a copy when the size is unchanged.
 */
export function resizePil(
  src: PixelBuffer,
  outWidth: number,
  outHeight: number,
  interpolation: Interpolation,
): PixelBuffer {
  assertSize(outWidth, outHeight);
  if (outWidth === src.width && outHeight === src.height) {
    return { ...src, data: src.data.slice() };
  }
  if (interpolation === "nearest") {
    return resizeNearestPil(src, outWidth, outHeight);
  }

  const horizontal = passWeights(src.width, outWidth, interpolation);
  const vertical = passWeights(src.height, outHeight, interpolation);
  let image = src;
  let rowOffset = 0;
  if (outWidth !== src.width) {
    // Only the source rows the vertical pass reads are resampled.
    const needsVertical = outHeight !== src.height;
    const firstRow = needsVertical ? vertical.start[0] : 0;
    const lastRow = needsVertical
      ? vertical.start[outHeight - 1] + vertical.count[outHeight - 1]
      : src.height;
    image = resampleHorizontal(
      src,
      outWidth,
      firstRow,
      lastRow - firstRow,
      horizontal,
    );
    rowOffset = firstRow;
  }
  if (outHeight !== src.height) {
    image = resampleVertical(image, outHeight, rowOffset, vertical);
  }
  return image;
}

/** @internal */
export function assertSize(width: number, height: number): void {
  if (
    !Number.isInteger(width) ||
    !Number.isInteger(height) ||
    width < 1 ||
    height < 1
  ) {
    throw new Error(
      `invalid resize target ${width}x${height}; expected positive integers`,
    );
  }
}
