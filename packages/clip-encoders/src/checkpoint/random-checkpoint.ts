import { defaultPreprocess } from "../architecture/builtin";
import type {
  ClipArchitecture,
  PreprocessConfig,
  SourceDtype,
  WeightMap,
} from "../architecture/types";
import {
  generateRandomWeights,
  type GenerateWeightsOptions,
} from "./random-weights";
import { saveOpenClipCheckpoint } from "./save";

/** Options of {@link writeRandomCheckpoint}. */
export interface RandomCheckpointOptions {
  /** Seed of the weights; the same seed gives byte-identical files. */
  seed: number;
  /** Preprocessing to record; default OpenCLIP's for the input size. */
  preprocess?: PreprocessConfig;
  /** Stored dtype. Default `F32`. */
  dtype?: SourceDtype;
  /** Called during generation; see {@link GenerateWeightsOptions}. */
  onProgress?: GenerateWeightsOptions["onProgress"];
}

/** Result of {@link writeRandomCheckpoint}. */
export interface RandomCheckpoint {
  /** The generated float32 weights (before any F16/BF16 rounding on disk). */
  weights: WeightMap;
  /** Hex SHA-256 of the written weights file. */
  weightsHash: string;
  /** Directory written. */
  directory: string;
}

/**
 * Generates seeded random weights for an architecture and saves them as an
 * OpenCLIP hub model directory that {@link loadCheckpoint} and open_clip read.
 *
 * @param directory - Destination; created when missing.
 * @param arch - Architecture, registered or custom.
 * @param options - Seed, preprocessing and stored dtype.
 * @returns The weights and the hash of the weights file.
 * @example
 * ```ts
 * const { weightsHash } = writeRandomCheckpoint('/tmp/tiny', getArchitecture('test-tiny'), { seed: 1 });
 * loadCheckpoint('/tmp/tiny').weightsHash === weightsHash; // true
 * ```
 */
export function writeRandomCheckpoint(
  directory: string,
  arch: ClipArchitecture,
  options: RandomCheckpointOptions,
): RandomCheckpoint {
  const weights = generateRandomWeights(arch, options.seed, {
    onProgress: options.onProgress,
  });
  const preprocess =
    options.preprocess ?? defaultPreprocess(arch.vision.imageSize);
  const weightsHash = saveOpenClipCheckpoint(
    directory,
    { architecture: arch, preprocess, weights },
    { dtype: options.dtype },
  );
  return { weights, weightsHash, directory };
}
