import * as path from "node:path";
import { kebabCase, type OptionSpec } from "./option-spec";

/**
 * A value after parsing: the kinds of {@link OptionSpec} map to these.
 * `number[]` appears only in a written config.json, for lists of numbers.
 */
export type OptionValue = string | number | boolean | string[] | number[];

/** Origin of a raw value, for error messages and path resolution. */
export interface ValueOrigin {
  /** `command line` or the config file path. */
  label: string;
  /** Folder that relative paths are resolved against. */
  baseDir: string;
}

/**
 * Parses and validates one raw option value.
 *
 * Command-line values arrive as strings (or `true` for a boolean flag);
 * config-file values may already be numbers, booleans or arrays.
 *
 * @param spec - the option
 * @param raw - the raw value
 * @param origin - where it came from
 * @returns the typed value
 */
export function parseOptionValue(
  spec: OptionSpec,
  raw: unknown,
  origin: ValueOrigin,
): OptionValue {
  const name = `--${kebabCase(spec.key)}`;
  const invalid = (expected: string): Error =>
    new Error(
      `invalid value ${JSON.stringify(raw)} for ${name} in ${origin.label}: expected ${expected}`,
    );

  switch (spec.kind) {
    case "boolean":
      if (typeof raw === "boolean") return raw;
      if (raw === "true" || raw === "false") return raw === "true";
      throw invalid("true or false");

    case "int":
    case "number": {
      const value =
        typeof raw === "number"
          ? raw
          : typeof raw === "string" && raw.trim() !== ""
            ? Number(raw)
            : NaN;
      if (!Number.isFinite(value))
        throw invalid(spec.kind === "int" ? "an integer" : "a number");
      if (spec.kind === "int" && !Number.isInteger(value))
        throw invalid("an integer");
      const below = spec.min !== undefined && value < spec.min;
      const above = spec.max !== undefined && value > spec.max;
      if (below || above)
        throw invalid(
          spec.max === undefined
            ? `a value ≥ ${spec.min}`
            : spec.min === undefined
              ? `a value ≤ ${spec.max}`
              : `a value from ${spec.min} to ${spec.max}`,
        );
      return value;
    }

    case "choice": {
      const choices = spec.choices ?? [];
      if (typeof raw === "string" && choices.includes(raw)) return raw;
      throw invalid(`one of ${choices.join(", ")}`);
    }

    case "list": {
      const items = Array.isArray(raw)
        ? raw
        : typeof raw === "string"
          ? raw.split(",")
          : undefined;
      // A config.json records lists of numbers, such as --tap-blocks, as
      // numbers. They are read back as their decimal text.
      if (
        items === undefined ||
        items.some(
          (item) =>
            typeof item !== "string" &&
            !(typeof item === "number" && Number.isFinite(item)),
        )
      ) {
        throw invalid(
          "a comma-separated list or an array of strings or numbers",
        );
      }
      const trimmed = (items as (string | number)[])
        .map((item) => String(item).trim())
        .filter((item) => item !== "");
      if (trimmed.length === 0) throw invalid("at least one item");
      return trimmed;
    }

    case "path":
      if (typeof raw !== "string" || raw === "") throw invalid("a path");
      return path.resolve(origin.baseDir, raw);

    case "string":
      if (typeof raw !== "string" || raw === "")
        throw invalid("a non-empty string");
      return raw;
  }
}
