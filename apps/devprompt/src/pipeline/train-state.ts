import {
  loadPromptContext,
  savePromptContext,
  type LearnableContext,
  type PromptContextSnapshot,
} from "@devprompt/prompt-learner";
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { writeFileAtomic, writeJsonAtomic } from "../io/atomic-write";
import { writeNpyAtomic } from "../io/npy";
import type { SgdState } from "../train/sgd";
import {
  CHECKPOINT_DIR,
  OPTIMIZER_FILE,
  TRAIN_LOG_FILE,
  TRAIN_STATE_FILE,
  readNpyFile,
} from "./run-files";

/** One line of `train-log.jsonl`. */
export interface EpochLogEntry {
  /** 1-based epoch number. */
  epoch: number;
  /** Learning rate used in this epoch. */
  learningRate: number;
  /** Weighted total loss before the update. */
  total: number;
  /** Unweighted loss terms before the update, by label. */
  terms: Record<string, number>;
  /** Wall time of the epoch in seconds. */
  seconds: number;
  /**
   * Pixel AUROC on the test set after the update, as a fraction; only with
   * `--select-epoch test-pixel-auroc`.
   */
  testPixelAuroc?: number;
}

/** Contents of `train-state.json`. */
interface TrainState {
  completedEpochs: number;
  checkpoint: string;
}

/** State restored by {@link loadTrainState}. */
export interface RestoredTraining {
  /** Epochs already done. */
  completedEpochs: number;
  /** Context after the last completed epoch. */
  context: LearnableContext;
  /** Optimiser momentum after the last completed epoch. */
  optimizer: SgdState;
  /** Log entries of the completed epochs. */
  log: EpochLogEntry[];
}

/**
 * Saves everything needed to resume after `epoch` epochs. The checkpoint
 * folder of the epoch is written first, then `train-state.json` is
 * replaced atomically to point at it, then older checkpoint folders are
 * removed. An interruption at any point leaves a consistent state that
 * loses at most the current epoch.
 *
 * @param runDir - run directory
 * @param epoch - number of completed epochs
 * @param snapshot - context and its description
 * @param optimizer - optimiser state
 * @param log - log entries of every completed epoch
 */
export async function saveTrainState(
  runDir: string,
  epoch: number,
  snapshot: PromptContextSnapshot,
  optimizer: SgdState,
  log: readonly EpochLogEntry[],
): Promise<void> {
  const name = path.join(
    CHECKPOINT_DIR,
    `epoch-${String(epoch).padStart(4, "0")}`,
  );
  const dir = path.join(runDir, name);
  savePromptContext(dir, snapshot);
  const buffers = optimizer.momentumBuffers;
  const total = buffers.reduce((n, b) => n + b.length, 0);
  const joined = new Float32Array(total);
  let offset = 0;
  for (const buffer of buffers) {
    joined.set(buffer, offset);
    offset += buffer.length;
  }
  await writeNpyAtomic(path.join(dir, OPTIMIZER_FILE), joined, [total]);

  await writeFileAtomic(
    path.join(runDir, TRAIN_LOG_FILE),
    log.map((entry) => JSON.stringify(entry)).join("\n") +
      (log.length ? "\n" : ""),
  );
  const state: TrainState = { completedEpochs: epoch, checkpoint: name };
  await writeJsonAtomic(path.join(runDir, TRAIN_STATE_FILE), state);

  const all = await fs.readdir(path.join(runDir, CHECKPOINT_DIR));
  for (const entry of all) {
    if (path.join(CHECKPOINT_DIR, entry) !== name) {
      await fs.rm(path.join(runDir, CHECKPOINT_DIR, entry), {
        recursive: true,
        force: true,
      });
    }
  }
}

/**
 * Restores the state saved by {@link saveTrainState}.
 *
 * @param runDir - run directory
 * @param weightsHash - hash of the checkpoint in use
 * @param classKey - class being trained
 * @returns the restored state, or `undefined` when no epoch was completed
 */
export async function loadTrainState(
  runDir: string,
  weightsHash: string,
  classKey: string,
): Promise<RestoredTraining | undefined> {
  let state: TrainState;
  try {
    state = JSON.parse(
      await fs.readFile(path.join(runDir, TRAIN_STATE_FILE), "utf8"),
    ) as TrainState;
  } catch {
    return undefined;
  }

  const dir = path.join(runDir, state.checkpoint);
  const snapshot = loadPromptContext(dir, { weightsHash, classKey });
  const joined = (await readNpyFile(path.join(dir, OPTIMIZER_FILE))).data;
  const normalLength = snapshot.context.normal.data.length;
  const optimizer: SgdState = {
    momentumBuffers:
      joined.length === 0
        ? []
        : [joined.slice(0, normalLength), joined.slice(normalLength)],
  };

  const text = await fs.readFile(path.join(runDir, TRAIN_LOG_FILE), "utf8");
  const log = text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as EpochLogEntry)
    .slice(0, state.completedEpochs);
  return {
    completedEpochs: state.completedEpochs,
    context: snapshot.context,
    optimizer,
    log,
  };
}
