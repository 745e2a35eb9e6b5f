import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import * as ort from "onnxruntime-node";

import { getArchitecture } from "../../src/architecture";
import { writeRandomCheckpoint } from "../../src/checkpoint";
import { buildImageEncoderGraph, tapPreset } from "../../src/image";
import type { TapPreset } from "../../src/image";
import { createOnnxSession } from "../../src/onnx";
import { expectAllClose } from "../onnx/tolerance";
import { readNpy } from "./read-npy";

// Produced by tools/golden/image-encoder/generate.sh with PyTorch in float64.
const FIXTURES = path.join(__dirname, "fixtures", "vision-golden");
const meta = JSON.parse(readFileSync(path.join(FIXTURES, "meta.json"), "utf8"));
const arch = getArchitecture(meta.architecture);
const OUTPUTS = [
  "image_embeds",
  "vv_patch_tokens",
  "patch_tokens_tap0",
  "patch_tokens_tap1",
];

let folder: string;
let weightsHash: string;
let weights: ReturnType<typeof writeRandomCheckpoint>["weights"];

beforeAll(() => {
  folder = mkdtempSync(path.join(os.tmpdir(), "vision-golden-"));
  ({ weights, weightsHash } = writeRandomCheckpoint(folder, arch, {
    seed: meta.seed,
  }));
});

afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

describe("image encoder against PyTorch", () => {
  it("regenerates the fixture's weights", () => {
    // A different hash means the random generator changed: rerun generate.sh.
    expect(weightsHash).toBe(meta.weightsHash);
  });

  it.each(["reference", "block-output"] as TapPreset[])(
    "matches PyTorch with %s taps",
    async (preset) => {
      const input = readNpy(path.join(FIXTURES, "input.npy"));
      const graph = buildImageEncoderGraph(weights, arch, {
        taps: tapPreset(preset),
      });
      const { session } = await createOnnxSession(graph.model);
      const out = await session.run({
        pixel_values: new ort.Tensor("float32", input.data, input.shape),
      });
      await session.release();

      for (const name of OUTPUTS) {
        const expected = readNpy(path.join(FIXTURES, preset, `${name}.npy`));
        expect(out[name].dims).toEqual(expected.shape);
        expectAllClose(
          out[name].data as Float32Array,
          expected.data,
          1e-4,
          `${preset}/${name}`,
        );
      }
    },
  );
});
