import { checkMatrix } from "./check-shape";

/** Options of {@link gaussianBlur}. */
export interface GaussianBlurOptions {
  /** Standard deviation in pixels; 0 returns an unchanged copy. */
  sigma: number;
  /**
   * Kernel half-width in standard deviations: the radius is
   * `floor(truncate · sigma + 0.5)` pixels. Default 4, as in
   * `scipy.ndimage.gaussian_filter`.
   */
  truncate?: number;
}

/**
 * Returns the normalised 1-D Gaussian kernel of `scipy.ndimage`: weights
 * `exp(−x² / (2σ²))` for x = −radius … radius, divided by their sum.
 *
 * @param sigma - standard deviation in pixels, > 0
 * @param truncate - radius in standard deviations (default 4)
 * @returns Float64Array of length 2 · radius + 1, symmetric, summing to 1
 */
export function gaussianKernel(sigma: number, truncate = 4): Float64Array {
  if (!(sigma > 0) || !Number.isFinite(sigma)) {
    throw new RangeError(
      `gaussianKernel: sigma must be a positive number of pixels, got ${sigma}`,
    );
  }
  if (!(truncate >= 0) || !Number.isFinite(truncate)) {
    throw new RangeError(
      `gaussianKernel: truncate must be a non-negative number, got ${truncate}`,
    );
  }
  const radius = Math.floor(truncate * sigma + 0.5);
  const kernel = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let x = -radius; x <= radius; x++) {
    const w = Math.exp((-0.5 * x * x) / (sigma * sigma));
    kernel[x + radius] = w;
    sum += w;
  }
  for (let i = 0; i < kernel.length; i++) kernel[i] /= sum;
  return kernel;
}

/**
 * Maps an index outside [0, n) back inside by half-sample symmetric
 * reflection (`d c b a | a b c d | d c b a`), the 'reflect' mode of
 * `scipy.ndimage`. Works for any distance outside, repeating the pattern
 * with period 2n.
 *
 * @param i - index, may be negative or ≥ n
 * @param n - length of the axis, > 0
 * @returns index in [0, n)
 */
export function reflectIndex(i: number, n: number): number {
  const period = 2 * n;
  const m = ((i % period) + period) % period;
  return m < n ? m : period - 1 - m;
}

/**
 * Blurs a single-channel map with a separable Gaussian, matching
 * `scipy.ndimage.gaussian_filter(map, sigma, mode='reflect', truncate=4)`
 * on a float32 array. The filter runs along axis 0 first, then along axis
 * 1. The intermediate result is stored as float32, as SciPy does for
 * float32 input, and sums are accumulated in float64.
 *
 * @param map - input of shape (height, width), row-major
 * @param height - rows
 * @param width - columns
 * @param options - standard deviation in pixels and truncation
 * @returns Float32Array of shape (height, width)
 * @example
 * ```ts
 * // The anomaly map at 400 × 400 is blurred with σ = 4 px.
 * const blurred = gaussianBlur(map, 400, 400, { sigma: 4 });
 * ```
 */
export function gaussianBlur(
  map: Float32Array,
  height: number,
  width: number,
  options: GaussianBlurOptions,
): Float32Array {
  checkMatrix("gaussianBlur input", map, height, width);
  if (options.sigma === 0) return Float32Array.from(map);
  const kernel = gaussianKernel(options.sigma, options.truncate ?? 4);
  const radius = (kernel.length - 1) / 2;

  const size = kernel.length;

  // Along axis 0: each output row is a weighted sum of whole input rows, so
  // the inner loop runs over contiguous memory.
  const vertical = new Float32Array(map.length);
  const rowOffsets = offsetTable(height, radius, width);
  const accumulator = new Float64Array(width);
  for (let y = 0; y < height; y++) {
    accumulator.fill(0);
    for (let k = 0; k < size; k++) {
      const weight = kernel[k];
      const source = rowOffsets[y * size + k];
      for (let x = 0; x < width; x++) {
        accumulator[x] += weight * map[source + x];
      }
    }
    vertical.set(accumulator, y * width);
  }

  // Along axis 1: a dot product of the kernel with reflected neighbours.
  const out = new Float32Array(map.length);
  const colOffsets = offsetTable(width, radius, 1);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const first = x * size;
      let sum = 0;
      for (let k = 0; k < size; k++) {
        sum += kernel[k] * vertical[row + colOffsets[first + k]];
      }
      out[row + x] = sum;
    }
  }
  return out;
}

/**
 * For each position along an axis, the array offsets of its 2·radius + 1
 * reflected neighbours, scaled by the axis stride.
 */
function offsetTable(n: number, radius: number, stride: number): Int32Array {
  const size = 2 * radius + 1;
  const table = new Int32Array(n * size);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < size; k++) {
      table[i * size + k] = reflectIndex(i + k - radius, n) * stride;
    }
  }
  return table;
}
