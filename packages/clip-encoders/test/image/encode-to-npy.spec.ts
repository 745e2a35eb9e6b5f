import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";

import { getArchitecture, getPreprocess } from "../../src/architecture";
import type { ClipCheckpoint } from "../../src/architecture";
import { generateRandomWeights } from "../../src/checkpoint";
import {
  ENCODE_MANIFEST_FILE,
  ImageEncoder,
  encodeToNpy,
} from "../../src/image";
import { readNpy } from "./read-npy";

const arch = getArchitecture("test-tiny");
let folder: string;

function checkpoint(): ClipCheckpoint {
  return {
    architecture: arch,
    preprocess: getPreprocess("test-tiny"),
    weights: generateRandomWeights(arch, 5),
    weightsHash: "12".repeat(32),
    directory: folder,
  };
}

const shape = [2, 3, 32, 32];
const pixels = Float32Array.from({ length: 2 * 3 * 32 * 32 }, (_, i) =>
  Math.sin(i),
);

beforeEach(() => {
  folder = mkdtempSync(path.join(os.tmpdir(), "encode-npy-"));
});

afterEach(() => {
  rmSync(folder, { recursive: true, force: true });
});

describe("encodeToNpy", () => {
  it("writes every output and a manifest", async () => {
    const outDir = path.join(folder, "out", "features");
    const manifest = await encodeToNpy({
      checkpoint: checkpoint(),
      pixels,
      shape,
      outDir,
      encoder: { cacheDir: false },
    });

    expect(readdirSync(outDir).sort()).toEqual([
      "image_embeds.npy",
      "manifest.json",
      "patch_tokens_tap0.npy",
      "patch_tokens_tap1.npy",
      "vv_patch_tokens.npy",
    ]);
    const written = JSON.parse(
      readFileSync(path.join(outDir, ENCODE_MANIFEST_FILE), "utf8"),
    );
    expect(written).toEqual(manifest);
    expect(manifest.outputs.map((o) => o.shape)).toEqual([
      [2, 24],
      [2, 16, 24],
      [2, 16, 32],
      [2, 16, 32],
    ]);
    expect(manifest.taps).toEqual({ blocks: [3, 8], point: "after-attention" });
    expect(manifest.normalized).toBe(true);
    expect(manifest.outputs[2].meaning).toMatch(
      /block 3 .*after the attention residual/,
    );
  });

  it("writes the encoder's values", async () => {
    const outDir = path.join(folder, "features");
    await encodeToNpy({
      checkpoint: checkpoint(),
      pixels,
      shape,
      outDir,
      encoder: { cacheDir: false },
    });
    const encoder = await ImageEncoder.create(checkpoint(), {
      cacheDir: false,
    });
    const features = await encoder.encode(pixels);
    await encoder.dispose();

    const vv = readNpy(path.join(outDir, "vv_patch_tokens.npy"));
    const tap = readNpy(path.join(outDir, "patch_tokens_tap1.npy"));
    expect(vv.shape).toEqual([2, 16, 24]);
    expect(Array.from(vv.data)).toEqual(
      Array.from(features.vvPatchTokens.data),
    );
    expect(Array.from(tap.data)).toEqual(Array.from(features.taps[1].data));
  });

  it("rejects a shape of the wrong size", async () => {
    const outDir = path.join(folder, "features");

    await expect(
      encodeToNpy({
        checkpoint: checkpoint(),
        pixels,
        shape: [2, 3, 64, 64],
        outDir,
      }),
    ).rejects.toThrow(
      "expected input shape [N, 3, 32, 32] for test-tiny, got [2, 3, 64, 64]",
    );
    expect(existsSync(outDir)).toBe(false);
  });

  it("rejects pixels that do not fill the shape", async () => {
    const outDir = path.join(folder, "features");

    await expect(
      encodeToNpy({
        checkpoint: checkpoint(),
        pixels,
        shape: [3, 3, 32, 32],
        outDir,
      }),
    ).rejects.toThrow("input shape [3, 3, 32, 32] needs 9216 values, got 6144");
  });
});
