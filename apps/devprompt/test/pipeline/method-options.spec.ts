import {
  getArchitecture,
  writeRandomCheckpoint,
} from "@devprompt/clip-encoders";
import { generateSyntheticDataset } from "@devprompt/datasets";
import { referenceStatistics } from "@devprompt/deviation-loss";
import { readFileSync } from "node:fs";
import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { RunConfig } from "../../src/config/run-config";
import { decodeNpy } from "../../src/io/npy";
import { parseTapBlocks } from "../../src/pipeline/run-train";
import {
  deviationReference,
  recordedContextConfig,
} from "../../src/pipeline/scorer";
import { runCommand, trainFolder } from "../support/cli-run";

// Each method option on the smallest random checkpoint (test-tiny: 12
// vision blocks, 4 × 4 patches, embedding width 24): recorded in
// config.json, changing what the run computes, and read back by eval.
describe("method options of train", () => {
  let base: string;
  let model: string;
  let data: string;

  const train = async (name: string, extra: string[] = []) => {
    const out = path.join(base, name);
    const result = await trainFolder(
      { model, root: data, category: "tile", out, epochs: 2 },
      extra,
    );
    return { ...result, out };
  };

  const evaluate = (run: string) =>
    runCommand([
      "eval",
      "--run",
      run,
      "--quiet",
      "--output-size",
      "32",
      "--save-maps",
    ]);

  const configOf = (run: string): RunConfig =>
    JSON.parse(readFileSync(path.join(run, "config.json"), "utf8"));
  const npy = (run: string, file: string) =>
    decodeNpy(new Uint8Array(readFileSync(path.join(run, file))));
  const log = (run: string) =>
    readFileSync(path.join(run, "train-log.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
  const metrics = (run: string) =>
    JSON.parse(readFileSync(path.join(run, "metrics.json"), "utf8"));

  let defaultRun: string;

  beforeAll(async () => {
    base = await mkdtemp(path.join(tmpdir(), "devprompt-options-"));
    model = path.join(base, "model");
    data = path.join(base, "data");
    writeRandomCheckpoint(model, getArchitecture("test-tiny"), { seed: 5 });
    await generateSyntheticDataset({
      root: data,
      category: "tile",
      size: 40,
      seed: 8,
      trainCount: 1,
      testGoodCount: 2,
      testDefectCount: 2,
    });
    const result = await train("default");
    expect(result.code).toBe(0);
    defaultRun = result.out;
  });
  afterAll(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it("records every resolved value of the defaults", () => {
    const config = configOf(defaultRun);
    expect(config.options.tapBlocks).toEqual([3, 8]);
    expect(config.options.tapPoint).toBe("after-attention");
    expect(config.sources.tapPoint).toBe("default");
    expect(config.details.taps).toEqual({
      blocks: [3, 8],
      point: "after-attention",
    });
    expect(config.details.contextConfig).toEqual({
      nPro: 1,
      nCtx: 4,
      nProAb: 4,
      nCtxAb: 1,
      initStd: 0.02,
      seed: 111,
    });
    expect(config.details.featureSource).toBe("patch");
    expect(config.details.preprocess).toMatchObject({
      size: 32,
      resizeMode: "squash",
      interpolation: "bicubic",
    });

    const modules = config.details.lossModules as {
      name: string;
      weight: number;
      options: Record<string, unknown>;
    }[];
    const byName = Object.fromEntries(modules.map((m) => [m.name, m]));
    expect(byName.alignment.options).toEqual({ logitScale: "stored" });
    expect(byName.margin.options).toMatchObject({
      margin: 0,
      reduction: "channel-sum",
    });
    expect(byName.agreement.weight).toBe(0.001);
    const deviation = byName.deviation.options;
    expect(deviation).toMatchObject({
      reference: "sampled",
      referenceSamples: 5000,
      deviation: "absolute",
      lambda: 1,
      margin: 5,
    });
    expect(deviation.topK).toBeDefined();
    expect(deviation.seed).toBeDefined();

    // The recorded μ and σ are those the module draws from its options.
    const drawn = referenceStatistics({
      reference: "sampled",
      referenceSamples: deviation.referenceSamples as number,
      seed: deviation.seed as number,
    });
    expect(config.details.deviationReference).toEqual({
      mu: drawn.mean,
      sigma: drawn.std,
    });
  });

  it("takes the deviation map's μ and σ from the recorded values", () => {
    const config = configOf(defaultRun);
    const edited: RunConfig = {
      ...config,
      details: { ...config.details, deviationReference: { mu: 7, sigma: 3 } },
    };
    expect(deviationReference(edited)).toEqual({ mu: 7, sigma: 3 });
  });

  it("taps block outputs when asked, and eval reads the taps back", async () => {
    const run = await train("taps", [
      "--tap-blocks",
      "2,7",
      "--tap-point",
      "block-output",
    ]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(configOf(run.out).details.taps).toEqual({
      blocks: [2, 7],
      point: "block-output",
    });
    const tapped = npy(run.out, "memory-tap0.npy");
    const reference = npy(defaultRun, "memory-tap0.npy");
    expect(tapped.shape).toEqual(reference.shape);
    let largest = 0;
    for (let i = 0; i < tapped.data.length; i++) {
      largest = Math.max(largest, Math.abs(tapped.data[i] - reference.data[i]));
    }
    expect(largest).toBeGreaterThan(1e-3);
    // The V-V path does not depend on the taps.
    expect(npy(run.out, "shot-patch-features.npy").data).toEqual(
      npy(defaultRun, "shot-patch-features.npy").data,
    );

    expect((await evaluate(run.out)).code).toBe(0);
    expect((await evaluate(defaultRun)).code).toBe(0);
    // Same prompts, different memory: the visual maps differ.
    const visual = (r: string) => {
      const manifest = JSON.parse(
        readFileSync(path.join(r, "maps", "manifest.json"), "utf8"),
      );
      return npy(r, path.join("maps", manifest.images[0].files.visual)).data;
    };
    expect(visual(run.out)).not.toEqual(visual(defaultRun));
  });

  it("repeats a tapped run from its config.json", async () => {
    const first = await train("taps-first", ["--tap-blocks", "2,7"]);
    expect(first.code).toBe(0);
    expect(configOf(first.out).options.tapBlocks).toEqual([2, 7]);

    const out = path.join(base, "taps-repeat");
    const repeat = await runCommand([
      "train",
      "--config",
      path.join(first.out, "config.json"),
      "--out",
      out,
      "--quiet",
    ]);
    expect(repeat.stderr).toBe("");
    expect(repeat.code).toBe(0);
    expect(configOf(out).options.tapBlocks).toEqual([2, 7]);
    expect(configOf(out).details.taps).toEqual(
      configOf(first.out).details.taps,
    );
    expect(npy(out, "memory-tap0.npy").data).toEqual(
      npy(first.out, "memory-tap0.npy").data,
    );
    expect(readFileSync(path.join(out, "prompt-context.safetensors"))).toEqual(
      readFileSync(path.join(first.out, "prompt-context.safetensors")),
    );
  });

  it("trains and evaluates other context sizes from the recorded ones", async () => {
    const run = await train("context", [
      "--n-ctx",
      "2",
      "--n-pro-ab",
      "2",
      "--n-ctx-ab",
      "3",
      "--context-init-std",
      "0.05",
    ]);
    expect(run.code).toBe(0);
    const config = configOf(run.out);
    expect(config.details.contextConfig).toEqual({
      nPro: 1,
      nCtx: 2,
      nProAb: 2,
      nCtxAb: 3,
      initStd: 0.05,
      seed: 111,
    });
    const saved = JSON.parse(
      readFileSync(path.join(run.out, "prompt-context.json"), "utf8"),
    );
    expect(JSON.stringify(saved)).toContain('"nCtxAb":3');
    // Rebuilding with the default sizes would not fit the saved context.
    const evaluation = await evaluate(run.out);
    expect(evaluation.stderr).toBe("");
    expect(evaluation.code).toBe(0);
  });

  it("rejects a resume with other method settings", async () => {
    const result = await train("context", ["--resume", "--epochs", "3"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("it was trained with contextConfig");
    expect(log(path.join(base, "context"))).toHaveLength(2);
  });

  it("refuses to rebuild prompts from a config without contextConfig", () => {
    const config = configOf(defaultRun);
    const { contextConfig: _dropped, ...details } = config.details;
    expect(() =>
      recordedContextConfig({ ...config, details }, "/runs/x/config.json"),
    ).toThrow(/\/runs\/x\/config.json records no contextConfig/);
  });

  it("scores the global embedding in a classification run", async () => {
    const run = await train("global", ["--feature-source", "global"]);
    expect(run.code).toBe(0);
    expect(configOf(run.out).details.featureSource).toBe("global");
    const patchTerms = log(defaultRun)[0].terms;
    const globalTerms = log(run.out)[0].terms;
    expect(globalTerms.alignment).not.toBeCloseTo(patchTerms.alignment, 6);
    // The agreement term ignores image features, so it is the same.
    expect(globalTerms.agreement).toBeCloseTo(patchTerms.agreement, 9);
    expect((await evaluate(run.out)).code).toBe(0);
    expect(metrics(run.out).featureSource).toBe("global");
  });

  it("scores images with a classification run's prompts", async () => {
    const manifestOf = (run: string) =>
      JSON.parse(
        readFileSync(path.join(run, "maps", "manifest.json"), "utf8"),
      ) as {
        images: {
          image: string;
          imageScore: number;
          files: Record<string, string>;
        }[];
      };
    const globalRun = path.join(base, "global");
    const before = manifestOf(defaultRun);
    const finals = before.images.map(
      (e) => npy(defaultRun, path.join("maps", e.files.final)).data,
    );
    const classification = manifestOf(globalRun).images.map(
      (e) => e.imageScore,
    );
    // Both runs share the checkpoint, shots and taps, so the same memory.
    expect(before.images.map((e) => e.imageScore)).not.toEqual(classification);

    const result = await runCommand([
      "eval",
      "--run",
      defaultRun,
      "--image-prompts",
      globalRun,
      "--quiet",
      "--output-size",
      "32",
      "--save-maps",
      "--overwrite",
    ]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const after = manifestOf(defaultRun);
    after.images.forEach((e, i) => {
      expect(npy(defaultRun, path.join("maps", e.files.final)).data).toEqual(
        finals[i],
      );
      expect(e.imageScore).toBeCloseTo(classification[i], 12);
    });
    expect(metrics(defaultRun).imagePrompts).toBe(globalRun);
  });

  it("rejects image prompts of another class", async () => {
    const other = path.join(base, "other-class");
    const config = configOf(path.join(base, "global"));
    await mkdir(other);
    await cp(path.join(base, "global"), other, { recursive: true });
    await writeFile(
      path.join(other, "config.json"),
      JSON.stringify({
        ...config,
        details: { ...config.details, className: "bottle" },
      }),
    );
    const result = await runCommand([
      "eval",
      "--run",
      defaultRun,
      "--image-prompts",
      other,
      "--quiet",
      "--overwrite",
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("was trained for class bottle");
  });

  it("resizes by the shorter side with bilinear filtering when asked", async () => {
    const run = await train("resize", [
      "--resize-mode",
      "shortest",
      "--interpolation",
      "bilinear",
    ]);
    expect(run.code).toBe(0);
    expect(configOf(run.out).details.preprocess).toMatchObject({
      resizeMode: "shortest",
      interpolation: "bilinear",
    });
    expect(npy(run.out, "shot-patch-features.npy").data).not.toEqual(
      npy(defaultRun, "shot-patch-features.npy").data,
    );
  });

  it("records the eval settings in metrics.json", () => {
    expect(metrics(defaultRun)).toMatchObject({
      outputSize: 32,
      blurSigma: 4,
      blurTruncate: 4,
      featureSource: "patch",
    });
  });

  it.each([
    [["--tap-blocks", "3,x"], "--tap-blocks 3,x is invalid"],
    [["--tap-blocks", "3,12"], "do not fit test-tiny (12 vision blocks)"],
    [["--tap-point", "middle"], "middle"],
    [["--n-ctx", "0"], "--n-ctx"],
    [["--feature-source", "pixel"], "pixel"],
    [["--resize-mode", "crop"], "crop"],
    [["--interpolation", "nearest"], "nearest"],
  ])("rejects %j", async (extra, message) => {
    const result = await train("bad", extra);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(message);
  });

  it("explains why test-set selection cannot resume", async () => {
    const result = await train("default", [
      "--resume",
      "--select-epoch",
      "test-pixel-auroc",
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("not the best test-set epoch");
    expect(result.stderr).toContain("--overwrite");
  });
});

describe("parseTapBlocks", () => {
  it("reads comma lists and config numbers", () => {
    expect(parseTapBlocks(["3", " 8"])).toEqual([3, 8]);
    expect(parseTapBlocks("5")).toEqual([5]);
  });

  it("rejects empty, negative and fractional entries", () => {
    for (const bad of [[""], ["-1"], ["2.5"], []]) {
      expect(() => parseTapBlocks(bad)).toThrow(/expected zero-based block/);
    }
  });
});
