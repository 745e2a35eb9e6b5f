import path from "node:path";
import { assertKnownClass, type Benchmark } from "../classes";
import { selectShots } from "../few-shot/select-shots";
import type {
  ClassDataset,
  DatasetFormat,
  Logger,
  PairingIssue,
} from "../types";
import { isDirectory, isFile } from "./listing";
import { checkMaskSizes } from "./mask-sizes";
import { readMvtecLayout, type LayoutListing } from "./mvtec-layout";
import { readVisaSplit, visaRecords } from "./visa-split";

/** Options of {@link openDataset}. */
export interface OpenDatasetOptions {
  /**
   * `mvtec`: MVTec AD (class names checked, published shots);
   * `visa`: VisA as downloaded with its split file, or its MVTec-like
   * conversion (class names checked, published shots);
   * `folder`: any MVTec-like folder (MPDD, BTAD, your own; seeded shots).
   */
  format: DatasetFormat;
  /** Dataset root: the folder that contains the class folders. */
  root: string;
  /**
   * Class (category) folder name. For `folder`, may be omitted when `root`
   * is itself a category folder (it contains `train/` or `good/`).
   */
  category?: string;
  /** Number of few-shot training images, or `'all'`. Default 1. */
  shots?: number | "all";
  /** Seed of the few-shot draw where no published selection applies. Default 0. */
  seed?: number;
  /** Draw shots with `seed` even where a published selection exists. Default false. */
  randomShots?: boolean;
  /**
   * VisA split file; default `<root>/split_csv/1cls.csv`. Giving it forces
   * the as-downloaded VisA layout.
   */
  splitFile?: string;
  /**
   * VisA split file only: report listed files that do not exist. Default
   * true; false reads the split alone, without images on disk.
   */
  checkFiles?: boolean;
  /** Compare each mask's size with its image's (header reads). Default true. */
  checkMaskSizes?: boolean;
  /** Receives layout warnings. */
  logger?: Logger;
}

async function resolveCategory(
  options: OpenDatasetOptions,
): Promise<{ root: string; className: string }> {
  const root = path.resolve(options.root);
  // A VisA split file passed on its own can be read without the root.
  if (options.splitFile === undefined && !(await isDirectory(root))) {
    throw new Error(
      `dataset root ${root} not found; pass the folder that holds the class folders` +
        (options.format === "folder" ? " (or one class folder)" : ""),
    );
  }
  const isCategory =
    (await isDirectory(path.join(root, "train"))) ||
    (await isDirectory(path.join(root, "good")));
  if (options.category) {
    if (options.category.includes("/") || options.category.includes("\\")) {
      throw new Error(
        `invalid category "${options.category}"; expected a folder name, not a path`,
      );
    }
    // A folder root may be the class folder itself, as train accepts it
    // without a category; then the class folder's parent is the root.
    if (
      options.format === "folder" &&
      isCategory &&
      path.basename(root) === options.category &&
      !(await isDirectory(path.join(root, options.category)))
    ) {
      return { root: path.dirname(root), className: options.category };
    }
    return { root, className: options.category };
  }
  if (options.format === "folder" && isCategory) {
    return { root: path.dirname(root), className: path.basename(root) };
  }
  throw new Error(
    `no category given for the ${options.format} dataset at ${root}; ` +
      'pass the class folder name (for example "bottle")',
  );
}

async function listCategory(
  options: OpenDatasetOptions,
  root: string,
  className: string,
): Promise<LayoutListing> {
  const categoryDir = path.join(root, className);
  const ctx = { root, className, format: options.format };

  if (options.format === "visa") {
    const splitFile =
      options.splitFile ?? path.join(root, "split_csv", "1cls.csv");
    if (options.splitFile !== undefined || (await isFile(splitFile))) {
      const rows = await readVisaSplit(splitFile);
      const checkFiles = options.checkFiles ?? true;
      if (checkFiles && !(await isDirectory(path.join(categoryDir, "Data")))) {
        throw new Error(
          `VisA class folder ${path.join(categoryDir, "Data")} not found; ` +
            "expected the dataset as downloaded (<root>/<class>/Data/Images), " +
            "or pass checkFiles: false to read the split file alone",
        );
      }
      return visaRecords(rows, root, className, checkFiles);
    }
  }

  if (!(await isDirectory(categoryDir))) {
    const hint =
      options.format === "visa"
        ? `expected ${path.join(root, "split_csv", "1cls.csv")} with ` +
          `<root>/<class>/Data, or the MVTec-like conversion ${categoryDir}/train/good`
        : `expected ${categoryDir}/train/good and ${categoryDir}/test`;
    throw new Error(`category folder ${categoryDir} not found; ${hint}`);
  }
  return readMvtecLayout(categoryDir, ctx, options.logger);
}

/**
 * Opens one class of a dataset: lists and sorts its images, pairs test
 * images with masks, reports pairing problems and selects the few-shot
 * training images.
 *
 * @param options - Format, root, category, shots and checks.
 * @returns The class dataset; `issues` lists every pairing problem found.
 * @throws Error for an unknown MVTec AD or VisA class (listing the known
 *   ones), a missing folder or an invalid layout, or a shot count larger
 *   than the training set.
 * @example
 * ```ts
 * const ds = await openDataset({ format: 'mvtec', root: '/data/mvtec', category: 'bottle' });
 * ds.selection.files; // ['bottle/train/good/131.png']
 * ```
 */
export async function openDataset(
  options: OpenDatasetOptions,
): Promise<ClassDataset> {
  const { root, className } = await resolveCategory(options);
  const benchmark: Benchmark | null =
    options.format === "mvtec" || options.format === "visa"
      ? options.format
      : null;
  if (benchmark) assertKnownClass(benchmark, className);

  const listing = await listCategory(options, root, className);
  const issues: PairingIssue[] = [...listing.issues];
  const checkFiles = options.format !== "visa" || (options.checkFiles ?? true);
  if ((options.checkMaskSizes ?? true) && checkFiles) {
    // Files already reported as missing are not probed a second time.
    const missing = new Set(
      issues
        .filter((issue) => issue.kind === "missing-file")
        .map((issue) => issue.maskPath ?? issue.imagePath),
    );
    const present = listing.test.filter(
      (r) => !missing.has(r.path) && !missing.has(r.maskPath ?? undefined),
    );
    issues.push(...(await checkMaskSizes(present)));
  }

  const { selection, shots } = selectShots(listing.train, className, {
    k: options.shots ?? 1,
    benchmark,
    seed: options.seed ?? 0,
    forceRandom: options.randomShots ?? false,
    logger: options.logger,
  });
  return {
    format: options.format,
    root,
    className,
    train: listing.train,
    shots,
    selection,
    test: listing.test,
    issues,
  };
}
