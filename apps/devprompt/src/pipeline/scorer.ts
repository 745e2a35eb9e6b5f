import type {
  ImageRecord,
  LoadedSample,
  SkippedFile,
} from "@devprompt/datasets";
import {
  buildLoss,
  referenceStatistics,
  type LossTermConfig,
  type ReferenceSpec,
} from "@devprompt/deviation-loss";
import { tapPreset, type ImageTapConfig } from "@devprompt/clip-encoders";
import {
  loadPromptContext,
  resolveContextConfig,
  type ContextConfig,
  type PromptStyleName,
  type TextAnchors,
} from "@devprompt/prompt-learner";
import { promises as fs } from "node:fs";
import { RUN_CONFIG_FILE, type RunConfig } from "../config/run-config";
import type { RunDirectory } from "../io/run-dir";
import type { Logger } from "../log/logger";
import {
  computeAnomalyMaps,
  type AnomalyMaps,
  type DeviationReference,
} from "../maps/anomaly-maps";
import type { VisualMemory } from "../maps/visual-memory";
import { defaultMapSettings } from "../maps/map-defaults";
import {
  encodeReadableRecords,
  encodeRecords,
  imageSlice,
} from "./image-features";
import {
  defaultResizeChoice,
  openModel,
  type OpenModel,
  type ResizeChoice,
} from "./model";
import { loadPromptTable, setUpPrompts, textAnchors } from "./prompts";
import { memoryTapFiles } from "./run-train";
import { readNpyFile } from "./run-files";

/** Output settings of the maps. */
export interface ScoreOptions {
  /** Side of the output map in pixels. */
  outputSize: number;
  /** Blur standard deviation in output pixels. */
  blurSigma: number;
  /** Compute the deviation map too. */
  deviationMap: boolean;
  /** Called after each image is encoded or skipped. */
  onImage?: () => void;
  /**
   * Leave out images or image and mask pairs that cannot be read and list
   * them in `skipped`, instead of throwing. Default false.
   */
  skipBad?: boolean;
}

/** Result of {@link RunScorer.score}. */
export interface ScoredBatch {
  /** Samples that were read, with masks at the output size. */
  samples: LoadedSample[];
  /** Maps of each sample, in the same order. */
  maps: AnomalyMaps[];
  /** Records left out with `skipBad`, with the reason. */
  skipped: SkippedFile[];
}

/** A trained run, opened for scoring images. */
export interface RunScorer {
  /** The run's config.json. */
  config: RunConfig;
  /** Class the run was trained for. */
  classKey: string;
  /** Open model; disposed by `dispose`. */
  model: OpenModel;
  /** Text anchors of the trained context. */
  anchors: TextAnchors;
  /** Anchors of the image score when another run's prompts give it. */
  imageAnchors?: TextAnchors;
  /** Visual memory of the shots. */
  memory: VisualMemory;
  /**
   * Loads, encodes and scores images.
   *
   * @param records - images, at most a few at a time
   * @param options - output size and blur
   * @returns the loaded samples (with masks at the output size), their
   *   maps and the records skipped with `skipBad`
   */
  score(
    records: readonly ImageRecord[],
    options: ScoreOptions,
  ): Promise<ScoredBatch>;
  /** Releases the model. */
  dispose(): Promise<void>;
}

/**
 * Opens a trained run for scoring: reads its config, opens the model,
 * computes the text anchors of the final context and reads the memory.
 *
 * @param run - open run directory
 * @param device - execution provider
 * @param log - logger of the command
 * @param imagePrompts - run whose prompts give the global image score (a
 *   classification run of the same class and checkpoint); the maps keep
 *   `run`'s prompts
 * @param allowCpuFallback - run on the CPU, with a warning, when CUDA
 *   cannot be used
 * @returns the scorer; call `dispose` when done
 */
export async function openRunScorer(
  run: RunDirectory,
  device: "cpu" | "cuda",
  log: Logger,
  imagePrompts?: RunDirectory,
  allowCpuFallback = false,
): Promise<RunScorer> {
  const config = await readRunConfig(run);
  const options = config.options;
  const classKey = config.details.className as string;
  const memory = await readMemory(run.dir);
  const model = await openModel(options.model as string, {
    device,
    allowCpuFallback,
    log,
    taps: recordedTaps(config),
    resize: recordedResize(config),
  });

  try {
    const anchors = await runAnchors(model, run, config, log);
    let imageAnchors: TextAnchors | undefined;
    if (imagePrompts !== undefined) {
      const imageConfig = await readRunConfig(imagePrompts);
      if (imageConfig.details.className !== classKey) {
        throw new Error(
          `--image-prompts ${imagePrompts.dir} was trained for class ${String(imageConfig.details.className)}, but ${run.dir} for ${classKey}; pass a run of the same class`,
        );
      }
      imageAnchors = await runAnchors(model, imagePrompts, imageConfig, log);
    }
    return {
      config,
      classKey,
      model,
      anchors,
      imageAnchors,
      memory,
      score: (records, scoreOptions) =>
        scoreRecords(
          model,
          { maps: anchors, image: imageAnchors },
          memory,
          config,
          records,
          scoreOptions,
        ),
      dispose: () => model.dispose(),
    };
  } catch (error) {
    await model.dispose();
    throw error;
  }
}

/**
 * Rebuilds the prompts of a run from its config.json and computes the text
 * anchors of its saved context.
 */
async function runAnchors(
  model: OpenModel,
  run: RunDirectory,
  config: RunConfig,
  log: Logger,
): Promise<TextAnchors> {
  const classKey = config.details.className as string;
  const context = loadPromptContext(run.dir, {
    weightsHash: model.checkpoint.weightsHash,
    classKey,
  }).context;
  const table = await loadPromptTable(
    config.options.promptTable as string | undefined,
  );
  const setup = setUpPrompts(
    model,
    table,
    classKey,
    config.options.promptStyle as PromptStyleName,
    recordedContextConfig(config, run.file(RUN_CONFIG_FILE)),
    log,
  );
  return textAnchors(model, setup, context);
}

async function scoreRecords(
  model: OpenModel,
  anchors: { maps: TextAnchors; image?: TextAnchors },
  memory: VisualMemory,
  config: RunConfig,
  records: readonly ImageRecord[],
  options: ScoreOptions,
): Promise<ScoredBatch> {
  const encodeOptions = {
    maskSize: options.outputSize,
    referenceQuirks: config.options.referenceQuirks === true,
    onImage: options.onImage,
  };
  const { batch, skipped } =
    options.skipBad === true
      ? await encodeReadableRecords(model, records, encodeOptions)
      : {
          batch: await encodeRecords(model, records, encodeOptions),
          skipped: [],
        };
  if (batch === undefined) return { samples: [], maps: [], skipped };
  const { samples, features } = batch;
  const [, patches, embedDim] = features.vvPatchTokens.shape;
  const grid = Math.round(Math.sqrt(patches));

  const maps = samples.map((_, i) =>
    computeAnomalyMaps(
      {
        gridHeight: grid,
        gridWidth: grid,
        embedDim,
        patchFeatures: imageSlice(
          features.vvPatchTokens.data,
          i,
          patches * embedDim,
        ),
        patchTaps: features.taps.map((tap) =>
          imageSlice(tap.data, i, patches * tap.shape[2]),
        ),
        globalEmbedding: imageSlice(features.imageEmbeds.data, i, embedDim),
        normalAnchor: anchors.maps.normalAnchor,
        abnormalAnchor: anchors.maps.abnormalAnchor,
        imageAnchors: anchors.image,
        logitScale: model.logitScale,
        memory,
      },
      {
        outputSize: options.outputSize,
        blurSigma: options.blurSigma,
        blurTruncate: defaultMapSettings().blurTruncate,
        deviation: options.deviationMap
          ? deviationReference(config)
          : undefined,
      },
    ),
  );
  return { samples, maps, skipped };
}

async function readRunConfig(run: RunDirectory): Promise<RunConfig> {
  const file = run.file(RUN_CONFIG_FILE);
  try {
    return JSON.parse(await fs.readFile(file, "utf8")) as RunConfig;
  } catch {
    throw new Error(`${file} is missing or invalid; train the run again`);
  }
}

/**
 * Reads the visual memory of a run directory.
 *
 * @param runDir - run directory
 * @returns the memory, one matrix per tap
 */
export async function readMemory(runDir: string): Promise<VisualMemory> {
  const files = await memoryTapFiles(runDir);
  if (files.length === 0) {
    throw new Error(
      `run directory ${runDir} has no visual memory (memory-tap0.npy); train the run again`,
    );
  }
  const taps = await Promise.all(files.map(readNpyFile));
  const [rows, dim] = taps[0].shape;
  return { taps: taps.map((t) => t.data), rows, dim };
}

/**
 * Returns the context configuration a run was trained with, as recorded in
 * its config.json. The prompts of a trained context can only be rebuilt
 * with the sizes it was trained with, so no default is filled in.
 *
 * @param config - the run's config.json
 * @param file - path of that file, for the error message
 * @returns the validated context configuration
 * @throws Error when config.json contains no context configuration
 */
export function recordedContextConfig(
  config: RunConfig,
  file: string,
): ContextConfig {
  const recorded = config.details.contextConfig as ContextConfig | undefined;
  if (recorded === undefined || typeof recorded !== "object") {
    throw new Error(
      `${file} records no contextConfig (n_pro, n_ctx, n_pro_ab, n_ctx_ab), so the trained prompts cannot be rebuilt; train the run again with this version`,
    );
  }
  return resolveContextConfig(recorded);
}

/**
 * Returns the visual-memory taps a run was trained with; the default taps
 * for a run that recorded none (trained before taps were an option).
 *
 * @param config - the run's config.json
 * @returns the taps
 */
export function recordedTaps(config: RunConfig): ImageTapConfig {
  const taps = config.details.taps as ImageTapConfig | undefined;
  return taps === undefined
    ? tapPreset()
    : { blocks: [...taps.blocks], point: taps.point };
}

/**
 * Returns the resize mode and interpolation a run was trained with.
 *
 * @param config - the run's config.json
 * @returns the resize choice; the method's default when none is recorded
 */
export function recordedResize(config: RunConfig): ResizeChoice {
  const preprocess = config.details.preprocess as
    Partial<ResizeChoice> | undefined;
  const fallback = defaultResizeChoice();
  return {
    resizeMode: preprocess?.resizeMode ?? fallback.resizeMode,
    interpolation: preprocess?.interpolation ?? fallback.interpolation,
  };
}

/**
 * Returns the μ and σ of the deviation map. These are the values recorded in
 * config.json, drawn for the run's deviation term. A run that recorded none
 * gets those of its deviation loss term, or of the deviation module's
 * defaults when it trained without one (the promptad preset).
 *
 * @param config - the run's config.json
 * @returns the reference statistics
 */
export function deviationReference(config: RunConfig): DeviationReference {
  const recorded = config.details.deviationReference as
    DeviationReference | null | undefined;
  if (recorded) return { mu: recorded.mu, sigma: recorded.sigma };
  const terms =
    (config.details.lossTerms as LossTermConfig[] | undefined) ?? [];
  const configured = terms.find((term) => term.name === "deviation");
  const [term] = buildLoss([configured ?? { name: "deviation" }]).terms;
  const stats = referenceStatistics(term.module.options as ReferenceSpec);
  return { mu: stats.mean, sigma: stats.std };
}
