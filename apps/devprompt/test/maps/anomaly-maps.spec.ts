import {
  computeAnomalyMaps,
  type AnomalyMapInput,
} from "../../src/maps/anomaly-maps";
import { buildVisualMemory } from "../../src/maps/visual-memory";
import { f32, readJsonFixture } from "../support/fixtures";
import {
  MAP_TOLERANCE,
  expectAllClose,
  expectClose,
} from "../support/tolerance";

interface PipelineFixture {
  gridHeight: number;
  gridWidth: number;
  embedDim: number;
  tapDim: number;
  outputSize: number;
  blurSigma: number;
  blurTruncate: number;
  logitScale: number;
  mu: number;
  sigma: number;
  patchFeatures: number[];
  globalEmbedding: number[];
  normalAnchor: number[];
  abnormalAnchor: number[];
  patchTaps: number[][];
  shotTaps: number[][][];
  textual: number[];
  visual: number[];
  fused: number[];
  final: number[];
  globalScore: number;
  imageScore: number;
  deviation: number[];
}

describe("computeAnomalyMaps against the PyTorch/SciPy pipeline", () => {
  const fx = readJsonFixture<PipelineFixture>("anomaly-maps.json");
  const patches = fx.gridHeight * fx.gridWidth;
  const memory = buildVisualMemory(
    fx.shotTaps.map((taps) => taps.map(f32)),
    patches,
    fx.tapDim,
  );
  const input: AnomalyMapInput = {
    gridHeight: fx.gridHeight,
    gridWidth: fx.gridWidth,
    embedDim: fx.embedDim,
    patchFeatures: f32(fx.patchFeatures),
    patchTaps: fx.patchTaps.map(f32),
    globalEmbedding: f32(fx.globalEmbedding),
    normalAnchor: f32(fx.normalAnchor),
    abnormalAnchor: f32(fx.abnormalAnchor),
    logitScale: fx.logitScale,
    memory,
  };
  const maps = computeAnomalyMaps(input, {
    outputSize: fx.outputSize,
    blurSigma: fx.blurSigma,
    blurTruncate: fx.blurTruncate,
    deviation: { mu: fx.mu, sigma: fx.sigma },
  });

  it("textual map", () =>
    expectAllClose(maps.textual, fx.textual, MAP_TOLERANCE, "textual"));
  it("visual-memory map", () =>
    expectAllClose(maps.visual, fx.visual, MAP_TOLERANCE, "visual"));
  it("fused map", () =>
    expectAllClose(maps.fused, fx.fused, MAP_TOLERANCE, "fused"));
  it("final map", () =>
    expectAllClose(maps.final, fx.final, MAP_TOLERANCE, "final"));
  it("global score", () =>
    expectClose(maps.globalScore, fx.globalScore, MAP_TOLERANCE, "global"));
  it("image score", () =>
    expectClose(maps.imageScore, fx.imageScore, MAP_TOLERANCE, "image"));
  it("deviation map", () =>
    expectAllClose(
      maps.deviation ?? [],
      fx.deviation,
      MAP_TOLERANCE,
      "deviation",
    ));

  it("omits the deviation map unless asked", () => {
    const plain = computeAnomalyMaps(input, {
      outputSize: 16,
      blurSigma: 4,
      blurTruncate: 4,
    });
    expect(plain.deviation).toBeUndefined();
    expect(plain.final).toHaveLength(256);
  });

  it("scores the image with separate image anchors", () => {
    const options = { outputSize: 16, blurSigma: 4, blurTruncate: 4 };
    // Swapping n̄ and ā turns p into 1 − p for the global score only.
    const swapped = computeAnomalyMaps(
      {
        ...input,
        imageAnchors: {
          normalAnchor: input.abnormalAnchor,
          abnormalAnchor: input.normalAnchor,
        },
      },
      options,
    );
    const plain = computeAnomalyMaps(input, options);
    expect(swapped.final).toEqual(plain.final);
    expect(swapped.textual).toEqual(plain.textual);
    expect(swapped.globalScore).toBeCloseTo(1 - plain.globalScore, 6);
    expect(swapped.imageScore).not.toBeCloseTo(plain.imageScore, 6);
  });
});
