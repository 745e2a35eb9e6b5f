import {
  existsSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";

import { getArchitecture, getPreprocess } from "../../src/architecture";
import type { ClipCheckpoint } from "../../src/architecture";
import {
  float16BitsToFloat32,
  float32ToFloat16Bits,
  generateRandomWeights,
  loadCheckpoint,
  writeRandomCheckpoint,
} from "../../src/checkpoint";
import {
  GRAPH_CACHE_FOLDER,
  ImageEncoder,
  imageGraphCacheKey,
  loadOrBuildImageGraph,
  tapPreset,
} from "../../src/image";
import { cudaProviderStatus } from "../../src/onnx";
import { expectAllClose } from "../onnx/tolerance";

const arch = getArchitecture("test-tiny");
const size = arch.vision.imageSize;
const imageLength = 3 * size * size;
let folder: string;

function checkpoint(hash = "ab".repeat(32)): ClipCheckpoint {
  return {
    architecture: arch,
    preprocess: getPreprocess("test-tiny"),
    weights: generateRandomWeights(arch, 11),
    weightsHash: hash,
    directory: folder,
  };
}

function pixels(count: number): Float32Array {
  const data = new Float32Array(count * imageLength);
  for (let i = 0; i < data.length; i++) {
    data[i] = Math.cos(i * 0.113);
  }
  return data;
}

beforeEach(() => {
  folder = mkdtempSync(path.join(os.tmpdir(), "image-encoder-"));
});

afterEach(() => {
  rmSync(folder, { recursive: true, force: true });
});

describe("ImageEncoder", () => {
  it("returns features with their shapes", async () => {
    const encoder = await ImageEncoder.create(checkpoint(), {
      cacheDir: false,
    });
    const features = await encoder.encode(pixels(3));
    await encoder.dispose();

    expect(features.imageEmbeds.shape).toEqual([3, 24]);
    expect(features.imageEmbeds.data).toHaveLength(3 * 24);
    expect(features.vvPatchTokens.shape).toEqual([3, 16, 24]);
    expect(features.taps.map((t) => t.shape)).toEqual([
      [3, 16, 32],
      [3, 16, 32],
    ]);
    expect(encoder.device).toBe("cpu");
  });

  it("gives the same features in any batch size", async () => {
    const input = pixels(5);
    const whole = await ImageEncoder.create(checkpoint(), {
      cacheDir: false,
      batchSize: 5,
    });
    const split = await ImageEncoder.create(checkpoint(), {
      cacheDir: false,
      batchSize: 2,
      intraOpThreads: 1,
      interOpThreads: 1,
    });
    const a = await whole.encode(input);
    const b = await split.encode(input, 5);
    await whole.dispose();
    await split.dispose();

    expectAllClose(b.imageEmbeds.data, a.imageEmbeds.data, 1e-6, "imageEmbeds");
    expectAllClose(
      b.vvPatchTokens.data,
      a.vvPatchTokens.data,
      1e-6,
      "vvPatchTokens",
    );
    expectAllClose(b.taps[1].data, a.taps[1].data, 1e-6, "taps[1]");
  });

  it("encodes each image independently", async () => {
    const input = pixels(2);
    const encoder = await ImageEncoder.create(checkpoint(), {
      cacheDir: false,
    });
    const both = await encoder.encode(input);
    const second = await encoder.encode(input.slice(imageLength));
    await encoder.dispose();

    expectAllClose(
      second.imageEmbeds.data,
      both.imageEmbeds.data.subarray(24),
      1e-6,
    );
  });

  it("rejects pixels of the wrong length", async () => {
    const encoder = await ImageEncoder.create(checkpoint(), {
      cacheDir: false,
    });

    await expect(
      encoder.encode(new Float32Array(imageLength + 1)),
    ).rejects.toThrow(
      `expected preprocessed pixels of shape (N, 3, 32, 32) = N × 3072 values, got 3073 values`,
    );
    await expect(encoder.encode(pixels(2), 3)).rejects.toThrow(
      /with N = 3, got 6144 values/,
    );
    await encoder.dispose();
  });

  it("rejects use after dispose", async () => {
    const encoder = await ImageEncoder.create(checkpoint(), {
      cacheDir: false,
    });
    await encoder.dispose();

    await expect(encoder.encode(pixels(1))).rejects.toThrow(/disposed/);
  });

  it("rejects a batch size of zero", async () => {
    await expect(
      ImageEncoder.create(checkpoint(), { batchSize: 0 }),
    ).rejects.toThrow("batchSize must be a positive integer, got 0");
  });

  (cudaProviderStatus().available ? it.skip : it)(
    "fails on cuda without the provider",
    async () => {
      await expect(
        ImageEncoder.create(checkpoint(), { cacheDir: false, device: "cuda" }),
      ).rejects.toThrow(/ONNXRUNTIME_NODE_INSTALL=cuda12/);
    },
  );
});

describe("ImageEncoder on a checkpoint directory", () => {
  it.each(["F32", "F16"] as const)(
    "encodes a loaded %s checkpoint",
    async (dtype) => {
      const modelDir = path.join(folder, "model");
      const written = writeRandomCheckpoint(modelDir, arch, { seed: 3, dtype });
      const loaded = await loadCheckpoint(modelDir);
      const fromDisk = await ImageEncoder.create(loaded);
      const weights = generateRandomWeights(arch, 3);
      if (dtype === "F16") {
        // The loader must return exactly the float16-rounded values.
        for (const [name, tensor] of weights) {
          const rounded = float16BitsToFloat32(
            float32ToFloat16Bits(tensor.data),
          );
          weights.set(name, { ...tensor, data: rounded });
        }
      }
      const inMemory = await ImageEncoder.create(
        { ...loaded, weights },
        { cacheDir: false },
      );
      const a = await fromDisk.encode(pixels(2));
      const b = await inMemory.encode(pixels(2));
      await fromDisk.dispose();
      await inMemory.dispose();

      expect(loaded.weightsHash).toBe(written.weightsHash);
      expect(
        fromDisk.graphPath?.startsWith(path.join(modelDir, GRAPH_CACHE_FOLDER)),
      ).toBe(true);
      expect(Array.from(a.vvPatchTokens.data)).toEqual(
        Array.from(b.vvPatchTokens.data),
      );
      expect(Array.from(a.taps[0].data)).toEqual(Array.from(b.taps[0].data));
    },
  );
});

describe("image graph cache", () => {
  it("writes the graph beside the model and reuses it", async () => {
    const first = await ImageEncoder.create(checkpoint());
    const second = await ImageEncoder.create(checkpoint());
    const a = await first.encode(pixels(1));
    const b = await second.encode(pixels(1));
    await first.dispose();
    await second.dispose();

    expect(first.graphFromCache).toBe(false);
    expect(second.graphFromCache).toBe(true);
    expect(first.graphPath).toBe(second.graphPath);
    expect(path.dirname(first.graphPath!)).toBe(
      path.join(folder, GRAPH_CACHE_FOLDER),
    );
    expect(Array.from(b.vvPatchTokens.data)).toEqual(
      Array.from(a.vvPatchTokens.data),
    );
  });

  it("leaves no temporary files", () => {
    loadOrBuildImageGraph(checkpoint());

    expect(readdirSync(path.join(folder, GRAPH_CACHE_FOLDER))).toHaveLength(1);
  });

  it("keys graphs by weights hash and options", () => {
    const base = imageGraphCacheKey(checkpoint());

    expect(imageGraphCacheKey(checkpoint())).toBe(base);
    expect(imageGraphCacheKey(checkpoint("cd".repeat(32)))).not.toBe(base);
    expect(imageGraphCacheKey(checkpoint(), { normalize: false })).not.toBe(
      base,
    );
    expect(
      imageGraphCacheKey(checkpoint(), { taps: tapPreset("block-output") }),
    ).not.toBe(base);
    expect(
      imageGraphCacheKey(checkpoint(), { taps: tapPreset("reference") }),
    ).toBe(base);
  });

  it("uses a given cache folder", () => {
    const cacheDir = path.join(folder, "elsewhere", "cache");
    const graph = loadOrBuildImageGraph(checkpoint(), { cacheDir });

    expect(graph.path?.startsWith(cacheDir)).toBe(true);
    expect(existsSync(graph.path!)).toBe(true);
  });

  it("writes nothing when the cache is off", () => {
    const graph = loadOrBuildImageGraph(checkpoint(), { cacheDir: false });

    expect(graph.path).toBeUndefined();
    expect(existsSync(path.join(folder, GRAPH_CACHE_FOLDER))).toBe(false);
  });

  it("warns and goes on when the cache folder cannot be created", () => {
    const blocker = path.join(folder, "file");
    writeFileSync(blocker, "not a folder");
    const warnings: string[] = [];

    const graph = loadOrBuildImageGraph(checkpoint(), {
      cacheDir: path.join(blocker, "cache"),
      logger: { warn: (message) => warnings.push(message) },
    });

    expect(graph.path).toBeUndefined();
    expect(graph.model.length).toBeGreaterThan(0);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/image graph not cached/);
  });
});
