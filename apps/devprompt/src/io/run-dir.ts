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
  /**
   * `training` from creation until the command that created the run
   * finishes, then `complete`. Runs written before this field existed lack
   * it and count as complete.
   */
  status?: RunStatus;
}

/** State of a run directory, see {@link RunManifest.status}. */
export type RunStatus = "training" | "complete";

/** File that records the epochs a run has completed, `completedEpochs`. */
const PROGRESS_FILE = "train-state.json";

/** Options of {@link createRunDir}. */
export interface CreateRunDirOptions {
  /** Replace an existing run directory instead of rejecting it. */
  overwrite: boolean;
  /** Command that creates the run, stored in the manifest. */
  command: string;
  /** Program and version, stored in the manifest. */
  createdBy: string;
}

/** Options of {@link openRunDir}. */
export interface OpenRunDirOptions {
  /**
   * Accept a run whose creating command did not finish, so it can be
   * resumed. By default such a run is rejected with a message that names
   * the flags to continue or restart it.
   */
  allowUnfinished?: boolean;
}

/** An open run directory. */
export class RunDirectory {
  /**
   * Paths moved out of the way for replacement: `target` is where the
   * previous copy lived and where it returns on failure, `aside` where it
   * waits until the replacing command succeeds.
   */
  private setAside: { target: string; aside: string }[];

  /**
   * @param dir - absolute path of the directory
   * @param manifest - its parsed `run.json`
   * @param setAside - where {@link createRunDir} moved the run it replaces
   */
  constructor(
    readonly dir: string,
    readonly manifest: RunManifest,
    setAside?: string,
  ) {
    this.setAside =
      setAside === undefined ? [] : [{ target: dir, aside: setAside }];
  }

  /**
   * Marks the run complete in `run.json` and deletes what was set aside for
   * replacement: the previous run that {@link createRunDir} moved, or the
   * previous results that {@link RunDirectory.claimOutputs} moved. Call it
   * once the command has written every file.
   */
  async complete(): Promise<void> {
    this.manifest.status = "complete";
    await writeJsonAtomic(this.file(RUN_MANIFEST_FILE), this.manifest);
    for (const { aside } of this.setAside) {
      await fs.rm(aside, { recursive: true, force: true });
    }
    this.setAside = [];
  }

  /**
   * Undoes a replacement after the command failed: deletes the new copy of
   * each replaced path and moves the previous one back into place. Without
   * a previous run the unfinished run stays, marked `training`, so that it
   * can be resumed.
   *
   * @returns true when something set aside was restored
   */
  async restorePrevious(): Promise<boolean> {
    if (this.setAside.length === 0) return false;
    for (const { target, aside } of this.setAside) {
      await fs.rm(target, { recursive: true, force: true });
      await fs.rename(aside, target);
    }
    this.setAside = [];
    return true;
  }

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
   * requested. When overwriting, the existing ones are renamed to hidden
   * siblings, so that no result of the previous command survives next to
   * the new ones: {@link RunDirectory.complete} deletes them once the new
   * results are written, {@link RunDirectory.restorePrevious} moves them
   * back. Only the listed names are touched.
   *
   * @param names - file or folder names below the run directory
   * @param overwrite - when true, existing files are set aside
   */
  async claimOutputs(
    names: readonly string[],
    overwrite: boolean,
  ): Promise<void> {
    const existing: string[] = [];
    for (const name of names) {
      if (await exists(this.file(name))) existing.push(name);
    }
    if (overwrite) {
      const suffix = `replaced-${process.pid}-${Date.now()}`;
      for (const name of existing) {
        const target = this.file(name);
        const aside = this.file(`.${name}.${suffix}`);
        await fs.rename(target, aside);
        this.setAside.push({ target, aside });
      }
      return;
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
 * Creates a run directory for a new run and writes its manifest with
 * status `training`.
 *
 * A missing directory is created. An empty directory is used as is. A
 * directory that contains a previous run (it has `run.json`) is rejected
 * unless `overwrite` is set or the previous run stopped before completing
 * its first epoch (status `training` and no `train-state.json`). A replaced
 * run is renamed to a hidden sibling folder rather than deleted, so that a
 * failing command loses nothing: {@link RunDirectory.complete} deletes it,
 * {@link RunDirectory.restorePrevious} moves it back. A non-empty directory
 * without `run.json` is always rejected, so that `--overwrite` never
 * deletes files that devprompt did not write.
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
  let setAside: string | undefined;

  if (entries !== undefined && entries.length > 0) {
    if (!entries.includes(RUN_MANIFEST_FILE)) {
      throw new Error(
        `output directory ${absolute} is not empty and is not a devprompt run directory ` +
          `(no ${RUN_MANIFEST_FILE}); choose a new or empty directory`,
      );
    }
    const unstarted =
      !entries.includes(PROGRESS_FILE) &&
      (await readManifestStatus(absolute)) === "training";
    if (!options.overwrite && !unstarted) {
      throw new Error(
        `output directory ${absolute} already contains a run; pass --overwrite to replace it, ` +
          "or choose another output directory",
      );
    }
    setAside = path.join(
      path.dirname(absolute),
      `.${path.basename(absolute)}.replaced-${process.pid}-${Date.now()}`,
    );
    await fs.rename(absolute, setAside);
  }
  await fs.mkdir(absolute, { recursive: true });

  const manifest: RunManifest = {
    format: RUN_FORMAT,
    version: RUN_FORMAT_VERSION,
    command: options.command,
    createdAt: new Date().toISOString(),
    createdBy: options.createdBy,
    status: "training",
  };
  try {
    await writeJsonAtomic(path.join(absolute, RUN_MANIFEST_FILE), manifest);
  } catch (error) {
    await new RunDirectory(absolute, manifest, setAside).restorePrevious();
    throw error;
  }
  return new RunDirectory(absolute, manifest, setAside);
}

/**
 * Opens an existing run directory and checks that this build can read it
 * and, unless `options.allowUnfinished` is set, that its training finished.
 *
 * @param dir - path of the run directory
 * @param options - whether an unfinished run is accepted
 * @returns the open run directory
 */
export async function openRunDir(
  dir: string,
  options: OpenRunDirOptions = {},
): Promise<RunDirectory> {
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
  if (manifest.status === "training" && options.allowUnfinished !== true) {
    const epochs = await completedEpochs(absolute);
    throw new Error(
      `run ${absolute} did not finish training (last completed epoch ${epochs}); ` +
        (epochs > 0
          ? `continue it with \`devprompt train --resume --out ${absolute} ...\` (the same options as before) or start again with --overwrite`
          : `train it again with the same --out (a run that completed no epoch is replaced without --overwrite)`),
    );
  }
  return new RunDirectory(absolute, manifest);
}

async function readManifestStatus(dir: string): Promise<RunStatus | undefined> {
  try {
    const manifest = JSON.parse(
      await fs.readFile(path.join(dir, RUN_MANIFEST_FILE), "utf8"),
    ) as RunManifest;
    return manifest.status;
  } catch {
    return undefined;
  }
}

async function completedEpochs(dir: string): Promise<number> {
  try {
    const state = JSON.parse(
      await fs.readFile(path.join(dir, PROGRESS_FILE), "utf8"),
    ) as { completedEpochs?: unknown };
    return typeof state.completedEpochs === "number"
      ? state.completedEpochs
      : 0;
  } catch {
    return 0;
  }
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
