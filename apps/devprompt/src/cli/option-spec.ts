/**
 * Value kinds an option can take. `path` values are resolved to absolute
 * paths: relative to the working directory on the command line, relative
 * to the config file's folder inside a config file.
 */
export type OptionKind =
  "string" | "path" | "int" | "number" | "boolean" | "choice" | "list";

/**
 * One command-line option, described as data so that the command line,
 * config files and the written `config.json` share one definition.
 */
export interface OptionSpec {
  /** camelCase name, used as the key in config files and in `config.json`. */
  key: string;
  /** Value kind, used to parse and validate both flags and config values. */
  kind: OptionKind;
  /** Help text: what the option sets and in what unit. */
  description: string;
  /** Placeholder in the help, e.g. `dir` for `--model <dir>`. */
  valueName?: string;
  /** Allowed values of a `choice` option. */
  choices?: readonly string[];
  /** Value used when neither the command line nor a config file sets it. */
  defaultValue?: string | number | boolean | readonly string[];
  /** True when the run cannot start without a value. */
  required?: boolean;
  /** Smallest allowed value of an `int` or `number` option. */
  min?: number;
  /** Largest allowed value of an `int` or `number` option. */
  max?: number;
}

/** A positional argument of a command. */
export interface ArgumentSpec {
  /** Name shown in the usage line. */
  name: string;
  /** Help text. */
  description: string;
  /** True when the argument takes one or more values. */
  variadic?: boolean;
  /** True when at least one value is needed. */
  required?: boolean;
}

/**
 * Converts a camelCase key to its kebab-case flag name.
 *
 * @param key - e.g. `initContext`
 * @returns e.g. `init-context`
 */
export function kebabCase(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/**
 * Converts a kebab-case or snake_case name to camelCase.
 *
 * @param name - e.g. `init-context` or `init_context`
 * @returns e.g. `initContext`
 */
export function camelCase(name: string): string {
  return name.replace(/[-_]([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * Returns the flag of an option as commander expects it, e.g.
 * `--epochs <n>` or `--overwrite`.
 *
 * @param spec - the option
 * @returns the flag text
 */
export function flagOf(spec: OptionSpec): string {
  const name = `--${kebabCase(spec.key)}`;
  return spec.kind === "boolean"
    ? name
    : `${name} <${spec.valueName ?? "value"}>`;
}
