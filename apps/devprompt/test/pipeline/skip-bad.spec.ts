import {
  getArchitecture,
  writeRandomCheckpoint,
} from "@devprompt/clip-encoders";
import { generateSyntheticDataset } from "@devprompt/datasets";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { runCommand, trainFolder } from "../support/cli-run";

// --skip-bad and --allow-cpu-fallback on the smallest random checkpoint
// (test-tiny), with one truncated PNG among the shots and one among the
// test images.
describe("unreadable images and device fallback", () => {
  let base: string;
  let model: string;
  let data: string;
  let badShot: string;
  let badTest: string;

  const train = (out: string, extra: string[] = []) =>
    trainFolder({ model, root: data, category: "tile", out, epochs: 1 }, [
      "--shots",
      "3",
      ...extra,
    ]);

  const truncate = async (file: string): Promise<void> => {
    await writeFile(file, (await readFile(file)).subarray(0, 40));
  };

  beforeAll(async () => {
    base = await mkdtemp(path.join(tmpdir(), "devprompt-skip-bad-"));
    model = path.join(base, "model");
    data = path.join(base, "data");
    writeRandomCheckpoint(model, getArchitecture("test-tiny"), { seed: 3 });
    await generateSyntheticDataset({
      root: data,
      category: "tile",
      size: 48,
      seed: 4,
      trainCount: 3,
      testGoodCount: 2,
      testDefectCount: 2,
    });
    const trainDir = path.join(data, "tile", "train", "good");
    badShot = (await readdir(trainDir)).sort()[0];
    await truncate(path.join(trainDir, badShot));
    const goodTest = path.join(data, "tile", "test", "good");
    badTest = (await readdir(goodTest)).sort()[0];
    await truncate(path.join(goodTest, badTest));
  });
  afterAll(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it("names --skip-bad when a shot cannot be decoded", async () => {
    const result = await train(path.join(base, "strict"));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(badShot);
    expect(result.stderr).toContain("--skip-bad");
  });

  it("trains without the unreadable shot and records it", async () => {
    const run = path.join(base, "skipping");
    const result = await train(run, ["--skip-bad"]);
    expect(result.code).toBe(0);
    const config = JSON.parse(
      await readFile(path.join(run, "config.json"), "utf8"),
    );
    expect(config.options.skipBad).toBe(true);
    expect(config.details.skippedShots).toHaveLength(1);
    expect(config.details.skippedShots[0].file).toContain(badShot);
    expect(config.details.skippedShots[0].reason).toMatch(
      /cannot decode image/,
    );

    const strict = await runCommand(["eval", "--run", run, "--quiet"]);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain("--skip-bad");

    const evaluated = await runCommand([
      "eval",
      "--run",
      run,
      "--quiet",
      "--skip-bad",
    ]);
    expect(evaluated.code).toBe(0);
    expect(evaluated.stdout).toContain(
      "skipped 1 unreadable test image(s), listed in metrics.json:",
    );
    expect(evaluated.stdout).toContain(`good/${badTest}`);
    expect(evaluated.stdout).toContain("(3 test images; values in percent)");
    const metrics = JSON.parse(
      await readFile(path.join(run, "metrics.json"), "utf8"),
    );
    expect(metrics.images).toBe(3);
    expect(metrics.skippedFiles).toEqual([
      { file: `tile/test/good/${badTest}`, reason: expect.any(String) },
    ]);
    const scores = (await readFile(path.join(run, "scores.csv"), "utf8"))
      .trim()
      .split("\n");
    expect(scores).toHaveLength(4);
    expect(scores.join("\n")).not.toContain(`good/${badTest}`);
  });

  it("falls back to the CPU with --allow-cpu-fallback", async () => {
    const strict = await train(path.join(base, "cuda-strict"), [
      "--skip-bad",
      "--device",
      "cuda",
    ]);
    // On a machine with a working CUDA provider the run simply succeeds.
    if (strict.code !== 0) {
      expect(strict.stderr).toContain("--allow-cpu-fallback");
    }
    const run = path.join(base, "cuda-fallback");
    const result = await train(run, [
      "--skip-bad",
      "--device",
      "cuda",
      "--allow-cpu-fallback",
    ]);
    expect(result.code).toBe(0);
    const config = JSON.parse(
      await readFile(path.join(run, "config.json"), "utf8"),
    );
    expect(config.options.allowCpuFallback).toBe(true);
  });
});
