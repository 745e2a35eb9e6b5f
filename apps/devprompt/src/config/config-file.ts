import { promises as fs } from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { camelCase } from "../cli/option-spec";

/** Raw option values read from a config file, keyed by camelCase option name. */
export interface ConfigFile {
  /** Absolute path of the file. */
  path: string;
  /** Values as written in the file, keys converted to camelCase. */
  values: Record<string, unknown>;
}

/**
 * Reads a JSON (`.json`) or YAML (`.yaml`, `.yml`) config file that contains
 * option values as a mapping from option name to value. Names may be
 * written camelCase (`initContext`), kebab-case (`init-context`) or
 * snake_case (`init_context`).
 *
 * A `config.json` written by a previous run is accepted too: its `options`
 * mapping is used, so `--config RUN/config.json` repeats that run.
 *
 * @param file - path of the config file
 * @returns the absolute path and the raw values
 */
export async function loadConfigFile(file: string): Promise<ConfigFile> {
  const absolute = path.resolve(file);
  const extension = path.extname(absolute).toLowerCase();
  if (![".json", ".yaml", ".yml"].includes(extension)) {
    throw new Error(
      `config file ${absolute} has extension "${extension}"; use .json, .yaml or .yml`,
    );
  }

  let text: string;
  try {
    text = await fs.readFile(absolute, "utf8");
  } catch (error) {
    throw new Error(
      `config file ${absolute} could not be read: ${(error as Error).message}`,
    );
  }

  let parsed: unknown;
  try {
    parsed = extension === ".json" ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new Error(
      `config file ${absolute} is not valid ${extension === ".json" ? "JSON" : "YAML"}: ${(error as Error).message}`,
    );
  }
  if (parsed === null || parsed === undefined)
    return { path: absolute, values: {} };
  if (!isPlainObject(parsed)) {
    throw new Error(
      `config file ${absolute} must contain a mapping from option names to values`,
    );
  }

  const mapping = isRunConfig(parsed) ? parsed.options : parsed;
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(mapping))
    values[camelCase(key)] = value;
  return { path: absolute, values };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** True for the `config.json` layout that runs write. */
function isRunConfig(
  value: Record<string, unknown>,
): value is { options: Record<string, unknown> } {
  return typeof value.command === "string" && isPlainObject(value.options);
}
