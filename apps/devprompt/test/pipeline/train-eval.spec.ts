import {
  getArchitecture,
  writeRandomCheckpoint,
} from "@devprompt/clip-encoders";
import { generateSyntheticDataset } from "@devprompt/datasets";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { runCli } from "../../src/cli/program";
import { COMMANDS } from "../../src/commands";
import { decodeNpy } from "../../src/io/npy";
import { configureLogging, createLogger } from "../../src/log/logger";
import {
  runTrain,
  trainSettingsFromOptions,
} from "../../src/pipeline/run-train";
import type { EpochLogEntry } from "../../src/pipeline/train-state";
import { fakeIo } from "../support/fake-io";
import { runCommand, trainFolder } from "../support/cli-run";

// End to end on generated images with the smallest random checkpoint
// (test-tiny: 32 px input, 4 × 4 patches, embedding width 24).
describe("train and eval end to end", () => {
  let base: string;
  let model: string;
  let data: string;

  const train = (out: string, epochs: number, extra: string[] = []) =>
    trainFolder({ model, root: data, category: "tile", out, epochs }, extra);

  const evaluate = (run: string, extra: string[] = []) =>
    runCommand(["eval", "--run", run, "--quiet", ...extra]);

  const contextBytes = (run: string) =>
    readFileSync(path.join(run, "prompt-context.safetensors"));

  beforeAll(async () => {
    base = await mkdtemp(path.join(tmpdir(), "devprompt-e2e-"));
    model = path.join(base, "model");
    data = path.join(base, "data");
    writeRandomCheckpoint(model, getArchitecture("test-tiny"), { seed: 3 });
    await generateSyntheticDataset({
      root: data,
      category: "tile",
      size: 48,
      seed: 4,
      trainCount: 3,
      testGoodCount: 3,
      testDefectCount: 3,
    });
  });
  afterAll(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it("writes every training file", async () => {
    const run = path.join(base, "run-a");
    const result = await train(run, 4);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const files = await readdir(run);
    for (const name of [
      "run.json",
      "config.json",
      "train-log.jsonl",
      "prompt-context.json",
      "prompt-context.safetensors",
      "memory-tap0.npy",
      "memory-tap1.npy",
      "shot-patch-features.npy",
    ]) {
      expect(files).toContain(name);
    }
    const log = readFileSync(path.join(run, "train-log.jsonl"), "utf8")
      .trim()
      .split("\n");
    expect(log).toHaveLength(4);
    expect(Object.keys(JSON.parse(log[0]).terms)).toEqual([
      "alignment",
      "margin",
      "agreement",
      "deviation",
    ]);

    const config = JSON.parse(
      readFileSync(path.join(run, "config.json"), "utf8"),
    );
    expect(config.options.learningRate).toBe(0.002);
    expect(config.sources.learningRate).toBe("default");
    expect(config.details.shotSelection.files).toHaveLength(1);

    const memory = decodeNpy(
      new Uint8Array(readFileSync(path.join(run, "memory-tap0.npy"))),
    );
    expect(memory.shape).toEqual([16, 32]);
  });

  it("is deterministic for a seed", async () => {
    const a = path.join(base, "run-a");
    const b = path.join(base, "run-b");
    expect((await train(b, 4)).code).toBe(0);
    expect(contextBytes(b).equals(contextBytes(a))).toBe(true);
  });

  it("resumes to the same result as one run", async () => {
    const straight = path.join(base, "run-straight");
    expect((await train(straight, 6)).code).toBe(0);

    // Interrupt a second run right after epoch 3 has been saved.
    const resumed = path.join(base, "run-resumed");
    const options = {
      model,
      dataset: "folder",
      root: data,
      category: "tile",
      shots: 1,
      out: resumed,
      epochs: 6,
      seed: 111,
      device: "cpu",
      losses: "devprompt",
      learningRate: 0.002,
      minLearningRate: 1e-5,
      momentum: 0.9,
      weightDecay: 5e-4,
      promptStyle: "promptad",
      selectEpoch: "last",
    };
    const interrupt = (entry: EpochLogEntry) => {
      if (entry.epoch === 3) throw new Error("interrupted");
    };
    configureLogging("quiet");
    await expect(
      runTrain(
        trainSettingsFromOptions(options),
        { values: options, sources: {} },
        createLogger("test"),
        interrupt,
      ),
    ).rejects.toThrow("interrupted");
    expect(existsSync(path.join(resumed, "prompt-context.json"))).toBe(false);

    const result = await train(resumed, 6, ["--resume"]);
    expect(result.code).toBe(0);
    const log = readFileSync(path.join(resumed, "train-log.jsonl"), "utf8")
      .trim()
      .split("\n");
    expect(log.map((line) => JSON.parse(line).epoch)).toEqual([
      1, 2, 3, 4, 5, 6,
    ]);
    expect(contextBytes(resumed).equals(contextBytes(straight))).toBe(true);
  });

  it("keeps the epoch with the best test pixel AUROC", async () => {
    const run = path.join(base, "run-selected");
    const result = await train(run, 4, [
      "--select-epoch",
      "test-pixel-auroc",
      "--output-size",
      "64",
    ]);
    expect(result.code).toBe(0);
    const log = readFileSync(path.join(run, "train-log.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    const aurocs = log.map((entry) => entry.testPixelAuroc as number);
    const selected = JSON.parse(
      readFileSync(path.join(run, "selected-epoch.json"), "utf8"),
    );
    expect(selected.epoch).toBe(aurocs.indexOf(Math.max(...aurocs)) + 1);

    // eval scores the same maps of the same context, so it must agree.
    const evaluation = await evaluate(run, ["--output-size", "64"]);
    expect(evaluation.code).toBe(0);
    const metrics = JSON.parse(
      readFileSync(path.join(run, "metrics.json"), "utf8"),
    );
    expect(metrics.pixelAuroc).toBeCloseTo(100 * selected.testPixelAuroc, 9);
  });

  it("rejects an output folder that holds a run", async () => {
    const result = await train(path.join(base, "run-a"), 1);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("already contains a run; pass --overwrite");
  });

  it("evaluates a run and writes the results", async () => {
    const run = path.join(base, "run-a");
    const result = await evaluate(run, [
      "--save-maps",
      "--heatmaps",
      "2",
      "--output-size",
      "64",
    ]);
    expect(result.code).toBe(0);
    const metrics = JSON.parse(
      readFileSync(path.join(run, "metrics.json"), "utf8"),
    );
    for (const key of [
      "imageAuroc",
      "pixelAuroc",
      "pro",
      "imageAp",
      "pixelAp",
      "imageF1Max",
      "pixelF1Max",
    ]) {
      expect(typeof metrics[key]).toBe("number");
      expect(metrics[key]).toBeGreaterThanOrEqual(0);
      expect(metrics[key]).toBeLessThanOrEqual(100);
    }
    const scores = readFileSync(path.join(run, "scores.csv"), "utf8")
      .trim()
      .split("\n");
    expect(scores[0]).toBe("file,label,defectType,imageScore");
    expect(scores).toHaveLength(7);
    expect(await readdir(path.join(run, "heatmaps"))).toHaveLength(2);

    const manifest = JSON.parse(
      readFileSync(path.join(run, "maps", "manifest.json"), "utf8"),
    );
    expect(manifest.images).toHaveLength(6);
    const final = decodeNpy(
      new Uint8Array(
        readFileSync(path.join(run, "maps", manifest.images[0].files.final)),
      ),
    );
    expect(final.shape).toEqual([64, 64]);
    const fused = decodeNpy(
      new Uint8Array(
        readFileSync(path.join(run, "maps", manifest.images[0].files.fused)),
      ),
    );
    expect(fused.shape).toEqual([4, 4]);
  });

  it("predicts the scores that eval wrote", async () => {
    const run = path.join(base, "run-a");
    const rows = readFileSync(path.join(run, "scores.csv"), "utf8")
      .trim()
      .split("\n")
      .slice(1);
    const [file, , , score] = rows[0].split(",");
    const { out, io } = fakeIo();
    const image = path.join(data, file);
    const heatmaps = path.join(base, "predicted");
    const code = await runCli(
      [
        "predict",
        "--run",
        run,
        "--json",
        "--quiet",
        "--output-size",
        "64",
        "--out",
        heatmaps,
        image,
      ],
      COMMANDS,
      io,
    );
    expect(code).toBe(0);
    const [prediction] = JSON.parse(out.join(""));
    expect(prediction.imageScore).toBeCloseTo(Number(score), 12);
    expect(existsSync(prediction.heatmap)).toBe(true);
  });

  it("encodes images to .npy files", async () => {
    const images = ["tile/test/good/000.png", "tile/train/good/000.png"].map(
      (f) => path.join(data, f),
    );
    const target = path.join(base, "encoded");
    const { io } = fakeIo();
    expect(
      await runCli(
        ["encode", "--model", model, "--out", target, "--quiet", ...images],
        COMMANDS,
        io,
      ),
    ).toBe(0);
    const tokens = decodeNpy(
      new Uint8Array(readFileSync(path.join(target, "vv_patch_tokens.npy"))),
    );
    expect(tokens.shape).toEqual([2, 16, 24]);
    expect(
      await runCli(
        ["encode", "--model", model, "--out", target, "--quiet", ...images],
        COMMANDS,
        io,
      ),
    ).toBe(1);
  });

  it("refuses to overwrite results without --overwrite", async () => {
    const result = await evaluate(path.join(base, "run-a"));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("already contains results (metrics.json");
  });

  it("replaces every earlier result with --overwrite", async () => {
    // run-a contains two heatmaps and maps/ from the evaluation above.
    const run = path.join(base, "run-a");
    const result = await evaluate(run, ["--overwrite", "--heatmaps", "1"]);
    expect(result.code).toBe(0);
    expect(await readdir(path.join(run, "heatmaps"))).toHaveLength(1);
    const entries = await readdir(run);
    expect(entries).not.toContain("maps");
    expect(entries.filter((name) => name.includes("replaced"))).toEqual([]);
  });

  it("benchmarks every class present", async () => {
    const root = path.join(base, "mvtec");
    for (const category of ["bottle", "cable"]) {
      await generateSyntheticDataset({
        root,
        category,
        size: 48,
        seed: 6,
        trainCount: 2,
        testGoodCount: 2,
        testDefectCount: 2,
      });
    }
    const target = path.join(base, "bench");
    const { out, io } = fakeIo();
    const argv = [
      "benchmark",
      "--model",
      model,
      "--dataset",
      "mvtec",
      "--root",
      root,
      "--out",
      target,
      "--epochs",
      "1",
      "--n-ctx",
      "2",
      "--quiet",
    ];
    expect(await runCli(argv, COMMANDS, io)).toBe(0);
    expect(out.join("")).toContain("| **mean** |");
    const table = JSON.parse(
      readFileSync(path.join(target, "benchmark.json"), "utf8"),
    );
    expect(table.published).toHaveLength(3);
    expect(existsSync(path.join(target, "cable", "metrics.json"))).toBe(true);
    // Method options reach every class run.
    const config = JSON.parse(
      readFileSync(path.join(target, "cable", "config.json"), "utf8"),
    );
    expect(config.details.contextConfig.nCtx).toBe(2);
    expect(await runCli(argv, COMMANDS, io)).toBe(1);
  });

  it("rejects a run of another format version", async () => {
    const run = path.join(base, "run-b");
    const manifest = JSON.parse(
      readFileSync(path.join(run, "run.json"), "utf8"),
    );
    await writeFile(
      path.join(run, "run.json"),
      JSON.stringify({ ...manifest, version: 0 }),
    );
    const result = await evaluate(run);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("uses run format version 0");
    expect(existsSync(path.join(run, "metrics.json"))).toBe(false);
  });
});
