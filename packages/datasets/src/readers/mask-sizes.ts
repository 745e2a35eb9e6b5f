import { probeImageSize } from "../decode/decode-image";
import type { ImageRecord, PairingIssue } from "../types";

/**
 * Compares the header sizes of each image and its mask, a few files at a
 * time, and returns one issue per pair whose sizes differ or whose header
 * cannot be read.
 *
 * @internal
 */
export async function checkMaskSizes(
  records: readonly ImageRecord[],
  concurrency = 8,
): Promise<PairingIssue[]> {
  const paired = records.filter((r) => r.maskPath !== null);
  const issues: (PairingIssue | null)[] = new Array(paired.length).fill(null);
  let next = 0;

  async function work(): Promise<void> {
    while (next < paired.length) {
      const i = next++;
      const record = paired[i];
      const maskPath = record.maskPath as string;
      try {
        const [image, mask] = await Promise.all([
          probeImageSize(record.path),
          probeImageSize(maskPath),
        ]);
        if (image.width !== mask.width || image.height !== mask.height) {
          issues[i] = {
            kind: "mask-size-mismatch",
            imagePath: record.path,
            maskPath,
            message:
              `mask ${maskPath} is ${mask.width}x${mask.height} but image ` +
              `${record.path} is ${image.width}x${image.height}; ` +
              "expected equal sizes",
          };
        }
      } catch (error) {
        issues[i] = {
          kind: "unreadable-file",
          imagePath: record.path,
          maskPath,
          message: (error as Error).message,
        };
      }
    }
  }

  await Promise.all(
    Array.from({ length: Math.min(concurrency, paired.length) }, work),
  );
  return issues.filter((issue): issue is PairingIssue => issue !== null);
}
