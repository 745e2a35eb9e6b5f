import { mkdir, readFile, rm, stat } from "node:fs/promises";
import path from "node:path";
import { writeFileAtomic } from "../encode/atomic-write";
import { encodePng } from "../encode/png";
import { createRandom } from "../random";
import {
  drawClassStyle,
  drawDefectMask,
  paintDefect,
  renderNormal,
  type SyntheticDefect,
} from "./draw";

export type { SyntheticDefect } from "./draw";

/** Options of {@link generateSyntheticDataset}. */
export interface SyntheticDatasetOptions {
  /** Dataset root; the category folder is created inside it. */
  root: string;
  /** Category folder name. Default `synthetic`. */
  category?: string;
  /** `texture` (periodic surface) or `object` (a disc). Default `texture`. */
  kind?: "texture" | "object";
  /** Normal training images. Default 8. */
  trainCount?: number;
  /** Normal test images. Default 4. */
  testGoodCount?: number;
  /** Anomalous test images, spread evenly over `defectTypes`. Default 6. */
  testDefectCount?: number;
  /** Image side in pixels. Default 128. */
  size?: number;
  /** Seed; equal options give byte-identical files. Default 0. */
  seed?: number;
  /** Defect kinds to draw. Default all: scratch, spot, crack. */
  defectTypes?: readonly SyntheticDefect[];
  /**
   * Replace a category folder written earlier by this generator (it
   * contains `synthetic.json`). Folders without that file are never
   * deleted. Default false.
   */
  overwrite?: boolean;
}

/** One anomalous test image and its mask. */
export interface SyntheticDefectImage {
  /** Image path relative to the dataset root. */
  image: string;
  /** Mask path relative to the dataset root. */
  mask: string;
  /** Defect kind (also the test folder name). */
  defectType: SyntheticDefect;
  /** Number of defect pixels in the mask. */
  defectPixels: number;
}

/** Files written by {@link generateSyntheticDataset}. */
export interface SyntheticDatasetSummary {
  /** Dataset root (absolute). */
  root: string;
  /** Category folder name. */
  category: string;
  /** Category folder (absolute). */
  categoryDir: string;
  /** Kind of images drawn. */
  kind: "texture" | "object";
  /** Image side in pixels. */
  size: number;
  /** Seed used. */
  seed: number;
  /** Training image paths relative to the root. */
  train: string[];
  /** Normal test image paths relative to the root. */
  testGood: string[];
  /** Anomalous test images with their masks. */
  testDefects: SyntheticDefectImage[];
}

const MARKER = "synthetic.json";

function checkCount(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new Error(
      `invalid ${name} ${value}; expected an integer of at least ${min}`,
    );
  }
}

async function prepareCategoryDir(
  dir: string,
  overwrite: boolean,
): Promise<void> {
  const exists = await stat(dir).then(
    () => true,
    () => false,
  );
  if (!exists) return;
  const marker = await readFile(path.join(dir, MARKER)).catch(() => null);
  if (marker === null) {
    throw new Error(
      `${dir} already exists and was not written by the synthetic generator; ` +
        "choose another root or category",
    );
  }
  if (!overwrite) {
    throw new Error(
      `${dir} already contains a synthetic dataset; pass overwrite: true to replace it`,
    );
  }
  await rm(dir, { recursive: true });
}

/**
 * Writes a small synthetic dataset in the MVTec AD layout:
 * `train/good`, `test/good`, `test/<defect>`, `ground_truth/<defect>/<stem>_mask.png`
 * (masks 0/255, exactly the changed pixels), plus `synthetic.json` with
 * this summary. Deterministic: equal options give byte-identical files.
 *
 * @param options - Root, category, counts, size, seed, defect kinds.
 * @returns Summary of the files written.
 * @throws Error when the category folder exists and was not written by
 *   this generator, or exists and `overwrite` is false.
 * @example
 * ```ts
 * const s = await generateSyntheticDataset({ root: '/tmp/demo', seed: 1 });
 * const ds = await openDataset({ format: 'folder', root: s.root, category: s.category });
 * ```
 */
export async function generateSyntheticDataset(
  options: SyntheticDatasetOptions,
): Promise<SyntheticDatasetSummary> {
  const root = path.resolve(options.root);
  const category = options.category ?? "synthetic";
  const kind = options.kind ?? "texture";
  const trainCount = options.trainCount ?? 8;
  const testGoodCount = options.testGoodCount ?? 4;
  const testDefectCount = options.testDefectCount ?? 6;
  const size = options.size ?? 128;
  const seed = options.seed ?? 0;
  const defectTypes = [
    ...(options.defectTypes ?? ["scratch", "spot", "crack"]),
  ];
  checkCount("trainCount", trainCount, 1);
  checkCount("testGoodCount", testGoodCount, 0);
  checkCount("testDefectCount", testDefectCount, 0);
  checkCount("size", size, 16);
  if (defectTypes.length === 0 && testDefectCount > 0) {
    throw new Error(
      "invalid defectTypes []; expected at least one defect kind",
    );
  }

  const categoryDir = path.join(root, category);
  await prepareCategoryDir(categoryDir, options.overwrite ?? false);
  const random = createRandom(seed);
  const style = drawClassStyle(kind, random);
  const name = (i: number) => `${String(i).padStart(3, "0")}.png`;
  // Files are written concurrently; each folder is created once.
  const folders = new Map<string, Promise<unknown>>();
  const writes: Promise<void>[] = [];
  const write = (relative: string, bytes: Uint8Array) => {
    const file = path.join(root, relative);
    const dir = path.dirname(file);
    if (!folders.has(dir)) folders.set(dir, mkdir(dir, { recursive: true }));
    writes.push(
      (folders.get(dir) as Promise<unknown>).then(() =>
        writeFileAtomic(file, bytes),
      ),
    );
  };
  const rgbPng = (rgb: Uint8Array) =>
    encodePng({ width: size, height: size, channels: 3, data: rgb });

  const summary: SyntheticDatasetSummary = {
    root,
    category,
    categoryDir,
    kind,
    size,
    seed,
    train: [],
    testGood: [],
    testDefects: [],
  };
  for (let i = 0; i < trainCount; i++) {
    const relative = `${category}/train/good/${name(i)}`;
    write(relative, rgbPng(renderNormal(style, size, random).rgb));
    summary.train.push(relative);
  }
  for (let i = 0; i < testGoodCount; i++) {
    const relative = `${category}/test/good/${name(i)}`;
    write(relative, rgbPng(renderNormal(style, size, random).rgb));
    summary.testGood.push(relative);
  }
  for (let i = 0; i < testDefectCount; i++) {
    const defectType = defectTypes[i % defectTypes.length];
    const index = Math.floor(i / defectTypes.length);
    const { rgb, region } = renderNormal(style, size, random);
    const mask = drawDefectMask(defectType, region, size, random);
    paintDefect(rgb, mask, defectType);
    const image = `${category}/test/${defectType}/${name(index)}`;
    const maskFile = `${category}/ground_truth/${defectType}/${String(index).padStart(3, "0")}_mask.png`;
    write(image, rgbPng(rgb));
    write(
      maskFile,
      encodePng({
        width: size,
        height: size,
        channels: 1,
        data: mask.map((v) => v * 255),
      }),
    );
    summary.testDefects.push({
      image,
      mask: maskFile,
      defectType,
      defectPixels: mask.reduce((sum, v) => sum + v, 0),
    });
  }
  await Promise.all(writes);
  // The marker is written last, so its presence means the dataset is complete.
  await writeFileAtomic(
    path.join(categoryDir, MARKER),
    Buffer.from(JSON.stringify(summary, null, 2) + "\n"),
  );
  return summary;
}
