/**
 * Typed, validated options of loss modules. Each option is described by an
 * {@link OptionSpec}, which parses a raw configuration value (from JSON or
 * YAML) into its typed form or raises an error that states what is expected.
 */

/** Description and parser of one option of a loss module. */
export interface OptionSpec<T> {
  /** Description of the setting and its unit, shown in docs and errors. */
  readonly description: string;
  /** The accepted values in words, e.g. `a number >= 0`. */
  readonly expected: string;
  /** Value used when the configuration omits the option. */
  readonly default: T;
  /**
   * Converts a raw configuration value to the option's type.
   *
   * @param value - the raw value, never `undefined`
   * @returns the typed value
   * @throws Error with a message saying what is wrong with `value`
   */
  parse(value: unknown): T;
}

/** One {@link OptionSpec} per field of the options type `O`. */
export type OptionSpecs<O> = { readonly [K in keyof O]: OptionSpec<O[K]> };

/** Bounds and flags of {@link numberOption}. */
export interface NumberOptionSettings {
  /** Description of the setting and its unit. */
  readonly description: string;
  /** Value used when the configuration omits the option. */
  readonly default: number;
  /** Smallest allowed value (inclusive unless `minExclusive`). */
  readonly min?: number;
  /** Largest allowed value (inclusive unless `maxExclusive`). */
  readonly max?: number;
  /** Whether `min` itself is rejected. */
  readonly minExclusive?: boolean;
  /** Whether `max` itself is rejected. */
  readonly maxExclusive?: boolean;
  /** Whether only integers are accepted. */
  readonly integer?: boolean;
}

/** Error raised for an invalid loss configuration or invalid options. */
export class LossConfigError extends Error {
  /**
   * @param message - what is invalid, the value found and what is valid
   */
  constructor(message: string) {
    super(message);
    this.name = "LossConfigError";
  }
}

/**
 * Formats a raw configuration value for an error message.
 *
 * @param value - any value
 * @returns JSON where possible, else `String(value)`
 */
export function formatValue(value: unknown): string {
  if (typeof value === "number" || value === undefined) {
    return String(value);
  }
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function describeRange(settings: NumberOptionSettings): string {
  const kind = settings.integer ? "an integer" : "a number";
  const { min, max } = settings;
  if (min !== undefined && max !== undefined) {
    const open = settings.minExclusive ? "(" : "[";
    const close = settings.maxExclusive ? ")" : "]";
    return `${kind} in ${open}${min}, ${max}${close}`;
  }
  if (min !== undefined) {
    return `${kind} ${settings.minExclusive ? ">" : ">="} ${min}`;
  }
  if (max !== undefined) {
    return `${kind} ${settings.maxExclusive ? "<" : "<="} ${max}`;
  }
  return `a finite ${settings.integer ? "integer" : "number"}`;
}

/**
 * Creates the spec of a numeric option with optional bounds.
 *
 * @param settings - description, default and bounds
 * @returns a spec whose parser accepts finite numbers within the bounds
 * @example
 * ```ts
 * const margin = numberOption({ description: 'Margin a.', default: 5, min: 0 });
 * margin.parse(2); // 2
 * margin.parse(-1); // throws: expected a number >= 0
 * ```
 */
export function numberOption(
  settings: NumberOptionSettings,
): OptionSpec<number> {
  const expected = describeRange(settings);
  const { min, max } = settings;

  const parse = (value: unknown): number => {
    const valid =
      typeof value === "number" &&
      Number.isFinite(value) &&
      (!settings.integer || Number.isInteger(value)) &&
      (min === undefined ||
        (settings.minExclusive ? value > min : value >= min)) &&
      (max === undefined ||
        (settings.maxExclusive ? value < max : value <= max));
    if (!valid) {
      throw new Error(`expected ${expected}, got ${formatValue(value)}`);
    }
    return value;
  };

  parse(settings.default);
  return {
    description: settings.description,
    expected,
    default: settings.default,
    parse,
  };
}

/**
 * Creates the spec of an option that takes one of a fixed set of strings.
 *
 * @param choices - the accepted strings
 * @param defaultChoice - value used when the option is omitted
 * @param description - what the option sets
 * @returns a spec whose parser accepts exactly `choices`
 */
export function choiceOption<C extends string>(
  choices: readonly C[],
  defaultChoice: C,
  description: string,
): OptionSpec<C> {
  const expected = `one of ${choices.map((c) => `"${c}"`).join(", ")}`;
  const parse = (value: unknown): C => {
    if (typeof value !== "string" || !choices.includes(value as C)) {
      throw new Error(`expected ${expected}, got ${formatValue(value)}`);
    }
    return value as C;
  };

  parse(defaultChoice);
  return { description, expected, default: defaultChoice, parse };
}

/**
 * Creates the spec of a boolean option.
 *
 * @param defaultValue - value used when the option is omitted
 * @param description - what the option switches on
 * @returns a spec whose parser accepts `true` and `false`
 */
export function booleanOption(
  defaultValue: boolean,
  description: string,
): OptionSpec<boolean> {
  const parse = (value: unknown): boolean => {
    if (typeof value !== "boolean") {
      throw new Error(`expected true or false, got ${formatValue(value)}`);
    }
    return value;
  };
  return {
    description,
    expected: "true or false",
    default: defaultValue,
    parse,
  };
}

/**
 * Lists option names with what each accepts, for error messages.
 *
 * @param specs - the option specs of one module
 * @returns e.g. `margin (a number >= 0), variant (one of "a", "b")`, or
 *   `none` when the module has no options
 */
export function describeOptions<O>(specs: OptionSpecs<O>): string {
  const entries = Object.entries(specs) as [string, OptionSpec<unknown>][];
  if (entries.length === 0) {
    return "none";
  }
  return entries.map(([name, spec]) => `${name} (${spec.expected})`).join(", ");
}

/**
 * Validates raw options against specs and fills in defaults.
 *
 * @param moduleName - the loss module, named in errors
 * @param specs - one spec per option
 * @param raw - the `options` object from the configuration, or `undefined`
 * @returns a new, frozen options object with every field set
 * @throws LossConfigError naming the module, the option, the value found and
 *   the valid options
 */
export function parseOptions<O>(
  moduleName: string,
  specs: OptionSpecs<O>,
  raw: unknown,
): Readonly<O> {
  const valid = `Valid options of "${moduleName}": ${describeOptions(specs)}.`;
  if (raw === undefined || raw === null) {
    raw = {};
  }
  if (typeof raw !== "object" || Array.isArray(raw)) {
    throw new LossConfigError(
      `invalid options of loss module "${moduleName}": expected an object, ` +
        `got ${formatValue(raw)}. ${valid}`,
    );
  }

  const given = raw as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!Object.prototype.hasOwnProperty.call(specs, key)) {
      throw new LossConfigError(
        `unknown option "${key}" of loss module "${moduleName}". ${valid}`,
      );
    }
  }

  const parsed: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(specs) as [
    string,
    OptionSpec<unknown>,
  ][]) {
    const value = given[key];
    if (value === undefined) {
      parsed[key] = spec.default;
      continue;
    }
    try {
      parsed[key] = spec.parse(value);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new LossConfigError(
        `invalid option "${key}" of loss module "${moduleName}": ${reason}. ${valid}`,
      );
    }
  }
  return Object.freeze(parsed) as Readonly<O>;
}
