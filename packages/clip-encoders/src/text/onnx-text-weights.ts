import type { GraphBuilder } from "../onnx/graph-builder";
import { causalMaskValues } from "./causal-mask";
import type { TextTower } from "./text-tower";

/** Initializer names of one LayerNorm. */
export interface LayerNormNames {
  /** Scale γ, `[width]`. */
  weight: string;
  /** Shift β, `[width]`. */
  bias: string;
}

/** Initializer names of one residual block, weights in the `out × in` layout. */
export interface TextBlockNames {
  /** LayerNorm before attention. */
  ln1: LayerNormNames;
  /** `[3·width, width]`. */
  inProjWeight: string;
  /** `[3·width]`. */
  inProjBias: string;
  /** `[width, width]`. */
  outProjWeight: string;
  /** `[width]`. */
  outProjBias: string;
  /** LayerNorm before the MLP. */
  ln2: LayerNormNames;
  /** `[hidden, width]`. */
  fcWeight: string;
  /** `[hidden]`. */
  fcBias: string;
  /** `[width, hidden]`. */
  projWeight: string;
  /** `[width]`. */
  projBias: string;
}

/** Initializer names of the whole text tower inside one graph. */
export interface TextTowerNames {
  /** `[contextLength, width]`. */
  positionalEmbedding: string;
  /** Additive causal mask, `[contextLength, contextLength]`. */
  causalMask: string;
  /** Residual blocks, first to last. */
  blocks: TextBlockNames[];
  /** Final LayerNorm. */
  lnFinal: LayerNormNames;
  /** `[width, embedDim]`. */
  textProjection: string;
}

/**
 * Adds the text tower's weights to a graph as initializers named after their
 * OpenCLIP keys. Linear weights keep PyTorch's `out × in` layout: the
 * forward pass uses them through `Gemm` with `transB = 1` and the backward
 * pass through `Gemm` without transpose, so one copy serves both.
 *
 * @param g - graph to add to
 * @param tower - text-tower weights; arrays are referenced until the graph is serialised
 * @returns the initializer names
 */
export function addTextTowerInitializers(
  g: GraphBuilder,
  tower: TextTower,
): TextTowerNames {
  const { width, hiddenWidth, contextLength, embedDim } = tower;
  const add = (name: string, data: Float32Array, dims: number[]) =>
    g.addInitializer(name, "float32", data, dims);
  const layerNorm = (
    prefix: string,
    weights: TextTower["lnFinal"],
  ): LayerNormNames => ({
    weight: add(`${prefix}.weight`, weights.weight, [width]),
    bias: add(`${prefix}.bias`, weights.bias, [width]),
  });

  const blocks = tower.blocks.map((block, i): TextBlockNames => {
    const p = `transformer.resblocks.${i}`;
    return {
      ln1: layerNorm(`${p}.ln_1`, block.ln1),
      inProjWeight: add(`${p}.attn.in_proj_weight`, block.inProjWeight, [
        3 * width,
        width,
      ]),
      inProjBias: add(`${p}.attn.in_proj_bias`, block.inProjBias, [3 * width]),
      outProjWeight: add(`${p}.attn.out_proj.weight`, block.outProjWeight, [
        width,
        width,
      ]),
      outProjBias: add(`${p}.attn.out_proj.bias`, block.outProjBias, [width]),
      ln2: layerNorm(`${p}.ln_2`, block.ln2),
      fcWeight: add(`${p}.mlp.c_fc.weight`, block.fcWeight, [
        hiddenWidth,
        width,
      ]),
      fcBias: add(`${p}.mlp.c_fc.bias`, block.fcBias, [hiddenWidth]),
      projWeight: add(`${p}.mlp.c_proj.weight`, block.projWeight, [
        width,
        hiddenWidth,
      ]),
      projBias: add(`${p}.mlp.c_proj.bias`, block.projBias, [width]),
    };
  });

  return {
    positionalEmbedding: add(
      "positional_embedding",
      tower.positionalEmbedding,
      [contextLength, width],
    ),
    causalMask: add("causal_mask", causalMaskValues(contextLength), [
      contextLength,
      contextLength,
    ]),
    blocks,
    lnFinal: layerNorm("ln_final", tower.lnFinal),
    textProjection: add("text_projection", tower.textProjection, [
      width,
      embedDim,
    ]),
  };
}
