import {
  decodeImage,
  decodeMask,
  type ClassDataset,
  type ImageRecord,
} from "@devprompt/datasets";
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import type { DataProblem } from "./class-summary";

/**
 * Decodes every training image, test image and mask of a class, and lists
 * each file that cannot be decoded and each mask whose size differs from
 * its image's.
 *
 * @param dataset - class returned by `openDataset`
 * @returns one problem per unreadable file or mismatched pair, in file order
 */
export async function decodeProblems(
  dataset: ClassDataset,
): Promise<DataProblem[]> {
  const problems: DataProblem[] = [];
  for (const record of [...dataset.train, ...dataset.test]) {
    let size: { width: number; height: number };
    try {
      size = await decodeImage(record.path);
    } catch (error) {
      problems.push({
        kind: "unreadable-image",
        message: (error as Error).message,
        file: record.path,
      });
      continue;
    }
    if (record.maskPath === null) continue;
    try {
      const mask = await decodeMask(record.maskPath);
      if (mask.width !== size.width || mask.height !== size.height) {
        problems.push({
          kind: "mask-size",
          message:
            `mask ${record.maskPath} is ${mask.width}x${mask.height} but image ${record.path} ` +
            `is ${size.width}x${size.height}; expected equal sizes`,
          file: record.maskPath,
        });
      }
    } catch (error) {
      problems.push({
        kind: "unreadable-mask",
        message: (error as Error).message,
        file: record.maskPath,
      });
    }
  }
  return problems;
}

/**
 * Finds test images whose bytes equal a training image's (SHA-256 of the
 * file). Scoring a test image that is also a shot or memory image inflates
 * the metrics.
 *
 * @param dataset - class returned by `openDataset`
 * @returns one problem per duplicated test image
 */
export async function duplicateProblems(
  dataset: ClassDataset,
): Promise<DataProblem[]> {
  const trainByHash = new Map<string, ImageRecord>();
  for (const record of dataset.train) {
    const hash = await fileHash(record.path);
    if (hash !== undefined && !trainByHash.has(hash)) {
      trainByHash.set(hash, record);
    }
  }
  const problems: DataProblem[] = [];
  for (const record of dataset.test) {
    const hash = await fileHash(record.path);
    const twin = hash === undefined ? undefined : trainByHash.get(hash);
    if (twin === undefined) continue;
    problems.push({
      kind: "train-test-duplicate",
      message:
        `test image ${record.relativePath} is identical to training image ${twin.relativePath}; ` +
        "metrics will be inflated. Remove one of the two copies.",
      file: record.path,
    });
  }
  return problems;
}

async function fileHash(file: string): Promise<string | undefined> {
  try {
    return createHash("sha256")
      .update(await fs.readFile(file))
      .digest("hex");
  } catch {
    // An unreadable file is reported by the decode check.
    return undefined;
  }
}
