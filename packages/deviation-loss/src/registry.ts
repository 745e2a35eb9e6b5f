import { CompositeLoss, type LossTerm } from "./composite-loss";
import type { LossModuleFactory } from "./contract";
import { BUILT_IN_LOSSES } from "./losses/built-in";
import { formatValue, LossConfigError } from "./options";
import { lossPreset, lossPresetNames } from "./presets";

/** One entry of a loss configuration. */
export interface LossTermConfig {
  /** Registered module name, e.g. `deviation`. */
  readonly name: string;
  /** Weight of the term in the total, a finite number >= 0; 1 when omitted. */
  readonly weight?: number;
  /** Options of the module; omitted fields take their defaults. */
  readonly options?: Readonly<Record<string, unknown>>;
  /** Label of the term in reports; needed when a module appears twice. */
  readonly label?: string;
}

const CONFIG_KEYS = ["name", "weight", "options", "label"];

/** A set of loss module factories, looked up by name. */
export class LossRegistry {
  private readonly factories = new Map<string, LossModuleFactory>();

  /**
   * Adds a factory under its name.
   *
   * @param factory - the factory, e.g. from `defineLoss`
   * @param replace - whether an existing factory of that name may be replaced
   * @returns this registry, for chaining
   * @throws LossConfigError when the name is taken and `replace` is false
   */
  register<O>(factory: LossModuleFactory<O>, replace = false): this {
    if (this.factories.has(factory.name) && !replace) {
      throw new LossConfigError(
        `a loss module named "${factory.name}" is already registered; pick ` +
          "another name or pass replace = true",
      );
    }
    this.factories.set(factory.name, factory as LossModuleFactory);
    return this;
  }

  /**
   * Tells whether a module of that name is registered.
   *
   * @param name - module name
   * @returns true when registered
   */
  has(name: string): boolean {
    return this.factories.has(name);
  }

  /**
   * Looks up a factory.
   *
   * @param name - module name
   * @returns the factory
   * @throws LossConfigError for an unknown name, listing the registered ones
   */
  get(name: string): LossModuleFactory {
    const factory = this.factories.get(name);
    if (factory === undefined) {
      throw new LossConfigError(
        `unknown loss module "${name}"; registered modules: ${this.names().join(", ")}`,
      );
    }
    return factory;
  }

  /**
   * Lists the registered module names.
   *
   * @returns names in registration order
   */
  names(): string[] {
    return [...this.factories.keys()];
  }

  /**
   * Builds a weighted total from a configuration or a preset name.
   *
   * @param config - a list of terms, or a preset name (`devprompt`,
   *   `promptad`)
   * @returns the composite loss
   * @throws LossConfigError naming the entry and what is valid
   * @example
   * ```ts
   * const loss = createLossRegistry().build([
   *   { name: 'alignment' },
   *   { name: 'deviation', weight: 1, options: { topK: 0.1 } },
   * ]);
   * loss.labels; // ['alignment', 'deviation']
   * ```
   */
  build(config: readonly LossTermConfig[] | string): CompositeLoss {
    if (typeof config === "string") {
      if (!lossPresetNames().includes(config)) {
        throw new LossConfigError(
          `unknown loss preset "${config}"; valid presets: ` +
            `${lossPresetNames().join(", ")}, or give a list of terms`,
        );
      }
      config = lossPreset(config);
    }
    if (!Array.isArray(config)) {
      throw new LossConfigError(
        `a loss configuration must be a list of terms or a preset name, got ` +
          `${formatValue(config)}`,
      );
    }
    const terms = config.map((entry, index) => this.buildTerm(entry, index));
    return new CompositeLoss(terms);
  }

  private buildTerm(entry: unknown, index: number): LossTerm {
    const where = `loss configuration entry ${index}`;
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
      throw new LossConfigError(
        `${where} must be an object such as { "name": "deviation", "weight": 1 }, ` +
          `got ${formatValue(entry)}`,
      );
    }
    const record = entry as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (!CONFIG_KEYS.includes(key)) {
        throw new LossConfigError(
          `${where} has unknown key "${key}"; valid keys: ${CONFIG_KEYS.join(", ")}`,
        );
      }
    }

    const { name, weight = 1, options, label = name } = record;
    if (typeof name !== "string") {
      throw new LossConfigError(
        `${where} needs a "name", one of: ${this.names().join(", ")}; got ` +
          formatValue(name),
      );
    }
    if (typeof weight !== "number" || !Number.isFinite(weight) || weight < 0) {
      throw new LossConfigError(
        `${where} ("${name}") has weight ${formatValue(weight)}; expected a ` +
          "finite number >= 0",
      );
    }
    if (typeof label !== "string" || label.length === 0) {
      throw new LossConfigError(
        `${where} ("${name}") has label ${formatValue(label)}; expected a ` +
          "non-empty string",
      );
    }
    const module = this.get(name).create(options);
    return { label, weight, module };
  }
}

/**
 * Creates a registry holding the built-in modules: `alignment`, `margin`,
 * `agreement` and `deviation`.
 *
 * @returns a new registry, independent of every other
 */
export function createLossRegistry(): LossRegistry {
  const registry = new LossRegistry();
  for (const factory of BUILT_IN_LOSSES) {
    registry.register(factory);
  }
  return registry;
}

/**
 * The registry that {@link registerLoss} and {@link buildLoss} use, with the
 * built-in modules. Modules registered here are visible to every caller of
 * `buildLoss` in the process.
 */
export const defaultLossRegistry: LossRegistry = createLossRegistry();

/**
 * Registers a module in {@link defaultLossRegistry}.
 *
 * @param factory - the factory, e.g. from `defineLoss`
 * @param replace - whether an existing factory of that name may be replaced
 */
export function registerLoss<O>(
  factory: LossModuleFactory<O>,
  replace = false,
): void {
  defaultLossRegistry.register(factory, replace);
}

/**
 * Builds a weighted total from {@link defaultLossRegistry}.
 *
 * @param config - a list of terms, or a preset name
 * @returns the composite loss
 */
export function buildLoss(
  config: readonly LossTermConfig[] | string,
): CompositeLoss {
  return defaultLossRegistry.build(config);
}
