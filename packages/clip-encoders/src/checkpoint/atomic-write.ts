import { randomBytes } from "node:crypto";
import {
  closeSync,
  fsyncSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";

/**
 * Writes a file atomically: the content goes to a temporary file in the same
 * directory, is flushed to disk, and the temporary file is renamed over
 * `file`. Readers see either the old file or the complete new one; on failure
 * the temporary file is removed and `file` is untouched.
 *
 * @param file - Destination path; its directory must exist.
 * @param content - Text (written as UTF-8) or byte chunks written in order.
 * @throws Error naming `file` when writing or renaming fails.
 */
export function writeFileAtomic(
  file: string,
  content: string | readonly Uint8Array[],
): void {
  const chunks =
    typeof content === "string" ? [Buffer.from(content, "utf8")] : content;
  const temporary = join(
    dirname(file),
    `.${basename(file)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`,
  );

  try {
    const fd = openSync(temporary, "wx");
    try {
      for (const chunk of chunks) {
        let done = 0;
        while (done < chunk.length) {
          done += writeSync(fd, chunk, done, chunk.length - done);
        }
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new Error(`failed to write ${file}: ${(error as Error).message}`);
  }
}
