import { existsSync } from "node:fs";
import path from "node:path";

/** Real images kept beside the repository, not inside it. */
export const SHARED_DATA = path.resolve(
  __dirname,
  "../../../..",
  "../shared/data",
);

/** Whether the real images are present on this machine. */
export const HAS_SHARED_DATA = existsSync(SHARED_DATA);

/**
 * Runs `describe` when the real images exist. Otherwise the block is
 * skipped and its title states the reason.
 */
export function describeWithSharedData(name: string, body: () => void): void {
  if (HAS_SHARED_DATA) describe(name, body);
  else describe.skip(`${name} (skipped: ${SHARED_DATA} not found)`, body);
}
