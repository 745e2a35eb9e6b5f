import { checkMatrix } from "./check-shape";

/**
 * Resizes a single-channel map with bilinear interpolation and half-pixel
 * centres, the behaviour of PyTorch
 * `F.interpolate(x, size=(outHeight, outWidth), mode='bilinear',
 * align_corners=False)` (no antialiasing).
 *
 * Output pixel i samples the input at `(i + 0.5) · in / out − 0.5`, clamped
 * to 0 below. Positions past the last input pixel reuse the last pixel, so
 * the borders are flat, as in PyTorch.
 *
 * @param map - input of shape (height, width), row-major
 * @param height - input rows (15 for the patch grid of ViT-B-16-plus-240)
 * @param width - input columns
 * @param outHeight - output rows (400 by default in evaluation)
 * @param outWidth - output columns
 * @returns Float32Array of shape (outHeight, outWidth), row-major
 */
export function bilinearResize(
  map: Float32Array,
  height: number,
  width: number,
  outHeight: number,
  outWidth: number,
): Float32Array {
  checkMatrix("bilinearResize input", map, height, width);
  checkMatrix(
    "bilinearResize output",
    { length: outHeight * outWidth },
    outHeight,
    outWidth,
  );
  const rows = sourceTaps(height, outHeight);
  const cols = sourceTaps(width, outWidth);
  const out = new Float32Array(outHeight * outWidth);

  for (let y = 0; y < outHeight; y++) {
    const top = rows.low[y] * width;
    const bottom = rows.high[y] * width;
    const wy = rows.weight[y];
    for (let x = 0; x < outWidth; x++) {
      const left = cols.low[x];
      const right = cols.high[x];
      const wx = cols.weight[x];
      const upper = (1 - wx) * map[top + left] + wx * map[top + right];
      const lower = (1 - wx) * map[bottom + left] + wx * map[bottom + right];
      out[y * outWidth + x] = (1 - wy) * upper + wy * lower;
    }
  }
  return out;
}

/** Neighbouring input indices and the weight of the upper one, per output index. */
interface SourceTaps {
  low: Int32Array;
  high: Int32Array;
  weight: Float64Array;
}

function sourceTaps(inSize: number, outSize: number): SourceTaps {
  const scale = inSize / outSize;
  const low = new Int32Array(outSize);
  const high = new Int32Array(outSize);
  const weight = new Float64Array(outSize);

  for (let i = 0; i < outSize; i++) {
    const source = Math.max((i + 0.5) * scale - 0.5, 0);
    const i0 = Math.min(Math.floor(source), inSize - 1);
    low[i] = i0;
    high[i] = Math.min(i0 + 1, inSize - 1);
    weight[i] = source - i0;
  }
  return { low, high, weight };
}
