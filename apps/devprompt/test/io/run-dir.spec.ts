import {
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  rm,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import {
  RUN_FORMAT_VERSION,
  createRunDir,
  openRunDir,
} from "../../src/io/run-dir";

describe("run directories", () => {
  let base: string;
  const options = {
    overwrite: false,
    command: "train",
    createdBy: "devprompt test",
  };
  beforeEach(async () => {
    base = await mkdtemp(path.join(tmpdir(), "devprompt-run-"));
  });
  afterEach(async () => {
    await rm(base, { recursive: true, force: true });
  });
  const setAsideFolders = async (): Promise<string[]> =>
    (await readdir(path.dirname(base))).filter((name) =>
      name.startsWith(`.${path.basename(base)}.replaced-`),
    );

  it("creates a missing directory with a manifest", async () => {
    const run = await createRunDir(path.join(base, "a", "b"), options);
    const manifest = JSON.parse(await readFile(run.file("run.json"), "utf8"));
    expect(manifest).toMatchObject({
      format: "devprompt-run",
      version: RUN_FORMAT_VERSION,
      command: "train",
    });
  });

  it("uses an existing empty directory", async () => {
    await createRunDir(base, options);
    expect(await readdir(base)).toEqual(["run.json"]);
  });

  it("rejects a directory that holds a run", async () => {
    await (await createRunDir(base, options)).complete();
    await expect(createRunDir(base, options)).rejects.toThrow(
      /already contains a run; pass --overwrite/,
    );
  });

  it("replaces a run with overwrite", async () => {
    const run = await createRunDir(base, options);
    await writeFile(run.file("metrics.json"), "{}");
    await run.complete();
    const replacement = await createRunDir(base, {
      ...options,
      overwrite: true,
    });
    expect(await readdir(base)).toEqual(["run.json"]);
    await replacement.complete();
    expect(await setAsideFolders()).toEqual([]);
  });

  it("restores the replaced run when the new one fails", async () => {
    const run = await createRunDir(base, options);
    await writeFile(run.file("metrics.json"), "old");
    await run.complete();
    const replacement = await createRunDir(base, {
      ...options,
      overwrite: true,
    });
    await writeFile(replacement.file("partial.npy"), "new");
    expect(await replacement.restorePrevious()).toBe(true);
    expect((await readdir(base)).sort()).toEqual(["metrics.json", "run.json"]);
    expect(await readFile(path.join(base, "metrics.json"), "utf8")).toBe("old");
    expect((await openRunDir(base)).manifest.status).toBe("complete");
    expect(await setAsideFolders()).toEqual([]);
  });

  it("keeps a failed new run for resuming", async () => {
    const run = await createRunDir(base, options);
    expect(await run.restorePrevious()).toBe(false);
    expect(await readdir(base)).toEqual(["run.json"]);
  });

  it("replaces a run that completed no epoch without overwrite", async () => {
    await createRunDir(base, options);
    const retry = await createRunDir(base, options);
    await retry.complete();
    expect(await setAsideFolders()).toEqual([]);
  });

  it("keeps a run that completed epochs unless overwriting", async () => {
    await createRunDir(base, options);
    await writeFile(
      path.join(base, "train-state.json"),
      JSON.stringify({ completedEpochs: 3 }),
    );
    await expect(createRunDir(base, options)).rejects.toThrow(
      /already contains a run/,
    );
    await expect(openRunDir(base)).rejects.toThrow(
      /did not finish training \(last completed epoch 3\); continue it with `devprompt train --resume --out .*` .* or start again with --overwrite/,
    );
    await expect(
      openRunDir(base, { allowUnfinished: true }),
    ).resolves.toBeDefined();
  });

  it("never clears a foreign directory, even with overwrite", async () => {
    await writeFile(path.join(base, "notes.txt"), "keep me");
    await expect(
      createRunDir(base, { ...options, overwrite: true }),
    ).rejects.toThrow(/is not empty and is not a devprompt run directory/);
    expect(await readdir(base)).toEqual(["notes.txt"]);
  });

  it("opens a run it created", async () => {
    await (await createRunDir(base, options)).complete();
    const run = await openRunDir(base);
    expect(run.manifest.command).toBe("train");
  });

  it("rejects a missing run directory", async () => {
    await expect(openRunDir(path.join(base, "nope"))).rejects.toThrow(
      /not found; pass the --out directory/,
    );
  });

  it("rejects a directory without a manifest", async () => {
    await mkdir(path.join(base, "x"));
    await expect(openRunDir(path.join(base, "x"))).rejects.toThrow(
      /run.json is missing/,
    );
  });

  it("rejects a run of another format version", async () => {
    await writeFile(
      path.join(base, "run.json"),
      JSON.stringify({
        format: "devprompt-run",
        version: 99,
        createdBy: "devprompt 9.0.0",
      }),
    );
    await expect(openRunDir(base)).rejects.toThrow(
      `uses run format version 99 (written by devprompt 9.0.0), but this devprompt reads version ${RUN_FORMAT_VERSION}`,
    );
  });

  it("rejects a manifest of another program", async () => {
    await writeFile(
      path.join(base, "run.json"),
      JSON.stringify({ format: "other", version: 1 }),
    );
    await expect(openRunDir(base)).rejects.toThrow(
      /has format "other", expected "devprompt-run"/,
    );
  });

  it("rejects existing outputs unless overwriting", async () => {
    const run = await createRunDir(base, options);
    await writeFile(run.file("metrics.json"), "{}");
    await expect(
      run.claimOutputs(["metrics.json", "scores.csv"], false),
    ).rejects.toThrow(
      /already contains results \(metrics.json\); pass --overwrite/,
    );
    await expect(
      run.claimOutputs(["metrics.json"], true),
    ).resolves.toBeUndefined();
    await expect(
      run.claimOutputs(["scores.csv"], false),
    ).resolves.toBeUndefined();
  });

  it("sets overwritten outputs aside", async () => {
    const run = await createRunDir(base, options);
    await run.complete();
    await writeFile(run.file("metrics.json"), "old");
    await mkdir(run.file("heatmaps"));
    await writeFile(run.file("heatmaps", "a.png"), "old");
    await writeFile(run.file("notes.txt"), "kept");

    await run.claimOutputs(["metrics.json", "heatmaps", "maps"], true);
    expect((await readdir(base)).sort()).toEqual(
      expect.arrayContaining(["notes.txt", "run.json"]),
    );
    expect(await readdir(base)).not.toContain("metrics.json");
    expect(await readdir(base)).not.toContain("heatmaps");
    await writeFile(run.file("metrics.json"), "new");
    expect(await run.restorePrevious()).toBe(true);
    expect(await readFile(run.file("metrics.json"), "utf8")).toBe("old");
    expect(await readdir(run.file("heatmaps"))).toEqual(["a.png"]);

    await run.claimOutputs(["metrics.json", "heatmaps"], true);
    await writeFile(run.file("metrics.json"), "new");
    await run.complete();
    expect((await readdir(base)).sort()).toEqual([
      "metrics.json",
      "notes.txt",
      "run.json",
    ]);
    expect(await readFile(run.file("metrics.json"), "utf8")).toBe("new");
  });
});
