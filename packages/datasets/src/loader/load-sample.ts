import { decodeImage, decodeMask } from "../decode/decode-image";
import {
  noQuirks,
  type PreprocessConfig,
  type ReferenceQuirks,
} from "../preprocess/config";
import {
  preprocessImage,
  preprocessMask,
  type Resampler,
} from "../preprocess/preprocess";
import type { ImageRecord, Logger } from "../types";

/** Options shared by {@link loadSample} and the batch loader. */
export interface SampleOptions {
  /** Model preprocessing (size, crop, filter, mean, std). */
  config: PreprocessConfig;
  /** Side of the output masks in pixels; defaults to the crop size. */
  maskSize?: number;
  /** Reference-code quirks to apply; missing fields are off. */
  quirks?: Partial<ReferenceQuirks>;
  /** Resize implementation. Default `pil` (matches Pillow exactly). */
  resampler?: Resampler;
  /** Receives warnings (dropped alpha channels). */
  logger?: Logger;
}

/** A preprocessed image with its mask. */
export interface LoadedSample {
  /** The record this sample was loaded from. */
  record: ImageRecord;
  /** Float32Array of shape [3, crop, crop]. */
  image: Float32Array;
  /** Uint8Array of maskSize·maskSize values in {0, 1}. */
  mask: Uint8Array;
  /**
   * True when `mask` is ground truth: a normal image (all zeros by
   * definition) or a decoded mask file; false for an anomalous image
   * without a mask file.
   */
  maskValid: boolean;
}

/**
 * Loads and preprocesses one image and its mask. Normal images get an
 * all-zero mask without a file. With the `bgrTestImages` quirk, test-split
 * images are passed in BGR order.
 *
 * @param record - Image to load.
 * @param options - Preprocessing, mask size, quirks, resampler, logger.
 * @returns The preprocessed sample.
 * @throws ImageDecodeError naming the file when the image or mask cannot be
 *   decoded; Error naming both files when the mask size differs from the
 *   image size.
 */
export async function loadSample(
  record: ImageRecord,
  options: SampleOptions,
): Promise<LoadedSample> {
  const quirks = { ...noQuirks(), ...options.quirks };
  const config = options.config;
  const maskSize = options.maskSize ?? config.cropSize ?? config.size;

  const decoded = await decodeImage(record.path, { logger: options.logger });
  const image = await preprocessImage(decoded, config, {
    resampler: options.resampler,
    channelOrder:
      quirks.bgrTestImages && record.split === "test" ? "bgr" : "rgb",
    preResizeTo1024: quirks.preResizeTo1024,
  });

  let mask: Uint8Array = new Uint8Array(maskSize * maskSize);
  let maskValid = record.label === 0;
  if (record.maskPath) {
    const rawMask = await decodeMask(record.maskPath);
    if (rawMask.width !== decoded.width || rawMask.height !== decoded.height) {
      throw new Error(
        `mask ${record.maskPath} is ${rawMask.width}x${rawMask.height} but image ` +
          `${record.path} is ${decoded.width}x${decoded.height}; expected equal sizes. ` +
          "Fix or remove the pair, or skip unreadable files (loader option skipBad; --skip-bad in the devprompt CLI).",
      );
    }
    mask = preprocessMask(rawMask, config, maskSize, {
      via1024: quirks.masksVia1024,
    });
    maskValid = true;
  }
  return { record, image, mask, maskValid };
}
