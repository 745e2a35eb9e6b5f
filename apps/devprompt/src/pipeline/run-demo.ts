import {
  getArchitecture,
  writeRandomCheckpoint,
} from "@devprompt/clip-encoders";
import { generateSyntheticDataset } from "@devprompt/datasets";
import { promises as fs } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { OptionValue } from "../cli/parse-option-value";
import type { OptionSource } from "../config/resolve-options";
import type { Logger } from "../log/logger";
import { defaultMapSettings } from "../maps/map-defaults";
import { writeJsonAtomic } from "../io/atomic-write";
import { defaultTrainingHyperparameters } from "../train/training-defaults";
import { runEval, type EvalResult } from "./run-eval";
import { runTrain, trainSettingsFromOptions } from "./run-train";

// The demo model: the smallest registered architecture (12 vision blocks so
// both memory taps exist, 32 px input, embedding width 24).
const DEMO_ARCHITECTURE = "test-tiny";
const DEMO_CLASS = "synthetic";
const DEMO_IMAGE_SIZE = 128;

// Class-specific abnormal states of the synthetic class, one per defect the
// generator draws, so its prompts follow the same pattern as a table class.
const DEMO_PROMPT_TABLE = {
  classes: {
    [DEMO_CLASS]: {
      name: "synthetic texture",
      states: ["{} with scratch", "{} with spot", "{} with crack"],
    },
  },
};

/** Settings of the demo. */
export interface DemoSettings {
  /** Folder for the data, model and run; a new temp folder when omitted. */
  out?: string;
  /** Training epochs. */
  epochs: number;
  /** Seed of the data, the weights and training. */
  seed: number;
}

/** Output folder and metrics of the demo. */
export interface DemoResult {
  /** Folder that contains data/, model/, run/ and prompt-table.json. */
  folder: string;
  /** Evaluation result of the run. */
  evaluation: EvalResult;
}

/**
 * Generates a synthetic dataset and a small random checkpoint, then trains
 * and evaluates on them with the default method settings.
 *
 * @param settings - folder, epochs and seed
 * @param log - logger of the command
 * @returns the folder and the metrics
 */
export async function runDemo(
  settings: DemoSettings,
  log: Logger,
): Promise<DemoResult> {
  const folder =
    settings.out === undefined
      ? await fs.mkdtemp(path.join(tmpdir(), "devprompt-demo-"))
      : path.resolve(settings.out);
  const entries = await fs.readdir(folder).catch(() => [] as string[]);
  if (entries.length > 0) {
    throw new Error(
      `demo folder ${folder} is not empty; choose a new folder or omit --out`,
    );
  }

  const dataRoot = path.join(folder, "data");
  const modelDir = path.join(folder, "model");
  const runDir = path.join(folder, "run");
  const promptTable = path.join(folder, "prompt-table.json");
  log.info(`writing the synthetic dataset to ${dataRoot}`);
  await generateSyntheticDataset({
    root: dataRoot,
    category: DEMO_CLASS,
    size: DEMO_IMAGE_SIZE,
    seed: settings.seed,
  });
  log.info(`writing a random ${DEMO_ARCHITECTURE} checkpoint to ${modelDir}`);
  writeRandomCheckpoint(modelDir, getArchitecture(DEMO_ARCHITECTURE), {
    seed: settings.seed,
  });

  await writeJsonAtomic(promptTable, DEMO_PROMPT_TABLE);

  const defaults = defaultTrainingHyperparameters();
  const maps = defaultMapSettings();
  const trainValues: Record<string, OptionValue> = {
    model: modelDir,
    dataset: "folder",
    root: dataRoot,
    category: DEMO_CLASS,
    shots: 1,
    out: runDir,
    epochs: settings.epochs,
    seed: settings.seed,
    device: "cpu",
    losses: "devprompt",
    learningRate: defaults.learningRate,
    minLearningRate: defaults.minLearningRate,
    momentum: defaults.momentum,
    weightDecay: defaults.weightDecay,
    promptStyle: "promptad",
    promptTable,
    selectEpoch: "last",
    outputSize: maps.outputSize,
    blurSigma: maps.blurSigma,
    referenceQuirks: false,
    resume: false,
    overwrite: false,
  };
  const sources: Record<string, OptionSource> = Object.fromEntries(
    Object.keys(trainValues).map((key) => [key, "default" as const]),
  );
  await runTrain(
    trainSettingsFromOptions(trainValues),
    { values: trainValues, sources },
    log,
  );

  const evaluation = await runEval(
    {
      run: runDir,
      device: "cpu",
      outputSize: maps.outputSize,
      blurSigma: maps.blurSigma,
      heatmaps: 4,
      saveMaps: false,
      deviationMap: false,
      overwrite: false,
    },
    log,
  );
  return { folder, evaluation };
}
