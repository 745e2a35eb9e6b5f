import {
  openDataset,
  type ClassDataset,
  type DatasetFormat,
} from "@devprompt/datasets";
import type { ImageTapConfig, TapPoint } from "@devprompt/clip-encoders";
import {
  NonFiniteLossError,
  lossPresetNames,
  type FeatureSource,
  type LossTermConfig,
} from "@devprompt/deviation-loss";
import {
  cloneLearnableContext,
  resolveContextConfig,
  type ContextConfig,
  initLearnableContext,
  loadPromptContext,
  savePromptContext,
  type LearnableContext,
  type PromptContextSnapshot,
  type PromptStyleName,
} from "@devprompt/prompt-learner";
import { promises as fs } from "node:fs";
import * as path from "node:path";
import type { OptionValue } from "../cli/parse-option-value";
import type { OptionSource } from "../config/resolve-options";
import { METHOD_OPTIONS } from "../commands/shared-options";
import {
  RUN_CONFIG_FILE,
  writeRunConfig,
  type RunConfig,
} from "../config/run-config";
import { writeJsonAtomic } from "../io/atomic-write";
import { writeNpyAtomic } from "../io/npy";
import { createRunDir, openRunDir, type RunDirectory } from "../io/run-dir";
import type { Logger } from "../log/logger";
import { createProgress } from "../log/progress";
import { cosineAnnealingLearningRate } from "../train/cosine-annealing";
import { SgdMomentum } from "../train/sgd";
import { CREATED_BY } from "../version";
import { encodeReadableRecords, encodeRecords } from "./image-features";
import { describeLossTerms, resolveLoss } from "./loss-config";
import { openModel, type OpenModel, type ResizeChoice } from "./model";
import { loadPromptTable, setUpPrompts, textAnchors } from "./prompts";
import {
  SHOT_GLOBAL_FILE,
  SELECTED_EPOCH_FILE,
  SHOT_PATCH_FILE,
  memoryFile,
  readNpyFile,
} from "./run-files";
import { readMemory } from "./scorer";
import { TestSetSelector } from "./test-set-selection";
import { contextLossAndGradient, type ShotFeatures } from "./train-step";
import {
  loadTrainState,
  saveTrainState,
  type EpochLogEntry,
} from "./train-state";

/** Settings of one training run, as resolved from flags and config. */
export interface TrainSettings {
  /** Checkpoint folder. */
  model: string;
  /** Dataset layout. */
  dataset: DatasetFormat;
  /** Dataset root. */
  root: string;
  /** Class; optional for a folder root that is a class folder. */
  category?: string;
  /** Number of shots. */
  shots: number;
  /** Run directory. */
  out: string;
  /** Number of epochs. */
  epochs: number;
  /** Seed of the context and of shot draws. */
  seed: number;
  /** Execution provider. */
  device: "cpu" | "cuda";
  /** Run on the CPU, with a warning, when CUDA cannot be used. */
  allowCpuFallback?: boolean;
  /** Leave out unreadable shot images and report them instead of stopping. */
  skipBad?: boolean;
  /** Loss preset or file. */
  losses: string;
  /** Saved context to start from. */
  initContext?: string;
  /** Initial learning rate. */
  learningRate: number;
  /** Final learning rate of the cosine schedule. */
  minLearningRate: number;
  /** SGD momentum. */
  momentum: number;
  /** SGD weight decay. */
  weightDecay: number;
  /** Apply the reference-code quirks. */
  referenceQuirks: boolean;
  /** Continue an interrupted run. */
  resume: boolean;
  /** Replace an existing run. */
  overwrite: boolean;
  /** Prompt wording. */
  promptStyle: PromptStyleName;
  /** Prompt-table extension file, optional. */
  promptTable?: string;
  /** Epoch to keep: the last, or the best test-set pixel AUROC. */
  selectEpoch: "last" | "test-pixel-auroc";
  /** Output map size used when selecting by test-set pixel AUROC. */
  outputSize: number;
  /** Blur standard deviation used when selecting by test-set pixel AUROC. */
  blurSigma: number;
  /** Context sizes and initialisation std; the seed comes from `seed`. */
  context: Omit<ContextConfig, "seed">;
  /** Original-path taps of the visual memory. */
  taps: ImageTapConfig;
  /** Image features the losses score. */
  featureSource: FeatureSource;
  /** Resize mode and interpolation of the preprocessing. */
  resize: ResizeChoice;
}

/** Result of {@link runTrain}. */
export interface TrainResult {
  /** Run directory. */
  runDir: string;
  /** Log entries of every epoch. */
  log: EpochLogEntry[];
}

/**
 * Trains the prompt context of one class and writes the run directory:
 * `run.json`, `config.json`, the cached shot features, the visual memory,
 * `train-log.jsonl`, per-epoch resume checkpoints and the final
 * `prompt-context.*`.
 *
 * @param settings - resolved settings
 * @param options - every option value and its source, for config.json
 * @param log - logger of the command
 * @param onEpoch - called after each epoch, once its state is saved
 * @returns the run directory and the epoch log
 */
export async function runTrain(
  settings: TrainSettings,
  options: {
    values: Record<string, OptionValue>;
    sources: Record<string, OptionSource>;
  },
  log: Logger,
  onEpoch?: (entry: EpochLogEntry) => void,
): Promise<TrainResult> {
  // The model and the dataset are checked before the run directory is
  // created, so that a wrong path leaves no files behind.
  const model = await openModel(settings.model, {
    device: settings.device,
    allowCpuFallback: settings.allowCpuFallback === true,
    log,
    taps: settings.taps,
    resize: settings.resize,
  });
  try {
    const dataset = await openDataset({
      format: settings.dataset,
      root: settings.root,
      category: settings.category,
      shots: settings.shots,
      seed: settings.seed,
      logger: { warn: (message) => log.warn(message) },
    });
    const run: RunDirectory = settings.resume
      ? await openRunDir(settings.out, { allowUnfinished: true })
      : await createRunDir(settings.out, {
          overwrite: settings.overwrite,
          command: "train",
          createdBy: CREATED_BY,
        });
    let result: TrainResult;
    try {
      result = await trainWithModel(
        settings,
        options,
        run,
        model,
        dataset,
        log,
        onEpoch,
      );
    } catch (error) {
      // A failed replacement puts the previous run back; a failed new run
      // stays, marked unfinished, so that --resume can continue it.
      if (await run.restorePrevious()) {
        log.warn(
          `training failed, so the previous run in ${run.dir} was kept unchanged`,
        );
      }
      throw error;
    }
    await run.complete();
    return result;
  } finally {
    await model.dispose();
  }
}

async function trainWithModel(
  settings: TrainSettings,
  options: {
    values: Record<string, OptionValue>;
    sources: Record<string, OptionSource>;
  },
  run: RunDirectory,
  model: OpenModel,
  dataset: ClassDataset,
  log: Logger,
  onEpoch: ((entry: EpochLogEntry) => void) | undefined,
): Promise<TrainResult> {
  const classKey = dataset.className;
  const { loss, terms } = await resolveLoss(settings.losses);
  const table = await loadPromptTable(settings.promptTable);
  const setup = setUpPrompts(
    model,
    table,
    classKey,
    settings.promptStyle,
    resolveContextConfig({ ...settings.context, seed: settings.seed }),
    log,
  );
  const architecture = model.checkpoint.architecture;

  if (settings.resume) {
    await checkResumeMatches(run, {
      contextConfig: setup.contextConfig,
      taps: model.taps,
      featureSource: settings.featureSource,
      preprocess: model.preprocess,
    });
  }
  const skippedShots: { file: string; reason: string }[] = [];
  const shots = settings.resume
    ? await readShotFeatures(run, architecture.embedDim)
    : await cacheShotFeatures(
        run,
        model,
        dataset.shots,
        settings,
        log,
        skippedShots,
      );

  await writeRunConfig(run.dir, {
    command: "train",
    createdBy: CREATED_BY,
    // Record the parsed block indices as numbers, not the command-line text.
    options: {
      ...withMethodDefaults(options.values),
      tapBlocks: [...settings.taps.blocks],
    },
    sources: {
      ...Object.fromEntries(
        METHOD_OPTIONS.map((spec) => [spec.key, "default" as const]),
      ),
      ...options.sources,
    },
    details: {
      className: classKey,
      datasetRoot: dataset.root,
      shotSelection: dataset.selection,
      ...(settings.skipBad === true ? { skippedShots } : {}),
      checkpoint: {
        directory: model.checkpoint.directory,
        architecture: architecture.name,
        weightsHash: model.checkpoint.weightsHash,
      },
      preprocess: model.preprocess,
      taps: model.taps,
      featureSource: settings.featureSource,
      logitScale: model.logitScale,
      contextConfig: setup.contextConfig,
      promptStyle: settings.promptStyle,
      prompts: setup.layout.labels,
      lossTerms: terms,
      ...describeLossTerms(loss),
      epochSelection: settings.selectEpoch,
    },
  });

  const snapshotOf = (context: LearnableContext): PromptContextSnapshot => ({
    context,
    config: setup.contextConfig,
    classKey,
    promptStyle: { style: settings.promptStyle },
    weightsHash: model.checkpoint.weightsHash,
  });

  const sgd = new SgdMomentum({
    momentum: settings.momentum,
    weightDecay: settings.weightDecay,
  });
  let context = initialContext(settings, model, setup.contextConfig, classKey);
  let entries: EpochLogEntry[] = [];
  let start = 0;
  if (settings.resume) {
    const restored = await loadTrainState(
      run.dir,
      model.checkpoint.weightsHash,
      classKey,
    );
    if (restored) {
      context = restored.context;
      sgd.loadState(restored.optimizer);
      entries = restored.log;
      start = restored.completedEpochs;
      log.info(`resuming after epoch ${start} of ${settings.epochs}`);
    }
  }

  const schedule = {
    baseLearningRate: settings.learningRate,
    minLearningRate: settings.minLearningRate,
    periodEpochs: settings.epochs,
  };
  const selector =
    settings.selectEpoch === "test-pixel-auroc"
      ? await TestSetSelector.create(
          model,
          dataset.test,
          await readMemory(run.dir),
          {
            outputSize: settings.outputSize,
            blurSigma: settings.blurSigma,
            referenceQuirks: settings.referenceQuirks,
            log,
          },
        )
      : undefined;
  let best:
    { context: LearnableContext; epoch: number; auroc: number } | undefined;

  const progress = createProgress("train", settings.epochs - start);
  for (let epoch = start; epoch < settings.epochs; epoch++) {
    const began = Date.now();
    const learningRate = cosineAnnealingLearningRate(epoch, schedule);
    const step = await contextLossAndGradient(
      model,
      setup,
      context,
      shots,
      loss,
      settings.featureSource,
    ).catch((error: unknown) => {
      throw nonFiniteContext(error, epoch + 1, settings, terms);
    });
    sgd.step(
      [context.normal.data, context.abnormal.data],
      [step.gradient.normal.data, step.gradient.abnormal.data],
      learningRate,
    );
    const entry: EpochLogEntry = {
      epoch: epoch + 1,
      learningRate,
      total: step.total,
      terms: step.terms,
      seconds: (Date.now() - began) / 1000,
    };
    if (selector) {
      const anchors = await textAnchors(model, setup, context);
      entry.testPixelAuroc = selector.pixelAuroc(anchors, model.logitScale);
      // Strictly greater keeps the first of equal epochs, as PromptAD does.
      if (best === undefined || entry.testPixelAuroc > best.auroc) {
        best = {
          context: cloneLearnableContext(context),
          epoch: epoch + 1,
          auroc: entry.testPixelAuroc,
        };
      }
    }
    entries.push(entry);
    await saveTrainState(
      run.dir,
      epoch + 1,
      snapshotOf(context),
      sgd.state(),
      entries,
    );
    log.debug(
      `epoch ${epoch + 1}: loss ${step.total.toFixed(6)}, lr ${learningRate.toExponential(3)}`,
    );
    progress.tick();
    onEpoch?.(entries[entries.length - 1]);
  }
  progress.done();

  if (best) {
    log.info(
      `keeping epoch ${best.epoch}, test-set pixel AUROC ${(100 * best.auroc).toFixed(2)}`,
    );
    await writeJsonAtomic(run.file(SELECTED_EPOCH_FILE), {
      rule: settings.selectEpoch,
      epoch: best.epoch,
      testPixelAuroc: best.auroc,
    });
  }
  savePromptContext(run.dir, snapshotOf(best?.context ?? context));
  return { runDir: run.dir, log: entries };
}

/**
 * Adds the epoch and, for a loss file, the file and the term weights to a
 * non-finite loss error; other errors pass unchanged.
 */
function nonFiniteContext(
  error: unknown,
  epoch: number,
  settings: TrainSettings,
  terms: readonly LossTermConfig[],
): unknown {
  if (!(error instanceof NonFiniteLossError)) return error;
  const weights = terms
    .map((term) => `${term.label ?? term.name} ${term.weight ?? 1}`)
    .join(", ");
  const source = lossPresetNames().includes(settings.losses)
    ? `loss preset ${settings.losses}`
    : `loss file ${path.resolve(settings.losses)}`;
  return new Error(
    `epoch ${epoch} of ${settings.epochs}: ${error.message} Term weights (${source}): ${weights}.`,
  );
}

function initialContext(
  settings: TrainSettings,
  model: OpenModel,
  config: ReturnType<typeof setUpPrompts>["contextConfig"],
  classKey: string,
): LearnableContext {
  if (settings.initContext === undefined) {
    return initLearnableContext(
      config,
      model.checkpoint.architecture.text.width,
    );
  }
  const dir = settings.initContext.endsWith(".json")
    ? path.dirname(settings.initContext)
    : settings.initContext;
  return loadPromptContext(dir, {
    weightsHash: model.checkpoint.weightsHash,
    classKey,
    allowOtherClass: true,
  }).context;
}

async function cacheShotFeatures(
  run: RunDirectory,
  model: OpenModel,
  records: Parameters<typeof encodeRecords>[1],
  settings: TrainSettings,
  log: Logger,
  skipped: { file: string; reason: string }[],
): Promise<ShotFeatures> {
  const progress = createProgress("encode shots", records.length);
  const encodeOptions = {
    maskSize: model.preprocess.size,
    referenceQuirks: settings.referenceQuirks,
    onImage: () => progress.tick(),
  };
  let features: Awaited<ReturnType<typeof encodeRecords>>["features"];
  if (settings.skipBad === true) {
    const readable = await encodeReadableRecords(model, records, encodeOptions);
    for (const { record, reason } of readable.skipped) {
      log.warn(`skipped unreadable shot: ${reason}`);
      skipped.push({ file: record.relativePath, reason });
    }
    if (readable.batch === undefined) {
      throw new Error(
        `none of the ${records.length} shot image(s) could be read (see the warnings above); fix or replace the training images`,
      );
    }
    features = readable.batch.features;
  } else {
    features = (await encodeRecords(model, records, encodeOptions)).features;
  }
  progress.done();

  const [k, patches, dim] = features.vvPatchTokens.shape;
  await writeNpyAtomic(run.file(SHOT_PATCH_FILE), features.vvPatchTokens.data, [
    k,
    patches,
    dim,
  ]);
  await writeNpyAtomic(run.file(SHOT_GLOBAL_FILE), features.imageEmbeds.data, [
    k,
    dim,
  ]);
  for (const [i, tap] of features.taps.entries()) {
    const [, tapPatches, width] = tap.shape;
    await writeNpyAtomic(run.file(memoryFile(i)), tap.data, [
      k * tapPatches,
      width,
    ]);
  }
  log.debug(
    `cached features of ${k} shot(s) and ${features.taps.length} memory taps`,
  );
  return {
    patchFeatures: features.vvPatchTokens.data,
    globalFeatures: features.imageEmbeds.data,
    shots: k,
    patches,
  };
}

/**
 * Rejects a resume whose method settings differ from those the run
 * recorded: the cached shot features, memory and saved context were made
 * with the recorded ones.
 */
async function checkResumeMatches(
  run: RunDirectory,
  current: Record<string, unknown>,
): Promise<void> {
  const file = run.file(RUN_CONFIG_FILE);
  let recorded: Record<string, unknown>;
  try {
    recorded = (JSON.parse(await fs.readFile(file, "utf8")) as RunConfig)
      .details;
  } catch {
    // An interruption before config.json was written leaves nothing to compare.
    return;
  }
  for (const [key, value] of Object.entries(current)) {
    if (
      recorded[key] !== undefined &&
      JSON.stringify(recorded[key]) !== JSON.stringify(value)
    ) {
      throw new Error(
        `cannot resume ${run.dir}: it was trained with ${key} ${JSON.stringify(recorded[key])}, not ${JSON.stringify(value)}; resume with the flags it was started with (see ${file}) or train again with --overwrite`,
      );
    }
  }
}

async function readShotFeatures(
  run: RunDirectory,
  embedDim: number,
): Promise<ShotFeatures> {
  const patch = await readNpyFile(run.file(SHOT_PATCH_FILE));
  const global = await readNpyFile(run.file(SHOT_GLOBAL_FILE));
  const [k, patches, dim] = patch.shape;
  if (dim !== embedDim) {
    throw new Error(
      `cached shot features in ${run.dir} have width ${dim} but the model embeds to ${embedDim}; resume with the model the run was trained with`,
    );
  }
  return {
    patchFeatures: patch.data,
    globalFeatures: global.data,
    shots: k,
    patches,
  };
}

/**
 * Lists the memory tap files of a run directory in tap order.
 *
 * @param runDir - run directory
 * @returns paths of `memory-tap0.npy`, `memory-tap1.npy`, …
 */
export async function memoryTapFiles(runDir: string): Promise<string[]> {
  const files: string[] = [];
  for (let tap = 0; ; tap++) {
    const file = path.join(runDir, memoryFile(tap));
    try {
      await fs.access(file);
    } catch {
      return files;
    }
    files.push(file);
  }
}

/**
 * Converts resolved option values into training settings. Method options
 * that a caller's option set lacks (benchmark and sweep runs, the demo)
 * take their defaults.
 *
 * @param options - values of the train options
 * @returns the settings
 */
export function trainSettingsFromOptions(
  given: Record<string, OptionValue>,
): TrainSettings {
  const options = withMethodDefaults(given);
  return {
    model: options.model as string,
    dataset: options.dataset as DatasetFormat,
    root: options.root as string,
    category: options.category as string | undefined,
    shots: options.shots as number,
    out: options.out as string,
    epochs: options.epochs as number,
    seed: options.seed as number,
    device: options.device as "cpu" | "cuda",
    allowCpuFallback: options.allowCpuFallback === true,
    skipBad: options.skipBad === true,
    losses: options.losses as string,
    initContext: options.initContext as string | undefined,
    learningRate: options.learningRate as number,
    minLearningRate: options.minLearningRate as number,
    momentum: options.momentum as number,
    weightDecay: options.weightDecay as number,
    referenceQuirks: options.referenceQuirks === true,
    resume: options.resume === true,
    overwrite: options.overwrite === true,
    promptStyle: options.promptStyle as PromptStyleName,
    promptTable: options.promptTable as string | undefined,
    selectEpoch: options.selectEpoch as TrainSettings["selectEpoch"],
    outputSize: options.outputSize as number,
    blurSigma: options.blurSigma as number,
    context: {
      nPro: options.nPro as number,
      nCtx: options.nCtx as number,
      nProAb: options.nProAb as number,
      nCtxAb: options.nCtxAb as number,
      initStd: options.contextInitStd as number,
    },
    taps: {
      blocks: parseTapBlocks(options.tapBlocks),
      point: options.tapPoint as TapPoint,
    },
    featureSource: options.featureSource as FeatureSource,
    resize: {
      resizeMode: options.resizeMode as ResizeChoice["resizeMode"],
      interpolation: options.interpolation as ResizeChoice["interpolation"],
    },
  };
}

/**
 * Parses `--tap-blocks`: zero-based block indices, comma-separated.
 *
 * @param value - list of strings (or numbers, from a config file)
 * @returns the block indices
 * @throws Error naming the value when an entry is not a non-negative integer
 */
export function parseTapBlocks(value: OptionValue | undefined): number[] {
  const entries = Array.isArray(value) ? value : [value];
  const texts = entries.map((entry) => String(entry).trim());
  const blocks = texts.map(Number);
  if (
    texts.length === 0 ||
    texts.some((text) => text === "") ||
    blocks.some((block) => !Number.isInteger(block) || block < 0)
  ) {
    throw new Error(
      `--tap-blocks ${String(value)} is invalid; expected zero-based block indices such as 3,8`,
    );
  }
  return blocks;
}

function withMethodDefaults(
  options: Record<string, OptionValue>,
): Record<string, OptionValue> {
  const filled = { ...options };
  for (const spec of METHOD_OPTIONS) {
    const value = spec.defaultValue;
    if (filled[spec.key] === undefined && value !== undefined) {
      filled[spec.key] = Array.isArray(value)
        ? [...(value as readonly string[])]
        : (value as string | number | boolean);
    }
  }
  return filled;
}
