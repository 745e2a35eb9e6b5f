import {
  createBuiltinRecords,
  defaultPreprocess,
  type ArchitectureRecord,
} from "./builtin";
import type { ClipArchitecture, PreprocessConfig } from "./types";
import { validateArchitecture, validatePreprocess } from "./validate";

/** Options of {@link registerArchitecture}. */
export interface RegisterArchitectureOptions {
  /**
   * Preprocessing of weights trained with this architecture; defaults to
   * OpenCLIP's (OpenAI mean and std, bicubic, shorter side to
   * `vision.imageSize`, centre crop).
   */
  preprocess?: PreprocessConfig;
  /** Replace an existing record of the same name instead of throwing. */
  replace?: boolean;
}

const records = new Map<string, ArchitectureRecord>(
  createBuiltinRecords().map((record) => [record.architecture.name, record]),
);

function findRecord(name: string): ArchitectureRecord {
  const record = records.get(name);
  if (record === undefined) {
    throw new Error(
      `unknown CLIP architecture '${name}'; registered: ${listArchitectures().join(", ")}. ` +
        "Register it with registerArchitecture() or load a checkpoint whose config describes it.",
    );
  }
  return record;
}

/**
 * Looks up a registered architecture.
 *
 * @param name - Registry name, for example `ViT-B-16-plus-240`.
 * @returns A deep copy: changing it does not change the registry.
 * @throws Error listing the registered names when `name` is unknown.
 * @example
 * ```ts
 * getArchitecture('ViT-B-16-plus-240').vision.width; // 896
 * ```
 */
export function getArchitecture(name: string): ClipArchitecture {
  return structuredClone(findRecord(name).architecture);
}

/**
 * Looks up the preprocessing recorded for a registered architecture.
 *
 * @param name - Registry name.
 * @returns A deep copy of the record.
 * @throws Error listing the registered names when `name` is unknown.
 */
export function getPreprocess(name: string): PreprocessConfig {
  return structuredClone(findRecord(name).preprocess);
}

/**
 * Lists the registered architecture names.
 *
 * @returns Names in alphabetical order (a new array).
 */
export function listArchitectures(): string[] {
  return [...records.keys()].sort();
}

/**
 * Adds an architecture to the registry. The registry stores a copy, so later
 * changes to `arch` do not reach it.
 *
 * @param arch - Architecture to add; it is validated first.
 * @param options - Preprocessing record and whether to replace an existing name.
 * @throws Error when the architecture or preprocessing is invalid, or the name
 *   is taken and `options.replace` is not set.
 */
export function registerArchitecture(
  arch: ClipArchitecture,
  options: RegisterArchitectureOptions = {},
): void {
  validateArchitecture(arch);

  const preprocess =
    options.preprocess ?? defaultPreprocess(arch.vision.imageSize);
  validatePreprocess(preprocess, `the record for '${arch.name}'`);

  if (records.has(arch.name) && options.replace !== true) {
    throw new Error(
      `CLIP architecture '${arch.name}' is already registered; pass { replace: true } to overwrite it`,
    );
  }

  records.set(arch.name, {
    architecture: structuredClone(arch),
    preprocess: structuredClone(preprocess),
  });
}

/**
 * Finds the registered architecture with the same numbers as `arch`, ignoring
 * its name; used to name an architecture read from a checkpoint config.
 *
 * @param arch - Architecture to match.
 * @returns The first matching name in alphabetical order, or `undefined`.
 */
export function findRegisteredArchitectureName(
  arch: ClipArchitecture,
): string | undefined {
  // Explicit field order, so objects built in another key order still match.
  const key = (a: ClipArchitecture): string =>
    [
      a.embedDim,
      a.activation,
      a.vision.imageSize,
      a.vision.patchSize,
      a.vision.width,
      a.vision.layers,
      a.vision.heads,
      a.vision.mlpRatio,
      a.text.contextLength,
      a.text.vocabSize,
      a.text.width,
      a.text.heads,
      a.text.layers,
      a.text.mlpRatio,
    ].join(",");
  const target = key(arch);
  return listArchitectures().find(
    (name) => key(records.get(name)!.architecture) === target,
  );
}
