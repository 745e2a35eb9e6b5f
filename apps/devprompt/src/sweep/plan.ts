import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import * as path from "node:path";
import type { OptionSpec } from "../cli/option-spec";
import type { OptionValue } from "../cli/parse-option-value";
import { OPTIONS } from "../commands/shared-options";
import { writeJsonAtomic } from "../io/atomic-write";
import type {
  SweepDataset,
  SweepDefinition,
  SweepValue,
} from "./sweep-definition";
import { sweepOptionKeys } from "./sweep-definition";

/** File of the expanded plan inside a sweep output folder. */
export const PLAN_FILE = "plan.json";

/** Format tag and version of plan.json. */
const PLAN_FORMAT = "devprompt-sweep-plan";
const PLAN_VERSION = 1;

/** Hex characters of a run id (64 bits of SHA-256). */
const RUN_ID_LENGTH = 16;

/** One train+eval run of a sweep, with every setting it depends on. */
export interface PlannedRun {
  /** Stable id: a hash of every field below except the labels. */
  id: string;
  /** Label of the setting (variant and grid values); not hashed. */
  setting: string;
  /** Label of the dataset; not hashed. */
  dataset: string;
  /** Dataset layout. */
  format: SweepDataset["format"];
  /** Absolute dataset root. */
  root: string;
  /** Class name. */
  category: string;
  /** Number of normal shots. */
  shots: number;
  /** Seed of the context initialisation and shot draws. */
  seed: number;
  /** Absolute checkpoint folder. */
  model: string;
  /** Every training option the run depends on, defaults filled in. */
  train: Record<string, SweepValue>;
  /** Every evaluation option the run depends on, defaults filled in. */
  eval: Record<string, OptionValue>;
}

/** Contents of plan.json. */
export interface SweepPlan {
  /** Format tag, `devprompt-sweep-plan`. */
  format: string;
  /** Format version. */
  version: number;
  /** Absolute path of the sweep definition. */
  source: string;
  /** Runs in expansion order: dataset, class, setting, shots, seed. */
  runs: PlannedRun[];
}

/**
 * Serialises a value as JSON with sorted object keys and without undefined
 * fields, so that equal settings hash equally.
 *
 * @param value - a JSON-compatible value
 * @returns compact JSON text
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value))
    return `[${value.map((v) => canonicalJson(v)).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map(
        (k) =>
          `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`,
      );
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * Computes the id of a run: the first 16 hex digits of the SHA-256 of the
 * canonical JSON of everything that changes its result (dataset layout and
 * root, class, shots, seed, checkpoint, training and evaluation options).
 *
 * @param run - the run without its id and labels
 * @returns 16 lowercase hex digits
 */
export function runIdOf(
  run: Omit<PlannedRun, "id" | "setting" | "dataset">,
): string {
  const hashed = {
    format: run.format,
    root: run.root,
    category: run.category,
    shots: run.shots,
    seed: run.seed,
    model: run.model,
    train: run.train,
    eval: run.eval,
  };
  return createHash("sha256")
    .update(canonicalJson(hashed))
    .digest("hex")
    .slice(0, RUN_ID_LENGTH);
}

/** Defaults of the options a sweep may set, from the command definitions. */
function optionDefaults(keys: string[]): Record<string, OptionValue> {
  const specs: readonly OptionSpec[] = Object.values(OPTIONS);
  const out: Record<string, OptionValue> = {};
  for (const key of keys) {
    const value = specs.find((spec) => spec.key === key)?.defaultValue;
    if (value !== undefined)
      out[key] = Array.isArray(value) ? [...value] : (value as OptionValue);
  }
  return out;
}

/**
 * Expands a sweep into its runs: every dataset class × setting × shot
 * count × seed. Options a setting leaves unset take the defaults of
 * `devprompt train` and `devprompt eval`, so that a run's id changes
 * only when something that changes its result changes.
 *
 * @param sweep - the validated definition
 * @returns the plan (not written)
 * @throws Error when two settings expand to the same run
 */
export function expandSweep(sweep: SweepDefinition): SweepPlan {
  const keys = sweepOptionKeys();
  const trainDefaults = optionDefaults(keys.train);
  const evalDefaults = optionDefaults(keys.eval);
  const runs: PlannedRun[] = [];
  const seen = new Map<string, PlannedRun>();
  for (const dataset of sweep.datasets) {
    for (const category of dataset.classes) {
      for (const setting of sweep.settings) {
        for (const shots of sweep.shots) {
          for (const seed of sweep.seeds) {
            const body = {
              format: dataset.format,
              root: dataset.root,
              category,
              shots,
              seed,
              model: sweep.model,
              train: { ...trainDefaults, ...setting.train },
              eval: { ...evalDefaults, ...setting.eval },
            };
            const run: PlannedRun = {
              id: runIdOf(body),
              setting: setting.name,
              dataset: dataset.name,
              ...body,
            };
            const twin = seen.get(run.id);
            if (twin !== undefined) {
              throw new Error(
                `sweep file ${sweep.file}: settings "${twin.setting}" and "${run.setting}" give identical runs ` +
                  `(${dataset.name}/${category}, ${shots} shot(s), seed ${seed}); remove one of them`,
              );
            }
            seen.set(run.id, run);
            runs.push(run);
          }
        }
      }
    }
  }
  return {
    format: PLAN_FORMAT,
    version: PLAN_VERSION,
    source: sweep.file,
    runs,
  };
}

/**
 * Writes plan.json into the sweep output folder atomically, creating the
 * folder when needed.
 *
 * @param out - sweep output folder
 * @param plan - the plan
 * @returns the path written
 */
export async function writePlan(out: string, plan: SweepPlan): Promise<string> {
  await fs.mkdir(out, { recursive: true });
  const file = path.join(out, PLAN_FILE);
  await writeJsonAtomic(file, plan);
  return file;
}

/**
 * Reads plan.json from a sweep output folder.
 *
 * @param out - sweep output folder
 * @returns the plan
 * @throws Error when the file is missing or has another format
 */
export async function readPlan(out: string): Promise<SweepPlan> {
  const file = path.join(path.resolve(out), PLAN_FILE);
  let parsed: SweepPlan;
  try {
    parsed = JSON.parse(await fs.readFile(file, "utf8")) as SweepPlan;
  } catch (error) {
    throw new Error(
      `no readable sweep plan at ${file} (${(error as Error).message}); run devprompt sweep plan first`,
    );
  }
  if (parsed.format !== PLAN_FORMAT || parsed.version !== PLAN_VERSION) {
    throw new Error(
      `${file} is not a version ${PLAN_VERSION} sweep plan; plan the sweep again with this version of devprompt`,
    );
  }
  return parsed;
}
