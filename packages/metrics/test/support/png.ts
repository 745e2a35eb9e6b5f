import * as fs from "node:fs";
import * as zlib from "node:zlib";

const SIGNATURE = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);

// Channels per pixel by PNG colour type (0 grey, 2 RGB, 4 grey + alpha, 6 RGBA).
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

/** Paeth predictor of the PNG specification (filter type 4). */
function paeth(left: number, up: number, upLeft: number): number {
  const estimate = left + up - upLeft;
  const toLeft = Math.abs(estimate - left);
  const toUp = Math.abs(estimate - up);
  const toUpLeft = Math.abs(estimate - upLeft);
  if (toLeft <= toUp && toLeft <= toUpLeft) return left;
  return toUp <= toUpLeft ? up : upLeft;
}

/**
 * Reads the first channel of an 8-bit, non-interlaced PNG (enough for the
 * grey-scale masks of the shared test data), so the metric tests need no
 * image library.
 *
 * @returns Row-major values 0..255 with the image's height and width.
 * @throws Error naming the file when it is not such a PNG.
 */
export function readPngFirstChannel(file: string): {
  data: Uint8Array;
  height: number;
  width: number;
} {
  const bytes = fs.readFileSync(file);
  if (!bytes.subarray(0, 8).equals(SIGNATURE)) {
    throw new Error(`${file} is not a PNG file (wrong signature)`);
  }

  let width = 0;
  let height = 0;
  let channels = 0;
  const compressed: Buffer[] = [];
  for (let at = 8; at < bytes.length;) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString("latin1", at + 4, at + 8);
    const body = bytes.subarray(at + 8, at + 8 + length);
    if (type === "IHDR") {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const [bitDepth, colourType, , , interlace] = body.subarray(8, 13);
      channels = CHANNELS[colourType] ?? 0;
      if (bitDepth !== 8 || channels === 0 || interlace !== 0) {
        throw new Error(
          `${file}: expected an 8-bit non-interlaced grey, RGB or RGBA PNG; got bit depth ${bitDepth}, colour type ${colourType}, interlace ${interlace}`,
        );
      }
    } else if (type === "IDAT") {
      compressed.push(body);
    }
    at += 12 + length;
  }

  const raw = zlib.inflateSync(Buffer.concat(compressed));
  const stride = width * channels;
  const pixels = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const source = y * (stride + 1) + 1;
    const row = y * stride;
    if (filter > 4) {
      throw new Error(`${file}: invalid PNG filter type ${filter} in row ${y}`);
    }
    for (let x = 0; x < stride; x++) {
      const left = x >= channels ? pixels[row + x - channels] : 0;
      const up = y > 0 ? pixels[row - stride + x] : 0;
      let predictor = 0;
      if (filter === 1) predictor = left;
      else if (filter === 2) predictor = up;
      else if (filter === 3) predictor = (left + up) >>> 1;
      else if (filter === 4) {
        const upLeft =
          x >= channels && y > 0 ? pixels[row - stride + x - channels] : 0;
        predictor = paeth(left, up, upLeft);
      }
      pixels[row + x] = (raw[source + x] + predictor) & 0xff;
    }
  }

  const data = new Uint8Array(width * height);
  for (let k = 0; k < data.length; k++) data[k] = pixels[k * channels];
  return { data, height, width };
}
