import {
  getArchitecture,
  writeRandomCheckpoint,
} from "@devprompt/clip-encoders";
import { generateSyntheticDataset } from "@devprompt/datasets";
import {
  loadPromptContext,
  savePromptContext,
} from "@devprompt/prompt-learner";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { RunConfig } from "../../src/config/run-config";
import { decodeNpy } from "../../src/io/npy";
import { readJsonFixture } from "../support/fixtures";
import { runCommand, trainFolder } from "../support/cli-run";
import { PIPELINE_TOLERANCE, expectAllClose } from "../support/tolerance";

interface GoldenImage {
  relativePath: string;
  textual: number[];
  visual: number[];
  fused: number[];
  final: number[];
  imageScore: number;
}

interface ContextValues {
  shape: [number, number, number];
  data: number[];
}

interface GoldenPipeline {
  inputs: {
    setup: {
      architecture: string;
      checkpointSeed: number;
      className: string;
      dataset: {
        size: number;
        seed: number;
        trainCount: number;
        testGoodCount: number;
        testDefectCount: number;
      };
      outputSize: number;
      blurSigma: number;
    };
    context: { normal: ContextValues; abnormal: ContextValues };
  };
  images: GoldenImage[];
  metrics: Record<string, number | null>;
}

// The fused map, final map, image score and metrics of `devprompt eval` for
// a fixed random checkpoint, fixed prompt context and fixed synthetic
// images, against tools/golden/pipeline/make_fixture.py (PyTorch float64).
// The checkpoint and images are regenerated here from the fixture's seeds
// (write-inputs.ts wrote the same ones for the script).
describe("eval end to end against the PyTorch golden fixture", () => {
  const golden = readJsonFixture<GoldenPipeline>("golden-pipeline.json");
  const { setup } = golden.inputs;
  let base: string;
  let run: string;
  let manifest: {
    images: {
      image: string;
      imageScore: number;
      files: Record<string, string>;
    }[];
  };
  let metrics: Record<string, number | null>;

  beforeAll(async () => {
    base = await mkdtemp(path.join(tmpdir(), "devprompt-golden-"));
    const model = path.join(base, "model");
    const data = path.join(base, "data");
    run = path.join(base, "run");
    writeRandomCheckpoint(model, getArchitecture(setup.architecture), {
      seed: setup.checkpointSeed,
    });
    await generateSyntheticDataset({
      root: data,
      category: setup.className,
      ...setup.dataset,
    });

    // One epoch writes the run directory (memory, config); the context is
    // then replaced by the fixture's fixed one.
    const trained = await trainFolder({
      model,
      root: data,
      category: setup.className,
      out: run,
      epochs: 1,
    });
    expect(trained.stderr).toBe("");
    expect(trained.code).toBe(0);
    const config = JSON.parse(
      readFileSync(path.join(run, "config.json"), "utf8"),
    ) as RunConfig;
    const checkpoint = config.details.checkpoint as { weightsHash: string };
    const snapshot = loadPromptContext(run, {
      weightsHash: checkpoint.weightsHash,
      classKey: setup.className,
    });
    const fixed = golden.inputs.context;
    expect(snapshot.context.normal.shape).toEqual(fixed.normal.shape);
    expect(snapshot.context.abnormal.shape).toEqual(fixed.abnormal.shape);
    snapshot.context.normal.data.set(fixed.normal.data);
    snapshot.context.abnormal.data.set(fixed.abnormal.data);
    savePromptContext(run, snapshot);

    const evaluated = await runCommand([
      "eval",
      "--run",
      run,
      "--quiet",
      "--save-maps",
      "--heatmaps",
      "0",
      "--output-size",
      String(setup.outputSize),
      "--blur-sigma",
      String(setup.blurSigma),
    ]);
    expect(evaluated.stderr).toBe("");
    expect(evaluated.code).toBe(0);
    manifest = JSON.parse(
      readFileSync(path.join(run, "maps", "manifest.json"), "utf8"),
    );
    metrics = JSON.parse(readFileSync(path.join(run, "metrics.json"), "utf8"));
  });
  afterAll(async () => {
    await rm(base, { recursive: true, force: true });
  });

  const mapOf = (image: string, name: string) => {
    const entry = manifest.images.find((e) => e.image === image);
    if (entry === undefined) throw new Error(`no maps for ${image}`);
    return decodeNpy(
      new Uint8Array(readFileSync(path.join(run, "maps", entry.files[name]))),
    ).data;
  };

  it("scores every golden image", () => {
    expect(manifest.images.map((e) => e.image).sort()).toEqual(
      golden.images.map((e) => e.relativePath).sort(),
    );
  });

  it.each(["textual", "visual", "fused", "final"] as const)(
    "matches the %s maps",
    (name) => {
      for (const image of golden.images) {
        expectAllClose(
          mapOf(image.relativePath, name),
          image[name],
          PIPELINE_TOLERANCE,
          `${name} map of ${image.relativePath}`,
        );
      }
    },
  );

  it("matches the image scores", () => {
    const actual = golden.images.map(
      (image) =>
        manifest.images.find((e) => e.image === image.relativePath)
          ?.imageScore ?? NaN,
    );
    expectAllClose(
      actual,
      golden.images.map((image) => image.imageScore),
      PIPELINE_TOLERANCE,
      "image scores",
    );
  });

  it("matches the metrics", () => {
    const keys = Object.keys(golden.metrics);
    expect(keys).toHaveLength(7);
    // Both sides are in percent; compared as fractions.
    expectAllClose(
      keys.map((key) => (metrics[key] as number) / 100),
      keys.map((key) => (golden.metrics[key] as number) / 100),
      PIPELINE_TOLERANCE,
      "metrics",
    );
  });
});
