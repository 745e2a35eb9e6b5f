import type { ImageRecord, LoadedSample } from "@devprompt/datasets";
import {
  buildLoss,
  referenceStatistics,
  type LossTermConfig,
  type ReferenceSpec,
} from "@devprompt/deviation-loss";
import {
  loadPromptContext,
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
import { encodeRecords, imageSlice } from "./image-features";
import { openModel, type OpenModel } from "./model";
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
  /** Called after each image is encoded. */
  onImage?: () => void;
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
  /** Visual memory of the shots. */
  memory: VisualMemory;
  /**
   * Loads, encodes and scores images.
   *
   * @param records - images, at most a few at a time
   * @param options - output size and blur
   * @returns the loaded samples (with masks at the output size) and maps
   */
  score(
    records: readonly ImageRecord[],
    options: ScoreOptions,
  ): Promise<{ samples: LoadedSample[]; maps: AnomalyMaps[] }>;
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
 * @returns the scorer; call `dispose` when done
 */
export async function openRunScorer(
  run: RunDirectory,
  device: "cpu" | "cuda",
  log: Logger,
): Promise<RunScorer> {
  const config = await readRunConfig(run);
  const options = config.options;
  const classKey = config.details.className as string;
  const memory = await readMemory(run.dir);
  const model = await openModel(options.model as string, { device, log });

  try {
    const context = loadPromptContext(run.dir, {
      weightsHash: model.checkpoint.weightsHash,
      classKey,
    }).context;
    const table = await loadPromptTable(
      options.promptTable as string | undefined,
    );
    const setup = setUpPrompts(
      model,
      table,
      classKey,
      options.promptStyle as PromptStyleName,
      options.seed as number,
      log,
    );
    const anchors = await textAnchors(model, setup, context);
    return {
      config,
      classKey,
      model,
      anchors,
      memory,
      score: (records, scoreOptions) =>
        scoreRecords(model, anchors, memory, config, records, scoreOptions),
      dispose: () => model.dispose(),
    };
  } catch (error) {
    await model.dispose();
    throw error;
  }
}

async function scoreRecords(
  model: OpenModel,
  anchors: TextAnchors,
  memory: VisualMemory,
  config: RunConfig,
  records: readonly ImageRecord[],
  options: ScoreOptions,
): Promise<{ samples: LoadedSample[]; maps: AnomalyMaps[] }> {
  const { samples, features } = await encodeRecords(model, records, {
    maskSize: options.outputSize,
    referenceQuirks: config.options.referenceQuirks === true,
    onImage: options.onImage,
  });
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
        normalAnchor: anchors.normalAnchor,
        abnormalAnchor: anchors.abnormalAnchor,
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
  return { samples, maps };
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
 * Returns the μ and σ of the deviation map: those of the run's deviation
 * loss term, or of the deviation module's defaults when the run trained
 * without one (the promptad preset).
 *
 * @param config - the run's config.json
 * @returns the reference statistics
 */
export function deviationReference(config: RunConfig): DeviationReference {
  const terms =
    (config.details.lossTerms as LossTermConfig[] | undefined) ?? [];
  const configured = terms.find((term) => term.name === "deviation");
  const [term] = buildLoss([configured ?? { name: "deviation" }]).terms;
  const stats = referenceStatistics(term.module.options as ReferenceSpec);
  return { mu: stats.mean, sigma: stats.std };
}
