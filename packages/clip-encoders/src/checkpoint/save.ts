import { mkdirSync } from "node:fs";
import { join } from "node:path";

import type {
  ClipArchitecture,
  PreprocessConfig,
  SourceDtype,
  WeightMap,
} from "../architecture/types";
import {
  validateArchitecture,
  validatePreprocess,
} from "../architecture/validate";
import { expectedWeightShapes } from "../architecture/weight-shapes";
import { writeFileAtomic } from "./atomic-write";
import { toOpenClipConfig } from "./open-clip-config";
import { writeSafetensors } from "./safetensors";
import { validateWeights } from "./validate-weights";

/** File names of the OpenCLIP hub layout. */
export const OPEN_CLIP_CONFIG_FILE = "open_clip_config.json";
/** Weights file of the OpenCLIP hub layout. */
export const OPEN_CLIP_WEIGHTS_FILE = "open_clip_model.safetensors";

/** Checkpoint contents that {@link saveOpenClipCheckpoint} writes. */
export interface SaveCheckpointInput {
  /** Architecture the weights fit. */
  architecture: ClipArchitecture;
  /** Preprocessing to record in `preprocess_cfg`. */
  preprocess: PreprocessConfig;
  /** Every tensor of the architecture under its OpenCLIP name. */
  weights: WeightMap;
}

/** Options of {@link saveOpenClipCheckpoint}. */
export interface SaveCheckpointOptions {
  /** Stored dtype of every tensor. Default `F32`. */
  dtype?: SourceDtype;
}

/**
 * Saves a checkpoint directory in the OpenCLIP hub layout:
 * `open_clip_config.json` plus `open_clip_model.safetensors` with OpenCLIP
 * key names, tensors in architecture order. Each file is written atomically,
 * the weights first, so a reader never finds a config whose weights are
 * incomplete.
 *
 * @param directory - Destination; created when missing.
 * @param checkpoint - Architecture, preprocessing and weights.
 * @param options - Stored dtype.
 * @returns Hex SHA-256 of the weights file, the `weightsHash` a later load reports.
 * @throws Error when the weights do not fit the architecture (listing every
 *   mismatch) or a file cannot be written.
 */
export function saveOpenClipCheckpoint(
  directory: string,
  checkpoint: SaveCheckpointInput,
  options: SaveCheckpointOptions = {},
): string {
  const { architecture, preprocess, weights } = checkpoint;
  validateWeights(
    architecture,
    weights,
    `the checkpoint saved to ${directory}`,
  );

  const ordered: WeightMap = new Map();
  for (const name of expectedWeightShapes(architecture).keys()) {
    ordered.set(name, weights.get(name)!);
  }

  return writeCheckpointDirectory(directory, checkpoint, options, {
    weightsFile: OPEN_CLIP_WEIGHTS_FILE,
    tensors: ordered,
    jsonFiles: [
      [OPEN_CLIP_CONFIG_FILE, toOpenClipConfig(architecture, preprocess)],
    ],
  });
}

/** Files of one checkpoint layout, as {@link writeCheckpointDirectory} writes them. */
interface CheckpointFiles {
  weightsFile: string;
  tensors: WeightMap;
  jsonFiles: Array<[string, unknown]>;
}

/**
 * Validates the architecture and preprocessing, then writes the weights file
 * and the JSON files of a checkpoint directory, each atomically and the
 * weights first, so a reader never finds a config whose weights are
 * incomplete.
 *
 * @returns Hex SHA-256 of the weights file.
 * @internal
 */
export function writeCheckpointDirectory(
  directory: string,
  checkpoint: SaveCheckpointInput,
  options: SaveCheckpointOptions,
  files: CheckpointFiles,
): string {
  validateArchitecture(checkpoint.architecture);
  validatePreprocess(
    checkpoint.preprocess,
    `the checkpoint saved to ${directory}`,
  );
  mkdirSync(directory, { recursive: true });

  const hash = writeSafetensors(
    join(directory, files.weightsFile),
    files.tensors,
    {
      dtype: options.dtype ?? "F32",
      metadata: { format: "pt" },
    },
  );
  for (const [name, json] of files.jsonFiles) {
    writeFileAtomic(
      join(directory, name),
      `${JSON.stringify(json, null, 2)}\n`,
    );
  }
  return hash;
}
