import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Creates a fresh temporary directory for one test file and removes it after
 * all its tests; call at the top level of a spec file.
 */
export function useTempDir(prefix: string): () => string {
  let directory = "";
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), `${prefix}-`));
  });
  afterAll(() => {
    rmSync(directory, { recursive: true, force: true });
  });
  return () => directory;
}
