import { decodeImage, encodePng, resizePil } from "@devprompt/datasets";

/** Weight of the heat colour in the overlay; the image keeps the rest. */
const HEAT_OPACITY = 0.5;

/**
 * Maps a value in [0, 1] to an RGB colour of the jet colour map (blue,
 * cyan, yellow, red), the colour map anomaly-detection papers use.
 *
 * @param t - value, clamped to [0, 1]
 * @returns red, green and blue in [0, 255]
 */
export function jetColour(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, t));
  const channel = (centre: number) =>
    Math.round(255 * Math.min(1, Math.max(0, 1.5 - Math.abs(4 * x - centre))));
  return [channel(3), channel(2), channel(1)];
}

/**
 * Draws an anomaly map over its image and encodes the result as PNG.
 *
 * The image is resized to the map's size. Map values are scaled linearly
 * from [low, high] to the colour map, so that maps of one class share a
 * scale.
 *
 * @param imagePath - image file
 * @param map - anomaly map, (size, size), row-major
 * @param size - side of the map in pixels
 * @param low - map value drawn blue
 * @param high - map value drawn red
 * @returns PNG bytes
 */
export async function heatmapOverlayPng(
  imagePath: string,
  map: Float32Array,
  size: number,
  low: number,
  high: number,
): Promise<Buffer> {
  const image = await decodeImage(imagePath);
  const resized = resizePil(
    { width: image.width, height: image.height, channels: 3, data: image.data },
    size,
    size,
    "bilinear",
  );
  const range = high > low ? high - low : 1;
  const out = new Uint8Array(size * size * 3);
  for (let i = 0; i < size * size; i++) {
    const colour = jetColour((map[i] - low) / range);
    for (let c = 0; c < 3; c++) {
      out[i * 3 + c] = Math.round(
        (1 - HEAT_OPACITY) * resized.data[i * 3 + c] + HEAT_OPACITY * colour[c],
      );
    }
  }
  return encodePng({ width: size, height: size, channels: 3, data: out });
}
