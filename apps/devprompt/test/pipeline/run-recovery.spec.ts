import {
  getArchitecture,
  writeRandomCheckpoint,
} from "@devprompt/clip-encoders";
import { generateSyntheticDataset } from "@devprompt/datasets";
import {
  cp,
  mkdtemp,
  readFile,
  readdir,
  rm,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { runCommand, trainFolder } from "../support/cli-run";

// Failed and interrupted training on the smallest random checkpoint
// (test-tiny). A dataset whose training images are truncated PNGs makes
// training fail after the run directory was created, when the shots are
// decoded.
describe("failed and unfinished runs", () => {
  let base: string;
  let model: string;
  let good: string;
  let broken: string;

  const train = (root: string, out: string, extra: string[] = []) =>
    trainFolder({ model, root, category: "tile", out, epochs: 2 }, extra);

  const snapshot = async (dir: string): Promise<Record<string, string>> => {
    const files: Record<string, string> = {};
    for (const name of (await readdir(dir)).sort()) {
      const file = path.join(dir, name);
      files[name] = name.includes(".")
        ? (await readFile(file)).toString("base64")
        : "folder";
    }
    return files;
  };

  beforeAll(async () => {
    base = await mkdtemp(path.join(tmpdir(), "devprompt-recovery-"));
    model = path.join(base, "model");
    good = path.join(base, "good");
    broken = path.join(base, "broken");
    writeRandomCheckpoint(model, getArchitecture("test-tiny"), { seed: 3 });
    await generateSyntheticDataset({
      root: good,
      category: "tile",
      size: 48,
      seed: 4,
      trainCount: 3,
      testGoodCount: 2,
      testDefectCount: 2,
    });
    await cp(good, broken, { recursive: true });
    const trainDir = path.join(broken, "tile", "train", "good");
    for (const name of await readdir(trainDir)) {
      const file = path.join(trainDir, name);
      const bytes = await readFile(file);
      await writeFile(file, bytes.subarray(0, 40));
    }
  });
  afterAll(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it("keeps the previous run when an overwriting train fails", async () => {
    const run = path.join(base, "kept");
    expect((await train(good, run)).code).toBe(0);
    const before = await snapshot(run);

    const failed = await train(broken, run, ["--overwrite"]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/cannot decode image/);
    expect(await snapshot(run)).toEqual(before);
    // The set-aside copy is gone once it is back in place.
    expect(
      (await readdir(base)).filter((n) => n.includes(".replaced-")),
    ).toEqual([]);
    expect((await runCommand(["eval", "--run", run, "--quiet"])).code).toBe(0);
  });

  it("deletes the previous run only after an overwriting train succeeds", async () => {
    const run = path.join(base, "replaced");
    expect((await train(good, run)).code).toBe(0);
    expect((await train(good, run, ["--overwrite", "--seed", "9"])).code).toBe(
      0,
    );
    const config = JSON.parse(
      await readFile(path.join(run, "config.json"), "utf8"),
    );
    expect(config.options.seed).toBe(9);
    expect(
      (await readdir(base)).filter((n) => n.includes(".replaced-")),
    ).toEqual([]);
  });

  it("names an unfinished run in eval and lets a retry replace it", async () => {
    const run = path.join(base, "never-trained");
    expect((await train(broken, run)).code).toBe(1);

    const evaluated = await runCommand(["eval", "--run", run, "--quiet"]);
    expect(evaluated.code).toBe(1);
    expect(evaluated.stderr).toMatch(
      /did not finish training \(last completed epoch 0\); train it again with the same --out/,
    );

    // No epoch was completed, so the retry needs no --overwrite.
    expect((await train(good, run)).code).toBe(0);
    expect((await runCommand(["eval", "--run", run, "--quiet"])).code).toBe(0);
  });

  it("takes the same folder --root in eval as in train", async () => {
    const run = path.join(base, "class-root");
    const classFolder = path.join(good, "tile");
    const trained = await runCommand([
      "train",
      "--model",
      model,
      "--dataset",
      "folder",
      "--root",
      classFolder,
      "--out",
      run,
      "--epochs",
      "1",
      "--quiet",
    ]);
    expect(trained.code).toBe(0);
    const evaluated = await runCommand([
      "eval",
      "--run",
      run,
      "--root",
      classFolder,
      "--quiet",
    ]);
    expect(evaluated.stderr).toBe("");
    expect(evaluated.code).toBe(0);
  });

  it("says when the dataset root does not exist", async () => {
    const missing = path.join(base, "no-such-dataset");
    const result = await runCommand([
      "train",
      "--model",
      model,
      "--dataset",
      "folder",
      "--root",
      missing,
      "--out",
      path.join(base, "unused"),
      "--quiet",
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`dataset root ${missing} not found`);
  });

  it("names the epoch, the loss file and the weights of a non-finite loss", async () => {
    const losses = path.join(base, "huge.json");
    await writeFile(
      losses,
      JSON.stringify([
        { name: "alignment", weight: 1e300 },
        { name: "deviation", weight: 1e300 },
      ]),
    );
    const result = await train(good, path.join(base, "huge"), [
      "--losses",
      losses,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/epoch [12] of 2: loss module /);
    expect(result.stderr).toContain(
      `Term weights (loss file ${losses}): alignment 1e+300, deviation 1e+300.`,
    );
  });

  it("tells eval and predict how to resume a run stopped after some epochs", async () => {
    const run = path.join(base, "stopped");
    expect((await train(good, run)).code).toBe(0);
    // What an interruption after the second epoch leaves: the state of
    // epoch 2 and a manifest still marked as training.
    const manifestFile = path.join(run, "run.json");
    const manifest = JSON.parse(await readFile(manifestFile, "utf8"));
    await writeFile(
      manifestFile,
      JSON.stringify({ ...manifest, status: "training" }),
    );

    const evaluated = await runCommand(["eval", "--run", run, "--quiet"]);
    expect(evaluated.stderr).toMatch(
      /did not finish training \(last completed epoch 2\); continue it with `devprompt train --resume --out /,
    );
    const image = path.join(good, "tile", "train", "good");
    const [first] = await readdir(image);
    const predicted = await runCommand([
      "predict",
      "--run",
      run,
      "--quiet",
      path.join(image, first),
    ]);
    expect(predicted.code).toBe(1);
    expect(predicted.stderr).toMatch(/did not finish training/);

    // A retry without --overwrite is refused: it would discard two epochs.
    expect((await train(good, run)).stderr).toMatch(/already contains a run/);
    expect((await train(good, run, ["--resume"])).code).toBe(0);
    expect((await runCommand(["eval", "--run", run, "--quiet"])).code).toBe(0);
  });
});
