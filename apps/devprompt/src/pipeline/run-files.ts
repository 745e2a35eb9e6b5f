import { promises as fs } from "node:fs";
import * as path from "node:path";
import { decodeNpy } from "../io/npy";

// File names inside a run directory. The run format version in run.json
// must change whenever one of them changes meaning.

/** Cached V-V patch features of the shots, `[k, patches, embedDim]`. */
export const SHOT_PATCH_FILE = "shot-patch-features.npy";
/** Cached global embeddings of the shots, `[k, embedDim]`. */
export const SHOT_GLOBAL_FILE = "shot-global-features.npy";
/** Visual memory of tap `i`, `[k · patches, tapWidth]`, L2-normalised rows. */
export const memoryFile = (tap: number): string => `memory-tap${tap}.npy`;
/** Loss terms per epoch, one JSON object per line. */
export const TRAIN_LOG_FILE = "train-log.jsonl";
/** Progress of training, for resuming. */
export const TRAIN_STATE_FILE = "train-state.json";
/** Folder of the per-epoch checkpoints used to resume. */
export const CHECKPOINT_DIR = "checkpoint";
/** Momentum buffers of C_n then C_a, concatenated, float32. */
export const OPTIMIZER_FILE = "optimizer-momentum.npy";
/** Epoch kept by --select-epoch test-pixel-auroc, with its test score. */
export const SELECTED_EPOCH_FILE = "selected-epoch.json";
/** Image-level and pixel-level metrics in percent. */
export const METRICS_FILE = "metrics.json";
/** Per-image scores. */
export const SCORES_FILE = "scores.csv";
/** Folder of heatmap overlays. */
export const HEATMAP_DIR = "heatmaps";
/** Folder of raw maps written with --save-maps. */
export const MAPS_DIR = "maps";

/**
 * Reads a float32 `.npy` file of a run directory.
 *
 * @param file - path of the file
 * @returns values and shape
 */
export async function readNpyFile(
  file: string,
): Promise<{ data: Float32Array; shape: number[] }> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch {
    throw new Error(
      `${file} not found; the run directory is incomplete, so train the run again`,
    );
  }
  const array = decodeNpy(new Uint8Array(bytes), path.basename(file));
  return { data: Float32Array.from(array.data), shape: array.shape };
}
