import { encodeToNpy, loadCheckpoint } from "@devprompt/clip-encoders";
import { loadSample, referenceQuirks } from "@devprompt/datasets";
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { writeJsonAtomic } from "../io/atomic-write";
import type { Logger } from "../log/logger";
import { createProgress } from "../log/progress";
import { preprocessFor } from "./model";

/** File listing the encoded images in row order. */
const INPUTS_FILE = "inputs.json";

/** Settings of `encode`. */
export interface EncodeSettings {
  /** Checkpoint folder. */
  model: string;
  /** Image files. */
  images: string[];
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
 * images in row order.
 *
 * @param settings - model, images, output folder, device
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

  const checkpoint = await loadCheckpoint(path.resolve(settings.model));
  const config = preprocessFor(checkpoint);
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

  const manifest = await encodeToNpy({
    checkpoint,
    pixels,
    shape: [settings.images.length, 3, size, size],
    outDir: out,
    encoder: {
      device: settings.device,
      allowCpuFallback: settings.allowCpuFallback === true,
      logger: { warn: (message: string) => log.warn(message) },
    },
  });
  await writeJsonAtomic(path.join(out, INPUTS_FILE), {
    images: settings.images.map((file) => path.resolve(file)),
    preprocess: config,
    referenceQuirks: settings.referenceQuirks,
    outputs: manifest.outputs.map((o) => o.file),
  });
  return out;
}
