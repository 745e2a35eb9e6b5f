/**
 * File output of runs: atomic writes, .npy and CSV encoding, run directories.
 *
 * @module
 */
export { writeFileAtomic, writeJsonAtomic } from "./atomic-write";
export { formatCsv } from "./csv";
export type { CsvCell } from "./csv";
export { decodeNpy, encodeNpy, writeNpyAtomic } from "./npy";
export type { NpyArray } from "./npy";
export {
  RUN_FORMAT,
  RUN_FORMAT_VERSION,
  RUN_MANIFEST_FILE,
  RunDirectory,
  createRunDir,
  openRunDir,
} from "./run-dir";
export type {
  CreateRunDirOptions,
  OpenRunDirOptions,
  RunManifest,
  RunStatus,
} from "./run-dir";
