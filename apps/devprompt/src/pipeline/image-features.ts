import {
  loadSample,
  referenceQuirks,
  type ImageRecord,
  type LoadedSample,
} from "@devprompt/datasets";
import type { ImageFeatures } from "@devprompt/clip-encoders";
import type { OpenModel } from "./model";

/** Options of {@link encodeRecords}. */
export interface EncodeRecordsOptions {
  /** Side of the returned masks in pixels. */
  maskSize: number;
  /** Apply every quirk of the PromptAD reference pipeline. */
  referenceQuirks: boolean;
  /** Called after each image is encoded. */
  onImage?: () => void;
}

/** Features and masks of a batch of images. */
export interface EncodedBatch {
  /** Loaded samples with masks at `maskSize`. */
  samples: LoadedSample[];
  /** Encoder outputs, L2-normalised, in sample order. */
  features: ImageFeatures;
}

/**
 * Loads, preprocesses and encodes images.
 *
 * @param model - open model
 * @param records - images to encode, at least one
 * @param options - mask size, quirks, progress callback
 * @returns samples and features in record order
 */
export async function encodeRecords(
  model: OpenModel,
  records: readonly ImageRecord[],
  options: EncodeRecordsOptions,
): Promise<EncodedBatch> {
  const quirks = options.referenceQuirks ? referenceQuirks() : undefined;
  const samples: LoadedSample[] = [];
  for (const record of records) {
    samples.push(
      await loadSample(record, {
        config: model.preprocess,
        maskSize: options.maskSize,
        quirks,
      }),
    );
  }

  const imageLength = samples[0].image.length;
  const pixels = new Float32Array(samples.length * imageLength);
  samples.forEach((sample, i) => pixels.set(sample.image, i * imageLength));
  const features = await model.imageEncoder.encode(pixels, samples.length);
  for (let i = 0; i < samples.length; i++) options.onImage?.();
  return { samples, features };
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
