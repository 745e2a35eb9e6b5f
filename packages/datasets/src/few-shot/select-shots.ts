import { createRandom } from "../random";
import type { Benchmark } from "../classes";
import type { FewShotSelection, ImageRecord, Logger } from "../types";
import {
  MVTEC_REFERENCE_SHOTS,
  VISA_REFERENCE_SHOTS,
} from "./reference-shots.data";

/** Options of {@link selectShots}. */
export interface ShotOptions {
  /**
   * Number of training images; `'all'` keeps every one. Default 1.
   */
  k?: number | "all";
  /**
   * Benchmark whose published selection applies; `null` for other datasets,
   * which always use a seeded draw.
   */
  benchmark?: Benchmark | null;
  /** Seed of the random draw, used when no published selection exists. Default 0. */
  seed?: number;
  /**
   * Draw randomly even where a published selection exists. Default false.
   */
  forceRandom?: boolean;
  /**
   * Receives a warning when the published selection does not fit the
   * training list (a partial copy of the dataset) and a seeded draw is
   * used instead.
   */
  logger?: Logger;
}

/** Result of {@link selectShots}. */
export interface ShotSelectionResult {
  /** Selection method, seed and files, for reports. */
  selection: FewShotSelection;
  /** The chosen training images, in selection order. */
  shots: ImageRecord[];
}

/**
 * Returns the published WinCLIP/PromptAD k-shot positions of a class, or
 * `null` when there is none for that class and k (published: k = 1, 2, 4).
 *
 * @param benchmark - `mvtec` or `visa`.
 * @param className - Class name.
 * @param k - Number of shots.
 * @returns Positions in the sorted training list, as a new array, or `null`.
 */
export function referenceShotIndices(
  benchmark: Benchmark,
  className: string,
  k: number,
): number[] | null {
  const table =
    benchmark === "mvtec" ? MVTEC_REFERENCE_SHOTS : VISA_REFERENCE_SHOTS;
  const row = Object.hasOwn(table, className) ? table[className] : undefined;
  const indices = row && Object.hasOwn(row, k) ? row[k] : undefined;
  return indices ? [...indices] : null;
}

/**
 * Draws `k` distinct positions out of `count` with a seeded partial
 * Fisher-Yates shuffle.
 *
 * @param count - Number of candidates.
 * @param k - Number of positions to draw; at most `count`.
 * @param seed - Seed; equal seeds give equal draws.
 * @returns Positions in draw order.
 */
export function drawShotIndices(
  count: number,
  k: number,
  seed: number,
): number[] {
  if (!Number.isInteger(k) || k < 1 || k > count) {
    throw new Error(
      `cannot draw ${k} shots from ${count} training images; ` +
        `expected an integer k between 1 and ${count}`,
    );
  }
  const random = createRandom(seed);
  const pool = Array.from({ length: count }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(random() * (count - i));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, k);
}

/**
 * Chooses the few-shot training images of a class: the published selection
 * for MVTec AD and VisA with k in {1, 2, 4}, a seeded draw otherwise.
 *
 * @param train - Training images sorted by file name.
 * @param className - Class name, used to find the published selection.
 * @param options - k, benchmark and seed.
 * @returns The selection record and the chosen images in selection order.
 * @throws Error when k exceeds the number of training images.
 */
export function selectShots(
  train: readonly ImageRecord[],
  className: string,
  options: ShotOptions = {},
): ShotSelectionResult {
  const k = options.k ?? 1;
  const seed = options.seed ?? 0;
  if (train.length === 0) {
    throw new Error(
      `class "${className}" has no training images; ` +
        "expected at least one normal image in the training split",
    );
  }

  let indices: number[];
  let source: FewShotSelection["source"];
  if (k === "all") {
    indices = train.map((_, i) => i);
    source = "all";
  } else {
    const published =
      options.benchmark && !options.forceRandom
        ? referenceShotIndices(options.benchmark, className, k)
        : null;
    const outOfRange = published?.filter((i) => i >= train.length) ?? [];
    if (published && outOfRange.length === 0) {
      indices = published;
      source = "reference";
    } else {
      if (published) {
        options.logger?.warn(
          `published ${k}-shot positions ${outOfRange.join(", ")} of class ` +
            `"${className}" are past the end of its ${train.length} training ` +
            "images (the folder is not the full official split); " +
            `drawing ${k} shots at random with seed ${seed} instead`,
        );
      }
      indices = drawShotIndices(train.length, k, seed);
      source = "seeded-random";
    }
  }

  const shots = indices.map((i) => train[i]);
  return {
    selection: {
      k: indices.length,
      source,
      seed: source === "seeded-random" ? seed : null,
      indices,
      files: shots.map((record) => record.relativePath),
    },
    shots,
  };
}
