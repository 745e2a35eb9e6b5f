import type { ClipArchitecture, PreprocessConfig } from "./types";

/**
 * Image statistics of OpenAI's CLIP training set, RGB order, applied after
 * scaling pixels to [0, 1]. Source: `OPENAI_DATASET_MEAN` and
 * `OPENAI_DATASET_STD` in open_clip `src/open_clip/constants.py`.
 */
export const OPENAI_CLIP_MEAN: readonly [number, number, number] =
  Object.freeze([0.48145466, 0.4578275, 0.40821073] as const);

/** Standard deviations matching {@link OPENAI_CLIP_MEAN}. */
export const OPENAI_CLIP_STD: readonly [number, number, number] = Object.freeze(
  [0.26862954, 0.26130258, 0.27577711] as const,
);

/**
 * One registry record: an architecture and the preprocessing its released
 * weights expect.
 *
 * @internal
 */
export interface ArchitectureRecord {
  architecture: ClipArchitecture;
  preprocess: PreprocessConfig;
}

/** OpenCLIP's preprocessing defaults for a square input of `size` pixels. */
function openAiPreprocess(size: number): PreprocessConfig {
  return {
    size,
    mean: [...OPENAI_CLIP_MEAN],
    std: [...OPENAI_CLIP_STD],
    interpolation: "bicubic",
    resizeMode: "shortest",
  };
}

/** Text tower shared by the OpenAI-sized base models (open_clip text_cfg). */
function textTower(width: number, heads: number) {
  return {
    contextLength: 77,
    vocabSize: 49408,
    width,
    heads,
    layers: 12,
    mlpRatio: 4,
  };
}

/**
 * Built-in architectures.
 *
 * Source: the JSON files of the same name in open_clip
 * `src/open_clip/model_configs/` (`embed_dim`, `vision_cfg`, `text_cfg`,
 * `quick_gelu`). OpenCLIP derives vision heads as `width / head_width` with
 * `head_width` 64, its default, and every config here uses `mlp_ratio` 4.
 * OpenAI's released weights were trained with QuickGELU, so they need the
 * `-quickgelu` variants. The plain names use GELU, as the open_clip JSON
 * files do, which fits the LAION-trained weights. `test-tiny` is no released model: it is a
 * small architecture for unit tests, with the real text vocabulary and context
 * so the tokenizer's ids stay valid.
 */
function builtinRecords(): ArchitectureRecord[] {
  const records: ArchitectureRecord[] = [];

  const add = (architecture: ClipArchitecture): void => {
    records.push({
      architecture,
      preprocess: openAiPreprocess(architecture.vision.imageSize),
    });
  };

  // The method's default backbone, trained on LAION-400M (laion400m_e31/e32).
  add({
    name: "ViT-B-16-plus-240",
    embedDim: 640,
    activation: "gelu",
    vision: {
      imageSize: 240,
      patchSize: 16,
      width: 896,
      layers: 12,
      heads: 14,
      mlpRatio: 4,
    },
    text: textTower(640, 10),
  });

  const base = (name: string, patchSize: number): ClipArchitecture => ({
    name,
    embedDim: 512,
    activation: "gelu",
    vision: {
      imageSize: 224,
      patchSize,
      width: 768,
      layers: 12,
      heads: 12,
      mlpRatio: 4,
    },
    text: textTower(512, 8),
  });

  const large = (name: string, imageSize: number): ClipArchitecture => ({
    name,
    embedDim: 768,
    activation: "gelu",
    vision: {
      imageSize,
      patchSize: 14,
      width: 1024,
      layers: 24,
      heads: 16,
      mlpRatio: 4,
    },
    text: textTower(768, 12),
  });

  const plain = [
    base("ViT-B-16", 16),
    base("ViT-B-32", 32),
    large("ViT-L-14", 224),
    large("ViT-L-14-336", 336),
  ];

  for (const architecture of plain) {
    add(architecture);
    add({
      ...architecture,
      name: `${architecture.name}-quickgelu`,
      activation: "quick_gelu",
    });
  }

  // Unit-test architecture: 12 vision blocks so block-index options (taps
  // after blocks 2 and 7) are meaningful, everything else as small as possible.
  add({
    name: "test-tiny",
    embedDim: 24,
    activation: "gelu",
    vision: {
      imageSize: 32,
      patchSize: 8,
      width: 32,
      layers: 12,
      heads: 2,
      mlpRatio: 4,
    },
    text: {
      contextLength: 77,
      vocabSize: 49408,
      width: 32,
      heads: 2,
      layers: 3,
      mlpRatio: 4,
    },
  });

  return records;
}

/**
 * Returns fresh copies of the built-in records.
 *
 * @internal
 */
export function createBuiltinRecords(): ArchitectureRecord[] {
  return builtinRecords();
}

/**
 * Returns OpenCLIP's default preprocessing for a square input: OpenAI mean
 * and std, bicubic resize of the shorter side to `size`, then a centre crop.
 *
 * @param size - Input side length in pixels.
 * @returns A new record; callers may modify it.
 */
export function defaultPreprocess(size: number): PreprocessConfig {
  return openAiPreprocess(size);
}
