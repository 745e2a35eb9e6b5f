/** Activation of the transformer MLPs: GELU (erf form) or OpenAI's QuickGELU, x·σ(1.702x). */
export type Activation = "gelu" | "quick_gelu";

/** Vision tower of a ViT CLIP model. */
export interface VisionConfig {
  /** Input side length in pixels (square input). */
  imageSize: number;
  /** Patch side length in pixels; the token grid is imageSize / patchSize per side. */
  patchSize: number;
  /** Residual stream width (channels per token). */
  width: number;
  /** Number of residual attention blocks. */
  layers: number;
  /** Number of attention heads; width must be divisible by it. */
  heads: number;
  /** MLP hidden width as a multiple of width (4 for every CLIP release). */
  mlpRatio: number;
}

/** Text tower of a CLIP model. */
export interface TextConfig {
  /** Token positions per prompt (77 for every CLIP release). */
  contextLength: number;
  /** Rows of the token embedding table (49 408 for CLIP's BPE). */
  vocabSize: number;
  /** Residual stream width. */
  width: number;
  /** Number of attention heads. */
  heads: number;
  /** Number of residual attention blocks. */
  layers: number;
  /** MLP hidden width as a multiple of width. */
  mlpRatio: number;
}

/** A CLIP architecture as data: the shapes every weight tensor must have. */
export interface ClipArchitecture {
  /** Registry name, for example `ViT-B-16-plus-240`. */
  name: string;
  /** Width of the joint image-text embedding space. */
  embedDim: number;
  /** MLP activation of both towers. */
  activation: Activation;
  /** Vision tower. */
  vision: VisionConfig;
  /** Text tower. */
  text: TextConfig;
}

/** Image preprocessing a checkpoint was trained with. */
export interface PreprocessConfig {
  /** Output side length in pixels after resize and centre crop. */
  size: number;
  /** Per-channel mean subtracted after scaling to [0, 1], RGB order. */
  mean: [number, number, number];
  /** Per-channel standard deviation divided by, RGB order. */
  std: [number, number, number];
  /** Resize filter. */
  interpolation: "bicubic" | "bilinear" | "nearest";
  /**
   * `shortest`: scale the shorter side to `size`, then centre crop;
   * `squash`: scale both sides to `size`, ignoring the aspect ratio.
   */
  resizeMode: "shortest" | "squash";
}

/** Storage type of a tensor in a safetensors file. */
export type SourceDtype = "F32" | "F16" | "BF16";

/** One weight tensor, converted to float32 in row-major (C) order. */
export interface WeightTensor {
  /** Dimensions, outermost first; `[]` for a scalar. */
  shape: number[];
  /** Row-major values; length is the product of `shape` (1 for a scalar). */
  data: Float32Array;
  /** Type the tensor was stored as before conversion. */
  sourceDtype: SourceDtype;
}

/** Weights keyed by OpenCLIP state-dict name, for example `visual.conv1.weight`. */
export type WeightMap = Map<string, WeightTensor>;

/** A loaded, validated checkpoint. */
export interface ClipCheckpoint {
  /** Architecture the weights were validated against. */
  architecture: ClipArchitecture;
  /** Preprocessing recorded with the checkpoint. */
  preprocess: PreprocessConfig;
  /** Every tensor of the model under its OpenCLIP name. */
  weights: WeightMap;
  /** Hex SHA-256 of the weights file, used as a cache key and in saved runs. */
  weightsHash: string;
  /** Directory the checkpoint was read from. */
  directory: string;
}
