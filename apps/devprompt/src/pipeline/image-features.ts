import {
  loadSample,
  referenceQuirks,
  type ImageRecord,
  type LoadedSample,
  type SkippedFile,
} from "@devprompt/datasets";
import type { ImageFeatures } from "@devprompt/clip-encoders";
import type { OpenModel } from "./model";

/** Options of {@link encodeRecords}. */
export interface EncodeRecordsOptions {
  /** Side of the returned masks in pixels. */
  maskSize: number;
  /** Apply every quirk of the PromptAD reference pipeline. */
  referenceQuirks: boolean;
  /** Called after each image is encoded or skipped. */
  onImage?: () => void;
}

/** Features and masks of a batch of images. */
export interface EncodedBatch {
  /** Loaded samples with masks at `maskSize`. */
  samples: LoadedSample[];
  /** Encoder outputs, L2-normalised, in sample order. */
  features: ImageFeatures;
}

/** Result of {@link encodeReadableRecords}. */
export interface ReadableBatch {
  /** Samples and features of the readable records; absent when none was. */
  batch?: EncodedBatch;
  /** Records that could not be read, with the reason, in record order. */
  skipped: SkippedFile[];
}

/**
 * Loads, preprocesses and encodes images.
 *
 * @param model - open model
 * @param records - images to encode, at least one
 * @param options - mask size, quirks, progress callback
 * @returns samples and features in record order
 * @throws Error naming the file when an image or its mask cannot be read
 */
export async function encodeRecords(
  model: OpenModel,
  records: readonly ImageRecord[],
  options: EncodeRecordsOptions,
): Promise<EncodedBatch> {
  const { batch } = await loadAndEncode(model, records, options, false);
  if (batch === undefined) throw new Error("no images to encode");
  return batch;
}

/**
 * Like {@link encodeRecords}, but leaves out images (or image and mask
 * pairs) that cannot be read and lists them instead of throwing.
 *
 * @param model - open model
 * @param records - images to encode
 * @param options - mask size, quirks, progress callback
 * @returns the encoded readable records and the skipped ones
 */
export function encodeReadableRecords(
  model: OpenModel,
  records: readonly ImageRecord[],
  options: EncodeRecordsOptions,
): Promise<ReadableBatch> {
  return loadAndEncode(model, records, options, true);
}

async function loadAndEncode(
  model: OpenModel,
  records: readonly ImageRecord[],
  options: EncodeRecordsOptions,
  skipBad: boolean,
): Promise<ReadableBatch> {
  const quirks = options.referenceQuirks ? referenceQuirks() : undefined;
  const samples: LoadedSample[] = [];
  const skipped: SkippedFile[] = [];
  for (const record of records) {
    try {
      samples.push(
        await loadSample(record, {
          config: model.preprocess,
          maskSize: options.maskSize,
          quirks,
        }),
      );
    } catch (error) {
      if (!skipBad) throw error;
      skipped.push({ record, reason: (error as Error).message });
      options.onImage?.();
    }
  }
  if (samples.length === 0) return { skipped };

  const imageLength = samples[0].image.length;
  const pixels = new Float32Array(samples.length * imageLength);
  samples.forEach((sample, i) => pixels.set(sample.image, i * imageLength));
  const features = await model.imageEncoder.encode(pixels, samples.length);
  for (let i = 0; i < samples.length; i++) options.onImage?.();
  return { batch: { samples, features }, skipped };
}

/**
 * Returns the rows of image `index` of a `[N, rows, dim]` feature array.
 *
 * @param data - features of N images, row-major
 * @param index - image index
 * @param rowsPerImage - rows × dim values per image
 * @returns a view on the image's values
 */
export function imageSlice(
  data: Float32Array,
  index: number,
  rowsPerImage: number,
): Float32Array {
  return data.subarray(index * rowsPerImage, (index + 1) * rowsPerImage);
}
