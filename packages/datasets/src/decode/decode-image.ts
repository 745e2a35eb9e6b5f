import { open, readFile } from "node:fs/promises";
import sharp from "sharp";
import type { Logger } from "../types";
import { decodeBmp, readBmpSize } from "./bmp";
import { sniffImageFormat, type SniffedFormat } from "./sniff";

// Bound once: a global lookup is slow inside per-sample loops when this
// code runs in a vm context (jest test environments).
const { round } = Math;

/** An 8-bit RGB image, interleaved (HWC), top row first. */
export interface RgbImage {
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /** Bytes R, G, B per pixel; length width·height·3. */
  data: Uint8Array;
}

/** A one-channel image, row-major, top row first. */
export interface GrayImage {
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /** One value per pixel; length width·height. */
  data: Uint8Array;
}

/** A file that could not be decoded. */
export class ImageDecodeError extends Error {
  /** Path of the file (or the name given for a buffer). */
  readonly file: string;
  /** Format detected from the file's magic bytes. */
  readonly format: SniffedFormat;

  /**
   * @param file - File path or name.
   * @param format - Format detected from the magic bytes.
   * @param reason - What the decoder reported.
   */
  constructor(file: string, format: SniffedFormat, reason: string) {
    super(
      `cannot decode image ${file} (detected format: ${format}): ${reason}. ` +
        "The file is corrupt, truncated or in an unsupported format; " +
        "re-export it as PNG, or skip unreadable files (loader option skipBad; --skip-bad in the devprompt CLI).",
    );
    this.name = "ImageDecodeError";
    this.file = file;
    this.format = format;
  }
}

/** Encoded image bytes with a name used in messages. */
export interface NamedBytes {
  /** File name or label shown in errors and warnings. */
  name: string;
  /** The encoded file. */
  bytes: Uint8Array;
}

/** Source of an image: a path, or bytes with a name for messages. */
export type ImageSource = string | NamedBytes;

/** Options of {@link decodeImage} and {@link decodeMask}. */
export interface DecodeOptions {
  /** Receives a warning when an alpha channel is dropped. */
  logger?: Logger;
}

async function readSource(source: ImageSource): Promise<NamedBytes> {
  if (typeof source !== "string") return source;
  try {
    return { name: source, bytes: await readFile(source) };
  } catch (error) {
    throw new Error(
      `cannot read image ${source}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Decodes an image file to 8-bit RGB as PIL's `convert("RGB")` would.
 * Grayscale is replicated to three channels. Alpha is dropped (not
 * composited) with a warning through `logger`. 16-bit samples are scaled
 * to 8 bits (v/257, rounded), CMYK is converted to sRGB, and EXIF
 * orientation is applied. The format is taken from the magic bytes, not
 * the file name. BMP files are decoded by this package because sharp has
 * no BMP reader.
 *
 * @param source - File path, or bytes with a name for messages.
 * @param options - Logger for warnings.
 * @returns The RGB image.
 * @throws {@link ImageDecodeError} naming the file and the detected format
 *   when the file is corrupt, truncated or unsupported.
 */
export async function decodeImage(
  source: ImageSource,
  options: DecodeOptions = {},
): Promise<RgbImage> {
  const { name, bytes } = await readSource(source);
  const format = sniffImageFormat(bytes);

  if (format === "bmp") {
    try {
      const bmp = decodeBmp(bytes);
      if (bmp.hadAlpha) warnAlpha(options.logger, name);
      return { width: bmp.width, height: bmp.height, data: bmp.data };
    } catch (error) {
      throw new ImageDecodeError(name, format, reasonOf(error));
    }
  }
  if (format === "unknown") {
    throw new ImageDecodeError(name, format, "unrecognised magic bytes");
  }

  try {
    const metadata = await sharp(bytes).metadata();
    if (metadata.hasAlpha) warnAlpha(options.logger, name);
    const sixteenBit = metadata.depth === "ushort";
    // 16-bit files are read as 16-bit RGB and scaled here, because sharp's
    // own 8-bit conversion truncates (v >> 8) instead of rounding v / 257.
    const { data, info } = await sharp(bytes, { failOn: "warning" })
      .autoOrient()
      .removeAlpha()
      .toColourspace(sixteenBit ? "rgb16" : "srgb")
      .raw({ depth: sixteenBit ? "ushort" : "uchar" })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) {
      throw new Error(
        `expected 3 channels after conversion, got ${info.channels}`,
      );
    }
    const pixels = sixteenBit
      ? scaleTo8Bit(data)
      : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    return { width: info.width, height: info.height, data: pixels };
  } catch (error) {
    throw new ImageDecodeError(name, format, reasonOf(error));
  }
}

/** Converts native-endian 16-bit samples to 8 bits, rounding v / 257. */
function scaleTo8Bit(data: Buffer): Uint8Array {
  const wide = new Uint16Array(
    data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength),
  );
  const out = new Uint8Array(wide.length);
  for (let i = 0; i < wide.length; i++) out[i] = round(wide[i] / 257);
  return out;
}

function warnAlpha(logger: Logger | undefined, name: string): void {
  logger?.warn(
    `image ${name} has an alpha channel; it was dropped (not blended), ` +
      'as PIL convert("RGB") does',
  );
}

/**
 * Decodes a ground-truth mask to one channel. RGB masks are accepted: a
 * pixel is the maximum over its colour channels, so any non-zero colour
 * stays non-zero. 16-bit masks keep their non-zero pixels non-zero (values
 * 1..256 map to 1 rather than rounding to 0). Alpha is ignored; EXIF
 * orientation is applied.
 *
 * @param source - File path, or bytes with a name for messages.
 * @returns The mask with values 0..255 (not yet binarised).
 * @throws {@link ImageDecodeError} naming the file when it cannot be decoded.
 */
export async function decodeMask(source: ImageSource): Promise<GrayImage> {
  const { name, bytes } = await readSource(source);
  const format = sniffImageFormat(bytes);
  let pixels: {
    width: number;
    height: number;
    data: Uint8Array;
    channels: number;
  };

  if (format === "bmp") {
    try {
      const bmp = decodeBmp(bytes);
      pixels = { ...bmp, channels: 3 };
    } catch (error) {
      throw new ImageDecodeError(name, format, reasonOf(error));
    }
  } else if (format === "unknown") {
    throw new ImageDecodeError(name, format, "unrecognised magic bytes");
  } else {
    try {
      const metadata = await sharp(bytes).metadata();
      const sixteenBit = metadata.depth === "ushort";
      // Converting to RGB before reading keeps every mask at 3 channels.
      const { data, info } = await sharp(bytes, { failOn: "warning" })
        .autoOrient()
        .removeAlpha()
        .toColourspace(sixteenBit ? "rgb16" : "srgb")
        .raw({ depth: sixteenBit ? "ushort" : "uchar" })
        .toBuffer({ resolveWithObject: true });
      const channels = info.channels;
      let values: Uint8Array;
      if (sixteenBit) {
        const wide = new Uint16Array(
          data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength),
        );
        values = new Uint8Array(wide.length);
        for (let i = 0; i < wide.length; i++) {
          values[i] = wide[i] === 0 ? 0 : round(wide[i] / 257) || 1;
        }
      } else {
        values = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      }
      pixels = {
        width: info.width,
        height: info.height,
        data: values,
        channels,
      };
    } catch (error) {
      throw new ImageDecodeError(name, format, reasonOf(error));
    }
  }

  const { width, height, data, channels } = pixels;
  if (channels === 1) return { width, height, data };
  const out = new Uint8Array(width * height);
  for (let i = 0; i < out.length; i++) {
    let value = 0;
    for (let c = 0; c < channels; c++) {
      if (data[i * channels + c] > value) value = data[i * channels + c];
    }
    out[i] = value;
  }
  return { width, height, data: out };
}

/** Size of an image, after EXIF orientation. */
export interface ImageSize {
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /** Format detected from the magic bytes. */
  format: SniffedFormat;
}

/**
 * Reads an image's size from its header, without decoding the pixels.
 * EXIF orientations 5 to 8 (quarter turns) swap width and height.
 *
 * @param path - Image file.
 * @returns Width, height and detected format.
 * @throws {@link ImageDecodeError} when the header cannot be read.
 */
export async function probeImageSize(path: string): Promise<ImageSize> {
  let head: Uint8Array;
  try {
    const handle = await open(path, "r");
    try {
      const buffer = Buffer.alloc(64);
      const { bytesRead } = await handle.read(buffer, 0, 64, 0);
      head = buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw new Error(`cannot read image ${path}: ${reasonOf(error)}`, {
      cause: error,
    });
  }

  const format = sniffImageFormat(head);
  try {
    if (format === "bmp") return { ...readBmpSize(head), format };
    if (format === "unknown") throw new Error("unrecognised magic bytes");
    const metadata = await sharp(path).metadata();
    const turned = (metadata.orientation ?? 1) >= 5;
    const width = metadata.width ?? 0;
    const height = metadata.height ?? 0;
    return turned
      ? { width: height, height: width, format }
      : { width, height, format };
  } catch (error) {
    throw new ImageDecodeError(path, format, reasonOf(error));
  }
}
