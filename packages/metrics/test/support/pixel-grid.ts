import { PixelGrid } from "../../src/pixel-metrics";

/** Wraps row-major values and their shape as a {@link PixelGrid}. */
export function grid(
  data: ArrayLike<number>,
  height: number,
  width: number,
): PixelGrid {
  return { data, height, width };
}
