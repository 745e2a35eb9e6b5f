/**
 * The `open_clip_config.json` file of an OpenCLIP hub model directory:
 * `{model_cfg: {embed_dim, quick_gelu?, vision_cfg, text_cfg},
 * preprocess_cfg: {mean, std, interpolation?, resize_mode?, size?}}`.
 */

import { defaultPreprocess } from "../architecture/builtin";
import type { ClipArchitecture, PreprocessConfig } from "../architecture/types";
import {
  validateArchitecture,
  validatePreprocess,
} from "../architecture/validate";

/** Architecture and preprocessing described by a checkpoint's config file. */
export interface CheckpointConfig {
  /** Architecture; its name comes from the caller since the file stores none. */
  architecture: ClipArchitecture;
  /** Preprocessing, with OpenCLIP's defaults for fields the file omits. */
  preprocess: PreprocessConfig;
}

/**
 * Defaults of open_clip's `CLIPVisionCfg` and `CLIPTextCfg` dataclasses
 * (`src/open_clip/model.py`), used for fields a config file omits.
 */
const VISION_DEFAULTS = {
  layers: 12,
  width: 768,
  head_width: 64,
  mlp_ratio: 4,
  patch_size: 16,
  image_size: 224,
};
const TEXT_DEFAULTS = {
  context_length: 77,
  vocab_size: 49408,
  width: 512,
  heads: 8,
  layers: 12,
  mlp_ratio: 4,
};

/**
 * Options that change the network without changing the set of weight tensors,
 * so the tensor check cannot catch them. Each maps to the only value this
 * package implements (`undefined` and `null` are accepted as "not set").
 */
const VISION_FIXED_OPTIONS: Record<string, unknown> = {
  timm_model_name: null,
  hf_model_name: null,
  attentional_pool: false,
  global_average_pool: false,
  final_ln_after_pool: false,
  no_ln_pre: false,
  input_patchnorm: false,
  pool_type: "tok",
  pos_embed_type: "learnable",
  act_kwargs: null,
  norm_kwargs: null,
};
const TEXT_FIXED_OPTIONS: Record<string, unknown> = {
  hf_model_name: null,
  embed_cls: false,
  no_causal_mask: false,
  pool_type: "argmax",
  proj_type: "linear",
  proj_bias: false,
  act_kwargs: null,
  norm_kwargs: null,
};

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function checkFixedOptions(
  section: JsonObject,
  fixed: Record<string, unknown>,
  prefix: string,
  problems: string[],
): void {
  for (const [key, supported] of Object.entries(fixed)) {
    const value = section[key];
    if (value === undefined || value === null || value === supported) {
      continue;
    }
    problems.push(
      `${prefix}.${key} is ${JSON.stringify(value)}, but only ${JSON.stringify(supported)} is supported`,
    );
  }
}

/** Reads a square size that OpenCLIP may store as `n` or `[n, n]`. */
function readSquare(
  value: unknown,
  fallback: number,
  key: string,
  problems: string[],
): number {
  if (value === undefined || value === null) {
    return fallback;
  }
  if (Array.isArray(value)) {
    if (value.length === 2 && value[0] === value[1]) {
      return value[0] as number;
    }
    problems.push(
      `${key} ${JSON.stringify(value)} is not square; only square inputs are supported`,
    );
    return fallback;
  }
  return value as number;
}

function readNumber(
  section: JsonObject,
  key: string,
  fallback: number,
): number {
  const value = section[key];
  return value === undefined || value === null ? fallback : (value as number);
}

/**
 * Parses the contents of an `open_clip_config.json` file.
 *
 * Missing fields take open_clip's dataclass defaults; vision heads are
 * `width / head_width`. Options this package does not implement (timm or HF
 * towers, attention pooling, other pooling types, no causal mask, projection
 * bias) are rejected. Structural options that add or remove weight tensors,
 * such as layer scale, are caught later by the tensor check.
 *
 * @param json - Parsed JSON of the file.
 * @param name - Name to give the architecture.
 * @param label - File path used in error messages.
 * @returns Architecture and preprocessing.
 * @throws Error naming `label` and every problem found.
 */
export function parseOpenClipConfig(
  json: unknown,
  name: string,
  label: string,
): CheckpointConfig {
  if (!isObject(json) || !isObject(json.model_cfg)) {
    throw new Error(
      `invalid OpenCLIP config ${label}: expected an object with a model_cfg object`,
    );
  }

  const model = json.model_cfg;
  const vision = isObject(model.vision_cfg) ? model.vision_cfg : {};
  const text = isObject(model.text_cfg) ? model.text_cfg : {};
  const problems: string[] = [];

  if (!isObject(model.vision_cfg)) {
    problems.push("model_cfg.vision_cfg must be an object");
  }
  if (!isObject(model.text_cfg)) {
    problems.push("model_cfg.text_cfg must be an object");
  }
  if (Array.isArray(vision.layers)) {
    problems.push(
      "model_cfg.vision_cfg.layers is a list, which means a ResNet tower; only ViT towers are supported",
    );
  }
  checkFixedOptions(
    vision,
    VISION_FIXED_OPTIONS,
    "model_cfg.vision_cfg",
    problems,
  );
  checkFixedOptions(text, TEXT_FIXED_OPTIONS, "model_cfg.text_cfg", problems);
  if (model.custom_text === true && text.hf_model_name) {
    problems.push(
      "model_cfg.custom_text with an HF text tower is not supported",
    );
  }

  const imageSize = readSquare(
    vision.image_size,
    VISION_DEFAULTS.image_size,
    "model_cfg.vision_cfg.image_size",
    problems,
  );
  const patchSize = readSquare(
    vision.patch_size,
    VISION_DEFAULTS.patch_size,
    "model_cfg.vision_cfg.patch_size",
    problems,
  );
  const width = readNumber(vision, "width", VISION_DEFAULTS.width);
  const headWidth = readNumber(
    vision,
    "head_width",
    VISION_DEFAULTS.head_width,
  );

  if (problems.length > 0) {
    throw new Error(
      `unsupported OpenCLIP config ${label}: ${problems.join("; ")}`,
    );
  }

  const architecture: ClipArchitecture = {
    name,
    embedDim: model.embed_dim as number,
    activation: model.quick_gelu === true ? "quick_gelu" : "gelu",
    vision: {
      imageSize,
      patchSize,
      width,
      layers: readNumber(vision, "layers", VISION_DEFAULTS.layers),
      heads: width / headWidth,
      mlpRatio: readNumber(vision, "mlp_ratio", VISION_DEFAULTS.mlp_ratio),
    },
    text: {
      contextLength: readNumber(
        text,
        "context_length",
        TEXT_DEFAULTS.context_length,
      ),
      vocabSize: readNumber(text, "vocab_size", TEXT_DEFAULTS.vocab_size),
      width: readNumber(text, "width", TEXT_DEFAULTS.width),
      heads: readNumber(text, "heads", TEXT_DEFAULTS.heads),
      layers: readNumber(text, "layers", TEXT_DEFAULTS.layers),
      mlpRatio: readNumber(text, "mlp_ratio", TEXT_DEFAULTS.mlp_ratio),
    },
  };

  try {
    validateArchitecture(architecture);
  } catch (error) {
    throw new Error(
      `invalid OpenCLIP config ${label}: ${(error as Error).message}`,
    );
  }

  const preprocess = parsePreprocess(json.preprocess_cfg, imageSize, label);
  return { architecture, preprocess };
}

function parsePreprocess(
  value: unknown,
  imageSize: number,
  label: string,
): PreprocessConfig {
  const preprocess = defaultPreprocess(imageSize);
  if (value === undefined || value === null) {
    return preprocess;
  }
  if (!isObject(value)) {
    throw new Error(
      `invalid OpenCLIP config ${label}: preprocess_cfg must be an object`,
    );
  }

  const problems: string[] = [];
  if (value.mean !== undefined) {
    preprocess.mean = value.mean as [number, number, number];
  }
  if (value.std !== undefined) {
    preprocess.std = value.std as [number, number, number];
  }
  if (value.interpolation !== undefined) {
    preprocess.interpolation =
      value.interpolation as PreprocessConfig["interpolation"];
  }
  if (value.resize_mode !== undefined) {
    preprocess.resizeMode = value.resize_mode as PreprocessConfig["resizeMode"];
  }
  if (value.size !== undefined) {
    preprocess.size = readSquare(
      value.size,
      imageSize,
      "preprocess_cfg.size",
      problems,
    );
  }
  if (problems.length > 0) {
    throw new Error(
      `unsupported OpenCLIP config ${label}: ${problems.join("; ")}`,
    );
  }

  validatePreprocess(preprocess, label);
  return preprocess;
}

/**
 * Builds the contents of an `open_clip_config.json` file that open_clip
 * (`create_model` with a `hf-hub:` or local config) reads back as the same
 * architecture.
 *
 * @param arch - Architecture to describe; vision heads become `head_width`.
 * @param preprocess - Preprocessing to record.
 * @returns A plain JSON object.
 */
export function toOpenClipConfig(
  arch: ClipArchitecture,
  preprocess: PreprocessConfig,
): Record<string, unknown> {
  const modelCfg: Record<string, unknown> = {
    embed_dim: arch.embedDim,
    vision_cfg: {
      image_size: arch.vision.imageSize,
      layers: arch.vision.layers,
      width: arch.vision.width,
      head_width: arch.vision.width / arch.vision.heads,
      patch_size: arch.vision.patchSize,
      mlp_ratio: arch.vision.mlpRatio,
    },
    text_cfg: {
      context_length: arch.text.contextLength,
      vocab_size: arch.text.vocabSize,
      width: arch.text.width,
      heads: arch.text.heads,
      layers: arch.text.layers,
      mlp_ratio: arch.text.mlpRatio,
    },
  };
  if (arch.activation === "quick_gelu") {
    modelCfg.quick_gelu = true;
  }

  return {
    model_cfg: modelCfg,
    preprocess_cfg: {
      mean: [...preprocess.mean],
      std: [...preprocess.std],
      interpolation: preprocess.interpolation,
      resize_mode: preprocess.resizeMode,
      size: preprocess.size,
    },
  };
}
