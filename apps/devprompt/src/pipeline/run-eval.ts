import {
  PixelMetricAccumulator,
  binaryMetrics,
  type MetricResult,
} from "@devprompt/metrics";
import {
  openDataset,
  type DatasetFormat,
  type ImageRecord,
} from "@devprompt/datasets";
import { promises as fs } from "node:fs";
import { writeFileAtomic, writeJsonAtomic } from "../io/atomic-write";
import { formatCsv } from "../io/csv";
import { writeNpyAtomic } from "../io/npy";
import { openRunDir, type RunDirectory } from "../io/run-dir";
import type { Logger } from "../log/logger";
import { createProgress } from "../log/progress";
import type { AnomalyMaps } from "../maps/anomaly-maps";
import { heatmapOverlayPng } from "./heatmap";
import { HEATMAP_DIR, MAPS_DIR, METRICS_FILE, SCORES_FILE } from "./run-files";
import { defaultMapSettings } from "../maps/map-defaults";
import { deviationReference, openRunScorer, type RunScorer } from "./scorer";

/** Images encoded per ONNX Runtime call during evaluation. */
const EVAL_BATCH = 8;

/** Settings of one evaluation. */
export interface EvalSettings {
  /** Run directory written by train. */
  run: string;
  /** Dataset root overriding the one recorded in the run. */
  root?: string;
  /** Execution provider. */
  device: "cpu" | "cuda";
  /** Run on the CPU, with a warning, when CUDA cannot be used. */
  allowCpuFallback?: boolean;
  /** Side of the output map in pixels. */
  outputSize: number;
  /** Blur standard deviation in output pixels. */
  blurSigma: number;
  /** Number of heatmap overlays to write. */
  heatmaps: number;
  /** Write raw maps as .npy. */
  saveMaps: boolean;
  /** Compute the deviation map too (saved with --save-maps). */
  deviationMap: boolean;
  /** Replace existing results. */
  overwrite: boolean;
  /** Run whose prompts give the image scores (a classification run). */
  imagePrompts?: string;
  /** Leave out unreadable images and list them instead of stopping. */
  skipBad?: boolean;
}

/** Metrics written to metrics.json, in percent; `null` where undefined. */
export interface EvalMetrics {
  /** Image-level AUROC. */
  imageAuroc: number | null;
  /** Pixel-level AUROC over all test pixels of the class. */
  pixelAuroc: number | null;
  /** Area under the PRO curve up to 30 % false-positive rate, normalised. */
  pro: number | null;
  /** Image-level average precision. */
  imageAp: number | null;
  /** Pixel-level average precision. */
  pixelAp: number | null;
  /** Image-level F1-max. */
  imageF1Max: number | null;
  /** Pixel-level F1-max. */
  pixelF1Max: number | null;
}

/** Result of {@link runEval}. */
export interface EvalResult {
  /** The metrics. */
  metrics: EvalMetrics;
  /** Number of test images scored. */
  images: number;
  /** Run directory. */
  runDir: string;
  /** Test images left out with `skipBad`, relative paths and reasons. */
  skipped: { file: string; reason: string }[];
}

// PRO integrates the per-region overlap up to this false-positive rate, as
// the MVTec AD evaluation does.
const PRO_FPR_LIMIT = 0.3;

/**
 * Scores every test image of a trained run and writes `metrics.json`,
 * `scores.csv`, heatmap overlays and, when asked, the raw maps.
 *
 * @param settings - evaluation settings
 * @param log - logger of the command
 * @returns the metrics
 */
export async function runEval(
  settings: EvalSettings,
  log: Logger,
): Promise<EvalResult> {
  const run = await openRunDir(settings.run);
  // With --overwrite the previous results are set aside rather than
  // deleted, so that a failing evaluation leaves them as they were.
  await run.claimOutputs(
    [METRICS_FILE, SCORES_FILE, HEATMAP_DIR, MAPS_DIR],
    settings.overwrite,
  );
  let result: EvalResult;
  try {
    result = await scoreRun(settings, run, log);
  } catch (error) {
    await run.restorePrevious();
    throw error;
  }
  await run.complete();
  return result;
}

async function scoreRun(
  settings: EvalSettings,
  run: RunDirectory,
  log: Logger,
): Promise<EvalResult> {
  const imagePrompts =
    settings.imagePrompts === undefined
      ? undefined
      : await openRunDir(settings.imagePrompts);
  const scorer = await openRunScorer(
    run,
    settings.device,
    log,
    imagePrompts,
    settings.allowCpuFallback === true,
  );
  try {
    return await evaluate(settings, run, scorer, log);
  } finally {
    await scorer.dispose();
  }
}

async function evaluate(
  settings: EvalSettings,
  run: RunDirectory,
  scorer: RunScorer,
  log: Logger,
): Promise<EvalResult> {
  const options = scorer.config.options;
  const classKey = scorer.classKey;
  const recordedRoot = scorer.config.details.datasetRoot as string;
  const dataset = await openDataset({
    format: options.dataset as DatasetFormat,
    root: settings.root ?? recordedRoot,
    category: classKey,
    // Evaluation needs no shot selection; "all" skips drawing one.
    shots: "all",
    logger: { warn: (message) => log.warn(message) },
  });
  if (dataset.test.length === 0) {
    throw new Error(
      `class ${classKey} under ${dataset.root} has no test images`,
    );
  }

  const size = settings.outputSize;
  const pixels = new PixelMetricAccumulator();
  const scores: number[] = [];
  const labels: (0 | 1)[] = [];
  const heatmapPicks = pickEvenly(dataset.test.length, settings.heatmaps);
  const heatmapMaps = new Map<number, Float32Array>();
  let low = Infinity;
  let high = -Infinity;
  const manifest: Record<string, unknown>[] = [];
  const scored: ImageRecord[] = [];
  const skipped: EvalResult["skipped"] = [];
  const progress = createProgress("evaluate", dataset.test.length);

  for (let start = 0; start < dataset.test.length; start += EVAL_BATCH) {
    const records = dataset.test.slice(start, start + EVAL_BATCH);
    const batch = await scorer.score(records, {
      outputSize: size,
      blurSigma: settings.blurSigma,
      deviationMap: settings.deviationMap,
      onImage: () => progress.tick(),
      skipBad: settings.skipBad,
    });
    for (const { record, reason } of batch.skipped) {
      log.warn(`skipped unreadable test image: ${reason}`);
      skipped.push({ file: record.relativePath, reason });
    }

    for (const [i, sample] of batch.samples.entries()) {
      // Index in the whole test set, so that skipped images keep the
      // numbering of heatmaps and maps stable.
      const index = start + records.indexOf(sample.record);
      const maps = batch.maps[i];
      scored.push(sample.record);
      scores.push(maps.imageScore);
      labels.push(sample.record.label);
      if (sample.maskValid) {
        pixels.add(
          { data: maps.final, height: size, width: size },
          sample.record.label === 1
            ? { data: sample.mask, height: size, width: size }
            : null,
          sample.record.relativePath,
        );
      } else {
        log.warnOnce(
          "no-mask",
          `anomalous test image ${sample.record.relativePath} has no mask, so pixel metrics leave it out`,
        );
      }

      for (const value of maps.final) {
        if (value < low) low = value;
        if (value > high) high = value;
      }
      if (heatmapPicks.has(index)) heatmapMaps.set(index, maps.final);
      if (settings.saveMaps) {
        manifest.push(await saveMaps(run, index, sample.record, maps, size));
      }
    }
  }
  progress.done();

  const metrics = computeMetrics(scores, labels, pixels);
  await writeJsonAtomic(run.file(METRICS_FILE), {
    ...metrics,
    images: scores.length,
    anomalousImages: labels.filter((l) => l === 1).length,
    outputSize: size,
    blurSigma: settings.blurSigma,
    blurTruncate: defaultMapSettings().blurTruncate,
    upsampling: "bilinear, half-pixel centres",
    deviationMap: settings.deviationMap
      ? deviationReference(scorer.config)
      : null,
    // A classification run (global features in the losses) trains its
    // prompts for the image score; its maps are still written.
    featureSource: scorer.config.details.featureSource ?? "patch",
    imagePrompts: settings.imagePrompts ?? null,
    skippedFiles: skipped,
  });
  await writeFileAtomic(
    run.file(SCORES_FILE),
    formatCsv(
      ["file", "label", "defectType", "imageScore"],
      scored.map((r, i) => [r.relativePath, r.label, r.defectType, scores[i]]),
    ),
  );
  if (settings.saveMaps) {
    await writeJsonAtomic(run.file(MAPS_DIR, "manifest.json"), {
      outputSize: size,
      images: manifest,
    });
  }
  await writeHeatmaps(run, dataset.test, heatmapMaps, size, low, high);
  return { metrics, images: scores.length, runDir: run.dir, skipped };
}

function computeMetrics(
  scores: number[],
  labels: (0 | 1)[],
  pixels: PixelMetricAccumulator,
): EvalMetrics {
  const image = binaryMetrics(scores, labels);
  const pixel = pixels.binaryMetrics();
  const percent = (result: MetricResult) =>
    Number.isNaN(result.value) ? null : 100 * result.value;
  return {
    imageAuroc: percent(image.auroc),
    pixelAuroc: percent(pixel.auroc),
    pro: percent(pixels.aupro({ integrationLimit: PRO_FPR_LIMIT })),
    imageAp: percent(image.averagePrecision),
    pixelAp: percent(pixel.averagePrecision),
    imageF1Max: percent(image.f1Max),
    pixelF1Max: percent(pixel.f1Max),
  };
}

/** Picks `count` indices spread evenly over `total` items. */
function pickEvenly(total: number, count: number): Set<number> {
  const picks = new Set<number>();
  const n = Math.min(total, count);
  for (let i = 0; i < n; i++) picks.add(Math.floor((i * total) / n));
  return picks;
}

function fileStem(record: ImageRecord, index: number): string {
  const stem = record.relativePath
    .replace(/\.[^.]+$/, "")
    .replace(/[^A-Za-z0-9._-]+/g, "_");
  return `${String(index).padStart(4, "0")}-${stem}`;
}

async function saveMaps(
  run: RunDirectory,
  index: number,
  record: ImageRecord,
  maps: AnomalyMaps,
  size: number,
): Promise<Record<string, unknown>> {
  const stem = fileStem(record, index);
  const grid = Math.round(Math.sqrt(maps.fused.length));
  await fs.mkdir(run.file(MAPS_DIR), { recursive: true });
  const files: Record<string, string> = {};
  const write = async (name: string, data: Float32Array, shape: number[]) => {
    const file = `${stem}.${name}.npy`;
    await writeNpyAtomic(run.file(MAPS_DIR, file), data, shape);
    files[name] = file;
  };
  await write("textual", maps.textual, [grid, grid]);
  await write("visual", maps.visual, [grid, grid]);
  await write("fused", maps.fused, [grid, grid]);
  await write("final", maps.final, [size, size]);
  if (maps.deviation) await write("deviation", maps.deviation, [grid, grid]);
  return {
    image: record.relativePath,
    label: record.label,
    defectType: record.defectType,
    imageScore: maps.imageScore,
    files,
  };
}

async function writeHeatmaps(
  run: RunDirectory,
  records: readonly ImageRecord[],
  mapsByIndex: Map<number, Float32Array>,
  size: number,
  low: number,
  high: number,
): Promise<void> {
  if (mapsByIndex.size === 0) return;
  await fs.mkdir(run.file(HEATMAP_DIR), { recursive: true });
  for (const [index, map] of mapsByIndex) {
    const png = await heatmapOverlayPng(
      records[index].path,
      map,
      size,
      low,
      high,
    );
    await writeFileAtomic(
      run.file(HEATMAP_DIR, `${fileStem(records[index], index)}.png`),
      png,
    );
  }
}
