import { deflateSync } from "node:zlib";

/** Pixels to encode as PNG. */
export interface PngInput {
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /** 1 (grayscale), 3 (RGB) or 4 (RGBA). */
  channels: 1 | 3 | 4;
  /**
   * Interleaved samples, row-major: bytes for 8-bit, or a Uint16Array for
   * 16-bit images (written big-endian as PNG requires).
   */
  data: Uint8Array | Uint16Array;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 of PNG chunks (ISO 3309, polynomial 0xEDB88320). */
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) {
    c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  }
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, body: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + body.length);
  out.writeUInt32BE(body.length, 0);
  out.write(type, 4, "ascii");
  out.set(body, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + body.length)), 8 + body.length);
  return out;
}

const COLOUR_TYPES = { 1: 0, 3: 2, 4: 6 } as const;

/**
 * Encodes pixels as a PNG file (no filtering, zlib level 6), synchronously
 * and deterministically: equal input gives equal bytes.
 *
 * @param image - Pixels; a Uint16Array gives a 16-bit PNG.
 * @returns The PNG file bytes.
 */
export function encodePng(image: PngInput): Buffer {
  const { width, height, channels, data } = image;
  const bitDepth = data instanceof Uint16Array ? 16 : 8;
  const bytesPerSample = bitDepth / 8;
  if (data.length !== width * height * channels) {
    throw new Error(
      `cannot encode PNG: ${data.length} samples for ${width}x${height}x${channels}; ` +
        `expected ${width * height * channels}`,
    );
  }
  const rowBytes = width * channels * bytesPerSample;
  const raw = Buffer.alloc((rowBytes + 1) * height);
  for (let y = 0; y < height; y++) {
    const rowStart = y * (rowBytes + 1) + 1;
    for (let i = 0; i < width * channels; i++) {
      const value = data[y * width * channels + i];
      if (bitDepth === 16) raw.writeUInt16BE(value, rowStart + i * 2);
      else raw[rowStart + i] = value;
    }
  }

  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = bitDepth;
  header[9] = COLOUR_TYPES[channels];
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw, { level: 6 })),
    chunk("IEND", new Uint8Array(0)),
  ]);
}
