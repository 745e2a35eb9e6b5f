import type {
  Activation,
  ClipArchitecture,
  WeightMap,
  WeightTensor,
} from "../architecture/types";

/** Scale and shift of one LayerNorm, each `width` values. */
export interface LayerNormWeights {
  /** Scale γ, `width` values. */
  weight: Float32Array;
  /** Shift β, `width` values. */
  bias: Float32Array;
}

/**
 * Weights of one pre-LN residual block of the text transformer, in the
 * PyTorch `nn.Linear` layout (`out × in`, row-major).
 */
export interface TextBlockWeights {
  /** LayerNorm before attention. */
  ln1: LayerNormWeights;
  /** Stacked query, key and value projections, `3·width × width`. */
  inProjWeight: Float32Array;
  /** Stacked query, key and value biases, `3·width`. */
  inProjBias: Float32Array;
  /** Attention output projection, `width × width`. */
  outProjWeight: Float32Array;
  /** Attention output bias, `width`. */
  outProjBias: Float32Array;
  /** LayerNorm before the MLP. */
  ln2: LayerNormWeights;
  /** First MLP layer, `hidden × width`. */
  fcWeight: Float32Array;
  /** First MLP bias, `hidden`. */
  fcBias: Float32Array;
  /** Second MLP layer, `width × hidden`. */
  projWeight: Float32Array;
  /** Second MLP bias, `width`. */
  projBias: Float32Array;
}

/** Everything the differentiable text encoder needs from a CLIP checkpoint. */
export interface TextTower {
  /** Residual stream width. */
  width: number;
  /** Number of attention heads; `width / heads` is the head dimension. */
  heads: number;
  /** Hidden width of every MLP (`mlpRatio · width`). */
  hiddenWidth: number;
  /** Maximum token positions per prompt. */
  contextLength: number;
  /** Width of the joint embedding space. */
  embedDim: number;
  /** MLP activation. */
  activation: Activation;
  /** Epsilon added to the variance in every LayerNorm (1e-5 in PyTorch and OpenCLIP). */
  layerNormEpsilon: number;
  /** Learned positional embedding, `contextLength × width`. */
  positionalEmbedding: Float32Array;
  /** Residual blocks, first to last. */
  blocks: TextBlockWeights[];
  /** LayerNorm after the last block. */
  lnFinal: LayerNormWeights;
  /** Projection into the joint space, `width × embedDim` (applied as `x · P`). */
  textProjection: Float32Array;
}

/** Default `eps` of `torch.nn.LayerNorm`, which OpenCLIP's text tower uses. */
export const LAYER_NORM_EPSILON = 1e-5;

/**
 * Collects and checks the text-tower weights of a CLIP checkpoint, keyed by
 * OpenCLIP state-dict names (`positional_embedding`,
 * `transformer.resblocks.{i}.attn.in_proj_weight`, `ln_final.weight`,
 * `text_projection`, ...). Other keys, such as the vision tower or
 * `token_embedding.weight`, are ignored, so a partial map with only the text
 * tower is enough.
 *
 * @param weights - tensors keyed by OpenCLIP name; arrays are shared, not copied
 * @param architecture - shapes the weights must have
 * @returns the text tower
 * @throws Error naming the key when a tensor is missing or has the wrong shape
 */
export function readTextTower(
  weights: WeightMap,
  architecture: ClipArchitecture,
): TextTower {
  const { width, heads, layers, mlpRatio, contextLength } = architecture.text;
  const embedDim = architecture.embedDim;
  const hiddenWidth = Math.round(width * mlpRatio);
  if (!Number.isInteger(width / heads)) {
    throw new Error(
      `text tower of ${architecture.name}: width ${width} is not divisible by ${heads} heads; fix the architecture`,
    );
  }

  const take = (key: string, shape: number[]): Float32Array =>
    requireTensor(weights, key, shape, architecture.name).data;
  const layerNorm = (prefix: string): LayerNormWeights => ({
    weight: take(`${prefix}.weight`, [width]),
    bias: take(`${prefix}.bias`, [width]),
  });

  const blocks: TextBlockWeights[] = [];
  for (let i = 0; i < layers; i++) {
    const p = `transformer.resblocks.${i}`;
    blocks.push({
      ln1: layerNorm(`${p}.ln_1`),
      inProjWeight: take(`${p}.attn.in_proj_weight`, [3 * width, width]),
      inProjBias: take(`${p}.attn.in_proj_bias`, [3 * width]),
      outProjWeight: take(`${p}.attn.out_proj.weight`, [width, width]),
      outProjBias: take(`${p}.attn.out_proj.bias`, [width]),
      ln2: layerNorm(`${p}.ln_2`),
      fcWeight: take(`${p}.mlp.c_fc.weight`, [hiddenWidth, width]),
      fcBias: take(`${p}.mlp.c_fc.bias`, [hiddenWidth]),
      projWeight: take(`${p}.mlp.c_proj.weight`, [width, hiddenWidth]),
      projBias: take(`${p}.mlp.c_proj.bias`, [width]),
    });
  }

  return {
    width,
    heads,
    hiddenWidth,
    contextLength,
    embedDim,
    activation: architecture.activation,
    layerNormEpsilon: LAYER_NORM_EPSILON,
    positionalEmbedding: take("positional_embedding", [contextLength, width]),
    blocks,
    lnFinal: layerNorm("ln_final"),
    textProjection: take("text_projection", [width, embedDim]),
  };
}

function requireTensor(
  weights: WeightMap,
  key: string,
  shape: number[],
  model: string,
): WeightTensor {
  const tensor = weights.get(key);
  if (tensor === undefined) {
    throw new Error(
      `text tower of ${model}: weight ${key} is missing; pass a checkpoint with OpenCLIP state-dict names`,
    );
  }

  const matches =
    tensor.shape.length === shape.length &&
    tensor.shape.every((dim, i) => dim === shape[i]) &&
    tensor.data.length === shape.reduce((a, b) => a * b, 1);
  if (!matches) {
    throw new Error(
      `text tower of ${model}: weight ${key} should have shape [${shape.join(", ")}], got [${tensor.shape.join(", ")}] with ${tensor.data.length} values; check that the checkpoint matches the architecture`,
    );
  }
  return tensor;
}
