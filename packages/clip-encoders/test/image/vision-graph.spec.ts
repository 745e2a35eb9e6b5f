import * as ort from "onnxruntime-node";
import * as tf from "@tensorflow/tfjs";

import { getArchitecture } from "../../src/architecture";
import type { WeightMap } from "../../src/architecture";
import { generateRandomWeights } from "../../src/checkpoint";
import {
  ImageGraphOptions,
  buildImageEncoderGraph,
  tapPreset,
} from "../../src/image";
import { createOnnxSession } from "../../src/onnx";
import { expectAllClose, maxAbsDifference } from "../onnx/tolerance";
import { l2NormalizeLast, referenceVisionTower } from "./tfjs-reference";

const arch = getArchitecture("test-tiny");
const weights = generateRandomWeights(arch, 7);
const batch = 2;
const size = arch.vision.imageSize;
const grid = size / arch.vision.patchSize;
const width = arch.vision.width;

function pixels(): Float32Array {
  const data = new Float32Array(batch * 3 * size * size);
  for (let i = 0; i < data.length; i++) {
    data[i] = Math.sin(i * 0.37) * 1.5;
  }
  return data;
}

async function encode(
  w: WeightMap,
  options: ImageGraphOptions,
  input = pixels(),
): Promise<Record<string, ort.Tensor>> {
  const { session } = await createOnnxSession(
    buildImageEncoderGraph(w, arch, options).model,
  );
  const out = await session.run({
    pixel_values: new ort.Tensor("float32", input, [batch, 3, size, size]),
  });
  await session.release();
  return out as Record<string, ort.Tensor>;
}

function rowNorms(data: Float32Array, rowLength: number): number[] {
  const norms: number[] = [];
  for (let start = 0; start < data.length; start += rowLength) {
    let sum = 0;
    for (let i = start; i < start + rowLength; i++) {
      sum += data[i] * data[i];
    }
    norms.push(Math.sqrt(sum));
  }
  return norms;
}

beforeAll(async () => {
  tf.env().set("IS_TEST", true);
  await tf.setBackend("cpu");
});

describe("buildImageEncoderGraph", () => {
  it.each([
    ["reference", tapPreset("reference")],
    ["block-output", tapPreset("block-output")],
  ])("matches the tfjs reference with %s taps", async (_, taps) => {
    const input = pixels();
    const out = await encode(weights, { taps }, input);
    const ref = referenceVisionTower(weights, arch, input, batch, taps);

    const pairs: [string, tf.Tensor][] = [
      ["image_embeds", ref.imageEmbeds],
      ["vv_patch_tokens", ref.vvPatchTokens],
      ["patch_tokens_tap0", ref.taps[0]],
      ["patch_tokens_tap1", ref.taps[1]],
    ];
    for (const [name, tensor] of pairs) {
      expect(out[name].dims).toEqual(tensor.shape);
      expectAllClose(
        out[name].data as Float32Array,
        l2NormalizeLast(tensor).dataSync(),
        1e-4,
        name,
      );
    }
    tf.dispose([ref.imageEmbeds, ref.vvPatchTokens, ...ref.taps]);
  });

  it("matches the tfjs reference with QuickGELU", async () => {
    const quick = {
      ...arch,
      name: "test-tiny-quickgelu",
      activation: "quick_gelu" as const,
    };
    const input = pixels();
    const { session } = await createOnnxSession(
      buildImageEncoderGraph(weights, quick).model,
    );
    const out = await session.run({
      pixel_values: new ort.Tensor("float32", input, [batch, 3, size, size]),
    });
    await session.release();
    const ref = referenceVisionTower(weights, quick, input, batch, tapPreset());
    const gelu = await encode(weights, {}, input);

    expectAllClose(
      out.vv_patch_tokens.data as Float32Array,
      l2NormalizeLast(ref.vvPatchTokens).dataSync(),
      1e-4,
      "vv_patch_tokens",
    );
    expectAllClose(
      out.image_embeds.data as Float32Array,
      l2NormalizeLast(ref.imageEmbeds).dataSync(),
      1e-4,
      "image_embeds",
    );
    // The activation must matter, or this case would not test it.
    const { difference } = maxAbsDifference(
      out.image_embeds.data as Float32Array,
      gelu.image_embeds.data as Float32Array,
    );
    expect(difference).toBeGreaterThan(1e-3);
    tf.dispose([ref.imageEmbeds, ref.vvPatchTokens, ...ref.taps]);
  });

  it("declares the output shapes", async () => {
    const out = await encode(weights, {});

    expect(out.image_embeds.dims).toEqual([batch, arch.embedDim]);
    expect(out.vv_patch_tokens.dims).toEqual([
      batch,
      grid * grid,
      arch.embedDim,
    ]);
    expect(out.patch_tokens_tap0.dims).toEqual([batch, grid * grid, width]);
    expect(out.patch_tokens_tap1.dims).toEqual([batch, grid * grid, width]);
  });

  it("returns unit-norm rows by default", async () => {
    const out = await encode(weights, {});

    for (const [name, tensor] of Object.entries(out)) {
      const rowLength = tensor.dims[tensor.dims.length - 1];
      const norms = rowNorms(tensor.data as Float32Array, rowLength);
      expectAllClose(
        norms,
        norms.map(() => 1),
        1e-5,
        name,
      );
    }
  });

  it("returns raw features without normalisation", async () => {
    const raw = await encode(weights, { normalize: false });
    const unit = await encode(weights, { normalize: true });

    const norms = rowNorms(
      raw.vv_patch_tokens.data as Float32Array,
      arch.embedDim,
    );
    expect(Math.min(...norms.map((n) => Math.abs(n - 1)))).toBeGreaterThan(
      1e-3,
    );
    const normalised = l2NormalizeLast(
      tf.tensor(
        raw.vv_patch_tokens.data as Float32Array,
        raw.vv_patch_tokens.dims as number[],
      ),
    ).dataSync();
    expectAllClose(unit.vv_patch_tokens.data as Float32Array, normalised, 1e-6);
  });

  it("tells the tap options apart", async () => {
    const reference = await encode(weights, {
      normalize: false,
      taps: tapPreset("reference"),
    });
    const plain = await encode(weights, {
      normalize: false,
      taps: tapPreset("block-output"),
    });

    // The reference tap adds block 3's attention residual to block 2's output.
    for (const name of ["patch_tokens_tap0", "patch_tokens_tap1"]) {
      const { difference } = maxAbsDifference(
        reference[name].data as Float32Array,
        plain[name].data as Float32Array,
      );
      expect(difference).toBeGreaterThan(0.2);
    }
  });

  it("keeps the V-V path apart from the original path", async () => {
    // Tap the last block's output: ln_post and proj of those tokens would be
    // the V-V output if the V-V path were ignored.
    const last = arch.vision.layers - 1;
    const out = await encode(weights, {
      normalize: false,
      taps: { blocks: [last], point: "block-output" },
    });
    const origProjected = tf.tidy(() => {
      const tokens = tf.tensor(out.patch_tokens_tap0.data as Float32Array, [
        batch * grid * grid,
        width,
      ]);
      const { mean, variance } = tf.moments(tokens, -1, true);
      const get = (name: string) =>
        tf.tensor(weights.get(name)!.data, weights.get(name)!.shape);
      const normed = tokens
        .sub(mean)
        .div(variance.add(1e-5).sqrt())
        .mul(get("visual.ln_post.weight"))
        .add(get("visual.ln_post.bias"));
      return tf
        .matMul(normed as tf.Tensor2D, get("visual.proj") as tf.Tensor2D)
        .dataSync();
    });

    const { difference } = maxAbsDifference(
      out.vv_patch_tokens.data as Float32Array,
      origProjected,
    );
    expect(difference).toBeGreaterThan(0.1);
  });

  it("passes x0 through blocks with zero weights", async () => {
    // With every attention and MLP weight and bias zero, both paths keep
    // x0 = ln_pre([class; conv1(img)] + pos), computed here with loops.
    const zeroed: WeightMap = new Map(weights);
    for (const [name, tensor] of weights) {
      if (/resblocks\.\d+\.(attn|mlp)\./.test(name)) {
        zeroed.set(name, {
          ...tensor,
          data: new Float32Array(tensor.data.length),
        });
      }
    }
    const input = pixels();
    const out = await encode(zeroed, {
      normalize: false,
      taps: { blocks: [0, 11], point: "block-output" },
    });

    const expected = x0ByLoops(zeroed, input);
    for (const name of ["patch_tokens_tap0", "patch_tokens_tap1"]) {
      expectAllClose(out[name].data as Float32Array, expected, 1e-4, name);
    }
  });

  it("lists every missing and misshapen vision tensor", () => {
    const broken: WeightMap = new Map(weights);
    broken.delete("visual.proj");
    broken.delete("visual.transformer.resblocks.4.ln_2.bias");
    const pos = weights.get("visual.positional_embedding")!;
    broken.set("visual.positional_embedding", { ...pos, shape: [16, 32] });

    let message = "";
    try {
      buildImageEncoderGraph(broken, arch);
    } catch (error) {
      message = (error as Error).message;
    }

    expect(message).toMatch(/test-tiny \(3 problems\)/);
    expect(message).toMatch(
      /visual\.proj: missing \(expected shape \[32, 24\]\)/,
    );
    expect(message).toMatch(/resblocks\.4\.ln_2\.bias: missing/);
    expect(message).toMatch(
      /visual\.positional_embedding: expected shape \[17, 32\], got \[16, 32\]/,
    );
  });

  it("needs no text-tower tensors", async () => {
    const visionOnly: WeightMap = new Map(
      [...weights].filter(([name]) => name.startsWith("visual.")),
    );

    expect(() => buildImageEncoderGraph(visionOnly, arch)).not.toThrow();
  });

  it("rejects a tap outside the tower", () => {
    expect(() =>
      buildImageEncoderGraph(weights, arch, {
        taps: { blocks: [12], point: "block-output" },
      }),
    ).toThrow(/invalid tap block index 12/);
  });
});

/** x0 patch rows (class token dropped), (batch, grid², width), by plain loops. */
function x0ByLoops(w: WeightMap, input: Float32Array): Float32Array {
  const p = arch.vision.patchSize;
  const conv = w.get("visual.conv1.weight")!.data;
  const cls = w.get("visual.class_embedding")!.data;
  const pos = w.get("visual.positional_embedding")!.data;
  const gamma = w.get("visual.ln_pre.weight")!.data;
  const beta = w.get("visual.ln_pre.bias")!.data;
  const out = new Float32Array(batch * grid * grid * width);

  for (let n = 0; n < batch; n++) {
    for (let token = 0; token <= grid * grid; token++) {
      const row = new Float64Array(width);
      for (let c = 0; c < width; c++) {
        let value = pos[token * width + c];
        if (token === 0) {
          value += cls[c];
        } else {
          const gy = Math.floor((token - 1) / grid);
          const gx = (token - 1) % grid;
          for (let ch = 0; ch < 3; ch++) {
            for (let ky = 0; ky < p; ky++) {
              for (let kx = 0; kx < p; kx++) {
                const pixel =
                  input[
                    ((n * 3 + ch) * size + gy * p + ky) * size + gx * p + kx
                  ];
                value += pixel * conv[((c * 3 + ch) * p + ky) * p + kx];
              }
            }
          }
        }
        row[c] = value;
      }
      const mean = row.reduce((a, b) => a + b, 0) / width;
      const variance = row.reduce((a, b) => a + (b - mean) ** 2, 0) / width;
      if (token === 0) {
        continue;
      }
      for (let c = 0; c < width; c++) {
        const normed =
          ((row[c] - mean) / Math.sqrt(variance + 1e-5)) * gamma[c] + beta[c];
        out[(n * grid * grid + token - 1) * width + c] = normed;
      }
    }
  }
  return out;
}
