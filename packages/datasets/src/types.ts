/** Dataset split an image belongs to. */
export type Split = "train" | "test";

/** On-disk layout a dataset was read from. */
export type DatasetFormat = "mvtec" | "visa" | "folder";

/** Receives warnings and progress notes; packages never print. */
export interface Logger {
  /** Called once per warning, with a complete sentence naming the file. */
  warn(message: string): void;
  /** Called for progress notes; optional. */
  info?(message: string): void;
}

/** One image of a dataset with its label and mask file. */
export interface ImageRecord {
  /** Absolute path of the image file. */
  path: string;
  /** Path relative to the dataset root, with `/` separators, for reports. */
  relativePath: string;
  /** Class (category) name, for example `bottle`. */
  className: string;
  /** Split the image belongs to. */
  split: Split;
  /** 0 for a normal image, 1 for an anomalous one. */
  label: 0 | 1;
  /** Defect folder name; `good` for normal images. */
  defectType: string;
  /**
   * Absolute path of the ground-truth mask, or `null` when there is none
   * (normal images, and anomalous images whose mask is missing).
   */
  maskPath: string | null;
}

/** Kind of problem found while pairing images with masks. */
export type PairingIssueKind =
  | "missing-mask"
  | "orphan-mask"
  | "mask-size-mismatch"
  | "missing-file"
  | "unreadable-file";

/** A problem found while reading a dataset, with the files involved. */
export interface PairingIssue {
  /** Kind of problem. */
  kind: PairingIssueKind;
  /** Image involved, absolute path, when there is one. */
  imagePath?: string;
  /** Mask involved, absolute path, when there is one. */
  maskPath?: string;
  /** A complete sentence naming the files and the expected state. */
  message: string;
}

/** Record of the few-shot selection: method, seed, positions and files. */
export interface FewShotSelection {
  /** Number of training images selected. */
  k: number;
  /**
   * `reference`: the fixed WinCLIP/PromptAD selection;
   * `seeded-random`: drawn without replacement with `seed`;
   * `all`: every training image.
   */
  source: "reference" | "seeded-random" | "all";
  /** Seed of the draw, for `seeded-random`; `null` otherwise. */
  seed: number | null;
  /** Positions in the sorted training list, in selection order. */
  indices: number[];
  /** Paths of the selected images relative to the dataset root. */
  files: string[];
}

/** One class of a dataset, listed and paired, ready to load. */
export interface ClassDataset {
  /** Layout the class was read from. */
  format: DatasetFormat;
  /** Dataset root directory (absolute). */
  root: string;
  /** Class name. */
  className: string;
  /** Every training image, sorted by file name. */
  train: ImageRecord[];
  /** The few-shot training images, in selection order. */
  shots: ImageRecord[];
  /** Selection record of `shots`, for reports. */
  selection: FewShotSelection;
  /** Every test image, sorted by defect type, then file name. */
  test: ImageRecord[];
  /** Pairing problems found; empty when every image pairs cleanly. */
  issues: PairingIssue[];
}
