import { promises as fs } from "node:fs";
import * as path from "node:path";
import { writeJsonAtomic } from "./atomic-write";

/** Value of the `format` field of every run manifest. */
export const RUN_FORMAT = "devprompt-run";

/**
 * Version of the run-directory layout. Increase it whenever a file of the
 * run directory changes meaning, so that old runs are rejected clearly
 * instead of being misread.
 */
export const RUN_FORMAT_VERSION = 1;

/** File name of the manifest that marks a directory as a devprompt run. */
export const RUN_MANIFEST_FILE = "run.json";

/** Contents of `run.json`. */
export interface RunManifest {
  /** Always {@link RUN_FORMAT}. */
  format: string;
  /** Layout version, {@link RUN_FORMAT_VERSION} when written by this build. */
  version: number;
  /** Command that created the run, e.g. `train`. */
  command: string;
  /** Creation time, ISO 8601 UTC. */
  createdAt: string;
  /** Program and version that wrote the run, e.g. `devprompt 0.1.0`. */
  createdBy: string;
}

/** Options of {@link createRunDir}. */
export interface CreateRunDirOptions {
  /** Replace an existing run directory instead of rejecting it. */
  overwrite: boolean;
  /** Command that creates the run, stored in the manifest. */
  command: string;
  /** Program and version, stored in the manifest. */
  createdBy: string;
}

/** An open run directory. */
export class RunDirectory {
  /**
   * @param dir - absolute path of the directory
   * @param manifest - its parsed `run.json`
   */
  constructor(
    readonly dir: string,
    readonly manifest: RunManifest,
  ) {}

  /**
   * Returns the path of a file inside the run directory.
   *
   * @param parts - path segments below the run directory
   * @returns the joined path
   */
  file(...parts: string[]): string {
    return path.join(this.dir, ...parts);
  }

  /**
   * Rejects writing result files that already exist unless overwriting was
   * requested.
   *
   * @param names - file or folder names below the run directory
   * @param overwrite - when true, existing files are allowed
   */
  async claimOutputs(
    names: readonly string[],
    overwrite: boolean,
  ): Promise<void> {
    if (overwrite) return;
    const existing: string[] = [];
    for (const name of names) {
      if (await exists(this.file(name))) existing.push(name);
    }
    if (existing.length > 0) {
      throw new Error(
        `run directory ${this.dir} already contains results (${existing.join(", ")}); ` +
          "pass --overwrite to replace them",
      );
    }
  }
}

/**
 * Creates a run directory for a new run and writes its manifest.
 *
 * A missing directory is created. An empty directory is used as is. A
 * directory that contains a previous run (it has `run.json`) is rejected
 * unless `overwrite` is set, in which case its whole contents are deleted
 * first. A non-empty directory without `run.json` is always rejected, so
 * that `--overwrite` never deletes files that devprompt did not write.
 *
 * @param dir - path of the run directory
 * @param options - overwrite flag and manifest fields
 * @returns the open run directory
 */
export async function createRunDir(
  dir: string,
  options: CreateRunDirOptions,
): Promise<RunDirectory> {
  const absolute = path.resolve(dir);
  const entries = await listDirectory(absolute);

  if (entries !== undefined && entries.length > 0) {
    if (!entries.includes(RUN_MANIFEST_FILE)) {
      throw new Error(
        `output directory ${absolute} is not empty and is not a devprompt run directory ` +
          `(no ${RUN_MANIFEST_FILE}); choose a new or empty directory`,
      );
    }
    if (!options.overwrite) {
      throw new Error(
        `output directory ${absolute} already contains a run; pass --overwrite to replace it, ` +
          "or choose another output directory",
      );
    }
    await fs.rm(absolute, { recursive: true, force: true });
  }
  await fs.mkdir(absolute, { recursive: true });

  const manifest: RunManifest = {
    format: RUN_FORMAT,
    version: RUN_FORMAT_VERSION,
    command: options.command,
    createdAt: new Date().toISOString(),
    createdBy: options.createdBy,
  };
  await writeJsonAtomic(path.join(absolute, RUN_MANIFEST_FILE), manifest);
  return new RunDirectory(absolute, manifest);
}

/**
 * Opens an existing run directory and checks that this build can read it.
 *
 * @param dir - path of the run directory
 * @returns the open run directory
 */
export async function openRunDir(dir: string): Promise<RunDirectory> {
  const absolute = path.resolve(dir);
  const manifestPath = path.join(absolute, RUN_MANIFEST_FILE);
  if ((await listDirectory(absolute)) === undefined) {
    throw new Error(
      `run directory ${absolute} not found; pass the --out directory of a train run`,
    );
  }

  let text: string;
  try {
    text = await fs.readFile(manifestPath, "utf8");
  } catch {
    throw new Error(
      `${absolute} is not a devprompt run directory: ${RUN_MANIFEST_FILE} is missing; ` +
        "pass the --out directory of a train run",
    );
  }
  let manifest: RunManifest;
  try {
    manifest = JSON.parse(text) as RunManifest;
  } catch (error) {
    throw new Error(
      `${manifestPath} is not valid JSON: ${(error as Error).message}`,
    );
  }

  if (manifest.format !== RUN_FORMAT) {
    throw new Error(
      `${manifestPath} has format ${JSON.stringify(manifest.format)}, expected "${RUN_FORMAT}"`,
    );
  }
  if (manifest.version !== RUN_FORMAT_VERSION) {
    throw new Error(
      `run directory ${absolute} uses run format version ${manifest.version} ` +
        `(written by ${manifest.createdBy ?? "an unknown program"}), but this devprompt reads ` +
        `version ${RUN_FORMAT_VERSION}; train the run again with this version`,
    );
  }
  return new RunDirectory(absolute, manifest);
}

async function listDirectory(dir: string): Promise<string[] | undefined> {
  try {
    return await fs.readdir(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    if (code === "ENOTDIR")
      throw new Error(`${dir} exists and is not a directory`);
    throw error;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}
