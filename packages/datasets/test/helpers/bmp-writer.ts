/**
 * Writes small BMP files for decoder tests, independently of the decoder:
 * 24-bit BI_RGB, 8/4/1-bit palettised, and 32-bit BI_BITFIELDS with alpha.
 */
export interface BmpSpec {
  width: number;
  height: number;
  /** RGB per pixel (RGBA for 32-bit), top row first. */
  pixels: number[][];
  bitsPerPixel: 1 | 4 | 8 | 24 | 32;
  /** Palette as RGB triples, for 1/4/8-bit files; `pixels` then hold indices in [0]. */
  palette?: number[][];
  /** Store rows top-down (negative height). */
  topDown?: boolean;
  /** Compression field to write (0 = BI_RGB, 3 = BI_BITFIELDS, 1 = RLE8). */
  compression?: number;
}

export function writeBmp(spec: BmpSpec): Buffer {
  const { width, height, bitsPerPixel } = spec;
  const stride = Math.ceil((width * bitsPerPixel) / 32) * 4;
  const paletteBytes = bitsPerPixel <= 8 ? (spec.palette?.length ?? 0) * 4 : 0;
  // 32-bit files use the 56-byte BITMAPV3INFOHEADER, whose last four
  // fields are the red, green, blue and alpha masks.
  const headerSize = bitsPerPixel === 32 ? 56 : 40;
  const offset = 14 + headerSize + paletteBytes;
  const out = Buffer.alloc(offset + stride * height);
  out.write("BM", 0, "ascii");
  out.writeUInt32LE(out.length, 2);
  out.writeUInt32LE(offset, 10);
  out.writeUInt32LE(headerSize, 14);
  out.writeInt32LE(width, 18);
  out.writeInt32LE(spec.topDown ? -height : height, 22);
  out.writeUInt16LE(1, 26);
  out.writeUInt16LE(bitsPerPixel, 28);
  out.writeUInt32LE(spec.compression ?? (bitsPerPixel === 32 ? 3 : 0), 30);
  out.writeUInt32LE(stride * height, 34);
  out.writeUInt32LE(bitsPerPixel <= 8 ? (spec.palette?.length ?? 0) : 0, 46);
  let p = 54;
  if (bitsPerPixel === 32) {
    for (const mask of [0x00ff0000, 0x0000ff00, 0x000000ff, 0xff000000]) {
      out.writeUInt32LE(mask >>> 0, p);
      p += 4;
    }
  }
  for (const [r, g, b] of spec.palette ?? []) {
    out[p] = b;
    out[p + 1] = g;
    out[p + 2] = r;
    p += 4;
  }
  for (let y = 0; y < height; y++) {
    const row = offset + (spec.topDown ? y : height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const px = spec.pixels[y * width + x];
      if (bitsPerPixel === 24) {
        out[row + x * 3] = px[2];
        out[row + x * 3 + 1] = px[1];
        out[row + x * 3 + 2] = px[0];
      } else if (bitsPerPixel === 32) {
        out.writeUInt32LE(
          ((px[3] << 24) | (px[0] << 16) | (px[1] << 8) | px[2]) >>> 0,
          row + x * 4,
        );
      } else {
        const bit = x * bitsPerPixel;
        const shift = 8 - bitsPerPixel - (bit % 8);
        out[row + (bit >> 3)] |= px[0] << shift;
      }
    }
  }
  return out;
}
