import {
  buildLoss,
  referenceStatistics,
  type ReferenceSpec,
  lossPreset,
  lossPresetNames,
  type CompositeLoss,
  type LossTermConfig,
} from "@devprompt/deviation-loss";
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";

/** A loss ready to train with, and the terms it was built from. */
export interface ResolvedLoss {
  /** The composite loss. */
  loss: CompositeLoss;
  /** Terms, as recorded in config.json. */
  terms: LossTermConfig[];
}

/**
 * Resolves `--losses`: a preset name (`devprompt`, `promptad`) or a JSON or
 * YAML file that contains a list of terms `{ name, weight?, options?, label? }`.
 *
 * @param value - preset name or file path
 * @returns the loss and its terms
 */
export async function resolveLoss(value: string): Promise<ResolvedLoss> {
  if (lossPresetNames().includes(value)) {
    const terms = lossPreset(value);
    return { loss: buildLoss(terms), terms };
  }

  const file = path.resolve(value);
  let text: string;
  try {
    text = await fs.readFile(file, "utf8");
  } catch {
    throw new Error(
      `--losses ${value} is neither a preset (${lossPresetNames().join(", ")}) nor a readable file`,
    );
  }
  const parsed: unknown =
    path.extname(file).toLowerCase() === ".json"
      ? JSON.parse(text)
      : parseYaml(text);
  if (!Array.isArray(parsed)) {
    throw new Error(
      `loss file ${file} must contain a list of terms such as [{ "name": "deviation", "weight": 1 }]`,
    );
  }
  const terms = parsed as LossTermConfig[];
  return { loss: buildLoss(terms), terms };
}

/** Resolved loss modules as config.json records them. */
export interface LossDescription {
  /** Every term with its label, weight and every option value, defaults included. */
  lossModules: {
    label: string;
    name: string;
    weight: number;
    options: unknown;
  }[];
  /**
   * μ and σ drawn for the deviation term (of the first one when there are
   * several); null without a deviation term.
   */
  deviationReference: { mu: number; sigma: number } | null;
}

/**
 * Lists the resolved options of every loss module, and the reference
 * statistics the deviation term actually uses.
 *
 * @param loss - the built composite loss
 * @returns the description recorded in config.json
 */
export function describeLossTerms(loss: CompositeLoss): LossDescription {
  const lossModules = loss.terms.map((term) => ({
    label: term.label,
    name: term.module.name,
    weight: term.weight,
    options: { ...(term.module.options as object) },
  }));
  const deviation = loss.terms.find((term) => term.module.name === "deviation");
  const stats = deviation
    ? referenceStatistics(deviation.module.options as ReferenceSpec)
    : undefined;
  return {
    lossModules,
    deviationReference: stats ? { mu: stats.mean, sigma: stats.std } : null,
  };
}
