import { promises as fs } from "node:fs";
import * as path from "node:path";
import {
  benchmarkClasses,
  openDataset,
  type DatasetFormat,
} from "@devprompt/datasets";
import {
  failedClassSummary,
  summariseClass,
  type ClassSummary,
} from "./class-summary";
import type { DataReport } from "./data-report";
import { decodeProblems, duplicateProblems } from "./file-checks";

/** Options of {@link checkDataset}. */
export interface CheckDatasetOptions {
  /** Dataset layout. */
  dataset: DatasetFormat;
  /** Dataset root folder. */
  root: string;
  /** Check only this class; by default every class found under the root. */
  category?: string;
  /** Number of shots whose selection is reported. */
  shots: number;
  /** Seed of the shot draw where no published selection applies. */
  seed: number;
  /**
   * Only list the files; by default every image and mask is decoded and
   * test images are compared with the training images byte for byte.
   */
  quick?: boolean;
}

/**
 * Opens every requested class of a dataset and collects a report. A class
 * that cannot be opened becomes a problem of the report, not an exception,
 * so one broken class does not hide the others.
 *
 * Without a category, mvtec and visa check every benchmark class whose
 * folder exists under the root. A folder dataset checks the root itself
 * when it is a class folder (it contains `train/` or `good/`), otherwise
 * each of its subfolders that is one.
 *
 * Unless `quick` is set, every image and mask is decoded and test images
 * that are byte-identical to a training image are reported.
 *
 * @param options - layout, root, class, shots, seed and quick
 * @returns the report
 */
export async function checkDataset(
  options: CheckDatasetOptions,
): Promise<DataReport> {
  const root = path.resolve(options.root);
  if (!(await isDirectory(root))) {
    throw new Error(
      `dataset root ${root} not found; pass the folder that contains the class folders`,
    );
  }

  const { classes, missing, rootIsClass } = await findClasses(options, root);
  if (classes.length === 0) {
    throw new Error(
      `no class folders found under ${root} for --dataset ${options.dataset}; ` +
        "expected <root>/<class>/train/good and <root>/<class>/test, or pass --category",
    );
  }

  const summaries: ClassSummary[] = [];
  for (const className of classes) {
    const warnings: string[] = [];
    try {
      const dataset = await openDataset({
        format: options.dataset,
        root,
        category: rootIsClass ? undefined : className,
        shots: options.shots,
        seed: options.seed,
        logger: { warn: (message) => warnings.push(message) },
      });
      const summary = summariseClass(dataset, warnings);
      if (options.quick !== true) {
        // Files the reader already reported are not reported twice.
        const known = new Set(summary.problems.map((p) => p.file));
        summary.problems.push(
          ...(await decodeProblems(dataset)).filter((p) => !known.has(p.file)),
          ...(await duplicateProblems(dataset)),
        );
      }
      summaries.push(summary);
    } catch (error) {
      summaries.push(failedClassSummary(className, error as Error));
    }
  }

  return {
    dataset: options.dataset,
    root: rootIsClass ? path.dirname(root) : root,
    classes: summaries,
    missingClasses: missing,
    problemCount: summaries.reduce((n, s) => n + s.problems.length, 0),
  };
}

async function findClasses(
  options: CheckDatasetOptions,
  root: string,
): Promise<{ classes: string[]; missing: string[]; rootIsClass: boolean }> {
  if (options.category !== undefined) {
    return { classes: [options.category], missing: [], rootIsClass: false };
  }

  if (options.dataset === "mvtec" || options.dataset === "visa") {
    const known = benchmarkClasses(options.dataset);
    const present: string[] = [];
    for (const name of known) {
      if (await isDirectory(path.join(root, name))) present.push(name);
    }
    return {
      classes: present,
      missing: known.filter((name) => !present.includes(name)),
      rootIsClass: false,
    };
  }

  if (await isClassFolder(root)) {
    return { classes: [path.basename(root)], missing: [], rootIsClass: true };
  }
  const entries = await fs.readdir(root, { withFileTypes: true });
  const classes: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (
      entry.isDirectory() &&
      (await isClassFolder(path.join(root, entry.name)))
    ) {
      classes.push(entry.name);
    }
  }
  return { classes, missing: [], rootIsClass: false };
}

async function isClassFolder(dir: string): Promise<boolean> {
  return (
    (await isDirectory(path.join(dir, "train"))) ||
    (await isDirectory(path.join(dir, "good")))
  );
}

async function isDirectory(dir: string): Promise<boolean> {
  try {
    return (await fs.stat(dir)).isDirectory();
  } catch {
    return false;
  }
}
