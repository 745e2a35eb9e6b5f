import * as fs from "node:fs";
import * as path from "node:path";

import {
  computeLossAndGrads,
  createLossRegistry,
  createRandom,
  createXoshiro128StarStar,
  gaussianSamples,
  lossPreset,
  referenceStatistics,
  resolveTopK,
  type FeatureSource,
  type Float32Matrix,
  type LossBatch,
  type LossTermConfig,
  type TopK,
} from "../src";
import { BACKENDS, useBackend } from "./support/backends";
import { expectClose } from "./support/tolerance";

// Written by tools/golden/losses/make_loss_fixtures.py with PyTorch in
// float64 from inputs rounded to float32.
const FIXTURE = path.join(__dirname, "fixtures", "loss-golden.json");

interface JsonMatrix {
  shape: number[];
  data: number[];
}

interface InputSet {
  patchFeatures: JsonMatrix;
  globalFeatures?: JsonMatrix;
  normalText: JsonMatrix;
  manualAbnormalText: JsonMatrix;
  learnedAbnormalText: JsonMatrix;
  labels: number[];
  logitScale: number;
}

interface GoldenCase {
  name: string;
  inputs: string;
  config: LossTermConfig[];
  labels?: number[];
  featureSource?: FeatureSource;
  preset?: string;
  resolvedK?: Record<string, number>;
  expected: {
    total: number;
    terms: Record<string, number>;
    grads: Record<"normal" | "manualAbnormal" | "learnedAbnormal", number[]>;
  };
}

interface Golden {
  inputSets: Record<string, InputSet>;
  cases: GoldenCase[];
  random: {
    seed: number;
    uint32: number[];
    gaussians: number[];
    referenceStatistics: {
      seed: number;
      samples: number;
      mean: number;
      std: number;
    }[];
    xoshiroState1234: number[];
  };
}

const golden = JSON.parse(fs.readFileSync(FIXTURE, "utf8")) as Golden;

function toMatrix(json: JsonMatrix): Float32Matrix {
  return { data: Float32Array.from(json.data), shape: json.shape };
}

function batchOf(goldenCase: GoldenCase): LossBatch {
  const set = golden.inputSets[goldenCase.inputs];
  return {
    patchFeatures: toMatrix(set.patchFeatures),
    globalFeatures: set.globalFeatures && toMatrix(set.globalFeatures),
    normalText: toMatrix(set.normalText),
    manualAbnormalText: toMatrix(set.manualAbnormalText),
    learnedAbnormalText: toMatrix(set.learnedAbnormalText),
    labels: goldenCase.labels ?? set.labels,
    logitScale: set.logitScale,
  };
}

describe.each(BACKENDS)("golden losses on %s", (backend) => {
  beforeAll(() => useBackend(backend));

  test.each(golden.cases.map((c) => [c.name, c] as const))(
    "%s",
    (_name, goldenCase) => {
      const loss = createLossRegistry().build(goldenCase.config);
      const result = computeLossAndGrads(loss, batchOf(goldenCase), {
        featureSource: goldenCase.featureSource,
      });
      const { expected } = goldenCase;

      expectClose(result.total, expected.total, "total");
      expect(Object.keys(result.terms)).toEqual(Object.keys(expected.terms));
      for (const [label, value] of Object.entries(expected.terms)) {
        expectClose(result.terms[label], value, `term ${label}`);
      }
      for (const group of [
        "normal",
        "manualAbnormal",
        "learnedAbnormal",
      ] as const) {
        expectClose(
          result.grads[group].data,
          expected.grads[group],
          `dL/d ${group}`,
        );
      }
    },
  );
});

describe("golden fixture bookkeeping", () => {
  test.each(
    golden.cases.filter((c) => c.preset).map((c) => [c.name, c] as const),
  )("%s matches its preset", (_name, goldenCase) => {
    expect(lossPreset(goldenCase.preset!)).toEqual(goldenCase.config);
  });

  test.each(
    golden.cases.filter((c) => c.resolvedK).map((c) => [c.name, c] as const),
  )("%s resolves the same K", (_name, goldenCase) => {
    const patches =
      goldenCase.featureSource === "global"
        ? 1
        : golden.inputSets[goldenCase.inputs].patchFeatures.shape[1];
    for (const term of goldenCase.config) {
      if (term.name !== "deviation") continue;
      const topK = (term.options?.topK ?? 0.1) as TopK;
      expect(resolveTopK(topK, patches)).toBe(
        goldenCase.resolvedK![term.label ?? term.name],
      );
    }
  });

  test("fixture covers the required cases", () => {
    const names = golden.cases.map((c) => c.name).join("\n");
    expect(names).toMatch(/ties/);
    expect(names).toMatch(/clamped/);
    expect(names).toMatch(/K=1/);
    expect(names).toMatch(/y=1/);
  });
});

describe("golden random numbers", () => {
  const { random } = golden;

  test("xoshiro128** from state 1, 2, 3, 4", () => {
    const generator = createXoshiro128StarStar(new Uint32Array([1, 2, 3, 4]));
    const outputs = random.xoshiroState1234.map(() => generator.nextUint32());
    expect(outputs).toEqual(random.xoshiroState1234);
  });

  test("seeded uint32 outputs", () => {
    const generator = createRandom(random.seed);
    expect(random.uint32.map(() => generator.nextUint32())).toEqual(
      random.uint32,
    );
  });

  test("seeded Gaussian draws", () => {
    // Both sides compute in float64; only the last bits of log, cos and sin
    // may differ between V8 and CPython.
    const draws = gaussianSamples(random.gaussians.length, random.seed);
    expectClose(draws, random.gaussians, "draws", 1e-12);
  });

  test.each(
    random.referenceStatistics.map((r) => [r.seed, r.samples, r] as const),
  )("reference statistics seed %i, %i draws", (seed, samples, expected) => {
    const stats = referenceStatistics({
      reference: "sampled",
      referenceSamples: samples,
      seed,
    });
    expectClose(stats.mean, expected.mean, "mean", 1e-12);
    expectClose(stats.std, expected.std, "std", 1e-12);
  });
});
