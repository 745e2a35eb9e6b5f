import { rename, writeFile } from "node:fs/promises";
import path from "node:path";

let counter = 0;

/**
 * Writes a file atomically: to a temporary name in the same directory, then
 * renamed over the target, so readers never see a partial file.
 *
 * @internal
 */
export async function writeFileAtomic(
  file: string,
  bytes: Uint8Array,
): Promise<void> {
  const temp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${counter++}.tmp`,
  );
  await writeFile(temp, bytes);
  await rename(temp, file);
}
