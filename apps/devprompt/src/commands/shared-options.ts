import type { OptionSpec } from "../cli/option-spec";
import { defaultMapSettings } from "../maps/map-defaults";
import { defaultTrainingHyperparameters } from "../train/training-defaults";
import { defaultContextConfig } from "@devprompt/prompt-learner";
import { tapPreset } from "@devprompt/clip-encoders";

const maps = defaultMapSettings();

/** Dataset layouts the readers understand. */
export const DATASET_KINDS = ["mvtec", "visa", "folder"] as const;

const training = defaultTrainingHyperparameters();
const context = defaultContextConfig();
const taps = tapPreset();

/** Options shared by several commands, by key. */
export const OPTIONS = {
  model: {
    key: "model",
    kind: "path",
    valueName: "dir",
    description:
      "CLIP checkpoint folder in the OpenCLIP hub layout (open_clip_config.json + open_clip_model.safetensors)",
    required: true,
  },
  dataset: {
    key: "dataset",
    kind: "choice",
    valueName: "kind",
    choices: DATASET_KINDS,
    description: "dataset layout",
    required: true,
  },
  root: {
    key: "root",
    kind: "path",
    valueName: "path",
    description: "dataset root folder",
    required: true,
  },
  category: {
    key: "category",
    kind: "string",
    valueName: "name",
    description: "class to use, e.g. bottle; needed for mvtec and visa",
  },
  shots: {
    key: "shots",
    kind: "int",
    valueName: "k",
    description:
      "number of normal training images (the fixed WinCLIP/PromptAD selection for mvtec and visa)",
    defaultValue: 1,
    min: 1,
  },
  epochs: {
    key: "epochs",
    kind: "int",
    valueName: "n",
    description: "training epochs, one SGD step on all shots each",
    defaultValue: training.epochs,
    min: 1,
  },
  seed: {
    key: "seed",
    kind: "int",
    valueName: "s",
    description: "random seed of the context initialisation",
    defaultValue: training.seed,
    // The generators keep 32 bits of state; larger or negative seeds would
    // wrap around silently and repeat other seeds.
    min: 0,
    max: 2 ** 32 - 1,
  },
  device: {
    key: "device",
    kind: "choice",
    valueName: "device",
    choices: ["cpu", "cuda"],
    description: "ONNX Runtime execution provider for every graph",
    defaultValue: "cpu",
  },
  allowCpuFallback: {
    key: "allowCpuFallback",
    kind: "boolean",
    description:
      "with --device cuda, run on the CPU with a warning when CUDA cannot be used, instead of stopping",
    defaultValue: false,
  },
  skipBad: {
    key: "skipBad",
    kind: "boolean",
    description:
      "leave out images (or image and mask pairs) that cannot be read and list them, instead of stopping",
    defaultValue: false,
  },
  losses: {
    key: "losses",
    kind: "string",
    valueName: "preset|file",
    description:
      "loss preset (devprompt or promptad) or a JSON/YAML file listing loss modules and weights",
    defaultValue: "devprompt",
  },
  learningRate: {
    key: "learningRate",
    kind: "number",
    valueName: "rate",
    description: "initial SGD learning rate",
    defaultValue: training.learningRate,
    min: 0,
  },
  minLearningRate: {
    key: "minLearningRate",
    kind: "number",
    valueName: "rate",
    description:
      "learning rate the cosine schedule reaches after the last epoch",
    defaultValue: training.minLearningRate,
    min: 0,
  },
  momentum: {
    key: "momentum",
    kind: "number",
    valueName: "factor",
    description: "SGD momentum",
    defaultValue: training.momentum,
    min: 0,
  },
  weightDecay: {
    key: "weightDecay",
    kind: "number",
    valueName: "factor",
    description: "SGD weight decay",
    defaultValue: training.weightDecay,
    min: 0,
  },
  promptStyle: {
    key: "promptStyle",
    kind: "choice",
    valueName: "style",
    choices: ["promptad", "devprompt"],
    description:
      "prompt wording: PromptAD's class and state phrases, or DevPrompt's \"a photo of a normal/defective {class}.\"",
    defaultValue: "promptad",
  },
  selectEpoch: {
    key: "selectEpoch",
    kind: "choice",
    valueName: "rule",
    choices: ["last", "test-pixel-auroc"],
    description:
      "which epoch to keep: the last one, or the one with the best pixel AUROC on the test set as the PromptAD reference code does (looks at test labels; only for reproducing published tables)",
    defaultValue: "last",
  },
  referenceQuirks: {
    key: "referenceQuirks",
    kind: "boolean",
    description:
      "reproduce the PromptAD reference pipeline exactly: resize every image to 1024 px first, feed test images in BGR order, resize masks 1024 → 400 by nearest neighbour",
    defaultValue: false,
  },
  overwrite: {
    key: "overwrite",
    kind: "boolean",
    description: "replace results already in the output directory",
    defaultValue: false,
  },
  json: {
    key: "json",
    kind: "boolean",
    description: "print the result as JSON on stdout",
    defaultValue: false,
  },
  outputSize: {
    key: "outputSize",
    kind: "int",
    valueName: "px",
    description: "side of the square anomaly map in pixels",
    defaultValue: maps.outputSize,
    min: 1,
  },
  blurSigma: {
    key: "blurSigma",
    kind: "number",
    valueName: "px",
    description:
      "standard deviation of the Gaussian blur of the anomaly map, in output pixels (0 turns it off)",
    defaultValue: maps.blurSigma,
    min: 0,
  },
  tapBlocks: {
    key: "tapBlocks",
    kind: "list",
    valueName: "i,j",
    description:
      "zero-based vision blocks whose original-path patch tokens form the visual memory; 3,8 are the blocks the reference code effectively reads",
    defaultValue: taps.blocks.map(String),
  },
  tapPoint: {
    key: "tapPoint",
    kind: "choice",
    valueName: "point",
    choices: ["after-attention", "block-output"],
    description:
      "where each tap reads the residual stream: inside the block after the attention residual and before the MLP (reference code), or the block output",
    defaultValue: taps.point,
  },
  nPro: {
    key: "nPro",
    kind: "int",
    valueName: "n",
    description: "number of normal context sets (n_pro)",
    defaultValue: context.nPro,
    min: 1,
  },
  nCtx: {
    key: "nCtx",
    kind: "int",
    valueName: "n",
    description: "learnable tokens per normal context set (n_ctx)",
    defaultValue: context.nCtx,
    min: 1,
  },
  nProAb: {
    key: "nProAb",
    kind: "int",
    valueName: "n",
    description:
      "number of abnormal context sets, one learned abnormal prompt each (n_pro_ab)",
    defaultValue: context.nProAb,
    min: 1,
  },
  nCtxAb: {
    key: "nCtxAb",
    kind: "int",
    valueName: "n",
    description: "learnable tokens per abnormal context set (n_ctx_ab)",
    defaultValue: context.nCtxAb,
    min: 1,
  },
  contextInitStd: {
    key: "contextInitStd",
    kind: "number",
    valueName: "std",
    description:
      "standard deviation of the N(0, std²) initialisation of the context vectors",
    defaultValue: context.initStd,
    min: 0,
  },
  featureSource: {
    key: "featureSource",
    kind: "choice",
    valueName: "source",
    choices: ["patch", "global"],
    description:
      "image features the losses score: the V-V patch features (segmentation run), or the global image embedding as one patch (classification run, whose image scores are the point)",
    defaultValue: "patch",
  },
  resizeMode: {
    key: "resizeMode",
    kind: "choice",
    valueName: "mode",
    choices: ["squash", "shortest"],
    description:
      "resize to the model's input size: both sides (squash, aspect ratio not kept, as PromptAD) or the shorter side followed by a centre crop",
    defaultValue: "squash",
  },
  interpolation: {
    key: "interpolation",
    kind: "choice",
    valueName: "filter",
    choices: ["bicubic", "bilinear"],
    description: "resampling filter of the image resize",
    defaultValue: "bicubic",
  },
} satisfies Record<string, OptionSpec>;

/**
 * Options of the method beyond the training hyperparameters: context sizes,
 * memory taps, feature source and preprocessing. `train` offers them; other
 * callers that leave them out get their defaults.
 */
export const METHOD_OPTIONS: readonly OptionSpec[] = [
  OPTIONS.nPro,
  OPTIONS.nCtx,
  OPTIONS.nProAb,
  OPTIONS.nCtxAb,
  OPTIONS.contextInitStd,
  OPTIONS.tapBlocks,
  OPTIONS.tapPoint,
  OPTIONS.featureSource,
  OPTIONS.resizeMode,
  OPTIONS.interpolation,
];
