import type { ImageRecord } from "@devprompt/datasets";
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { writeFileAtomic } from "../io/atomic-write";
import { openRunDir } from "../io/run-dir";
import type { Logger } from "../log/logger";
import { createProgress } from "../log/progress";
import { heatmapOverlayPng } from "./heatmap";
import { openRunScorer } from "./scorer";

/** Images encoded per ONNX Runtime call. */
const PREDICT_BATCH = 8;

/** Settings of `predict`. */
export interface PredictSettings {
  /** Run directory written by train. */
  run: string;
  /** Image files to score. */
  images: string[];
  /** Folder for heatmap PNGs; no heatmaps when omitted. */
  out?: string;
  /** Execution provider. */
  device: "cpu" | "cuda";
  /** Run on the CPU, with a warning, when CUDA cannot be used. */
  allowCpuFallback?: boolean;
  /** Side of the output map in pixels. */
  outputSize: number;
  /** Blur standard deviation in output pixels. */
  blurSigma: number;
}

/** Scores of one image. */
export interface Prediction {
  /** Image path as given. */
  file: string;
  /** Image anomaly score. */
  imageScore: number;
  /** Global textual score, in (0, 1). */
  globalScore: number;
  /** Largest value of the final (upsampled, blurred) map. */
  maxPixelScore: number;
  /** Heatmap PNG written for the image, when --out was given. */
  heatmap?: string;
}

/**
 * Scores images without ground truth with a trained run. Heatmaps share
 * one colour scale: the range of the final maps of all given images.
 *
 * @param settings - run, images, output folder and map settings
 * @param log - logger of the command
 * @returns one prediction per image, in input order
 */
export async function runPredict(
  settings: PredictSettings,
  log: Logger,
): Promise<Prediction[]> {
  for (const image of settings.images) {
    try {
      await fs.access(image);
    } catch {
      throw new Error(`image ${path.resolve(image)} not found`);
    }
  }
  const run = await openRunDir(settings.run);
  const scorer = await openRunScorer(
    run,
    settings.device,
    log,
    undefined,
    settings.allowCpuFallback === true,
  );
  const predictions: Prediction[] = [];
  const finals: Float32Array[] = [];
  const progress = createProgress("predict", settings.images.length);

  try {
    for (
      let start = 0;
      start < settings.images.length;
      start += PREDICT_BATCH
    ) {
      const records = settings.images
        .slice(start, start + PREDICT_BATCH)
        .map((file) => imageRecord(file, scorer.classKey));
      const { maps } = await scorer.score(records, {
        outputSize: settings.outputSize,
        blurSigma: settings.blurSigma,
        deviationMap: false,
        onImage: () => progress.tick(),
      });
      maps.forEach((map, i) => {
        finals.push(
          settings.out === undefined ? new Float32Array(0) : map.final,
        );
        predictions.push({
          file: settings.images[start + i],
          imageScore: map.imageScore,
          globalScore: map.globalScore,
          maxPixelScore: map.final.reduce((a, b) => Math.max(a, b), -Infinity),
        });
      });
    }
  } finally {
    await scorer.dispose();
  }
  progress.done();

  if (settings.out !== undefined) {
    await fs.mkdir(settings.out, { recursive: true });
    const low = Math.min(
      ...finals.map((m) => m.reduce((a, b) => Math.min(a, b), Infinity)),
    );
    const high = Math.max(...predictions.map((p) => p.maxPixelScore));
    for (const [i, prediction] of predictions.entries()) {
      const name = `${String(i).padStart(4, "0")}-${path.parse(prediction.file).name}.png`;
      const file = path.join(settings.out, name);
      const png = await heatmapOverlayPng(
        path.resolve(prediction.file),
        finals[i],
        settings.outputSize,
        low,
        high,
      );
      await writeFileAtomic(file, png);
      prediction.heatmap = file;
    }
  }
  return predictions;
}

function imageRecord(file: string, className: string): ImageRecord {
  return {
    path: path.resolve(file),
    relativePath: file,
    className,
    split: "test",
    label: 0,
    defectType: "unknown",
    maskPath: null,
  };
}
