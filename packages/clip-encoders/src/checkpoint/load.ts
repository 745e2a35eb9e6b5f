import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";

import { findRegisteredArchitectureName } from "../architecture/registry";
import type { ClipCheckpoint, WeightMap } from "../architecture/types";
import { expectedWeightShapes } from "../architecture/weight-shapes";
import {
  HF_CONFIG_FILE,
  HF_PREPROCESSOR_FILE,
  HF_WEIGHTS_FILE,
  expectedHfWeightShapes,
  hfToOpenClipWeights,
  isIgnoredHfKey,
  parseHfClipConfig,
} from "./hf-layout";
import { parseOpenClipConfig, type CheckpointConfig } from "./open-clip-config";
import {
  READABLE_DTYPES,
  readSafetensors,
  type SafetensorsEntry,
} from "./safetensors";
import { OPEN_CLIP_CONFIG_FILE, OPEN_CLIP_WEIGHTS_FILE } from "./save";
import {
  findShapeMismatches,
  weightMismatchError,
  type WeightMismatch,
} from "./validate-weights";

/** Directory layouts {@link loadCheckpoint} reads. */
export type CheckpointLayout = "open_clip" | "hf";

/** Options of {@link loadCheckpoint}. */
export interface LoadCheckpointOptions {
  /**
   * Name to give the architecture. Default: the registered architecture with
   * the same numbers, else the directory's base name.
   */
  name?: string;
  /**
   * Called while the weights file is read, with bytes read so far and the
   * size of its data section.
   */
  onProgress?: (doneBytes: number, totalBytes: number) => void;
}

const LAYOUT_FILES: Record<CheckpointLayout, [string, string]> = {
  open_clip: [OPEN_CLIP_CONFIG_FILE, OPEN_CLIP_WEIGHTS_FILE],
  hf: [HF_CONFIG_FILE, HF_WEIGHTS_FILE],
};

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new Error(`cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`invalid JSON in ${file}: ${(error as Error).message}`);
  }
}

/**
 * Detects the layout of a checkpoint directory from its config file:
 * `open_clip_config.json` means the OpenCLIP hub layout, else `config.json`
 * means the HF `CLIPModel` layout.
 *
 * @param directory - Checkpoint directory.
 * @returns The layout.
 * @throws Error when the directory is missing or contains neither config file.
 */
export function detectCheckpointLayout(directory: string): CheckpointLayout {
  if (!existsSync(directory)) {
    throw new Error(`checkpoint directory not found: ${directory}`);
  }
  if (!statSync(directory).isDirectory()) {
    throw new Error(
      `checkpoint path ${directory} is a file, not a directory; pass the directory that contains the config and weights files`,
    );
  }
  if (existsSync(join(directory, OPEN_CLIP_CONFIG_FILE))) {
    return "open_clip";
  }
  if (existsSync(join(directory, HF_CONFIG_FILE))) {
    return "hf";
  }
  const found = readdirSync(directory).sort().join(", ") || "nothing";
  throw new Error(
    `no CLIP checkpoint in ${directory}: expected ${OPEN_CLIP_CONFIG_FILE} + ${OPEN_CLIP_WEIGHTS_FILE} ` +
      `(OpenCLIP hub layout) or ${HF_CONFIG_FILE} + ${HF_WEIGHTS_FILE} (HF CLIPModel layout); found ${found}`,
  );
}

function requireWeightsFile(
  directory: string,
  layout: CheckpointLayout,
): string {
  const [configFile, weightsFile] = LAYOUT_FILES[layout];
  const file = join(directory, weightsFile);
  if (existsSync(file)) {
    return file;
  }
  const pytorchFiles = readdirSync(directory).filter(
    (name) => name.endsWith(".bin") || name.endsWith(".pt"),
  );
  const hint =
    pytorchFiles.length > 0
      ? ` Found PyTorch pickle files (${pytorchFiles.join(", ")}), which are not read; ` +
        "convert them to safetensors with the safetensors Python package."
      : "";
  throw new Error(`missing weights file ${file} next to ${configFile}.${hint}`);
}

/**
 * Reads a weights file, keeping tensors of readable dtype and reporting the
 * others as mismatches.
 */
function readWeights(
  file: string,
  expected: Map<string, number[]>,
  ignore: (name: string) => boolean,
  onProgress: LoadCheckpointOptions["onProgress"],
): { tensors: WeightMap; sha256: string; mismatches: WeightMismatch[] } {
  const unreadable: SafetensorsEntry[] = [];
  const contents = readSafetensors(file, {
    onProgress,
    include: (entry) => {
      if (ignore(entry.name)) {
        return false;
      }
      const readable = (READABLE_DTYPES as readonly string[]).includes(
        entry.dtype,
      );
      if (!readable) {
        unreadable.push(entry);
      }
      return readable;
    },
  });

  const unreadableNames = new Set(unreadable.map((entry) => entry.name));
  const mismatches = findShapeMismatches(expected, contents.tensors).filter(
    (m) => !(m.kind === "missing" && unreadableNames.has(m.name)),
  );
  for (const entry of unreadable) {
    mismatches.push(
      expected.has(entry.name)
        ? {
            kind: "dtype",
            name: entry.name,
            dtype: entry.dtype,
            actual: entry.shape,
          }
        : { kind: "unexpected", name: entry.name, actual: entry.shape },
    );
  }

  return { tensors: contents.tensors, sha256: contents.sha256, mismatches };
}

function nameFor(
  config: CheckpointConfig,
  directory: string,
  options: LoadCheckpointOptions,
): void {
  config.architecture.name =
    options.name ??
    findRegisteredArchitectureName(config.architecture) ??
    basename(directory);
}

/**
 * Rejects a preprocessing size that differs from the model input: the
 * encoders take crops of exactly `vision.imageSize` pixels.
 */
function checkInputSize(config: CheckpointConfig, configFile: string): void {
  const { size } = config.preprocess;
  const { imageSize } = config.architecture.vision;
  if (size !== imageSize) {
    throw new Error(
      `preprocessing size ${size} in ${configFile} differs from the model input size ${imageSize}; ` +
        "set the preprocessing size to the input size",
    );
  }
}

/**
 * Loads and validates a CLIP checkpoint directory synchronously; see
 * {@link loadCheckpoint}.
 *
 * @param directory - Checkpoint directory.
 * @param options - Architecture name and progress callback.
 * @returns The checkpoint, weights under OpenCLIP names in architecture order.
 * @throws Error naming the file for a missing directory or file, invalid
 *   JSON, an unsupported config, an invalid safetensors file, or weights that
 *   do not fit the config (listing every mismatch).
 */
export function loadCheckpointSync(
  directory: string,
  options: LoadCheckpointOptions = {},
): ClipCheckpoint {
  const absolute = resolve(directory);
  const layout = detectCheckpointLayout(absolute);
  const weightsFile = requireWeightsFile(absolute, layout);

  let config: CheckpointConfig;
  const configFile = join(absolute, LAYOUT_FILES[layout][0]);
  if (layout === "open_clip") {
    config = parseOpenClipConfig(
      readJson(configFile),
      basename(absolute),
      configFile,
    );
  } else {
    const preprocessorFile = join(absolute, HF_PREPROCESSOR_FILE);
    const preprocessor = existsSync(preprocessorFile)
      ? readJson(preprocessorFile)
      : undefined;
    config = parseHfClipConfig(
      readJson(configFile),
      preprocessor,
      basename(absolute),
      configFile,
    );
  }
  nameFor(config, absolute, options);
  checkInputSize(config, configFile);
  const { architecture } = config;

  const expected =
    layout === "open_clip"
      ? expectedWeightShapes(architecture)
      : expectedHfWeightShapes(architecture);
  const ignore = layout === "open_clip" ? () => false : isIgnoredHfKey;
  const { tensors, sha256, mismatches } = readWeights(
    weightsFile,
    expected,
    ignore,
    options.onProgress,
  );
  if (mismatches.length > 0) {
    throw weightMismatchError(architecture, mismatches, weightsFile);
  }

  let weights: WeightMap;
  if (layout === "open_clip") {
    weights = new Map();
    for (const name of expected.keys()) {
      weights.set(name, tensors.get(name)!);
    }
  } else {
    weights = hfToOpenClipWeights(tensors, architecture);
  }

  return {
    architecture,
    preprocess: config.preprocess,
    weights,
    weightsHash: sha256,
    directory: absolute,
  };
}

/**
 * Loads a CLIP checkpoint directory in the OpenCLIP hub layout
 * (`open_clip_config.json` + `open_clip_model.safetensors`) or the HF
 * `CLIPModel` layout (`config.json` + `model.safetensors`, optional
 * `preprocessor_config.json`).
 *
 * The architecture comes from the config file. Every tensor is checked
 * against it, and all missing, unexpected, wrongly shaped and unsupported-dtype
 * tensors are reported in one error. F16 and BF16 weights are converted to
 * float32. HF key names are mapped to OpenCLIP's (q, k, v packed into
 * `in_proj`, projections transposed).
 *
 * NOTE: the file is read synchronously inside the returned promise, so the
 * event loop is blocked while a large checkpoint loads.
 *
 * @param directory - Checkpoint directory.
 * @param options - Architecture name and progress callback.
 * @returns The checkpoint, weights under OpenCLIP names in architecture order,
 *   with the SHA-256 of the weights file as `weightsHash`.
 * @throws Error naming the file for a missing directory or file, invalid
 *   JSON, an unsupported config, an invalid safetensors file, or weights that
 *   do not fit the config (listing every mismatch).
 * @example
 * ```ts
 * const checkpoint = await loadCheckpoint('models/ViT-B-16-plus-240');
 * checkpoint.architecture.name; // 'ViT-B-16-plus-240'
 * checkpoint.weights.get('visual.proj')!.shape; // [896, 640]
 * ```
 */
export async function loadCheckpoint(
  directory: string,
  options: LoadCheckpointOptions = {},
): Promise<ClipCheckpoint> {
  return loadCheckpointSync(directory, options);
}
