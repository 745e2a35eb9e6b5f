import { existsSync } from "node:fs";
import { join } from "node:path";

import {
  getArchitecture,
  getPreprocess,
} from "../../src/architecture/registry";
import type { WeightMap } from "../../src/architecture/types";
import { generateRandomWeights } from "../../src/checkpoint/random-weights";
import { readSafetensors } from "../../src/checkpoint/safetensors";
import { saveOpenClipCheckpoint } from "../../src/checkpoint/save";
import {
  findWeightMismatches,
  formatWeightMismatches,
  validateWeights,
} from "../../src/checkpoint/validate-weights";
import { useTempDir } from "./temp-dir";

const tempDir = useTempDir("validate-weights-spec");
const tiny = getArchitecture("test-tiny");
const weights = generateRandomWeights(tiny, 8);

describe("findWeightMismatches", () => {
  test("finds nothing for complete weights", () => {
    expect(findWeightMismatches(tiny, weights)).toEqual([]);
  });

  test("orders missing, wrong, then unexpected", () => {
    const broken: WeightMap = new Map(weights);
    broken.set("extra.weight", {
      shape: [1],
      data: new Float32Array(1),
      sourceDtype: "F32",
    });
    broken.delete("ln_final.bias");
    broken.set("visual.class_embedding", {
      shape: [32],
      data: new Float32Array(31),
      sourceDtype: "F32",
    });
    const mismatches = findWeightMismatches(tiny, broken);
    expect(mismatches.map((m) => [m.kind, m.name])).toEqual([
      ["missing", "ln_final.bias"],
      ["data", "visual.class_embedding"],
      ["unexpected", "extra.weight"],
    ]);
    expect(formatWeightMismatches(mismatches)).toEqual([
      "missing ln_final.bias [32]",
      "wrong data length visual.class_embedding: shape [32] does not match its data",
      "unexpected extra.weight [1]",
    ]);
  });

  test("a scalar with shape [1] is a wrong shape", () => {
    const broken: WeightMap = new Map(weights);
    broken.set("logit_scale", {
      shape: [1],
      data: Float32Array.of(4.6),
      sourceDtype: "F32",
    });
    expect(formatWeightMismatches(findWeightMismatches(tiny, broken))).toEqual([
      "wrong shape logit_scale: expected [], got [1]",
    ]);
  });
});

describe("validateWeights", () => {
  test("names the source and architecture", () => {
    const broken: WeightMap = new Map(weights);
    broken.delete("visual.proj");
    expect(() => validateWeights(tiny, broken, "model.safetensors")).toThrow(
      /weights in model\.safetensors do not match architecture 'test-tiny' \(1 missing, 0 unexpected, 0 wrong shape, 0 unsupported dtype\):\n {2}missing visual\.proj \[32, 24\]/,
    );
  });
});

describe("saveOpenClipCheckpoint", () => {
  test("refuses weights that do not fit and writes nothing", () => {
    const broken: WeightMap = new Map(weights);
    broken.delete("visual.conv1.weight");
    const directory = join(tempDir(), "refused");
    expect(() =>
      saveOpenClipCheckpoint(directory, {
        architecture: tiny,
        preprocess: getPreprocess("test-tiny"),
        weights: broken,
      }),
    ).toThrow(/missing visual\.conv1\.weight \[32, 3, 8, 8\]/);
    expect(existsSync(directory)).toBe(false);
  });

  test("writes tensors in architecture order", () => {
    const shuffled: WeightMap = new Map([...weights].reverse());
    const directory = join(tempDir(), "ordered");
    saveOpenClipCheckpoint(directory, {
      architecture: tiny,
      preprocess: getPreprocess("test-tiny"),
      weights: shuffled,
    });
    const names = readSafetensors(
      join(directory, "open_clip_model.safetensors"),
    ).entries.map((e) => e.name);
    expect(names).toEqual([...weights.keys()]);
  });
});
