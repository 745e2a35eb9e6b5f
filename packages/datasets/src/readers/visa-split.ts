import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import type { ImageRecord, PairingIssue } from "../types";
import { compareNames, isFile, isImageName, relativeTo } from "./listing";

/** One row of a VisA split file (`object,split,label,image,mask`). */
export interface VisaSplitRow {
  /** Class name, for example `candle`. */
  object: string;
  /** `train` or `test`. */
  split: "train" | "test";
  /** `normal` or `anomaly`. */
  label: "normal" | "anomaly";
  /** Image path relative to the dataset root, for example `candle/Data/Images/Normal/0836.JPG`. */
  image: string;
  /** Mask path relative to the dataset root; empty for normal rows. */
  mask: string;
}

const HEADER = ["object", "split", "label", "image", "mask"];

/**
 * Parses the text of a VisA split file such as `split_csv/1cls.csv`.
 *
 * @param text - File contents.
 * @param source - File name for messages.
 * @returns Rows in file order.
 * @throws Error naming the file and line of a malformed row.
 */
export function parseVisaSplit(text: string, source: string): VisaSplitRow[] {
  const lines = text.split(/\r?\n/);
  const header = lines[0]?.trim().split(",");
  if (!header || header.join(",") !== HEADER.join(",")) {
    throw new Error(
      `invalid VisA split file ${source}: header is "${lines[0] ?? ""}", ` +
        `expected "${HEADER.join(",")}"`,
    );
  }
  const rows: VisaSplitRow[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === "") continue;
    const fields = line.split(",");
    const [object, split, label, image, mask] = fields;
    const bad = (what: string) =>
      new Error(
        `invalid VisA split file ${source}, line ${i + 1}: ${what}; got "${line}"`,
      );
    if (fields.length !== 5)
      throw bad(`expected 5 fields, found ${fields.length}`);
    if (split !== "train" && split !== "test")
      throw bad("split must be train or test");
    if (label !== "normal" && label !== "anomaly")
      throw bad("label must be normal or anomaly");
    if (image === "") throw bad("image path is empty");
    rows.push({ object, split, label, image, mask });
  }
  return rows;
}

/**
 * Reads and parses a VisA split file.
 *
 * @param file - Path of the CSV file.
 * @returns Rows in file order.
 * @throws Error when the file is missing or malformed.
 */
export async function readVisaSplit(file: string): Promise<VisaSplitRow[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new Error(
      `cannot read VisA split file ${file}: ${(error as Error).message}; ` +
        "expected split_csv/1cls.csv from the VisA download",
      { cause: error },
    );
  }
  return parseVisaSplit(text, file);
}

/**
 * Builds the records of one VisA class from split rows. Training and test
 * lists are sorted by image path; the test list by label folder first.
 *
 * @param rows - All rows of the split file.
 * @param root - Dataset root the row paths are relative to.
 * @param className - Class to select.
 * @param checkFiles - Report rows whose image or mask file is missing, and
 *   masks on disk that no row names.
 * @returns Records and pairing problems.
 * @internal
 */
export async function visaRecords(
  rows: readonly VisaSplitRow[],
  root: string,
  className: string,
  checkFiles: boolean,
): Promise<{
  train: ImageRecord[];
  test: ImageRecord[];
  issues: PairingIssue[];
}> {
  const issues: PairingIssue[] = [];
  const train: ImageRecord[] = [];
  const test: ImageRecord[] = [];

  for (const row of rows) {
    if (row.object !== className) continue;
    const file = path.resolve(root, row.image);
    const anomalous = row.label === "anomaly";
    const maskPath =
      anomalous && row.mask !== "" ? path.resolve(root, row.mask) : null;
    if (anomalous && maskPath === null) {
      issues.push({
        kind: "missing-mask",
        imagePath: file,
        message: `defect image ${file} has no mask in the split file; expected a mask path`,
      });
    }
    const target = row.split === "train" ? train : test;
    target.push({
      path: file,
      relativePath: relativeTo(root, file),
      className,
      split: row.split,
      label: anomalous ? 1 : 0,
      defectType: anomalous ? "anomaly" : "good",
      maskPath,
    });
  }

  train.sort((a, b) => compareNames(a.relativePath, b.relativePath));
  test.sort(
    (a, b) =>
      compareNames(a.defectType, b.defectType) ||
      compareNames(a.relativePath, b.relativePath),
  );

  if (checkFiles) {
    for (const r of [...train, ...test]) {
      if (!(await isFile(r.path))) {
        issues.push({
          kind: "missing-file",
          imagePath: r.path,
          message: `image ${r.path} listed in the split file was not found`,
        });
      }
      if (r.maskPath && !(await isFile(r.maskPath))) {
        issues.push({
          kind: "missing-file",
          imagePath: r.path,
          maskPath: r.maskPath,
          message: `mask ${r.maskPath} listed in the split file was not found`,
        });
      }
    }
    const named = new Set(
      test.map((r) => r.maskPath).filter((m) => m !== null),
    );
    const maskDir = path.join(root, className, "Data", "Masks", "Anomaly");
    let maskNames: string[] = [];
    try {
      maskNames = (await readdir(maskDir))
        .filter(isImageName)
        .sort(compareNames);
    } catch {
      maskNames = [];
    }
    for (const name of maskNames) {
      const mask = path.join(maskDir, name);
      if (!named.has(mask)) {
        issues.push({
          kind: "orphan-mask",
          maskPath: mask,
          message: `mask ${mask} is not named by any row of the split file`,
        });
      }
    }
  }
  return { train, test, issues };
}
