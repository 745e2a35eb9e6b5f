/**
 * Synthetic anomaly maps and masks for the metrics bench, written as raw
 * little-endian files that Node and numpy read without parsing.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { seededRandom } from "../test/support/random";

/** Shape of the bench data. */
export interface BenchShape {
  /** Number of maps. */
  readonly count: number;
  /** Rows per map, in pixels. */
  readonly height: number;
  /** Columns per map, in pixels. */
  readonly width: number;
}

/**
 * Writes `maps.f32`, `masks.u8` and `meta.json` into `directory`.
 *
 * Every other map has one to three elliptic defects. Scores are uniform
 * noise, raised inside defects, so most of the `count * height * width`
 * scores are distinct: the largest number of thresholds.
 */
export function writeSyntheticMaps(directory: string, shape: BenchShape): void {
  const { count, height, width } = shape;
  const random = seededRandom(2024);
  const pixels = height * width;
  const maps = new Float32Array(count * pixels);
  const masks = new Uint8Array(count * pixels);

  for (let image = 0; image < count; image++) {
    const offset = image * pixels;
    const defects = image % 2 === 0 ? 1 + Math.floor(random() * 3) : 0;
    for (let d = 0; d < defects; d++) {
      const cy = random() * height;
      const cx = random() * width;
      const ry = 2 + random() * height * 0.08;
      const rx = 2 + random() * width * 0.08;
      for (
        let y = Math.max(0, Math.floor(cy - ry));
        y < Math.min(height, cy + ry);
        y++
      ) {
        for (
          let x = Math.max(0, Math.floor(cx - rx));
          x < Math.min(width, cx + rx);
          x++
        ) {
          if (((y - cy) / ry) ** 2 + ((x - cx) / rx) ** 2 <= 1)
            masks[offset + y * width + x] = 1;
        }
      }
    }
    for (let k = 0; k < pixels; k++) {
      const lift = masks[offset + k] ? 0.3 + 0.5 * random() : 0;
      maps[offset + k] = 0.6 * random() + lift;
    }
  }

  fs.writeFileSync(path.join(directory, "maps.f32"), maps);
  fs.writeFileSync(path.join(directory, "masks.u8"), masks);
  fs.writeFileSync(path.join(directory, "meta.json"), JSON.stringify(shape));
}

/** Reads the files of {@link writeSyntheticMaps} back as typed-array views. */
export function readSyntheticMaps(directory: string): {
  shape: BenchShape;
  maps: Float32Array;
  masks: Uint8Array;
} {
  const shape = JSON.parse(
    fs.readFileSync(path.join(directory, "meta.json"), "utf8"),
  ) as BenchShape;
  const mapBytes = fs.readFileSync(path.join(directory, "maps.f32"));
  const maskBytes = fs.readFileSync(path.join(directory, "masks.u8"));
  return {
    shape,
    // readFileSync of a large file returns its own aligned buffer.
    maps: new Float32Array(
      mapBytes.buffer,
      mapBytes.byteOffset,
      mapBytes.length / 4,
    ),
    masks: new Uint8Array(
      maskBytes.buffer,
      maskBytes.byteOffset,
      maskBytes.length,
    ),
  };
}
