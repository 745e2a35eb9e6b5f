import type { ClassDataset } from "@devprompt/datasets";

/** Test images of one defect type. */
export interface DefectTypeCount {
  /** Number of test images. */
  images: number;
  /** Number of those images with a ground-truth mask. */
  masks: number;
}

/** A problem found in a dataset, with the file it concerns. */
export interface DataProblem {
  /** Kind of problem, e.g. `missing-mask` or `open-failed`. */
  kind: string;
  /** A complete sentence naming the file and the expected state. */
  message: string;
  /** Absolute path of the file concerned, when there is one. */
  file?: string;
}

/** Summary of one class of a dataset, as printed by `check-data`. */
export interface ClassSummary {
  /** Class name. */
  className: string;
  /** Number of training images (normal). */
  trainImages: number;
  /** The few-shot images that `train` would use with the same options. */
  shots: {
    /** Number of shots. */
    k: number;
    /** `reference`, `seeded-random` or `all`. */
    source: string;
    /** Seed of a random draw, `null` for the published selection. */
    seed: number | null;
    /** Files relative to the dataset root. */
    files: string[];
  };
  /** Number of test images. */
  testImages: number;
  /** Normal test images. */
  normalTestImages: number;
  /** Anomalous test images. */
  anomalousTestImages: number;
  /** Anomalous test images with a mask. */
  pairedMasks: number;
  /** Test images and masks per defect type, `good` included. */
  defectTypes: Record<string, DefectTypeCount>;
  /** Every problem found. */
  problems: DataProblem[];
  /** Layout notes of the reader that are not errors, e.g. a missing train/ folder. */
  warnings: string[];
}

/**
 * Summarises an opened class: counts per split and defect type, the mask
 * pairs, the selected shots and every pairing problem.
 *
 * @param dataset - class returned by `openDataset`
 * @param warnings - notes the reader logged while opening it
 * @returns the summary, with defect types sorted by name
 */
export function summariseClass(
  dataset: ClassDataset,
  warnings: readonly string[],
): ClassSummary {
  const defectTypes: Record<string, DefectTypeCount> = {};
  for (const record of dataset.test) {
    const count = defectTypes[record.defectType] ?? { images: 0, masks: 0 };
    count.images += 1;
    if (record.maskPath !== null) count.masks += 1;
    defectTypes[record.defectType] = count;
  }
  const sortedTypes = Object.fromEntries(
    Object.entries(defectTypes).sort(([a], [b]) => a.localeCompare(b)),
  );

  const anomalous = dataset.test.filter((r) => r.label === 1);
  return {
    className: dataset.className,
    trainImages: dataset.train.length,
    shots: {
      k: dataset.selection.k,
      source: dataset.selection.source,
      seed: dataset.selection.seed,
      files: [...dataset.selection.files],
    },
    testImages: dataset.test.length,
    normalTestImages: dataset.test.length - anomalous.length,
    anomalousTestImages: anomalous.length,
    pairedMasks: anomalous.filter((r) => r.maskPath !== null).length,
    defectTypes: sortedTypes,
    problems: dataset.issues.map((issue) => ({
      kind: issue.kind,
      message: issue.message,
      file: issue.imagePath ?? issue.maskPath,
    })),
    warnings: [...warnings],
  };
}

/**
 * Returns the summary of a class that could not be opened at all.
 *
 * @param className - class name
 * @param error - the reader's error
 * @returns a summary with zero counts and one `open-failed` problem
 */
export function failedClassSummary(
  className: string,
  error: Error,
): ClassSummary {
  return {
    className,
    trainImages: 0,
    shots: { k: 0, source: "none", seed: null, files: [] },
    testImages: 0,
    normalTestImages: 0,
    anomalousTestImages: 0,
    pairedMasks: 0,
    defectTypes: {},
    problems: [{ kind: "open-failed", message: error.message }],
    warnings: [],
  };
}
