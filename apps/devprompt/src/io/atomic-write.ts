import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import * as path from "node:path";

/**
 * Writes a file atomically: the data goes to a temporary file in the same
 * directory, is flushed to disk, and is then renamed over the target. A
 * reader sees either the old file or the complete new one, never a partial
 * write, and an interrupted run leaves at most a stray `.tmp-*` file.
 *
 * The parent directory must exist.
 *
 * @param filePath - destination path
 * @param data - file contents; strings are written as UTF-8
 */
export async function writeFileAtomic(
  filePath: string,
  data: string | Uint8Array,
): Promise<void> {
  const dir = path.dirname(filePath);
  const temp = path.join(
    dir,
    `.${path.basename(filePath)}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`,
  );
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(temp, "w");
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fs.rename(temp, filePath);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await fs.rm(temp, { force: true });
    throw new Error(
      `failed to write ${filePath}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

/**
 * Writes a value as pretty-printed JSON (2-space indent, trailing newline),
 * atomically.
 *
 * @param filePath - destination path
 * @param value - any JSON-serialisable value
 */
export async function writeJsonAtomic(
  filePath: string,
  value: unknown,
): Promise<void> {
  await writeFileAtomic(filePath, `${JSON.stringify(value, null, 2)}\n`);
}
