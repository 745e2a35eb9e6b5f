import type { ClipArchitecture } from "./types";

/**
 * Adds the keys of one residual attention block of width `width` under
 * `prefix` (for example `visual.transformer.resblocks.3`).
 */
function addResidualBlock(
  shapes: Map<string, number[]>,
  prefix: string,
  width: number,
  mlpRatio: number,
): void {
  const hidden = width * mlpRatio;

  shapes.set(`${prefix}.ln_1.weight`, [width]);
  shapes.set(`${prefix}.ln_1.bias`, [width]);

  // nn.MultiheadAttention packs q, k, v row-wise: rows [0, w) are q.
  shapes.set(`${prefix}.attn.in_proj_weight`, [3 * width, width]);
  shapes.set(`${prefix}.attn.in_proj_bias`, [3 * width]);
  shapes.set(`${prefix}.attn.out_proj.weight`, [width, width]);
  shapes.set(`${prefix}.attn.out_proj.bias`, [width]);

  shapes.set(`${prefix}.ln_2.weight`, [width]);
  shapes.set(`${prefix}.ln_2.bias`, [width]);

  // nn.Linear stores weight as [out, in].
  shapes.set(`${prefix}.mlp.c_fc.weight`, [hidden, width]);
  shapes.set(`${prefix}.mlp.c_fc.bias`, [hidden]);
  shapes.set(`${prefix}.mlp.c_proj.weight`, [width, hidden]);
  shapes.set(`${prefix}.mlp.c_proj.bias`, [width]);
}

/**
 * Lists every tensor of a ViT CLIP model under its OpenCLIP state-dict name,
 * with its shape.
 *
 * The names and shapes follow open_clip's `CLIP` module (`model.py`) built
 * from `VisionTransformer` and `TextTransformer` (`transformer.py`) with the
 * default options: class-token pooling, learnable positional embeddings, no
 * layer scale, no attention pooler, a bias-free patch convolution, and
 * `text_projection` as a plain matrix. Non-persistent buffers such as the
 * causal attention mask are not part of a state dict and are not listed.
 *
 * @param arch - Architecture to describe.
 * @returns A new map from name to shape, vision tensors first; a scalar has
 *   shape `[]`.
 * @example
 * ```ts
 * expectedWeightShapes(getArchitecture('ViT-B-16-plus-240'))
 *   .get('visual.conv1.weight'); // [896, 3, 16, 16]
 * ```
 */
export function expectedWeightShapes(
  arch: ClipArchitecture,
): Map<string, number[]> {
  const shapes = new Map<string, number[]>();
  const { vision, text } = arch;
  const grid = vision.imageSize / vision.patchSize;

  shapes.set("visual.class_embedding", [vision.width]);
  shapes.set("visual.positional_embedding", [grid * grid + 1, vision.width]);
  shapes.set("visual.conv1.weight", [
    vision.width,
    3,
    vision.patchSize,
    vision.patchSize,
  ]);
  shapes.set("visual.ln_pre.weight", [vision.width]);
  shapes.set("visual.ln_pre.bias", [vision.width]);

  for (let block = 0; block < vision.layers; block++) {
    addResidualBlock(
      shapes,
      `visual.transformer.resblocks.${block}`,
      vision.width,
      vision.mlpRatio,
    );
  }

  shapes.set("visual.ln_post.weight", [vision.width]);
  shapes.set("visual.ln_post.bias", [vision.width]);
  shapes.set("visual.proj", [vision.width, arch.embedDim]);

  shapes.set("token_embedding.weight", [text.vocabSize, text.width]);
  shapes.set("positional_embedding", [text.contextLength, text.width]);

  for (let block = 0; block < text.layers; block++) {
    addResidualBlock(
      shapes,
      `transformer.resblocks.${block}`,
      text.width,
      text.mlpRatio,
    );
  }

  shapes.set("ln_final.weight", [text.width]);
  shapes.set("ln_final.bias", [text.width]);
  shapes.set("text_projection", [text.width, arch.embedDim]);
  shapes.set("logit_scale", []);

  return shapes;
}
