import { buildLoss } from "@devprompt/deviation-loss";
import { openDataset } from "@devprompt/datasets";
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import { hostname } from "node:os";
import * as path from "node:path";
import type { OptionValue } from "../cli/parse-option-value";
import type { OptionSource } from "../config/resolve-options";
import { writeJsonAtomic } from "../io/atomic-write";
import type { Logger } from "../log/logger";
import { runEval, type EvalMetrics } from "../pipeline/run-eval";
import { runTrain, trainSettingsFromOptions } from "../pipeline/run-train";
import type { PlannedRun } from "./plan";
import { runFolder } from "./run-results";

/** Folder of the finished train+eval run directory inside a sweep run's folder. */
export const TRAIN_DIR = "run";
/** Prefix of the folder one attempt trains and evaluates in. */
export const ATTEMPT_DIR_PREFIX = "attempt-";
/** Inline loss terms of a run are written here and passed to --losses. */
const INLINE_LOSSES_FILE = "losses.json";

/** Progress of one run, as reported to a queue or a terminal. */
export interface RunProgress {
  /** Stage in progress. */
  stage: "check" | "train" | "eval";
  /** Fraction of the whole run done, in [0, 1]. */
  fraction: number;
  /** Short human-readable detail, e.g. `epoch 3/20`. */
  detail: string;
}

/** Output folder, device, logger and progress callback of one run. */
export interface RunContext {
  /** Sweep output folder; the run writes under `runs/<id>/`. */
  out: string;
  /** ONNX Runtime execution provider. */
  device: "cpu" | "cuda";
  /** Logger of the command. */
  log: Logger;
  /** Called as the run advances. */
  onProgress?: (progress: RunProgress) => void;
}

/** Metrics of one executed run. */
export interface RunMetrics {
  /** Metrics in percent, `null` where undefined. */
  metrics: EvalMetrics;
  /** Number of test images scored. */
  images: number;
}

/**
 * Executes one planned run. Implementations throw {@link InvalidRunError}
 * when the run's settings can never succeed, and any other error for a
 * failure that a retry may fix.
 */
export interface RunExecutor {
  /**
   * Runs train+eval for one planned run.
   *
   * @param run - the planned run
   * @param context - output folder, device, logger, progress callback
   * @returns the metrics
   */
  execute(run: PlannedRun, context: RunContext): Promise<RunMetrics>;
}

/**
 * Error of a run whose settings can never succeed (an unknown class, a
 * missing checkpoint, an invalid loss list): queues fail it without
 * retrying.
 */
export class InvalidRunError extends Error {
  /**
   * @param runId - id of the run
   * @param message - what is wrong and what to change
   */
  constructor(runId: string, message: string) {
    super(`run ${runId}: ${message}`);
    this.name = "InvalidRunError";
  }
}

/**
 * Checks what a run needs before any work starts: the checkpoint folder,
 * the dataset class with enough normal images for the shots, and the loss
 * configuration. Any problem here is a property of the settings.
 */
async function checkInputs(run: PlannedRun): Promise<void> {
  const configFile = path.join(run.model, "open_clip_config.json");
  try {
    await fs.access(configFile);
  } catch {
    throw new InvalidRunError(
      run.id,
      `checkpoint folder ${run.model} has no open_clip_config.json; point the sweep's model at a CLIP checkpoint folder`,
    );
  }
  try {
    await openDataset({
      format: run.format,
      root: run.root,
      category: run.category,
      shots: run.shots,
      seed: run.seed,
    });
  } catch (error) {
    throw new InvalidRunError(run.id, (error as Error).message);
  }
  const losses = run.train.losses;
  if (Array.isArray(losses) || typeof losses === "string") {
    try {
      // A file path is read by the training run itself; presets and inline
      // lists are checked here.
      if (Array.isArray(losses) || !losses.includes(path.sep))
        buildLoss(losses as Parameters<typeof buildLoss>[0]);
    } catch (error) {
      throw new InvalidRunError(run.id, (error as Error).message);
    }
  }
}

/**
 * The executor of real runs: `devprompt train` followed by `devprompt eval`
 * through the app's own pipeline, in `runs/<id>/run/`. A retried run starts
 * training again from scratch (the run directory is replaced), so every
 * attempt gives the same metrics for the same settings.
 */
export const trainEvalExecutor: RunExecutor = {
  async execute(run, context) {
    const report = context.onProgress ?? (() => undefined);
    report({ stage: "check", fraction: 0, detail: "checking inputs" });
    await checkInputs(run);

    const folder = runFolder(context.out, run.id);
    // Each attempt works in its own folder, so a worker that lost its lock
    // but still runs never writes into the folder of the attempt that
    // replaced it.
    const trainDir = path.join(
      folder,
      `${ATTEMPT_DIR_PREFIX}${hostname()}-${process.pid}-${randomBytes(4).toString("hex")}`,
    );
    await fs.mkdir(folder, { recursive: true });
    let losses = run.train.losses as string | unknown[];
    if (Array.isArray(losses)) {
      const file = path.join(folder, INLINE_LOSSES_FILE);
      await writeJsonAtomic(file, losses);
      losses = file;
    }

    const values: Record<string, OptionValue> = {
      ...(run.train as Record<string, OptionValue>),
      losses,
      model: run.model,
      dataset: run.format,
      root: run.root,
      category: run.category,
      shots: run.shots,
      seed: run.seed,
      out: trainDir,
      // Training uses the map settings when it selects an epoch by test
      // pixel AUROC.
      outputSize: run.eval.outputSize,
      blurSigma: run.eval.blurSigma,
      device: context.device,
      resume: false,
      overwrite: true,
    };
    const sources: Record<string, OptionSource> = Object.fromEntries(
      Object.keys(values).map((key) => [key, "config file" as const]),
    );
    const epochs = values.epochs as number;
    // Training takes most of a run; evaluation is given the last tenth.
    const TRAIN_SHARE = 0.9;
    await runTrain(
      trainSettingsFromOptions(values),
      { values, sources },
      context.log,
      (entry) => {
        report({
          stage: "train",
          fraction: (TRAIN_SHARE * entry.epoch) / epochs,
          detail: `epoch ${entry.epoch}/${epochs}`,
        });
      },
    );
    report({ stage: "eval", fraction: TRAIN_SHARE, detail: "evaluating" });
    const evaluation = await runEval(
      {
        run: trainDir,
        device: context.device,
        outputSize: run.eval.outputSize as number,
        blurSigma: run.eval.blurSigma as number,
        heatmaps: 0,
        saveMaps: false,
        deviationMap: false,
        overwrite: true,
      },
      context.log,
    );
    await promoteAttempt(folder, trainDir);
    return { metrics: evaluation.metrics, images: evaluation.images };
  },
};

/**
 * Renames a finished attempt's folder to `run/` and deletes the folders of
 * other attempts (left by killed workers). When another attempt finished
 * first, its `run/` is kept and this attempt's folder is deleted.
 */
async function promoteAttempt(
  folder: string,
  attemptDir: string,
): Promise<void> {
  try {
    await fs.rename(attemptDir, path.join(folder, TRAIN_DIR));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOTEMPTY" && code !== "EEXIST") throw error;
    await fs.rm(attemptDir, { recursive: true, force: true });
  }
  for (const entry of await fs.readdir(folder)) {
    if (entry.startsWith(ATTEMPT_DIR_PREFIX))
      await fs.rm(path.join(folder, entry), { recursive: true, force: true });
  }
}
