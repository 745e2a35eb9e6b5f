import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import {
  getArchitecture,
  getPreprocess,
} from "../../src/architecture/registry";
import type { WeightMap } from "../../src/architecture/types";
import { saveHfCheckpoint } from "../../src/checkpoint/hf-layout";
import { loadCheckpoint, loadCheckpointSync } from "../../src/checkpoint/load";
import { toOpenClipConfig } from "../../src/checkpoint/open-clip-config";
import { writeRandomCheckpoint } from "../../src/checkpoint/random-checkpoint";
import { generateRandomWeights } from "../../src/checkpoint/random-weights";
import {
  encodeSafetensors,
  readSafetensors,
  writeSafetensors,
} from "../../src/checkpoint/safetensors";
import { useTempDir } from "./temp-dir";

const tempDir = useTempDir("load-spec");
const tiny = getArchitecture("test-tiny");
const preprocess = getPreprocess("test-tiny");
const weights = generateRandomWeights(tiny, 3);

function sameBits(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );
}

function expectSameWeights(actual: WeightMap, expected: WeightMap): void {
  expect([...actual.keys()]).toEqual([...expected.keys()]);
  for (const [name, tensor] of expected) {
    const loaded = actual.get(name)!;
    expect({ name, shape: loaded.shape }).toEqual({
      name,
      shape: tensor.shape,
    });
    expect({ name, same: sameBits(loaded.data, tensor.data) }).toEqual({
      name,
      same: true,
    });
  }
}

/** Writes an OpenCLIP directory with arbitrary tensors and the tiny config. */
function writeOpenClipDir(name: string, tensors: WeightMap): string {
  const directory = join(tempDir(), name);
  mkdirSync(directory, { recursive: true });
  writeSafetensors(join(directory, "open_clip_model.safetensors"), tensors);
  writeFileSync(
    join(directory, "open_clip_config.json"),
    JSON.stringify(toOpenClipConfig(tiny, preprocess)),
  );
  return directory;
}

function errorOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected an error");
}

describe("loadCheckpoint, OpenCLIP layout", () => {
  test("loads a random checkpoint bit-exactly", async () => {
    const directory = join(tempDir(), "round-trip");
    const written = writeRandomCheckpoint(directory, tiny, { seed: 3 });
    const checkpoint = await loadCheckpoint(directory);
    expect(checkpoint.architecture).toEqual(tiny);
    expect(checkpoint.preprocess).toEqual(preprocess);
    expect(checkpoint.weightsHash).toBe(written.weightsHash);
    expect(checkpoint.directory).toBe(directory);
    expectSameWeights(checkpoint.weights, weights);
  });

  test("reports read progress up to the data size", () => {
    const directory = join(tempDir(), "progress");
    writeRandomCheckpoint(directory, tiny, { seed: 3 });
    const calls: Array<[number, number]> = [];
    loadCheckpointSync(directory, {
      onProgress: (done, total) => calls.push([done, total]),
    });
    const total = calls[0][1];
    expect(calls.length).toBe(weights.size);
    expect(calls[calls.length - 1]).toEqual([total, total]);
    expect(calls.every(([done], i) => i === 0 || done > calls[i - 1][0])).toBe(
      true,
    );
  });

  test("names an unregistered architecture after its directory", () => {
    const custom = structuredClone(tiny);
    custom.embedDim = 16;
    const directory = join(tempDir(), "my-model");
    writeRandomCheckpoint(directory, custom, { seed: 1 });
    expect(loadCheckpointSync(directory).architecture.name).toBe("my-model");
    expect(
      loadCheckpointSync(directory, { name: "given" }).architecture.name,
    ).toBe("given");
  });

  test("converts F16 weights to float32", () => {
    const directory = join(tempDir(), "half");
    writeRandomCheckpoint(directory, tiny, { seed: 3, dtype: "F16" });
    const checkpoint = loadCheckpointSync(directory);
    const original = weights.get("visual.proj")!.data;
    const loaded = checkpoint.weights.get("visual.proj")!;
    expect(loaded.sourceDtype).toBe("F16");
    // Binary16 keeps 11 significant bits: relative error at most 2^-11.
    let worst = 0;
    for (let i = 0; i < original.length; i++) {
      worst = Math.max(
        worst,
        Math.abs(loaded.data[i] - original[i]) / Math.abs(original[i]),
      );
    }
    expect(worst).toBeLessThanOrEqual(2 ** -11);
    expect(worst).toBeGreaterThan(0);
  });

  test("converts BF16 weights to float32", () => {
    const directory = join(tempDir(), "bf16");
    writeRandomCheckpoint(directory, tiny, { seed: 3, dtype: "BF16" });
    const loaded = loadCheckpointSync(directory).weights.get("visual.proj")!;
    const original = weights.get("visual.proj")!.data;
    expect(loaded.sourceDtype).toBe("BF16");
    // Bfloat16 keeps 8 significant bits: relative error at most 2^-8.
    let worst = 0;
    for (let i = 0; i < original.length; i++) {
      worst = Math.max(
        worst,
        Math.abs(loaded.data[i] - original[i]) / Math.abs(original[i]),
      );
    }
    expect(worst).toBeLessThanOrEqual(2 ** -8);
    expect(worst).toBeGreaterThan(2 ** -11);
  });

  test("lists every missing, unexpected and wrongly shaped tensor", () => {
    const broken: WeightMap = new Map(weights);
    broken.delete("visual.ln_pre.bias");
    broken.delete("transformer.resblocks.2.mlp.c_fc.weight");
    broken.set("visual.attnpool.query", {
      shape: [4],
      data: new Float32Array(4),
      sourceDtype: "F32",
    });
    broken.set("visual.proj", {
      shape: [24, 32],
      data: new Float32Array(24 * 32),
      sourceDtype: "F32",
    });
    const directory = writeOpenClipDir("broken", broken);

    const message = errorOf(() => loadCheckpointSync(directory));
    expect(message).toContain(join(directory, "open_clip_model.safetensors"));
    expect(message).toContain("architecture 'test-tiny'");
    expect(message).toContain(
      "(2 missing, 1 unexpected, 1 wrong shape, 0 unsupported dtype)",
    );
    expect(message).toContain("missing visual.ln_pre.bias [32]");
    expect(message).toContain(
      "missing transformer.resblocks.2.mlp.c_fc.weight [128, 32]",
    );
    expect(message).toContain("unexpected visual.attnpool.query [4]");
    expect(message).toContain(
      "wrong shape visual.proj: expected [32, 24], got [24, 32]",
    );
  });

  test("reports a tensor of unsupported dtype with the others", () => {
    const bytes = Buffer.from(encodeSafetensors(weights));
    // I32 has the size of F32, so only the dtype string changes.
    const patched = Buffer.from(
      bytes
        .toString("latin1")
        .replace(
          '"logit_scale":{"dtype":"F32"',
          '"logit_scale":{"dtype":"I32"',
        ),
      "latin1",
    );
    expect(patched.equals(bytes)).toBe(false);
    const directory = writeOpenClipDir("int-scale", new Map());
    writeFileSync(join(directory, "open_clip_model.safetensors"), patched);

    const message = errorOf(() => loadCheckpointSync(directory));
    expect(message).toContain(
      "(0 missing, 0 unexpected, 0 wrong shape, 1 unsupported dtype)",
    );
    expect(message).toContain(
      "unsupported dtype logit_scale: I32, expected F32, F16 or BF16",
    );
  });

  test("rejects a missing directory", () => {
    const directory = join(tempDir(), "absent");
    expect(() => loadCheckpointSync(directory)).toThrow(
      `checkpoint directory not found: ${directory}`,
    );
  });

  test("rejects a directory without a config, listing its files", () => {
    const directory = join(tempDir(), "empty");
    mkdirSync(directory);
    writeFileSync(join(directory, "notes.txt"), "");
    expect(() => loadCheckpointSync(directory)).toThrow(
      /no CLIP checkpoint in .*empty: expected open_clip_config\.json.*found notes\.txt/,
    );
  });

  test("rejects a file path", () => {
    const file = join(tempDir(), "plain-file");
    writeFileSync(file, "");
    expect(() => loadCheckpointSync(file)).toThrow(
      /is a file, not a directory; pass the directory/,
    );
  });

  test("rejects a missing weights file and mentions PyTorch files", () => {
    const directory = join(tempDir(), "no-weights");
    mkdirSync(directory);
    writeFileSync(
      join(directory, "open_clip_config.json"),
      JSON.stringify(toOpenClipConfig(tiny, preprocess)),
    );
    writeFileSync(join(directory, "open_clip_pytorch_model.bin"), "");
    const message = errorOf(() => loadCheckpointSync(directory));
    expect(message).toContain(
      `missing weights file ${join(directory, "open_clip_model.safetensors")}`,
    );
    expect(message).toContain("open_clip_pytorch_model.bin");
  });

  test("rejects invalid JSON, naming the file", () => {
    const directory = writeOpenClipDir("bad-json", weights);
    writeFileSync(join(directory, "open_clip_config.json"), '{"model_cfg": ');
    expect(() => loadCheckpointSync(directory)).toThrow(
      `invalid JSON in ${join(directory, "open_clip_config.json")}`,
    );
  });

  test("rejects a preprocessing size other than the input size", () => {
    const directory = writeOpenClipDir("crop-224", weights);
    const config = toOpenClipConfig(tiny, { ...preprocess, size: 224 });
    writeFileSync(
      join(directory, "open_clip_config.json"),
      JSON.stringify(config),
    );
    expect(() => loadCheckpointSync(directory)).toThrow(
      /preprocessing size 224 in .*open_clip_config\.json differs from the model input size 32/,
    );
  });

  test("rejects an unsupported config option", () => {
    const directory = writeOpenClipDir("pooled", weights);
    const config = toOpenClipConfig(tiny, preprocess) as {
      model_cfg: { vision_cfg: Record<string, unknown> };
    };
    config.model_cfg.vision_cfg.attentional_pool = true;
    writeFileSync(
      join(directory, "open_clip_config.json"),
      JSON.stringify(config),
    );
    expect(() => loadCheckpointSync(directory)).toThrow(
      /unsupported OpenCLIP config .*vision_cfg\.attentional_pool is true, but only false is supported/,
    );
  });
});

describe("loadCheckpoint, HF CLIPModel layout", () => {
  const hfDir = () => join(tempDir(), "hf");

  beforeAll(() => {
    saveHfCheckpoint(hfDir(), { architecture: tiny, preprocess, weights });
  });

  test("round trip gives the OpenCLIP weights back", () => {
    const checkpoint = loadCheckpointSync(hfDir());
    expect(checkpoint.architecture).toEqual(tiny);
    expect(checkpoint.preprocess).toEqual(preprocess);
    expectSameWeights(checkpoint.weights, weights);
  });

  test("file stores HF names, split q/k/v, transposed projections", () => {
    const { tensors } = readSafetensors(join(hfDir(), "model.safetensors"));
    const width = 32;
    const inProj = weights.get(
      "visual.transformer.resblocks.4.attn.in_proj_weight",
    )!.data;
    const inBias = weights.get(
      "transformer.resblocks.1.attn.in_proj_bias",
    )!.data;
    ["q", "k", "v"].forEach((part, i) => {
      const hfWeight = tensors.get(
        `vision_model.encoder.layers.4.self_attn.${part}_proj.weight`,
      )!;
      expect(hfWeight.shape).toEqual([width, width]);
      expect(
        sameBits(
          hfWeight.data,
          inProj.subarray(i * width * width, (i + 1) * width * width),
        ),
      ).toBe(true);
      const hfBias = tensors.get(
        `text_model.encoder.layers.1.self_attn.${part}_proj.bias`,
      )!;
      expect(
        sameBits(hfBias.data, inBias.subarray(i * width, (i + 1) * width)),
      ).toBe(true);
    });

    // visual.proj is [32, 24]; visual_projection.weight[e][w] = proj[w][e].
    const proj = weights.get("visual.proj")!.data;
    const hfProj = tensors.get("visual_projection.weight")!;
    expect(hfProj.shape).toEqual([24, 32]);
    expect(hfProj.data[5 * 32 + 7]).toBe(proj[7 * 24 + 5]);
    expect(tensors.get("text_projection.weight")!.shape).toEqual([24, 32]);
    expect(tensors.has("vision_model.pre_layrnorm.bias")).toBe(true);
  });

  test("ignores position_ids buffers of any dtype", () => {
    const directory = join(tempDir(), "hf-position-ids");
    saveHfCheckpoint(directory, { architecture: tiny, preprocess, weights });
    const file = join(directory, "model.safetensors");
    const { tensors } = readSafetensors(file);
    // An F32 [2, 77] buffer has the byte size of I64 [1, 77]; patch its dtype.
    tensors.set("text_model.embeddings.position_ids", {
      shape: [2, 77],
      data: new Float32Array(154),
      sourceDtype: "F32",
    });
    const bytes = Buffer.from(encodeSafetensors(tensors));
    const patched = bytes
      .toString("latin1")
      .replace(
        '"text_model.embeddings.position_ids":{"dtype":"F32","shape":[2,77]',
        '"text_model.embeddings.position_ids":{"dtype":"I64","shape":[1,77]',
      );
    writeFileSync(file, Buffer.from(patched, "latin1"));
    expectSameWeights(loadCheckpointSync(directory).weights, weights);
  });

  test("lists mismatches under HF names", () => {
    const directory = join(tempDir(), "hf-broken");
    saveHfCheckpoint(directory, { architecture: tiny, preprocess, weights });
    const file = join(directory, "model.safetensors");
    const { tensors } = readSafetensors(file);
    tensors.delete("vision_model.encoder.layers.3.self_attn.k_proj.weight");
    tensors.set("text_model.pooler.weight", {
      shape: [2],
      data: new Float32Array(2),
      sourceDtype: "F32",
    });
    writeSafetensors(file, tensors);
    const message = errorOf(() => loadCheckpointSync(directory));
    expect(message).toContain(
      "missing vision_model.encoder.layers.3.self_attn.k_proj.weight [32, 32]",
    );
    expect(message).toContain("unexpected text_model.pooler.weight [2]");
  });

  test("reads a minimal transformers config with defaults", () => {
    // openai/clip-vit-base-patch32 style: only non-default fields.
    const directory = join(tempDir(), "hf-b32");
    mkdirSync(directory);
    writeFileSync(
      join(directory, "config.json"),
      JSON.stringify({
        model_type: "clip",
        text_config: {},
        vision_config: {},
      }),
    );
    writeFileSync(
      join(directory, "model.safetensors"),
      encodeSafetensors(new Map()),
    );
    const message = errorOf(() => loadCheckpointSync(directory));
    expect(message).toContain("architecture 'ViT-B-32-quickgelu'");
    expect(message).toContain(
      "missing vision_model.embeddings.patch_embedding.weight [768, 3, 32, 32]",
    );
  });

  test("rejects towers with different activations", () => {
    const directory = join(tempDir(), "hf-mixed");
    mkdirSync(directory);
    writeFileSync(
      join(directory, "config.json"),
      JSON.stringify({
        text_config: { hidden_act: "gelu" },
        vision_config: { hidden_act: "quick_gelu" },
      }),
    );
    writeFileSync(
      join(directory, "model.safetensors"),
      encodeSafetensors(new Map()),
    );
    expect(() => loadCheckpointSync(directory)).toThrow(
      /text_config\.hidden_act gelu differs from vision_config\.hidden_act quick_gelu/,
    );
  });

  test("reads the preprocessor config", () => {
    const json = JSON.parse(
      readFileSync(join(hfDir(), "preprocessor_config.json"), "utf8"),
    );
    expect(json.crop_size).toEqual({ height: 32, width: 32 });
    expect(json.resample).toBe(3);
  });
});
