import { buildLoss, type LossTermConfig } from "@devprompt/deviation-loss";
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import type { OptionSpec } from "../cli/option-spec";
import { camelCase } from "../cli/option-spec";
import { parseOptionValue, type OptionValue } from "../cli/parse-option-value";
import {
  DATASET_KINDS,
  METHOD_OPTIONS,
  OPTIONS,
} from "../commands/shared-options";

/** Value of one run option in a sweep: an option value or an inline loss list. */
export type SweepValue = OptionValue | LossTermConfig[];

/** One dataset of a sweep and the classes to run on it. */
export interface SweepDataset {
  /** Label of the dataset in tables, e.g. `mvtec`. */
  name: string;
  /** Layout of the dataset root. */
  format: (typeof DATASET_KINDS)[number];
  /** Absolute dataset root. */
  root: string;
  /** Classes to run, in table order. */
  classes: string[];
}

/** One named group of option overrides (a row group of the report). */
export interface SweepSetting {
  /** Label of the setting, e.g. `promptStyle=devprompt`. */
  name: string;
  /** Training overrides by camelCase option key. */
  train: Record<string, SweepValue>;
  /** Evaluation overrides by camelCase option key. */
  eval: Record<string, OptionValue>;
}

/** A validated sweep definition with absolute paths. */
export interface SweepDefinition {
  /** Absolute path of the file it was read from. */
  file: string;
  /** Absolute CLIP checkpoint folder shared by every run. */
  model: string;
  /** Datasets and their classes. */
  datasets: SweepDataset[];
  /** Shot counts. */
  shots: number[];
  /** Seeds of the context initialisation and shot draws. */
  seeds: number[];
  /** Settings: every variant crossed with every grid combination. */
  settings: SweepSetting[];
}

/**
 * Training options a sweep may set, each validated with the same rules as
 * on the `devprompt train` command line, including the method options
 * (prompt context sizes, memory taps, feature source, resizing). `losses`
 * also accepts an inline
 * list of loss terms, which is how loss weights and module options (for
 * example the top-K or the margin of a term) are swept.
 */
const TRAIN_SPECS: readonly OptionSpec[] = [
  OPTIONS.epochs,
  OPTIONS.learningRate,
  OPTIONS.minLearningRate,
  OPTIONS.momentum,
  OPTIONS.weightDecay,
  OPTIONS.promptStyle,
  OPTIONS.losses,
  OPTIONS.referenceQuirks,
  OPTIONS.selectEpoch,
  ...METHOD_OPTIONS,
  {
    key: "promptTable",
    kind: "path",
    description: "prompt-table extension file",
  },
];

/** Evaluation options a sweep may set. */
const EVAL_SPECS: readonly OptionSpec[] = [
  OPTIONS.outputSize,
  OPTIONS.blurSigma,
];

const TOP_KEYS = [
  "name",
  "model",
  "datasets",
  "shots",
  "seeds",
  "train",
  "eval",
  "grid",
  "variants",
];

/** Option keys a sweep may override, by group. */
export interface SweepOptionKeys {
  /** Keys passed to training. */
  train: string[];
  /** Keys passed to evaluation. */
  eval: string[];
}

/**
 * Returns the option keys a sweep may override.
 *
 * @returns training keys and evaluation keys, as new arrays
 */
export function sweepOptionKeys(): SweepOptionKeys {
  return {
    train: TRAIN_SPECS.map((spec) => spec.key),
    eval: EVAL_SPECS.map((spec) => spec.key),
  };
}

/**
 * Reads a sweep definition from a YAML (`.yaml`, `.yml`) or JSON file.
 * Relative paths in it are resolved against the file's folder.
 *
 * @param file - path of the definition
 * @returns the validated definition
 * @throws Error naming the file and the offending field
 */
export async function loadSweepDefinition(
  file: string,
): Promise<SweepDefinition> {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = await fs.readFile(absolute, "utf8");
  } catch (error) {
    throw new Error(
      `sweep file ${absolute} could not be read: ${(error as Error).message}`,
    );
  }
  let raw: unknown;
  try {
    raw =
      path.extname(absolute).toLowerCase() === ".json"
        ? JSON.parse(text)
        : parseYaml(text);
  } catch (error) {
    throw new Error(
      `sweep file ${absolute} is not valid JSON or YAML: ${(error as Error).message}`,
    );
  }
  return parseSweepDefinition(raw, absolute);
}

/**
 * Validates a parsed sweep definition.
 *
 * Layout (YAML shown; keys may be camelCase, kebab-case or snake_case):
 * ```yaml
 * model: ./model              # checkpoint folder
 * datasets:
 *   - { name: synth, format: folder, root: ./data, classes: [tile] }
 * shots: [1]
 * seeds: [1, 2, 3]
 * train: { epochs: 20 }       # shared by every run
 * eval: { outputSize: 400 }
 * grid: { promptStyle: [promptad, devprompt] }   # every combination
 * variants:                   # named overrides, crossed with the grid
 *   - { name: full, losses: devprompt }
 *   - { name: no-deviation, losses: promptad }
 * ```
 *
 * @param raw - the parsed file
 * @param file - absolute path of the file, for messages and relative paths
 * @returns the validated definition
 * @throws Error naming the file and the offending field
 */
export function parseSweepDefinition(
  raw: unknown,
  file: string,
): SweepDefinition {
  const fail = (message: string): never => {
    throw new Error(`sweep file ${file}: ${message}`);
  };
  const top = normaliseKeys(raw, "the top level", fail);
  const unknown = Object.keys(top).filter((key) => !TOP_KEYS.includes(key));
  if (unknown.length > 0) {
    fail(
      `unknown field(s) ${unknown.join(", ")}; expected ${TOP_KEYS.join(", ")}`,
    );
  }
  const baseDir = path.dirname(file);

  if (typeof top.model !== "string" || top.model === "")
    fail("`model` must be the path of a CLIP checkpoint folder");
  const model = path.resolve(baseDir, top.model as string);

  if (!Array.isArray(top.datasets) || top.datasets.length === 0)
    fail(
      "`datasets` must be a non-empty list of { name, format, root, classes }",
    );
  const datasets = (top.datasets as unknown[]).map((entry, i) =>
    parseDataset(entry, i, baseDir, fail),
  );
  const names = datasets.map((d) => d.name);
  const repeated = names.find((name, i) => names.indexOf(name) !== i);
  if (repeated !== undefined)
    fail(`dataset name "${repeated}" appears twice; give each a unique name`);

  const shots = integerList(top.shots ?? [1], "shots", 1, fail);
  const seeds = integerList(top.seeds ?? [111], "seeds", 0, fail);

  const origin = { label: `sweep file ${file}`, baseDir };
  const base = parseOverrides(
    top.train ?? {},
    top.eval ?? {},
    "train/eval",
    origin,
    fail,
  );
  const grid = parseGrid(top.grid ?? {}, origin, fail);
  const variants = parseVariants(top.variants, origin, fail);

  const settings: SweepSetting[] = [];
  for (const variant of variants) {
    for (const combination of grid) {
      const name = [...variant.labels, ...combination.labels]
        .filter((part) => part !== "")
        .join(" ");
      settings.push({
        name: name === "" ? "default" : name,
        train: { ...base.train, ...variant.train, ...combination.train },
        eval: { ...base.eval, ...variant.eval, ...combination.eval },
      });
    }
  }
  return { file, model, datasets, shots, seeds, settings };
}

type Fail = (message: string) => never;

function normaliseKeys(
  value: unknown,
  where: string,
  fail: Fail,
): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    fail(`${where} must be a mapping`);
  const out: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value as object))
    out[camelCase(key)] = entry;
  return out;
}

function integerList(
  value: unknown,
  field: string,
  min: number,
  fail: Fail,
): number[] {
  const list = Array.isArray(value) ? value : [value];
  if (
    list.length === 0 ||
    !list.every((v) => Number.isInteger(v) && (v as number) >= min)
  ) {
    fail(
      `\`${field}\` must be an integer >= ${min} or a non-empty list of them`,
    );
  }
  if (new Set(list).size !== list.length)
    fail(`\`${field}\` lists a value twice`);
  return list as number[];
}

function parseDataset(
  entry: unknown,
  index: number,
  baseDir: string,
  fail: Fail,
): SweepDataset {
  const where = `datasets[${index}]`;
  const d = normaliseKeys(entry, where, fail);
  const format = d.format;
  if (!DATASET_KINDS.includes(format as SweepDataset["format"]))
    fail(`${where}.format must be one of ${DATASET_KINDS.join(", ")}`);
  if (typeof d.root !== "string" || d.root === "")
    fail(`${where}.root must be the dataset root folder`);
  const classes = Array.isArray(d.classes) ? d.classes : [d.classes];
  if (
    classes.length === 0 ||
    !classes.every((c) => typeof c === "string" && c !== "")
  ) {
    fail(`${where}.classes must be a class name or a list of class names`);
  }
  if (new Set(classes).size !== classes.length)
    fail(`${where}.classes lists a class twice`);
  return {
    name: typeof d.name === "string" && d.name !== "" ? d.name : String(format),
    format: format as SweepDataset["format"],
    root: path.resolve(baseDir, d.root as string),
    classes: classes as string[],
  };
}

function parseOverrides(
  train: unknown,
  evaluation: unknown,
  where: string,
  origin: { label: string; baseDir: string },
  fail: Fail,
): { train: Record<string, SweepValue>; eval: Record<string, OptionValue> } {
  const out = {
    train: {} as Record<string, SweepValue>,
    eval: {} as Record<string, OptionValue>,
  };
  for (const [key, value] of Object.entries(
    normaliseKeys(train, `${where} train`, fail),
  )) {
    out.train[key] = parseValue(key, value, "train", origin, fail);
  }
  for (const [key, value] of Object.entries(
    normaliseKeys(evaluation, `${where} eval`, fail),
  )) {
    out.eval[key] = parseValue(key, value, "eval", origin, fail) as OptionValue;
  }
  return out;
}

/** Parses one override; the key decides whether it trains or evaluates. */
function parseValue(
  key: string,
  value: unknown,
  group: "train" | "eval",
  origin: { label: string; baseDir: string },
  fail: Fail,
): SweepValue {
  const specs = group === "train" ? TRAIN_SPECS : EVAL_SPECS;
  const spec = specs.find((s) => s.key === key);
  if (spec === undefined) {
    fail(
      `unknown ${group} option "${key}"; a sweep may set ${specs.map((s) => s.key).join(", ")}`,
    );
  }
  if (key === "losses" && Array.isArray(value)) {
    try {
      buildLoss(value as LossTermConfig[]);
    } catch (error) {
      fail(`invalid inline losses: ${(error as Error).message}`);
    }
    return value as LossTermConfig[];
  }
  try {
    return parseOptionValue(spec as OptionSpec, value, origin);
  } catch (error) {
    return fail((error as Error).message);
  }
}

/** Returns the group an override key belongs to, or undefined. */
function groupOf(key: string): "train" | "eval" | undefined {
  if (TRAIN_SPECS.some((s) => s.key === key)) return "train";
  if (EVAL_SPECS.some((s) => s.key === key)) return "eval";
  return undefined;
}

interface GridCombination {
  labels: string[];
  train: Record<string, SweepValue>;
  eval: Record<string, OptionValue>;
}

function parseGrid(
  grid: unknown,
  origin: { label: string; baseDir: string },
  fail: Fail,
): GridCombination[] {
  let combinations: GridCombination[] = [{ labels: [], train: {}, eval: {} }];
  for (const [key, values] of Object.entries(
    normaliseKeys(grid, "grid", fail),
  )) {
    const group = groupOf(key);
    if (group === undefined) {
      fail(
        `grid option "${key}" is unknown; a sweep may set ${[...TRAIN_SPECS, ...EVAL_SPECS].map((s) => s.key).join(", ")}`,
      );
    }
    if (!Array.isArray(values) || values.length === 0)
      fail(`grid.${key} must be a non-empty list of values`);
    const parsed = (values as unknown[]).map((value) =>
      parseValue(key, value, group as "train" | "eval", origin, fail),
    );
    combinations = combinations.flatMap((combination) =>
      parsed.map((value, i) => ({
        labels: [
          ...combination.labels,
          `${key}=${Array.isArray(value) && typeof value[0] === "object" ? `#${i + 1}` : String(value)}`,
        ],
        train:
          group === "train"
            ? { ...combination.train, [key]: value }
            : combination.train,
        eval:
          group === "eval"
            ? { ...combination.eval, [key]: value as OptionValue }
            : combination.eval,
      })),
    );
  }
  return combinations;
}

function parseVariants(
  variants: unknown,
  origin: { label: string; baseDir: string },
  fail: Fail,
): GridCombination[] {
  if (variants === undefined) return [{ labels: [], train: {}, eval: {} }];
  if (!Array.isArray(variants) || variants.length === 0)
    fail("`variants` must be a non-empty list of { name, ...options }");
  const seen = new Set<string>();
  return (variants as unknown[]).map((entry, i) => {
    const fields = normaliseKeys(entry, `variants[${i}]`, fail);
    const name = fields.name;
    if (typeof name !== "string" || name === "")
      fail(`variants[${i}] needs a non-empty name`);
    if (seen.has(name as string))
      fail(`variant name "${String(name)}" appears twice`);
    seen.add(name as string);
    const train: Record<string, unknown> = {};
    const evaluation: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(fields)) {
      if (key === "name") continue;
      const group = groupOf(key);
      if (group === undefined) {
        fail(
          `variants[${i}] sets unknown option "${key}"; a sweep may set ${[...TRAIN_SPECS, ...EVAL_SPECS].map((s) => s.key).join(", ")}`,
        );
      }
      (group === "train" ? train : evaluation)[key] = value;
    }
    const parsed = parseOverrides(
      train,
      evaluation,
      `variants[${i}]`,
      origin,
      fail,
    );
    return { labels: [name as string], ...parsed };
  });
}
