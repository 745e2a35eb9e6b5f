import sharp from "sharp";
import type { GrayImage, RgbImage } from "../decode/decode-image";
import {
  REFERENCE_PRE_RESIZE,
  validatePreprocessConfig,
  type PreprocessConfig,
} from "./config";
import { centerCrop, resizedSize } from "./geometry";
import { resizeOpenCvLinear, resizeOpenCvNearest } from "./resample-opencv";
import {
  resizePil,
  type Interpolation,
  type PixelBuffer,
} from "./resample-pil";

/**
 * Implementation of the resize step. `pil` reproduces Pillow's resize bit
 * for bit and is the default. `sharp` uses libvips, which is faster and
 * close to Pillow when downscaling but far from it when upscaling (see the
 * package README).
 */
export type Resampler = "pil" | "sharp";

/** Options of {@link preprocessImage}. */
export interface ImagePreprocessOptions {
  /** Resize implementation. Default `pil`. */
  resampler?: Resampler;
  /** Channel order of the output planes. Default `rgb`. */
  channelOrder?: "rgb" | "bgr";
  /**
   * Resize to 1024×1024 with OpenCV bilinear before the model's
   * preprocessing (a reference-code quirk). Default false.
   */
  preResizeTo1024?: boolean;
}

const SHARP_KERNELS: Record<Interpolation, "cubic" | "linear" | "nearest"> = {
  bicubic: "cubic",
  bilinear: "linear",
  nearest: "nearest",
};

async function resizeWithSharp(
  src: PixelBuffer,
  width: number,
  height: number,
  interpolation: Interpolation,
): Promise<PixelBuffer> {
  if (src.width === width && src.height === height) return src;
  const { data, info } = await sharp(src.data, {
    raw: {
      width: src.width,
      height: src.height,
      channels: src.channels as 1 | 3,
    },
  })
    .resize(width, height, {
      fit: "fill",
      kernel: SHARP_KERNELS[interpolation],
    })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return {
    width: info.width,
    height: info.height,
    channels: info.channels,
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  };
}

/**
 * Per-channel lookup tables from 8-bit values to normalised floats, in
 * float32 arithmetic step by step as torchvision does: `v / 255`, then
 * `(x - mean) / std`, with mean and std rounded to float32.
 */
function normalisationTables(config: PreprocessConfig): Float32Array[] {
  return [0, 1, 2].map((c) => {
    const mean = Math.fround(config.mean[c]);
    const std = Math.fround(config.std[c]);
    const table = new Float32Array(256);
    for (let v = 0; v < 256; v++) {
      table[v] = Math.fround(Math.fround(Math.fround(v / 255) - mean) / std);
    }
    return table;
  });
}

const tableCache = new WeakMap<PreprocessConfig, Float32Array[]>();

function tablesFor(config: PreprocessConfig): Float32Array[] {
  let tables = tableCache.get(config);
  if (!tables) {
    tables = normalisationTables(config);
    tableCache.set(config, tables);
  }
  return tables;
}

/**
 * Resizes, centre-crops and normalises an 8-bit RGB image into a CHW float
 * tensor, as torchvision's `Resize`, `CenterCrop`, `ToTensor`, `Normalize`
 * do on a PIL image.
 *
 * @param image - Decoded RGB image (HWC bytes).
 * @param config - Model preprocessing: size, crop, filter, mean, std.
 * @param options - Resampler, channel order and the 1024 pre-resize quirk.
 * @returns Float32Array of shape [3, crop, crop], planes in `channelOrder`.
 * @example
 * ```ts
 * const chw = await preprocessImage(await decodeImage(file), defaultPreprocessConfig());
 * chw.length; // 3 * 240 * 240
 * ```
 */
export async function preprocessImage(
  image: RgbImage,
  config: PreprocessConfig,
  options: ImagePreprocessOptions = {},
): Promise<Float32Array> {
  validatePreprocessConfig(config);
  const crop = config.cropSize ?? config.size;
  let pixels: PixelBuffer = { ...image, channels: 3 };

  if (options.preResizeTo1024) {
    pixels = resizeOpenCvLinear(
      pixels,
      REFERENCE_PRE_RESIZE,
      REFERENCE_PRE_RESIZE,
    );
  }
  const target = resizedSize(
    pixels.width,
    pixels.height,
    config.size,
    config.resizeMode,
  );
  pixels =
    options.resampler === "sharp"
      ? await resizeWithSharp(
          pixels,
          target.width,
          target.height,
          config.interpolation,
        )
      : resizePil(pixels, target.width, target.height, config.interpolation);
  pixels = centerCrop(pixels, crop);

  const tables = tablesFor(config);
  const plane = crop * crop;
  const out = new Float32Array(3 * plane);
  const order = options.channelOrder === "bgr" ? [2, 1, 0] : [0, 1, 2];
  for (let c = 0; c < 3; c++) {
    // Plane c holds source channel order[c] normalised with the statistics
    // of position c: the reference code normalises BGR data with RGB mean
    // and std, and the quirk reproduces that.
    const source = order[c];
    const table = tables[c];
    const base = c * plane;
    for (let i = 0; i < plane; i++) {
      out[base + i] = table[pixels.data[i * 3 + source]];
    }
  }
  return out;
}

/** Options of {@link preprocessMask}. */
export interface MaskPreprocessOptions {
  /**
   * Resize through 1024×1024 with OpenCV nearest (the reference quirk)
   * instead of directly with Pillow's nearest. Default false.
   */
  via1024?: boolean;
}

/**
 * Resizes a mask by nearest neighbour with the same geometry as the images
 * (resize mode and centre crop scaled to `outSize`) and binarises it
 * (value > 0 → 1).
 *
 * @param mask - Decoded one-channel mask.
 * @param config - Model preprocessing, for the resize mode and crop ratio.
 * @param outSize - Side of the output mask in pixels (for example 240, or
 *   400 for pixel metrics).
 * @param options - The 1024 quirk.
 * @returns Uint8Array of outSize·outSize values in {0, 1}, row-major.
 */
export function preprocessMask(
  mask: GrayImage,
  config: PreprocessConfig,
  outSize: number,
  options: MaskPreprocessOptions = {},
): Uint8Array {
  validatePreprocessConfig(config);
  const crop = config.cropSize ?? config.size;
  // The mask is resized so that its crop lands on outSize pixels.
  const size = Math.round((config.size * outSize) / crop);
  let pixels: PixelBuffer = { ...mask, channels: 1 };
  const target = resizedSize(
    pixels.width,
    pixels.height,
    size,
    config.resizeMode,
  );

  if (options.via1024) {
    pixels = resizeOpenCvNearest(
      pixels,
      REFERENCE_PRE_RESIZE,
      REFERENCE_PRE_RESIZE,
    );
    const fromSquare = resizedSize(
      pixels.width,
      pixels.height,
      size,
      config.resizeMode,
    );
    pixels = resizeOpenCvNearest(pixels, fromSquare.width, fromSquare.height);
  } else {
    pixels = resizePil(pixels, target.width, target.height, "nearest");
  }
  pixels = centerCrop(pixels, outSize);

  const out = new Uint8Array(outSize * outSize);
  for (let i = 0; i < out.length; i++) out[i] = pixels.data[i] > 0 ? 1 : 0;
  return out;
}
