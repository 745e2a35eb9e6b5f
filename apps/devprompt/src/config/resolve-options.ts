import * as path from "node:path";
import { kebabCase, type OptionSpec } from "../cli/option-spec";
import { parseOptionValue, type OptionValue } from "../cli/parse-option-value";
import type { ConfigFile } from "./config-file";

/** Source of an option value. */
export type OptionSource = "command line" | "config file" | "default";

/** Final option values of a command. */
export interface ResolvedOptions {
  /** Typed values by camelCase key; options without any value are absent. */
  values: Record<string, OptionValue>;
  /** Source of each value in `values`. */
  sources: Record<string, OptionSource>;
}

/**
 * Merges option values by precedence: command line, then config file, then
 * the option's default. Every value is parsed and validated with the same
 * rules whatever its source.
 *
 * @param specs - options of the command
 * @param commandLine - raw values that were given on the command line, by key
 * @param config - the loaded config file, if any
 * @returns the typed values and their sources
 */
export function resolveOptions(
  specs: readonly OptionSpec[],
  commandLine: Record<string, unknown>,
  config?: ConfigFile,
): ResolvedOptions {
  const known = new Map(specs.map((spec) => [spec.key, spec]));
  if (config) {
    const unknown = Object.keys(config.values).filter((key) => !known.has(key));
    if (unknown.length > 0) {
      throw new Error(
        `config file ${config.path} sets unknown option(s) ${unknown.map((k) => kebabCase(k)).join(", ")}; ` +
          `this command accepts ${specs.map((s) => kebabCase(s.key)).join(", ")}`,
      );
    }
  }

  const values: Record<string, OptionValue> = {};
  const sources: Record<string, OptionSource> = {};
  const cliOrigin = { label: "the command line", baseDir: process.cwd() };
  const fileOrigin = config && {
    label: `config file ${config.path}`,
    baseDir: path.dirname(config.path),
  };

  for (const spec of specs) {
    if (commandLine[spec.key] !== undefined) {
      values[spec.key] = parseOptionValue(
        spec,
        commandLine[spec.key],
        cliOrigin,
      );
      sources[spec.key] = "command line";
    } else if (config && fileOrigin && config.values[spec.key] !== undefined) {
      values[spec.key] = parseOptionValue(
        spec,
        config.values[spec.key],
        fileOrigin,
      );
      sources[spec.key] = "config file";
    } else if (spec.defaultValue !== undefined) {
      const fallback = spec.defaultValue;
      values[spec.key] = parseOptionValue(
        spec,
        Array.isArray(fallback) ? [...fallback] : fallback,
        { label: "the defaults", baseDir: process.cwd() },
      );
      sources[spec.key] = "default";
    } else if (spec.required) {
      throw new Error(
        `missing required option --${kebabCase(spec.key)}; set it on the command line or in a --config file`,
      );
    }
  }
  return { values, sources };
}
