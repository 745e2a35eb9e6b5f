import {
  ENCODE_MANIFEST_FILE,
  encodeToNpy,
  loadCheckpoint,
  tapPreset,
  type ClipCheckpoint,
  type ImageTapConfig,
} from "@devprompt/clip-encoders";
import { loadSample, referenceQuirks } from "@devprompt/datasets";
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { writeJsonAtomic } from "../io/atomic-write";
import { decodeNpy } from "../io/npy";
import type { Logger } from "../log/logger";
import { createProgress } from "../log/progress";
import {
  checkTapsFit,
  defaultResizeChoice,
  preprocessFor,
  type ResizeChoice,
} from "./model";

/** File listing the encoded images in row order. */
const INPUTS_FILE = "inputs.json";

/** Settings of `encode`. */
export interface EncodeSettings {
  /** Checkpoint folder. */
  model: string;
  /** Image files; empty when {@link EncodeSettings.tensor} is set. */
  images: string[];
  /**
   * `.npy` file of preprocessed pixels, float32 (or float64, converted)
   * `(N, 3, size, size)` in C order; replaces `images`.
   */
  tensor?: string;
  /** Original-path taps of the `patch_tokens_tap*` outputs; blocks 3 and 8 after attention when omitted. */
  taps?: ImageTapConfig;
  /** Resize mode and interpolation of the image files; the method's when omitted. */
  resize?: ResizeChoice;
  /** Output folder. */
  out: string;
  /** Execution provider. */
  device: "cpu" | "cuda";
  /** Run on the CPU, with a warning, when CUDA cannot be used. */
  allowCpuFallback?: boolean;
  /** Apply the reference-code quirks (1024 px pre-resize, BGR order). */
  referenceQuirks: boolean;
  /** Replace an earlier output in the folder. */
  overwrite: boolean;
}

/**
 * Encodes images with the V-V image encoder and writes the global
 * embeddings, the V-V patch tokens and the tap features as float32 `.npy`
 * files, with the encoder's `manifest.json` and `inputs.json` listing the
 * images in row order. The input is either image files, preprocessed here,
 * or one `.npy` tensor already preprocessed. `manifest.json` gets an
 * `input` record: the kind of input and, for image files, the
 * preprocessing used.
 *
 * @param settings - model, images or tensor, output folder, device, taps, resize
 * @param log - logger of the command
 * @returns the output folder
 */
export async function runEncode(
  settings: EncodeSettings,
  log: Logger,
): Promise<string> {
  const out = path.resolve(settings.out);
  const existing = await fs.readdir(out).catch(() => [] as string[]);
  if (existing.includes(INPUTS_FILE) && !settings.overwrite) {
    throw new Error(
      `output folder ${out} already contains encoded features; pass --overwrite to replace them`,
    );
  }

  const hasImages = settings.images.length > 0;
  if (hasImages && settings.tensor !== undefined) {
    throw new Error(
      `encode takes image files or --tensor, not both; got ${settings.images.length} image file(s) and --tensor ${settings.tensor}`,
    );
  }
  if (!hasImages && settings.tensor === undefined) {
    throw new Error(
      "missing input: pass image files (as arguments or after --images) or --tensor with a preprocessed .npy file",
    );
  }

  const checkpoint = await loadCheckpoint(path.resolve(settings.model));
  const taps = settings.taps ?? tapPreset();
  checkTapsFit(taps, checkpoint);
  const input =
    settings.tensor === undefined
      ? await preprocessImages(checkpoint, settings)
      : await readTensor(checkpoint, settings.tensor);

  const manifest = await encodeToNpy({
    checkpoint,
    pixels: input.pixels,
    shape: input.shape,
    outDir: out,
    encoder: {
      device: settings.device,
      allowCpuFallback: settings.allowCpuFallback === true,
      taps,
      logger: { warn: (message: string) => log.warn(message) },
    },
  });
  // The encoder's manifest lists the taps but not the source of the pixels,
  // so the input record is added here and the file is replaced atomically.
  await writeJsonAtomic(path.join(out, ENCODE_MANIFEST_FILE), {
    ...manifest,
    input: input.record,
  });
  await writeJsonAtomic(path.join(out, INPUTS_FILE), {
    ...input.record,
    outputs: manifest.outputs.map((o) => o.file),
  });
  return out;
}

/** Pixels ready for the encoder and a record of where they came from. */
interface EncoderInput {
  /** float32 NCHW values. */
  pixels: Float32Array;
  /** `[N, 3, size, size]`. */
  shape: number[];
  /** JSON record written into `manifest.json` and `inputs.json`. */
  record: Record<string, unknown>;
}

async function preprocessImages(
  checkpoint: ClipCheckpoint,
  settings: EncodeSettings,
): Promise<EncoderInput> {
  const resize = settings.resize ?? defaultResizeChoice();
  const config = preprocessFor(checkpoint, resize);
  const quirks = settings.referenceQuirks ? referenceQuirks() : undefined;
  const progress = createProgress("preprocess", settings.images.length);
  const size = config.size;
  const pixels = new Float32Array(settings.images.length * 3 * size * size);
  for (const [i, file] of settings.images.entries()) {
    const sample = await loadSample(
      {
        path: path.resolve(file),
        relativePath: file,
        className: "",
        split: "test",
        label: 0,
        defectType: "unknown",
        maskPath: null,
      },
      { config, quirks },
    );
    pixels.set(sample.image, i * 3 * size * size);
    progress.tick();
  }
  progress.done();
  return {
    pixels,
    shape: [settings.images.length, 3, size, size],
    record: {
      kind: "images",
      images: settings.images.map((file) => path.resolve(file)),
      preprocess: config,
      referenceQuirks: settings.referenceQuirks,
    },
  };
}

/**
 * Reads a preprocessed NCHW tensor and checks it against the model's input
 * size. float64 values are rounded to float32.
 */
async function readTensor(
  checkpoint: ClipCheckpoint,
  file: string,
): Promise<EncoderInput> {
  const source = path.resolve(file);
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(source);
  } catch (error) {
    throw new Error(
      `failed to read --tensor ${source}: ${(error as Error).message}. Pass a .npy file of preprocessed float32 pixels (N, 3, size, size).`,
    );
  }
  const array = decodeNpy(new Uint8Array(bytes), source);
  const size = checkpoint.architecture.vision.imageSize;
  const [count, channels, height, width] = array.shape;
  if (
    array.shape.length !== 4 ||
    count < 1 ||
    channels !== 3 ||
    height !== size ||
    width !== size
  ) {
    throw new Error(
      `--tensor ${source} has shape (${array.shape.join(", ")}); ${checkpoint.architecture.name} expects (N, 3, ${size}, ${size}) with N >= 1, preprocessed (resized, scaled to [0, 1], normalised with the model's mean and std) in NCHW order`,
    );
  }
  const pixels =
    array.data instanceof Float32Array
      ? array.data
      : Float32Array.from(array.data);
  return {
    pixels,
    shape: [...array.shape],
    record: { kind: "tensor", tensor: source },
  };
}
