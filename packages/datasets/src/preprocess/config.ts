import type { Interpolation } from "./resample-pil";

/**
 * Image preprocessing of a CLIP checkpoint. Structurally compatible with the
 * checkpoint readers' preprocessing record (`size`, `mean`, `std`,
 * `interpolation`, `resizeMode`), so their value can be passed as is.
 */
export interface PreprocessConfig {
  /**
   * Resize target in pixels: both sides for `squash`, the shorter side for
   * `shortest`. Also the crop size unless `cropSize` is set.
   */
  size: number;
  /** Per-channel mean subtracted after scaling to [0, 1], RGB order. */
  mean: readonly [number, number, number];
  /** Per-channel standard deviation divided by, RGB order. */
  std: readonly [number, number, number];
  /** Resize filter. */
  interpolation: Interpolation;
  /**
   * `shortest`: scale the shorter side to `size` keeping the aspect ratio;
   * `squash`: scale both sides to `size`, ignoring the aspect ratio.
   */
  resizeMode: "shortest" | "squash";
  /** Side of the centre crop after resizing, in pixels; defaults to `size`. */
  cropSize?: number;
}

/**
 * Returns the preprocessing of OpenCLIP `ViT-B-16-plus-240` as used by
 * PromptAD: both sides resized to 240 with bicubic filtering, centre crop
 * 240 (then a no-op), CLIP's mean and std (OpenAI CLIP,
 * `clip/clip.py`, `_transform`).
 *
 * @returns A new config object.
 */
export function defaultPreprocessConfig(): PreprocessConfig {
  return {
    size: 240,
    mean: [0.48145466, 0.4578275, 0.40821073],
    std: [0.26862954, 0.26130258, 0.27577711],
    interpolation: "bicubic",
    resizeMode: "squash",
    cropSize: 240,
  };
}

/**
 * Behaviours of the PromptAD reference code that change published numbers.
 * Each is off by default; {@link referenceQuirks} switches all on.
 */
export interface ReferenceQuirks {
  /**
   * Resize every image to 1024×1024 with OpenCV bilinear filtering (and
   * every mask with OpenCV nearest) before the model's preprocessing, as
   * the reference data loader does.
   */
  preResizeTo1024: boolean;
  /**
   * Feed test images in BGR channel order: the reference loader reads with
   * OpenCV (BGR) and converts only training images to RGB.
   */
  bgrTestImages: boolean;
  /**
   * Resize masks for pixel metrics from the 1024×1024 pre-resized mask to
   * the output size by OpenCV nearest, instead of from the original mask.
   */
  masksVia1024: boolean;
}

/** Side length of the reference loader's first resize, in pixels. */
export const REFERENCE_PRE_RESIZE = 1024;

/**
 * Returns the quirks preset that reproduces the reference pipeline: all on.
 *
 * @returns A new object.
 */
export function referenceQuirks(): ReferenceQuirks {
  return { preResizeTo1024: true, bgrTestImages: true, masksVia1024: true };
}

/**
 * Returns the default quirks: all off.
 *
 * @returns A new object.
 */
export function noQuirks(): ReferenceQuirks {
  return { preResizeTo1024: false, bgrTestImages: false, masksVia1024: false };
}

/**
 * Checks a preprocessing config.
 *
 * @param config - Config to check.
 * @throws Error naming the invalid field, its value and the valid range.
 */
export function validatePreprocessConfig(config: PreprocessConfig): void {
  const crop = config.cropSize ?? config.size;
  for (const [name, value] of [
    ["size", config.size],
    ["cropSize", crop],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new Error(
        `invalid preprocessing ${name} ${value}; expected a positive integer`,
      );
    }
  }
  if (config.mean.length !== 3 || config.std.length !== 3) {
    throw new Error(
      `invalid preprocessing mean/std lengths ${config.mean.length}/` +
        `${config.std.length}; expected 3 values each (RGB)`,
    );
  }
  if (config.std.some((s) => !(s > 0))) {
    throw new Error(
      `invalid preprocessing std [${config.std.join(", ")}]; expected positive values`,
    );
  }
  if (!["bicubic", "bilinear", "nearest"].includes(config.interpolation)) {
    throw new Error(
      `invalid interpolation "${config.interpolation}"; expected bicubic, bilinear or nearest`,
    );
  }
  if (!["shortest", "squash"].includes(config.resizeMode)) {
    throw new Error(
      `invalid resizeMode "${config.resizeMode}"; expected shortest or squash`,
    );
  }
}
