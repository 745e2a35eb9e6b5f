import * as tf from "@tensorflow/tfjs";

import type { ClipArchitecture, WeightMap } from "../../src/architecture";
import type { ImageTapConfig } from "../../src/image";

/** Outputs of the reference tower, raw (not normalised), as nested shapes. */
export interface ReferenceOutputs {
  /** (N, E) */
  imageEmbeds: tf.Tensor2D;
  /** (N, P, E) */
  vvPatchTokens: tf.Tensor3D;
  /** One (N, P, W) tensor per tap. */
  taps: tf.Tensor3D[];
}

/**
 * Independent tfjs implementation of the dual-path CLIP vision tower, for
 * tests. It is written differently from the ONNX graph on purpose. The
 * patch embedding unfolds the image into patch rows and multiplies them by
 * the flattened conv1 weight. The attention runs one head at a time on 2-D
 * matrices, one image at a time, and LayerNorm uses tf.moments.
 */
export function referenceVisionTower(
  weights: WeightMap,
  architecture: ClipArchitecture,
  pixels: Float32Array,
  batch: number,
  taps: ImageTapConfig,
): ReferenceOutputs {
  return tf.tidy(() => {
    const results = Array.from({ length: batch }, (_, n) => {
      const size = architecture.vision.imageSize;
      const stride = 3 * size * size;
      const image = tf.tensor3d(pixels.subarray(n * stride, (n + 1) * stride), [
        3,
        size,
        size,
      ]);
      return oneImage(weights, architecture, image, taps);
    });

    return {
      imageEmbeds: tf.stack(results.map((r) => r.embed)) as tf.Tensor2D,
      vvPatchTokens: tf.stack(results.map((r) => r.vv)) as tf.Tensor3D,
      taps: taps.blocks.map(
        (_, i) => tf.stack(results.map((r) => r.taps[i])) as tf.Tensor3D,
      ),
    };
  });
}

function w(weights: WeightMap, name: string): tf.Tensor {
  const tensor = weights.get(name);
  if (tensor === undefined) {
    throw new Error(`reference: weight ${name} missing`);
  }
  return tf.tensor(tensor.data, tensor.shape);
}

function layerNorm(
  weights: WeightMap,
  prefix: string,
  x: tf.Tensor2D,
): tf.Tensor2D {
  const { mean, variance } = tf.moments(x, -1, true);
  const normalised = x.sub(mean).div(variance.add(1e-5).sqrt());
  return normalised
    .mul(w(weights, `${prefix}.weight`))
    .add(w(weights, `${prefix}.bias`)) as tf.Tensor2D;
}

/** x (T, in) · Wᵀ + b for a PyTorch [out, in] weight. */
function linear(
  weights: WeightMap,
  prefix: string,
  x: tf.Tensor2D,
  weightName = "weight",
  biasName = "bias",
): tf.Tensor2D {
  const out = tf.matMul(
    x,
    w(weights, `${prefix}${weightName}`) as tf.Tensor2D,
    false,
    true,
  );
  return out.add(w(weights, `${prefix}${biasName}`)) as tf.Tensor2D;
}

function oneImage(
  weights: WeightMap,
  architecture: ClipArchitecture,
  image: tf.Tensor3D,
  taps: ImageTapConfig,
): { embed: tf.Tensor1D; vv: tf.Tensor2D; taps: tf.Tensor2D[] } {
  const { imageSize, patchSize, width, heads, layers } = architecture.vision;
  const grid = imageSize / patchSize;
  const headDim = width / heads;

  // (3, g·p, g·p) → (g, g, 3, p, p) rows in raster order, matching conv1's
  // (W, 3, p, p) weight flattened to (W, 3·p·p).
  const unfolded = image
    .reshape([3, grid, patchSize, grid, patchSize])
    .transpose([1, 3, 0, 2, 4])
    .reshape([grid * grid, 3 * patchSize * patchSize]) as tf.Tensor2D;
  const convWeight = w(weights, "visual.conv1.weight").reshape([
    width,
    3 * patchSize * patchSize,
  ]) as tf.Tensor2D;
  const patches = tf.matMul(unfolded, convWeight, false, true);
  const classToken = w(weights, "visual.class_embedding").reshape([1, width]);
  const tokens = tf
    .concat([classToken, patches], 0)
    .add(w(weights, "visual.positional_embedding")) as tf.Tensor2D;
  const x0 = layerNorm(weights, "visual.ln_pre", tokens);

  let orig = x0;
  let vv = x0;
  const tapped = new Map<number, tf.Tensor2D>();
  for (let block = 0; block < layers; block++) {
    const prefix = `visual.transformer.resblocks.${block}`;
    const h = layerNorm(weights, `${prefix}.ln_1`, orig);
    const qkv = linear(
      weights,
      `${prefix}.attn.`,
      h,
      "in_proj_weight",
      "in_proj_bias",
    );
    const [q, k, v] = tf.split(qkv, 3, 1) as tf.Tensor2D[];

    const attention = (query: tf.Tensor2D, key: tf.Tensor2D): tf.Tensor2D => {
      const perHead = [];
      for (let head = 0; head < heads; head++) {
        const cols = (m: tf.Tensor2D) =>
          m.slice([0, head * headDim], [-1, headDim]);
        const scores = tf
          .matMul(cols(query), cols(key), false, true)
          .div(Math.sqrt(headDim));
        perHead.push(tf.matMul(tf.softmax(scores), cols(v)));
      }
      return linear(
        weights,
        `${prefix}.attn.out_proj.`,
        tf.concat(perHead, 1) as tf.Tensor2D,
      );
    };

    const afterAttention = orig.add(attention(q, k)) as tf.Tensor2D;
    const nextVv = vv.add(attention(v, v)) as tf.Tensor2D;
    const hidden = linear(
      weights,
      `${prefix}.mlp.c_fc.`,
      layerNorm(weights, `${prefix}.ln_2`, afterAttention),
    );
    const activated =
      architecture.activation === "quick_gelu"
        ? hidden.mul(tf.sigmoid(hidden.mul(1.702)))
        : hidden.mul(0.5).mul(tf.erf(hidden.div(Math.SQRT2)).add(1));
    const mlp = linear(
      weights,
      `${prefix}.mlp.c_proj.`,
      activated as tf.Tensor2D,
    );
    orig = afterAttention.add(mlp) as tf.Tensor2D;
    vv = nextVv;
    tapped.set(block, taps.point === "after-attention" ? afterAttention : orig);
  }

  const proj = w(weights, "visual.proj") as tf.Tensor2D;
  const classRow = layerNorm(
    weights,
    "visual.ln_post",
    orig.slice([0, 0], [1, -1]),
  );
  const vvPatches = layerNorm(
    weights,
    "visual.ln_post",
    vv.slice([1, 0], [-1, -1]),
  );

  return {
    embed: tf.matMul(classRow, proj).reshape([-1]) as tf.Tensor1D,
    vv: tf.matMul(vvPatches, proj),
    taps: taps.blocks.map((block) =>
      (tapped.get(block) as tf.Tensor2D).slice([1, 0], [-1, -1]),
    ),
  };
}

/** L2-normalises along the last axis (the method's feature normalisation). */
export function l2NormalizeLast(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => x.div(x.norm("euclidean", -1, true)));
}
