import type { ClassDataset, PairingIssueKind } from "../types";

/** Counts of one class, for a data check report. */
export interface DatasetSummary {
  /** Class name. */
  className: string;
  /** Number of training images. */
  train: number;
  /** Number of test images per defect type (`good` included). */
  testByDefect: Record<string, number>;
  /** Normal test images. */
  testNormal: number;
  /** Anomalous test images. */
  testAnomalous: number;
  /** Anomalous test images with a mask file. */
  maskPairs: number;
  /** Number of pairing problems per kind. */
  issuesByKind: Partial<Record<PairingIssueKind, number>>;
  /** Paths of the few-shot images relative to the root. */
  shotFiles: string[];
}

/**
 * Counts images per split and defect type, mask pairs and problems.
 *
 * @param dataset - A class opened with {@link openDataset}.
 * @returns The summary; defect types are listed in sorted order.
 */
export function summarizeDataset(dataset: ClassDataset): DatasetSummary {
  const testByDefect: Record<string, number> = {};
  for (const record of dataset.test) {
    testByDefect[record.defectType] =
      (testByDefect[record.defectType] ?? 0) + 1;
  }
  const issuesByKind: Partial<Record<PairingIssueKind, number>> = {};
  for (const issue of dataset.issues) {
    issuesByKind[issue.kind] = (issuesByKind[issue.kind] ?? 0) + 1;
  }
  const anomalous = dataset.test.filter((r) => r.label === 1);
  return {
    className: dataset.className,
    train: dataset.train.length,
    testByDefect,
    testNormal: dataset.test.length - anomalous.length,
    testAnomalous: anomalous.length,
    maskPairs: anomalous.filter((r) => r.maskPath !== null).length,
    issuesByKind,
    shotFiles: [...dataset.selection.files],
  };
}
