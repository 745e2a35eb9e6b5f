import {
  ClipTokenizer,
  ImageEncoder,
  createOnnxTextEncoder,
  loadCheckpoint,
  readTextTower,
  type ClipCheckpoint,
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
  /** Tokenizer returning 77 ids per text. */
  tokenize: (text: string) => Int32Array;
  /** Releases the ONNX Runtime sessions. */
  dispose(): Promise<void>;
}

/** Options of {@link openModel}. */
export interface OpenModelOptions {
  /** ONNX Runtime execution provider. */
  device: "cpu" | "cuda";
  /** Logger for cache and fallback messages. */
  log: Logger;
}

/**
 * Loads a checkpoint in the OpenCLIP hub layout and opens its image and
 * text encoders. Images are resized on both sides to the model's input
 * size (PromptAD's preprocessing), with the mean and std recorded in the
 * checkpoint.
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
  const sessionOptions = { device: options.device, logger: encoderLogger };
  const imageEncoder = await ImageEncoder.create(checkpoint, sessionOptions);
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
    preprocess: preprocessFor(checkpoint),
    tokenize: (text) => tokenizer.tokenize(text),
    async dispose() {
      await imageEncoder.dispose();
      await textEncoder.dispose();
    },
  };
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
 * Returns the image preprocessing of a checkpoint as PromptAD applies it:
 * both sides resized to the input size with bicubic filtering (the aspect
 * ratio is not kept), with the checkpoint's mean and std.
 *
 * @param checkpoint - loaded checkpoint
 * @returns the dataset loader's preprocessing config
 */
export function preprocessFor(checkpoint: ClipCheckpoint): PreprocessConfig {
  const size = checkpoint.architecture.vision.imageSize;
  return {
    size,
    cropSize: size,
    mean: checkpoint.preprocess.mean,
    std: checkpoint.preprocess.std,
    interpolation: "bicubic",
    resizeMode: "squash",
  };
}
