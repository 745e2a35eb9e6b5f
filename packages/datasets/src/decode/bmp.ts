/**
 * A decoder for uncompressed Windows BMP files (BITMAPINFOHEADER and later
 * headers): 1, 4 and 8 bits per pixel with a palette, 16 bits (5-5-5 or
 * bit fields), 24 bits and 32 bits (BI_RGB or BI_BITFIELDS), bottom-up or
 * top-down. Sharp 0.35 (libvips 8.18 without ImageMagick) reads no BMP, and
 * some datasets store BMP files under a `.png` name.
 */

/** Decoded BMP pixels. */
export interface BmpImage {
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /** Interleaved RGB bytes, row-major, top row first; length width·height·3. */
  data: Uint8Array;
  /** Whether the file carried an alpha channel (dropped in `data`). */
  hadAlpha: boolean;
}

const BI_RGB = 0;
const BI_BITFIELDS = 3;
const BI_ALPHABITFIELDS = 6;

/** Reads width and height from a BMP header without decoding pixels. */
export function readBmpSize(bytes: Uint8Array): {
  width: number;
  height: number;
} {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 26) throw new Error("BMP header is truncated");
  const headerSize = view.getUint32(14, true);
  if (headerSize === 12) {
    return {
      width: view.getUint16(18, true),
      height: view.getUint16(20, true),
    };
  }
  return {
    width: view.getInt32(18, true),
    height: Math.abs(view.getInt32(22, true)),
  };
}

/** Maps a channel out of a packed pixel with a bit mask to 0..255. */
function channelFromMask(value: number, mask: number): number {
  if (mask === 0) return 0;
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  const max = mask >>> shift;
  return Math.round((((value & mask) >>> shift) * 255) / max);
}

/**
 * Decodes a BMP file.
 *
 * @param bytes - The whole file.
 * @returns RGB pixels; alpha, when present, is reported and dropped.
 * @throws Error describing the unsupported feature or the truncation.
 */
export function decodeBmp(bytes: Uint8Array): BmpImage {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 54 || bytes[0] !== 0x42 || bytes[1] !== 0x4d) {
    throw new Error("not a BMP file or BMP header truncated");
  }
  const pixelOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  if (headerSize < 40) {
    throw new Error(
      `unsupported BMP header of ${headerSize} bytes (OS/2 bitmap); ` +
        "convert the file to PNG",
    );
  }
  const width = view.getInt32(18, true);
  const rawHeight = view.getInt32(22, true);
  const bitsPerPixel = view.getUint16(28, true);
  const compression = view.getUint32(30, true);
  let paletteSize = view.getUint32(46, true);
  const height = Math.abs(rawHeight);
  const topDown = rawHeight < 0;
  if (width <= 0 || height === 0) {
    throw new Error(`invalid BMP size ${width}x${rawHeight}`);
  }

  const bitFields =
    compression === BI_BITFIELDS || compression === BI_ALPHABITFIELDS;
  if (compression !== BI_RGB && !bitFields) {
    throw new Error(
      `unsupported BMP compression ${compression} (RLE or embedded JPEG/PNG); ` +
        "convert the file to PNG",
    );
  }

  let masks: [number, number, number, number] | null = null;
  if (bitFields || bitsPerPixel === 16 || bitsPerPixel === 32) {
    if (bitFields) {
      // Masks follow a 40-byte header; larger headers contain them in place.
      const m = 14 + 40;
      masks = [
        view.getUint32(m, true),
        view.getUint32(m + 4, true),
        view.getUint32(m + 8, true),
        headerSize >= 56 || compression === BI_ALPHABITFIELDS
          ? view.getUint32(m + 12, true)
          : 0,
      ];
    } else if (bitsPerPixel === 16) {
      masks = [0x7c00, 0x03e0, 0x001f, 0];
    } else {
      // BI_RGB 32-bit: the fourth byte is unused unless a V4+ header sets an alpha mask.
      masks = [0x00ff0000, 0x0000ff00, 0x000000ff, 0];
    }
  }

  let palette: Uint8Array | null = null;
  if (bitsPerPixel <= 8) {
    if (paletteSize === 0) paletteSize = 1 << bitsPerPixel;
    const start = 14 + headerSize;
    if (start + paletteSize * 4 > bytes.length) {
      throw new Error("BMP palette is truncated");
    }
    palette = bytes.subarray(start, start + paletteSize * 4);
  } else if (![16, 24, 32].includes(bitsPerPixel)) {
    throw new Error(`unsupported BMP depth of ${bitsPerPixel} bits per pixel`);
  }

  const stride = Math.ceil((width * bitsPerPixel) / 32) * 4;
  if (pixelOffset + stride * height > bytes.length) {
    throw new Error(
      `BMP pixel data is truncated: expected ${pixelOffset + stride * height} ` +
        `bytes, got ${bytes.length}`,
    );
  }

  const data = new Uint8Array(width * height * 3);
  const hadAlpha = masks !== null && masks[3] !== 0;
  for (let y = 0; y < height; y++) {
    const row = pixelOffset + (topDown ? y : height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      if (palette) {
        const bitOffset = x * bitsPerPixel;
        const byte = bytes[row + (bitOffset >> 3)];
        const shift = 8 - bitsPerPixel - (bitOffset & 7);
        const index = (byte >> shift) & ((1 << bitsPerPixel) - 1);
        if (index >= paletteSize) {
          throw new Error(
            `BMP palette index ${index} is out of range (${paletteSize} entries)`,
          );
        }
        data[o] = palette[index * 4 + 2];
        data[o + 1] = palette[index * 4 + 1];
        data[o + 2] = palette[index * 4];
      } else if (bitsPerPixel === 24) {
        const p = row + x * 3;
        data[o] = bytes[p + 2];
        data[o + 1] = bytes[p + 1];
        data[o + 2] = bytes[p];
      } else {
        const p = row + x * (bitsPerPixel / 8);
        const value =
          bitsPerPixel === 16
            ? view.getUint16(p, true)
            : view.getUint32(p, true);
        const [r, g, b] = masks as [number, number, number, number];
        data[o] = channelFromMask(value, r);
        data[o + 1] = channelFromMask(value, g);
        data[o + 2] = channelFromMask(value, b);
      }
    }
  }
  return { width, height, data, hadAlpha };
}
