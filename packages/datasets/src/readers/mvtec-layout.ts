import path from "node:path";
import type {
  DatasetFormat,
  ImageRecord,
  Logger,
  PairingIssue,
} from "../types";
import {
  isDirectory,
  listDirectories,
  listImages,
  relativeTo,
  stemOf,
} from "./listing";

/**
 * Folder names that hold normal images: `good` (MVTec AD, MPDD, converted
 * VisA) and `ok` (BTAD).
 */
export const NORMAL_FOLDER_NAMES: readonly string[] = ["good", "ok"];

/** Images and pairing problems of one MVTec-layout category. */
export interface LayoutListing {
  /** Training images, sorted by file name. */
  train: ImageRecord[];
  /** Test images, sorted by defect folder, then file name. */
  test: ImageRecord[];
  /** Pairing problems. */
  issues: PairingIssue[];
}

interface Context {
  root: string;
  className: string;
  format: DatasetFormat;
}

function record(
  ctx: Context,
  file: string,
  split: "train" | "test",
  defectType: string,
  maskPath: string | null,
): ImageRecord {
  const normal = NORMAL_FOLDER_NAMES.includes(defectType);
  return {
    path: file,
    relativePath: relativeTo(ctx.root, file),
    className: ctx.className,
    split,
    label: normal ? 0 : 1,
    defectType,
    maskPath,
  };
}

async function readTrain(
  ctx: Context,
  categoryDir: string,
  logger: Logger | undefined,
): Promise<ImageRecord[]> {
  const trainDir = path.join(categoryDir, "train");
  let dirs: string[];
  if (await isDirectory(trainDir)) {
    const subdirs = await listDirectories(trainDir);
    dirs = subdirs
      .filter((d) => NORMAL_FOLDER_NAMES.includes(d))
      .map((d) => path.join(trainDir, d));
    const others = subdirs.filter((d) => !NORMAL_FOLDER_NAMES.includes(d));
    if (others.length > 0) {
      logger?.warn(
        `ignoring training folders ${others.join(", ")} in ${trainDir}; ` +
          `only normal folders (${NORMAL_FOLDER_NAMES.join(", ")}) are used for training`,
      );
    }
    if (dirs.length === 0) {
      throw new Error(
        `invalid dataset layout: ${trainDir} has no normal folder; ` +
          `expected ${path.join(trainDir, "good")}`,
      );
    }
  } else if (await isDirectory(path.join(categoryDir, "good"))) {
    // Some datasets ship normal images in <category>/good without a train split.
    dirs = [path.join(categoryDir, "good")];
    logger?.warn(
      `${categoryDir} has no train/ folder; using ${dirs[0]} as the training ` +
        "images. If the same files are also under test/good, the test set " +
        "contains training images.",
    );
  } else {
    throw new Error(
      `invalid dataset layout: ${trainDir} not found; expected an MVTec AD ` +
        "layout <category>/train/good, <category>/test/<defect>, " +
        "<category>/ground_truth/<defect>",
    );
  }

  const train: ImageRecord[] = [];
  for (const dir of dirs) {
    for (const name of await listImages(dir)) {
      train.push(
        record(ctx, path.join(dir, name), "train", path.basename(dir), null),
      );
    }
  }
  if (train.length === 0) {
    throw new Error(
      `no training images in ${dirs.join(", ")}; expected image files ` +
        "(.png, .jpg, .jpeg, .bmp, .tif) of normal samples",
    );
  }
  return train;
}

/** Maps image stems to mask files: `<stem>_mask.<ext>` or `<stem>.<ext>`. */
async function readMasks(dir: string): Promise<Map<string, string>> {
  const masks = new Map<string, string>();
  for (const name of await listImages(dir)) {
    const stem = stemOf(name);
    const key = stem.endsWith("_mask") ? stem.slice(0, -"_mask".length) : stem;
    if (!masks.has(key)) masks.set(key, path.join(dir, name));
  }
  return masks;
}

/**
 * Lists one category laid out as MVTec AD: `train/good`, `test/<defect or
 * good>`, `ground_truth/<defect>/<stem>_mask.png` (a mask named `<stem>.png`
 * is also accepted, as in BTAD and converted VisA). A category with
 * `good/` and no `train/` uses `good/` for training.
 *
 * @param categoryDir - Directory of the category.
 * @param ctx - Dataset root (for relative paths), class name and format.
 * @param logger - Receives layout warnings.
 * @returns Sorted training and test records and the pairing problems.
 * @throws Error when `train/` (or `good/`) or `test/` is missing or empty.
 */
export async function readMvtecLayout(
  categoryDir: string,
  ctx: Context,
  logger?: Logger,
): Promise<LayoutListing> {
  const train = await readTrain(ctx, categoryDir, logger);

  const testDir = path.join(categoryDir, "test");
  if (!(await isDirectory(testDir))) {
    throw new Error(
      `invalid dataset layout: ${testDir} not found; expected test images ` +
        "in <category>/test/<defect or good>",
    );
  }
  const groundTruthDir = path.join(categoryDir, "ground_truth");
  const hasGroundTruth = await isDirectory(groundTruthDir);
  const issues: PairingIssue[] = [];
  const test: ImageRecord[] = [];
  const usedMasks = new Set<string>();

  for (const defect of await listDirectories(testDir)) {
    const dir = path.join(testDir, defect);
    const normal = NORMAL_FOLDER_NAMES.includes(defect);
    const masks =
      !normal &&
      hasGroundTruth &&
      (await isDirectory(path.join(groundTruthDir, defect)))
        ? await readMasks(path.join(groundTruthDir, defect))
        : new Map<string, string>();
    for (const name of await listImages(dir)) {
      const file = path.join(dir, name);
      const maskPath = normal ? null : (masks.get(stemOf(name)) ?? null);
      if (maskPath) usedMasks.add(maskPath);
      if (!normal && !maskPath) {
        issues.push({
          kind: "missing-mask",
          imagePath: file,
          message:
            `defect image ${file} has no mask; expected ` +
            `${path.join(groundTruthDir, defect, `${stemOf(name)}_mask.png`)}`,
        });
      }
      test.push(record(ctx, file, "test", defect, maskPath));
    }
  }
  if (test.length === 0) {
    throw new Error(
      `no test images in ${testDir}; expected image files in ` +
        "<category>/test/<defect or good>",
    );
  }

  if (hasGroundTruth) {
    for (const defect of await listDirectories(groundTruthDir)) {
      if (NORMAL_FOLDER_NAMES.includes(defect)) continue;
      for (const [stem, mask] of await readMasks(
        path.join(groundTruthDir, defect),
      )) {
        if (usedMasks.has(mask)) continue;
        issues.push({
          kind: "orphan-mask",
          maskPath: mask,
          message:
            `mask ${mask} has no image; expected ` +
            `${path.join(testDir, defect, stem)} with an image extension`,
        });
      }
    }
  }
  return { train, test, issues };
}
