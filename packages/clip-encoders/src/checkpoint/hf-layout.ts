/**
 * The Hugging Face transformers `CLIPModel` layout: `config.json`,
 * `model.safetensors` and optionally `preprocessor_config.json`.
 *
 * Key names follow transformers' `modeling_clip.py`. Attention has separate
 * `q_proj`, `k_proj` and `v_proj` linears, which OpenCLIP packs row-wise into
 * `in_proj_weight` (q rows first). The projections are `nn.Linear` layers
 * without bias stored as [embed, width], the transpose of OpenCLIP's
 * `visual.proj` and `text_projection` matrices.
 */

import { defaultPreprocess } from "../architecture/builtin";
import type {
  Activation,
  ClipArchitecture,
  PreprocessConfig,
  WeightMap,
  WeightTensor,
} from "../architecture/types";
import {
  validateArchitecture,
  validatePreprocess,
} from "../architecture/validate";
import { expectedWeightShapes } from "../architecture/weight-shapes";
import type { CheckpointConfig } from "./open-clip-config";
import {
  writeCheckpointDirectory,
  type SaveCheckpointInput,
  type SaveCheckpointOptions,
} from "./save";
import { validateWeights } from "./validate-weights";

/** Config file of the HF layout. */
export const HF_CONFIG_FILE = "config.json";
/** Weights file of the HF layout. */
export const HF_WEIGHTS_FILE = "model.safetensors";
/** Optional image-processor file of the HF layout. */
export const HF_PREPROCESSOR_FILE = "preprocessor_config.json";

/**
 * Defaults of transformers' `CLIPTextConfig` and `CLIPVisionConfig`, used for
 * fields a `config.json` omits (older files list only non-default values).
 */
const HF_TEXT_DEFAULTS = {
  vocab_size: 49408,
  hidden_size: 512,
  intermediate_size: 2048,
  num_hidden_layers: 12,
  num_attention_heads: 8,
  max_position_embeddings: 77,
  hidden_act: "quick_gelu",
  layer_norm_eps: 1e-5,
};
const HF_VISION_DEFAULTS = {
  hidden_size: 768,
  intermediate_size: 3072,
  num_hidden_layers: 12,
  num_attention_heads: 12,
  num_channels: 3,
  image_size: 224,
  patch_size: 32,
  hidden_act: "quick_gelu",
  layer_norm_eps: 1e-5,
};
const HF_PROJECTION_DIM_DEFAULT = 512;

/** PIL resampling codes stored as `resample` in `preprocessor_config.json`. */
const PIL_RESAMPLE: Record<number, PreprocessConfig["interpolation"]> = {
  0: "nearest",
  2: "bilinear",
  3: "bicubic",
};

/** Buffers that older transformers versions saved; they hold no weights. */
const HF_IGNORED_KEY = /(^|\.)position_ids$/;

/** Tensor names inside one residual block: HF suffix to OpenCLIP suffix. */
const BLOCK_KEYS: Array<[string, string]> = [
  ["layer_norm1.weight", "ln_1.weight"],
  ["layer_norm1.bias", "ln_1.bias"],
  ["self_attn.out_proj.weight", "attn.out_proj.weight"],
  ["self_attn.out_proj.bias", "attn.out_proj.bias"],
  ["layer_norm2.weight", "ln_2.weight"],
  ["layer_norm2.bias", "ln_2.bias"],
  ["mlp.fc1.weight", "mlp.c_fc.weight"],
  ["mlp.fc1.bias", "mlp.c_fc.bias"],
  ["mlp.fc2.weight", "mlp.c_proj.weight"],
  ["mlp.fc2.bias", "mlp.c_proj.bias"],
];

/** Tensors outside the blocks: HF name, OpenCLIP name, stored transposed. */
const STEM_KEYS: Array<[string, string, boolean]> = [
  ["vision_model.embeddings.class_embedding", "visual.class_embedding", false],
  [
    "vision_model.embeddings.patch_embedding.weight",
    "visual.conv1.weight",
    false,
  ],
  [
    "vision_model.embeddings.position_embedding.weight",
    "visual.positional_embedding",
    false,
  ],
  // "layrnorm" is transformers' own spelling of this key.
  ["vision_model.pre_layrnorm.weight", "visual.ln_pre.weight", false],
  ["vision_model.pre_layrnorm.bias", "visual.ln_pre.bias", false],
  ["vision_model.post_layernorm.weight", "visual.ln_post.weight", false],
  ["vision_model.post_layernorm.bias", "visual.ln_post.bias", false],
  ["visual_projection.weight", "visual.proj", true],
  [
    "text_model.embeddings.token_embedding.weight",
    "token_embedding.weight",
    false,
  ],
  [
    "text_model.embeddings.position_embedding.weight",
    "positional_embedding",
    false,
  ],
  ["text_model.final_layer_norm.weight", "ln_final.weight", false],
  ["text_model.final_layer_norm.bias", "ln_final.bias", false],
  ["text_projection.weight", "text_projection", true],
  ["logit_scale", "logit_scale", false],
];

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Calls `visit` for every block prefix pair of both towers. */
function forEachBlock(
  arch: ClipArchitecture,
  visit: (hfPrefix: string, openClipPrefix: string) => void,
): void {
  for (let i = 0; i < arch.vision.layers; i++) {
    visit(
      `vision_model.encoder.layers.${i}`,
      `visual.transformer.resblocks.${i}`,
    );
  }
  for (let i = 0; i < arch.text.layers; i++) {
    visit(`text_model.encoder.layers.${i}`, `transformer.resblocks.${i}`);
  }
}

/**
 * Lists every tensor of a CLIP model under its HF `CLIPModel` name, with its
 * shape.
 *
 * @param arch - Architecture to describe.
 * @returns A new map from HF name to shape.
 */
export function expectedHfWeightShapes(
  arch: ClipArchitecture,
): Map<string, number[]> {
  const openClip = expectedWeightShapes(arch);
  const shapes = new Map<string, number[]>();

  for (const [hfName, openClipName, transposed] of STEM_KEYS) {
    const shape = openClip.get(openClipName)!;
    shapes.set(hfName, transposed ? [shape[1], shape[0]] : shape);
  }

  forEachBlock(arch, (hf, oc) => {
    const width = openClip.get(`${oc}.ln_1.weight`)![0];
    for (const part of ["q", "k", "v"]) {
      shapes.set(`${hf}.self_attn.${part}_proj.weight`, [width, width]);
      shapes.set(`${hf}.self_attn.${part}_proj.bias`, [width]);
    }
    for (const [hfSuffix, ocSuffix] of BLOCK_KEYS) {
      shapes.set(`${hf}.${hfSuffix}`, openClip.get(`${oc}.${ocSuffix}`)!);
    }
  });

  return shapes;
}

/** Returns true for HF keys that are buffers rather than weights. */
export function isIgnoredHfKey(name: string): boolean {
  return HF_IGNORED_KEY.test(name);
}

function transpose(tensor: WeightTensor): WeightTensor {
  const [rows, cols] = tensor.shape;
  const data = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      data[c * rows + r] = tensor.data[r * cols + c];
    }
  }
  return { shape: [cols, rows], data, sourceDtype: tensor.sourceDtype };
}

function concatRows(parts: WeightTensor[]): WeightTensor {
  const total = parts.reduce((sum, part) => sum + part.data.length, 0);
  const data = new Float32Array(total);
  let offset = 0;
  for (const part of parts) {
    data.set(part.data, offset);
    offset += part.data.length;
  }
  const shape = [...parts[0].shape];
  shape[0] = parts.reduce((sum, part) => sum + part.shape[0], 0);
  return { shape, data, sourceDtype: parts[0].sourceDtype };
}

function splitRows(tensor: WeightTensor, count: number): WeightTensor[] {
  const rows = tensor.shape[0] / count;
  const size = tensor.data.length / count;
  return Array.from({ length: count }, (_, i) => ({
    shape: [rows, ...tensor.shape.slice(1)],
    data: tensor.data.slice(i * size, (i + 1) * size),
    sourceDtype: tensor.sourceDtype,
  }));
}

/**
 * Converts weights under HF `CLIPModel` names to OpenCLIP names: q, k, v
 * projections are packed into `in_proj_weight`/`in_proj_bias` and the two
 * projection matrices are transposed. The input must already match
 * {@link expectedHfWeightShapes}.
 *
 * @param hfWeights - Weights under HF names.
 * @param arch - Architecture they belong to.
 * @returns Weights under OpenCLIP names, in {@link expectedWeightShapes} order.
 */
export function hfToOpenClipWeights(
  hfWeights: WeightMap,
  arch: ClipArchitecture,
): WeightMap {
  const converted = new Map<string, WeightTensor>();
  const get = (name: string): WeightTensor => {
    const tensor = hfWeights.get(name);
    if (tensor === undefined) {
      throw new Error(`HF weights have no tensor '${name}'`);
    }
    return tensor;
  };

  for (const [hfName, openClipName, transposed] of STEM_KEYS) {
    const tensor = get(hfName);
    converted.set(openClipName, transposed ? transpose(tensor) : tensor);
  }

  forEachBlock(arch, (hf, oc) => {
    const parts = (kind: "weight" | "bias") =>
      ["q", "k", "v"].map((p) => get(`${hf}.self_attn.${p}_proj.${kind}`));
    converted.set(`${oc}.attn.in_proj_weight`, concatRows(parts("weight")));
    converted.set(`${oc}.attn.in_proj_bias`, concatRows(parts("bias")));
    for (const [hfSuffix, ocSuffix] of BLOCK_KEYS) {
      converted.set(`${oc}.${ocSuffix}`, get(`${hf}.${hfSuffix}`));
    }
  });

  const ordered: WeightMap = new Map();
  for (const name of expectedWeightShapes(arch).keys()) {
    ordered.set(name, converted.get(name)!);
  }
  return ordered;
}

/**
 * Converts weights under OpenCLIP names to HF `CLIPModel` names, the inverse
 * of {@link hfToOpenClipWeights}.
 *
 * @param weights - Weights under OpenCLIP names, matching the architecture.
 * @param arch - Architecture they belong to.
 * @returns Weights under HF names, in {@link expectedHfWeightShapes} order.
 */
export function openClipToHfWeights(
  weights: WeightMap,
  arch: ClipArchitecture,
): WeightMap {
  validateWeights(arch, weights, "the weights to convert to the HF layout");
  const converted: WeightMap = new Map();

  for (const [hfName, openClipName, transposed] of STEM_KEYS) {
    const tensor = weights.get(openClipName)!;
    converted.set(hfName, transposed ? transpose(tensor) : tensor);
  }

  forEachBlock(arch, (hf, oc) => {
    const weightParts = splitRows(weights.get(`${oc}.attn.in_proj_weight`)!, 3);
    const biasParts = splitRows(weights.get(`${oc}.attn.in_proj_bias`)!, 3);
    ["q", "k", "v"].forEach((p, i) => {
      converted.set(`${hf}.self_attn.${p}_proj.weight`, weightParts[i]);
      converted.set(`${hf}.self_attn.${p}_proj.bias`, biasParts[i]);
    });
    for (const [hfSuffix, ocSuffix] of BLOCK_KEYS) {
      converted.set(`${hf}.${hfSuffix}`, weights.get(`${oc}.${ocSuffix}`)!);
    }
  });

  const ordered: WeightMap = new Map();
  for (const name of expectedHfWeightShapes(arch).keys()) {
    ordered.set(name, converted.get(name)!);
  }
  return ordered;
}

function readActivation(
  section: JsonObject,
  fallback: string,
  key: string,
  problems: string[],
): Activation | undefined {
  const value = section.hidden_act ?? fallback;
  if (value === "gelu" || value === "quick_gelu") {
    return value;
  }
  problems.push(
    `${key}.hidden_act ${JSON.stringify(value)} is not supported; expected "gelu" or "quick_gelu"`,
  );
  return undefined;
}

function field(section: JsonObject, key: string, fallback: number): number {
  const value = section[key];
  return value === undefined || value === null ? fallback : (value as number);
}

/**
 * Parses an HF `CLIPModel` `config.json` (and, when given, its
 * `preprocessor_config.json`) into an architecture and preprocessing.
 *
 * Fields the file omits take transformers' defaults. Both towers must use the
 * same activation and LayerNorm epsilon 1e-5, since the architecture record
 * has one activation and the encoders use OpenCLIP's epsilon.
 *
 * @param json - Parsed `config.json`.
 * @param preprocessorJson - Parsed `preprocessor_config.json`, or `undefined`.
 * @param name - Name to give the architecture.
 * @param label - Directory or file used in error messages.
 * @returns Architecture and preprocessing.
 * @throws Error naming `label` and every problem found.
 */
export function parseHfClipConfig(
  json: unknown,
  preprocessorJson: unknown,
  name: string,
  label: string,
): CheckpointConfig {
  if (!isObject(json)) {
    throw new Error(`invalid HF CLIP config ${label}: expected a JSON object`);
  }

  const problems: string[] = [];
  const modelType = json.model_type;
  if (modelType !== undefined && modelType !== "clip") {
    problems.push(
      `model_type is ${JSON.stringify(modelType)}; only "clip" (CLIPModel) is supported`,
    );
  }

  // transformers 4.x before 4.21 wrote *_config_dict next to *_config.
  const text = json.text_config ?? json.text_config_dict ?? {};
  const vision = json.vision_config ?? json.vision_config_dict ?? {};
  if (!isObject(text) || !isObject(vision)) {
    throw new Error(
      `invalid HF CLIP config ${label}: text_config and vision_config must be objects`,
    );
  }

  const textActivation = readActivation(
    text,
    HF_TEXT_DEFAULTS.hidden_act,
    "text_config",
    problems,
  );
  const visionActivation = readActivation(
    vision,
    HF_VISION_DEFAULTS.hidden_act,
    "vision_config",
    problems,
  );
  if (
    textActivation &&
    visionActivation &&
    textActivation !== visionActivation
  ) {
    problems.push(
      `text_config.hidden_act ${textActivation} differs from vision_config.hidden_act ${visionActivation}; both towers must use one activation`,
    );
  }

  for (const [section, key] of [
    [text, "text_config"],
    [vision, "vision_config"],
  ] as const) {
    const eps = field(section, "layer_norm_eps", 1e-5);
    if (eps !== 1e-5) {
      problems.push(`${key}.layer_norm_eps is ${eps}; only 1e-5 is supported`);
    }
  }
  if (field(vision, "num_channels", HF_VISION_DEFAULTS.num_channels) !== 3) {
    problems.push("vision_config.num_channels must be 3 (RGB)");
  }

  if (problems.length > 0) {
    throw new Error(
      `unsupported HF CLIP config ${label}: ${problems.join("; ")}`,
    );
  }

  const visionWidth = field(
    vision,
    "hidden_size",
    HF_VISION_DEFAULTS.hidden_size,
  );
  const textWidth = field(text, "hidden_size", HF_TEXT_DEFAULTS.hidden_size);
  const architecture: ClipArchitecture = {
    name,
    embedDim: field(json, "projection_dim", HF_PROJECTION_DIM_DEFAULT),
    activation: textActivation!,
    vision: {
      imageSize: field(vision, "image_size", HF_VISION_DEFAULTS.image_size),
      patchSize: field(vision, "patch_size", HF_VISION_DEFAULTS.patch_size),
      width: visionWidth,
      layers: field(
        vision,
        "num_hidden_layers",
        HF_VISION_DEFAULTS.num_hidden_layers,
      ),
      heads: field(
        vision,
        "num_attention_heads",
        HF_VISION_DEFAULTS.num_attention_heads,
      ),
      mlpRatio:
        field(
          vision,
          "intermediate_size",
          HF_VISION_DEFAULTS.intermediate_size,
        ) / visionWidth,
    },
    text: {
      contextLength: field(
        text,
        "max_position_embeddings",
        HF_TEXT_DEFAULTS.max_position_embeddings,
      ),
      vocabSize: field(text, "vocab_size", HF_TEXT_DEFAULTS.vocab_size),
      width: textWidth,
      heads: field(
        text,
        "num_attention_heads",
        HF_TEXT_DEFAULTS.num_attention_heads,
      ),
      layers: field(
        text,
        "num_hidden_layers",
        HF_TEXT_DEFAULTS.num_hidden_layers,
      ),
      mlpRatio:
        field(text, "intermediate_size", HF_TEXT_DEFAULTS.intermediate_size) /
        textWidth,
    },
  };

  try {
    validateArchitecture(architecture);
  } catch (error) {
    throw new Error(
      `invalid HF CLIP config ${label}: ${(error as Error).message}`,
    );
  }

  const preprocess = parseHfPreprocessor(
    preprocessorJson,
    architecture.vision.imageSize,
    label,
  );
  return { architecture, preprocess };
}

/** Reads a size stored as `n`, `{height, width}` or `{shortest_edge}`. */
function readHfSize(value: unknown): number | undefined {
  if (typeof value === "number") {
    return value;
  }
  if (isObject(value)) {
    if (typeof value.shortest_edge === "number") {
      return value.shortest_edge;
    }
    if (typeof value.height === "number" && value.height === value.width) {
      return value.height;
    }
  }
  return undefined;
}

function parseHfPreprocessor(
  json: unknown,
  imageSize: number,
  label: string,
): PreprocessConfig {
  const preprocess = defaultPreprocess(imageSize);
  if (json === undefined) {
    return preprocess;
  }
  if (!isObject(json)) {
    throw new Error(
      `invalid HF preprocessor config in ${label}: expected a JSON object`,
    );
  }

  if (json.image_mean !== undefined) {
    preprocess.mean = json.image_mean as [number, number, number];
  }
  if (json.image_std !== undefined) {
    preprocess.std = json.image_std as [number, number, number];
  }
  if (json.resample !== undefined) {
    const interpolation = PIL_RESAMPLE[json.resample as number];
    if (interpolation === undefined) {
      throw new Error(
        `unsupported HF preprocessor config in ${label}: resample ${JSON.stringify(json.resample)}; ` +
          "expected 0 (nearest), 2 (bilinear) or 3 (bicubic)",
      );
    }
    preprocess.interpolation = interpolation;
  }

  // CLIPImageProcessor resizes the shortest edge, then centre crops to
  // crop_size; the crop is the network input.
  const crop = readHfSize(json.crop_size) ?? readHfSize(json.size);
  if (crop !== undefined) {
    preprocess.size = crop;
  }
  if (isObject(json.size) && json.size.shortest_edge === undefined) {
    preprocess.resizeMode = "squash";
  }

  validatePreprocess(preprocess, `${label} (${HF_PREPROCESSOR_FILE})`);
  return preprocess;
}

/**
 * Builds the `config.json` of an HF `CLIPModel` for an architecture.
 *
 * @param arch - Architecture to describe.
 * @returns A plain JSON object that transformers' `CLIPConfig` reads.
 */
export function toHfClipConfig(
  arch: ClipArchitecture,
): Record<string, unknown> {
  return {
    architectures: ["CLIPModel"],
    model_type: "clip",
    projection_dim: arch.embedDim,
    logit_scale_init_value: 2.6592,
    text_config: {
      model_type: "clip_text_model",
      vocab_size: arch.text.vocabSize,
      hidden_size: arch.text.width,
      intermediate_size: arch.text.width * arch.text.mlpRatio,
      num_hidden_layers: arch.text.layers,
      num_attention_heads: arch.text.heads,
      max_position_embeddings: arch.text.contextLength,
      hidden_act: arch.activation,
      layer_norm_eps: 1e-5,
      projection_dim: arch.embedDim,
    },
    vision_config: {
      model_type: "clip_vision_model",
      hidden_size: arch.vision.width,
      intermediate_size: arch.vision.width * arch.vision.mlpRatio,
      num_hidden_layers: arch.vision.layers,
      num_attention_heads: arch.vision.heads,
      num_channels: 3,
      image_size: arch.vision.imageSize,
      patch_size: arch.vision.patchSize,
      hidden_act: arch.activation,
      layer_norm_eps: 1e-5,
      projection_dim: arch.embedDim,
    },
  };
}

/**
 * Builds the `preprocessor_config.json` of an HF `CLIPModel`.
 *
 * @param preprocess - Preprocessing to record.
 * @returns A plain JSON object that transformers' `CLIPImageProcessor` reads.
 */
export function toHfPreprocessorConfig(
  preprocess: PreprocessConfig,
): Record<string, unknown> {
  const resample = Number(
    Object.entries(PIL_RESAMPLE).find(
      ([, v]) => v === preprocess.interpolation,
    )![0],
  );
  const size =
    preprocess.resizeMode === "shortest"
      ? { shortest_edge: preprocess.size }
      : { height: preprocess.size, width: preprocess.size };
  return {
    image_processor_type: "CLIPImageProcessor",
    do_resize: true,
    size,
    resample,
    do_center_crop: true,
    crop_size: { height: preprocess.size, width: preprocess.size },
    do_rescale: true,
    rescale_factor: 1 / 255,
    do_normalize: true,
    image_mean: [...preprocess.mean],
    image_std: [...preprocess.std],
    do_convert_rgb: true,
  };
}

/**
 * Saves a checkpoint in the HF `CLIPModel` layout (`config.json`,
 * `preprocessor_config.json`, `model.safetensors`), each file atomically and
 * the weights first.
 *
 * @param directory - Destination; created when missing.
 * @param checkpoint - Architecture, preprocessing and weights under OpenCLIP names.
 * @param options - Stored dtype.
 * @returns Hex SHA-256 of the weights file.
 * @throws Error when the weights do not fit the architecture.
 */
export function saveHfCheckpoint(
  directory: string,
  checkpoint: SaveCheckpointInput,
  options: SaveCheckpointOptions = {},
): string {
  const { architecture, preprocess, weights } = checkpoint;
  return writeCheckpointDirectory(directory, checkpoint, options, {
    weightsFile: HF_WEIGHTS_FILE,
    tensors: openClipToHfWeights(weights, architecture),
    jsonFiles: [
      [HF_PREPROCESSOR_FILE, toHfPreprocessorConfig(preprocess)],
      [HF_CONFIG_FILE, toHfClipConfig(architecture)],
    ],
  });
}
