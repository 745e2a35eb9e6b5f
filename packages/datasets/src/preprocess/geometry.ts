import type { PixelBuffer } from "./resample-pil";

/** Width and height of an image in pixels. */
export interface Dimensions {
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
}

/**
 * Computes the size after torchvision's `Resize`. With `squash` both sides
 * become `size`. With `shortest` the shorter side becomes `size` and the
 * longer one `int(size · long / short)`, truncated as torchvision does.
 *
 * @param width - Input width in pixels.
 * @param height - Input height in pixels.
 * @param size - Target size in pixels.
 * @param mode - Resize mode.
 * @returns Output width and height.
 */
export function resizedSize(
  width: number,
  height: number,
  size: number,
  mode: "shortest" | "squash",
): Dimensions {
  if (mode === "squash") return { width: size, height: size };
  if (width <= height) {
    return { width: size, height: Math.trunc((size * height) / width) };
  }
  return { width: Math.trunc((size * width) / height), height: size };
}

/** Python 3's round(): halves go to the even neighbour. */
function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const diff = value - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * Crops the centre `crop`×`crop` square as torchvision's `CenterCrop`:
 * offsets `round((side - crop) / 2)` with Python's half-to-even rounding,
 * and zero padding first where the image is smaller than the crop.
 *
 * @param src - Image to crop.
 * @param crop - Side of the square in pixels.
 * @returns A new image of crop×crop pixels.
 */
export function centerCrop(src: PixelBuffer, crop: number): PixelBuffer {
  if (src.width === crop && src.height === crop) return src;
  const { width, height, channels, data } = src;
  const padLeft = width < crop ? Math.floor((crop - width) / 2) : 0;
  const padTop = height < crop ? Math.floor((crop - height) / 2) : 0;
  const paddedWidth = Math.max(width, crop);
  const paddedHeight = Math.max(height, crop);
  const left = roundHalfEven((paddedWidth - crop) / 2);
  const top = roundHalfEven((paddedHeight - crop) / 2);

  const out = new Uint8Array(crop * crop * channels);
  for (let y = 0; y < crop; y++) {
    const sy = y + top - padTop;
    if (sy < 0 || sy >= height) continue;
    for (let x = 0; x < crop; x++) {
      const sx = x + left - padLeft;
      if (sx < 0 || sx >= width) continue;
      const from = (sy * width + sx) * channels;
      const to = (y * crop + x) * channels;
      for (let c = 0; c < channels; c++) out[to + c] = data[from + c];
    }
  }
  return { width: crop, height: crop, channels, data: out };
}
