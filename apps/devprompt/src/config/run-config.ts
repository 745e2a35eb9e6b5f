import * as path from "node:path";
import { writeJsonAtomic } from "../io/atomic-write";
import type { ResolvedOptions } from "./resolve-options";

/** File name of the record of every value a run used. */
export const RUN_CONFIG_FILE = "config.json";

/** Contents of `config.json`. */
export interface RunConfig {
  /** Command that ran, e.g. `train`. */
  command: string;
  /** Program and version, e.g. `devprompt 0.1.0`. */
  createdBy: string;
  /** Every option value used, defaults included, by camelCase key. */
  options: ResolvedOptions["values"];
  /** Source of each option value. */
  sources: ResolvedOptions["sources"];
  /** Further facts of the run, e.g. the shot files chosen. */
  details: Record<string, unknown>;
}

/**
 * Writes `config.json` into a run directory, atomically. The file can be
 * passed back with `--config` to repeat the run.
 *
 * @param dir - run directory
 * @param config - command, values and extra details
 * @returns the path written
 */
export async function writeRunConfig(
  dir: string,
  config: RunConfig,
): Promise<string> {
  const file = path.join(dir, RUN_CONFIG_FILE);
  await writeJsonAtomic(file, config);
  return file;
}
