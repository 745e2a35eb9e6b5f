import {
  ClipTokenizer,
  ImageEncoder,
  tapPreset,
  validateTaps,
  createOnnxTextEncoder,
  loadCheckpoint,
  readTextTower,
  type ClipCheckpoint,
  type ImageTapConfig,
  type OnnxTextEncoder,
} from "@devprompt/clip-encoders";
import type { PreprocessConfig } from "@devprompt/datasets";
import type { TokenEmbeddingTable } from "@devprompt/prompt-learner";
import { promises as fs } from "node:fs";
import * as path from "node:path";
import type { Logger } from "../log/logger";

/** The frozen CLIP model with its encoders, ready for training or scoring. */
export interface OpenModel {
  /** Loaded checkpoint. */
  checkpoint: ClipCheckpoint;
  /** Image encoder with the V-V path; outputs are L2-normalised. */
  imageEncoder: ImageEncoder;
  /** Text encoder, differentiable in its input embeddings. */
  textEncoder: OnnxTextEncoder;
  /** Token embedding matrix `[vocabSize, width]`. */
  tokenEmbedding: TokenEmbeddingTable;
  /** CLIP `logit_scale` parameter as stored (about 4.6). */
  logitScale: number;
  /** Image preprocessing for this model, as the dataset loader takes it. */
  preprocess: PreprocessConfig;
  /** Original-path taps of the visual memory, as the image graph uses them. */
  taps: ImageTapConfig;
  /** Tokenizer returning 77 ids per text. */
  tokenize: (text: string) => Int32Array;
  /** Releases the ONNX Runtime sessions. */
  dispose(): Promise<void>;
}

/** Options of {@link openModel}. */
export interface OpenModelOptions {
  /** ONNX Runtime execution provider. */
  device: "cpu" | "cuda";
  /** Run on the CPU, with a warning, when CUDA cannot be used. */
  allowCpuFallback?: boolean;
  /** Logger for cache and fallback messages. */
  log: Logger;
  /** Visual-memory taps; blocks 3 and 8 after attention when omitted. */
  taps?: ImageTapConfig;
  /** Resize and interpolation choices; the method's defaults when omitted. */
  resize?: ResizeChoice;
}

/** Resize settings that bring an image to the model's input size. */
export interface ResizeChoice {
  /** `squash`: both sides to the input size; `shortest`: the shorter side, then a centre crop. */
  resizeMode: PreprocessConfig["resizeMode"];
  /** Resampling filter of the resize. */
  interpolation: PreprocessConfig["interpolation"];
}

/** Returns the method's resize: both sides to the input size, bicubic (PromptAD). */
export function defaultResizeChoice(): ResizeChoice {
  return { resizeMode: "squash", interpolation: "bicubic" };
}

/**
 * Loads a checkpoint in the OpenCLIP hub layout and opens its image and
 * text encoders. By default images are resized on both sides to the
 * model's input size (PromptAD's preprocessing), with the mean and std
 * recorded in the checkpoint.
 *
 * @param modelDir - checkpoint folder
 * @param options - device and logger
 * @returns the open model; call `dispose` when done
 */
export async function openModel(
  modelDir: string,
  options: OpenModelOptions,
): Promise<OpenModel> {
  const directory = path.resolve(modelDir);
  try {
    await fs.access(directory);
  } catch {
    throw new Error(
      `model directory ${directory} not found; pass a folder with open_clip_config.json and open_clip_model.safetensors`,
    );
  }

  const checkpoint = await loadCheckpoint(directory);
  const encoderLogger = {
    warn: (message: string) => options.log.warn(message),
  };
  const sessionOptions = {
    device: options.device,
    allowCpuFallback: options.allowCpuFallback === true,
    logger: encoderLogger,
  };
  const taps = options.taps ?? tapPreset();
  checkTapsFit(taps, checkpoint);
  const imageEncoder = await ImageEncoder.create(checkpoint, {
    ...sessionOptions,
    taps,
  });
  const textEncoder = await createOnnxTextEncoder(
    readTextTower(checkpoint.weights, checkpoint.architecture),
    sessionOptions,
  );

  const tokenWeights = requireWeight(checkpoint, "token_embedding.weight");
  const logitScale = requireWeight(checkpoint, "logit_scale").data[0];
  const tokenizer = ClipTokenizer.fromPackage();

  return {
    checkpoint,
    imageEncoder,
    textEncoder,
    tokenEmbedding: { shape: tokenWeights.shape, data: tokenWeights.data },
    logitScale,
    preprocess: preprocessFor(checkpoint, options.resize),
    taps: { blocks: [...taps.blocks], point: taps.point },
    tokenize: (text) => tokenizer.tokenize(text),
    async dispose() {
      await imageEncoder.dispose();
      await textEncoder.dispose();
    },
  };
}

/**
 * Checks that tap blocks and point fit a checkpoint's vision tower.
 *
 * @param taps - tap blocks and point chosen by the user
 * @param checkpoint - loaded checkpoint
 * @throws Error naming the blocks, the architecture and its block count
 */
export function checkTapsFit(
  taps: ImageTapConfig,
  checkpoint: ClipCheckpoint,
): void {
  try {
    validateTaps(taps, checkpoint.architecture.vision.layers);
  } catch (error) {
    throw new Error(
      `tap blocks ${taps.blocks.join(",")} do not fit ${checkpoint.architecture.name} (${checkpoint.architecture.vision.layers} vision blocks): ${(error as Error).message}`,
    );
  }
}

function requireWeight(checkpoint: ClipCheckpoint, name: string) {
  const tensor = checkpoint.weights.get(name);
  if (tensor === undefined) {
    throw new Error(
      `checkpoint ${checkpoint.directory} has no tensor ${name}; expected an OpenCLIP CLIP checkpoint`,
    );
  }
  return tensor;
}

/**
 * Returns the image preprocessing of a checkpoint. The default is
 * PromptAD's: both sides resized to the input size with bicubic filtering,
 * so the aspect ratio is not kept. A centre crop of the input size follows
 * (a no-op after a squash), and the checkpoint's mean and std apply. The
 * checkpoint's own resize mode and interpolation are not used, since the
 * published numbers come from the squash.
 *
 * @param checkpoint - loaded checkpoint
 * @param resize - resize mode and interpolation; the method's when omitted
 * @returns the dataset loader's preprocessing config
 */
export function preprocessFor(
  checkpoint: ClipCheckpoint,
  resize: ResizeChoice = defaultResizeChoice(),
): PreprocessConfig {
  const size = checkpoint.architecture.vision.imageSize;
  return {
    size,
    cropSize: size,
    mean: checkpoint.preprocess.mean,
    std: checkpoint.preprocess.std,
    interpolation: resize.interpolation,
    resizeMode: resize.resizeMode,
  };
}
