import { readFileSync } from "node:fs";
import { join } from "node:path";

import {
  getArchitecture,
  getPreprocess,
} from "../../src/architecture/registry";
import type { WeightMap } from "../../src/architecture/types";
import { expectedWeightShapes } from "../../src/architecture/weight-shapes";
import { writeRandomCheckpoint } from "../../src/checkpoint/random-checkpoint";
import { generateRandomWeights } from "../../src/checkpoint/random-weights";
import { encodeSafetensors } from "../../src/checkpoint/safetensors";
import { useTempDir } from "./temp-dir";

const tempDir = useTempDir("random-weights-spec");
const tiny = getArchitecture("test-tiny");

function statistics(data: Float32Array): { mean: number; std: number } {
  let sum = 0;
  let sumSquares = 0;
  for (const value of data) {
    sum += value;
    sumSquares += value * value;
  }
  const mean = sum / data.length;
  return {
    mean,
    std: Math.sqrt(Math.max(0, sumSquares / data.length - mean * mean)),
  };
}

function bytesOf(weights: WeightMap): Buffer {
  return Buffer.from(encodeSafetensors(weights));
}

describe("generateRandomWeights", () => {
  const weights = generateRandomWeights(tiny, 1);

  test("fills every expected tensor with the expected shape", () => {
    const expected = expectedWeightShapes(tiny);
    expect([...weights.keys()]).toEqual([...expected.keys()]);
    for (const [name, shape] of expected) {
      const tensor = weights.get(name)!;
      expect(tensor.shape).toEqual(shape);
      expect(tensor.data.length).toBe(shape.reduce((a, b) => a * b, 1));
      expect(tensor.sourceDtype).toBe("F32");
    }
  });

  test("same seed gives identical bytes", () => {
    expect(
      bytesOf(generateRandomWeights(tiny, 1)).equals(bytesOf(weights)),
    ).toBe(true);
  });

  test("another seed changes every random tensor", () => {
    const other = generateRandomWeights(tiny, 2);
    for (const [name, tensor] of weights) {
      const same = Buffer.from(tensor.data.buffer).equals(
        Buffer.from(other.get(name)!.data.buffer),
      );
      expect({ name, same }).toEqual({ name, same: name === "logit_scale" });
    }
  });

  test("logit_scale is ln(100)", () => {
    const logitScale = weights.get("logit_scale")!;
    expect(logitScale.shape).toEqual([]);
    expect(logitScale.data[0]).toBe(Math.fround(Math.log(100)));
  });

  test("LayerNorm weights are near 1 but never the identity", () => {
    for (const [name, tensor] of weights) {
      if (!/ln_\w+\.weight$/.test(name)) continue;
      const { mean, std } = statistics(tensor.data);
      expect({ name, near: Math.abs(mean - 1) < 0.1 }).toEqual({
        name,
        near: true,
      });
      expect({ name, std: std > 0.03 }).toEqual({ name, std: true });
      expect({ name, std: std < 0.3 }).toEqual({ name, std: true });
    }
  });

  test("biases are non-zero", () => {
    for (const [name, tensor] of weights) {
      if (!name.endsWith("bias")) continue;
      const { std } = statistics(tensor.data);
      expect({ name, spread: std > 0.03 }).toEqual({ name, spread: true });
      expect({
        name,
        zeros: tensor.data.filter((v) => v === 0).length,
      }).toEqual({ name, zeros: 0 });
    }
  });

  test("matrices have std 1/sqrt(fan-in), residual outputs smaller", () => {
    // 32·32·3 = 3072 draws: the sample std is within 5 % of the true one.
    const inProj = statistics(
      weights.get("visual.transformer.resblocks.0.attn.in_proj_weight")!.data,
    );
    expect(inProj.std).toBeCloseTo(1 / Math.sqrt(32), 2);
    const outProj = statistics(
      weights.get("visual.transformer.resblocks.0.attn.out_proj.weight")!.data,
    );
    expect(outProj.std / (1 / Math.sqrt(32) / Math.sqrt(24))).toBeGreaterThan(
      0.9,
    );
    expect(outProj.std / (1 / Math.sqrt(32) / Math.sqrt(24))).toBeLessThan(1.1);
  });

  test("every value is finite", () => {
    for (const [name, tensor] of weights) {
      expect({ name, finite: tensor.data.every(Number.isFinite) }).toEqual({
        name,
        finite: true,
      });
    }
  });

  test("a tensor depends only on seed, name and shape", () => {
    // A custom architecture with more text blocks draws the shared tensors
    // identically.
    const deeper = structuredClone(tiny);
    deeper.name = "deeper";
    deeper.text.layers = 4;
    const other = generateRandomWeights(deeper, 1);
    const name = "visual.transformer.resblocks.5.mlp.c_fc.weight";
    expect(other.get(name)!.data).toEqual(weights.get(name)!.data);
  });

  test("reports generation progress per tensor", () => {
    const calls: number[][] = [];
    generateRandomWeights(tiny, 1, {
      onProgress: (done, total) => calls.push([done, total]),
    });
    const total = [...weights.values()].reduce((n, t) => n + t.data.length, 0);
    expect(calls.length).toBe(weights.size);
    expect(calls[calls.length - 1]).toEqual([total, total]);
  });

  test("rejects an invalid seed", () => {
    expect(() => generateRandomWeights(tiny, -3)).toThrow(
      /non-negative safe integer/,
    );
  });
});

describe("writeRandomCheckpoint", () => {
  test("writes the OpenCLIP hub layout", () => {
    const directory = join(tempDir(), "hub");
    writeRandomCheckpoint(directory, tiny, { seed: 5 });
    const config = JSON.parse(
      readFileSync(join(directory, "open_clip_config.json"), "utf8"),
    );
    expect(config).toEqual({
      model_cfg: {
        embed_dim: 24,
        vision_cfg: {
          image_size: 32,
          layers: 12,
          width: 32,
          head_width: 16,
          patch_size: 8,
          mlp_ratio: 4,
        },
        text_cfg: {
          context_length: 77,
          vocab_size: 49408,
          width: 32,
          heads: 2,
          layers: 3,
          mlp_ratio: 4,
        },
      },
      preprocess_cfg: {
        mean: [0.48145466, 0.4578275, 0.40821073],
        std: [0.26862954, 0.26130258, 0.27577711],
        interpolation: "bicubic",
        resize_mode: "shortest",
        size: 32,
      },
    });
  });

  test("records quick_gelu only when used", () => {
    const directory = join(tempDir(), "quick");
    writeRandomCheckpoint(
      directory,
      { ...tiny, activation: "quick_gelu" },
      { seed: 5 },
    );
    const config = JSON.parse(
      readFileSync(join(directory, "open_clip_config.json"), "utf8"),
    );
    expect(config.model_cfg.quick_gelu).toBe(true);
  });

  test("same seed writes byte-identical weight files", () => {
    const a = writeRandomCheckpoint(join(tempDir(), "a"), tiny, { seed: 11 });
    const b = writeRandomCheckpoint(join(tempDir(), "b"), tiny, { seed: 11 });
    const c = writeRandomCheckpoint(join(tempDir(), "c"), tiny, { seed: 12 });
    const file = (dir: string) =>
      readFileSync(join(dir, "open_clip_model.safetensors"));
    expect(file(a.directory).equals(file(b.directory))).toBe(true);
    expect(a.weightsHash).toBe(b.weightsHash);
    expect(a.weightsHash).not.toBe(c.weightsHash);
  });

  test("records a custom preprocessing", () => {
    const directory = join(tempDir(), "squash");
    const preprocess = {
      ...getPreprocess("test-tiny"),
      resizeMode: "squash" as const,
    };
    writeRandomCheckpoint(directory, tiny, { seed: 1, preprocess });
    const config = JSON.parse(
      readFileSync(join(directory, "open_clip_config.json"), "utf8"),
    );
    expect(config.preprocess_cfg.resize_mode).toBe("squash");
  });
});
