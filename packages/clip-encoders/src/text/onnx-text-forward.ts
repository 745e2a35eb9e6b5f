import { attr } from "../onnx/attributes";
import { GraphBuilder } from "../onnx/graph-builder";
import {
  addTextTowerInitializers,
  type LayerNormNames,
  type TextBlockNames,
  type TextTowerNames,
} from "./onnx-text-weights";
import type { TextTower } from "./text-tower";

/**
 * Names of the graph inputs and outputs shared by the forward and the VJP
 * graph. Shapes use the symbolic dimensions `prompts` and `tokens`.
 */
export const TEXT_GRAPH_IO = {
  /** Input E, float32 `[prompts, tokens, width]`. */
  embeddings: "embeddings",
  /**
   * Input, int64 `[prompts]`: row of each prompt's end-of-text token in the
   * flattened `(prompts · tokens) × width` residual stream, `p · tokens + eot[p]`.
   */
  eotRows: "eot_rows",
  /** Input dFeatures (VJP graph only), float32 `[prompts, embedDim]`. */
  featureGradient: "feature_gradient",
  /** Output, float32 `[prompts, embedDim]`. */
  features: "features",
  /** Output dE (VJP graph only), float32 `[prompts, tokens, width]`. */
  embeddingGradient: "embedding_gradient",
} as const;

/** Values of a LayerNorm that its backward pass needs. */
export interface LayerNormTape {
  /** Normalised input `(x − mean) · rstd`, before scale and shift. */
  normalised: string;
  /** `1 / √(var + ε)`, one per row, `[rows, 1]`. */
  rstd: string;
}

/** Forward values of one block that its backward pass needs. */
export interface BlockTape {
  /** LayerNorm before attention. */
  ln1: LayerNormTape;
  /** Queries `[prompts, heads, tokens, headDim]`. */
  queries: string;
  /** Keys, transposed, `[prompts, heads, headDim, tokens]`. */
  keysTransposed: string;
  /** Values `[prompts, heads, tokens, headDim]`. */
  values: string;
  /** Attention probabilities `[prompts, heads, tokens, tokens]`. */
  probabilities: string;
  /** LayerNorm before the MLP. */
  ln2: LayerNormTape;
  /** MLP pre-activation `[prompts · tokens, hidden]`. */
  preActivation: string;
}

/** Result of {@link addTextForward}. */
export interface TextForwardValues {
  /** Features `[prompts, embedDim]`. */
  features: string;
  /** Final residual stream `[prompts · tokens, width]`. */
  stream: string;
  /** Per-block tape (empty unless recording). */
  blocks: BlockTape[];
  /** Final LayerNorm on the end-of-text rows (undefined unless recording). */
  lnFinal?: LayerNormTape;
  /** Symbolic shape values reused by the backward pass. */
  shapes: TextGraphShapes;
}

/** Runtime shape tensors (int64) derived from the `embeddings` input. */
export interface TextGraphShapes {
  /** `[prompts, tokens, heads, headDim]`, for splitting the flat stream into heads. */
  heads: string;
  /** `[prompts, tokens, width]`, the shape of E. */
  embeddings: string;
}

/**
 * Adds the text tower's forward pass to a graph whose inputs
 * {@link TEXT_GRAPH_IO.embeddings} and {@link TEXT_GRAPH_IO.eotRows} exist.
 * With `record` set, LayerNorms are written out so their normalised values
 * and reciprocal standard deviations are available, and every value the
 * backward pass needs is returned; otherwise the fused `LayerNormalization`
 * operator is used.
 *
 * @param g - graph to extend
 * @param tower - dimensions and activation
 * @param names - initializer names from {@link addTextTowerInitializers}
 * @param record - whether to return the tape for a backward pass
 * @returns output and tape value names
 */
export function addTextForward(
  g: GraphBuilder,
  tower: TextTower,
  names: TextTowerNames,
  record: boolean,
): TextForwardValues {
  const { width, heads } = tower;
  const headDim = width / heads;
  const embeddings = TEXT_GRAPH_IO.embeddings;

  const batchDims = g.node("Shape", [embeddings], {
    attributes: { start: attr.int(0), end: attr.int(2) },
  })[0];
  const tokens = g.node("Shape", [embeddings], {
    attributes: { start: attr.int(1), end: attr.int(2) },
  })[0];
  const shapes: TextGraphShapes = {
    heads: g.concat([batchDims, g.int64([heads, headDim])], 0),
    embeddings: g.shape(embeddings),
  };

  const positional = g.node("Slice", [
    names.positionalEmbedding,
    g.int64([0]),
    tokens,
    g.int64([0]),
  ])[0];
  const mask = g.node("Slice", [
    names.causalMask,
    g.int64([0, 0]),
    g.concat([tokens, tokens], 0),
    g.int64([0, 1]),
  ])[0];

  // The residual stream is kept flat, (prompts · tokens) × width, so every
  // linear layer is one Gemm.
  let x = g.reshape(g.add(embeddings, positional), [-1, width]);
  const tapes: BlockTape[] = [];
  for (const block of names.blocks) {
    const ln1 = addLayerNorm(g, x, block.ln1, tower.layerNormEpsilon, record);
    const attention = addAttention(g, ln1.output, block, mask, shapes, tower);
    x = g.add(x, attention.output);

    const ln2 = addLayerNorm(g, x, block.ln2, tower.layerNormEpsilon, record);
    const preActivation = g.gemm(ln2.output, block.fcWeight, block.fcBias, {
      transB: true,
    });
    const activated = addActivation(g, preActivation, tower.activation);
    x = g.add(
      x,
      g.gemm(activated, block.projWeight, block.projBias, { transB: true }),
    );

    if (record) {
      tapes.push({
        ln1: ln1.tape!,
        ...attention.tape,
        ln2: ln2.tape!,
        preActivation,
      });
    }
  }

  // LayerNorm is per row, so normalising only the end-of-text rows gives the
  // same values as normalising every row and gathering afterwards.
  const pooled = g.gather(x, TEXT_GRAPH_IO.eotRows, 0);
  const lnFinal = addLayerNorm(
    g,
    pooled,
    names.lnFinal,
    tower.layerNormEpsilon,
    record,
  );
  const features = g.matMul(lnFinal.output, names.textProjection);
  return { features, stream: x, blocks: tapes, lnFinal: lnFinal.tape, shapes };
}

/**
 * Builds the forward graph: inputs `embeddings` and `eot_rows`, output
 * `features`.
 *
 * @param tower - text-tower weights, stored as initializers
 * @returns serialised ONNX model
 */
export function buildTextForwardModel(tower: TextTower): Uint8Array {
  const g = new GraphBuilder({
    name: "clip_text_forward",
    docString: "CLIP text tower: features of prompt embeddings",
  });
  g.addInput(TEXT_GRAPH_IO.embeddings, "float32", [
    "prompts",
    "tokens",
    tower.width,
  ]);
  g.addInput(TEXT_GRAPH_IO.eotRows, "int64", ["prompts"]);
  const names = addTextTowerInitializers(g, tower);
  const forward = addTextForward(g, tower, names, false);
  g.addOutput(g.identity(forward.features, TEXT_GRAPH_IO.features), "float32", [
    "prompts",
    tower.embedDim,
  ]);
  return g.toBytes();
}

function addLayerNorm(
  g: GraphBuilder,
  x: string,
  weights: LayerNormNames,
  epsilon: number,
  record: boolean,
): { output: string; tape?: LayerNormTape } {
  if (!record) {
    return { output: g.layerNorm(x, weights.weight, weights.bias, epsilon) };
  }

  const mean = reduceMeanLast(g, x);
  const centered = g.sub(x, mean);
  const variance = reduceMeanLast(g, g.mul(centered, centered));
  const rstd = g.node("Reciprocal", [
    g.sqrt(g.add(variance, g.float32(epsilon))),
  ])[0];
  const normalised = g.mul(centered, rstd);
  const output = g.add(g.mul(normalised, weights.weight), weights.bias);
  return { output, tape: { normalised, rstd } };
}

/** Mean over the last axis, kept as size 1 (`ReduceMean` with the opset-17 `axes` attribute). */
export function reduceMeanLast(g: GraphBuilder, x: string): string {
  return g.node("ReduceMean", [x], {
    attributes: { axes: attr.ints([-1]), keepdims: attr.int(1) },
  })[0];
}

function addAttention(
  g: GraphBuilder,
  x: string,
  block: TextBlockNames,
  mask: string,
  shapes: TextGraphShapes,
  tower: TextTower,
): {
  output: string;
  tape: Pick<
    BlockTape,
    "queries" | "keysTransposed" | "values" | "probabilities"
  >;
} {
  const headDim = tower.width / tower.heads;
  const qkv = g.gemm(x, block.inProjWeight, block.inProjBias, { transB: true });
  const [q, k, v] = g.node("Split", [qkv], {
    outputCount: 3,
    attributes: { axis: attr.int(1) },
  });
  const toHeads = (flat: string) => g.node("Reshape", [flat, shapes.heads])[0];

  const queries = g.transpose(toHeads(q), [0, 2, 1, 3]);
  const keysTransposed = g.transpose(toHeads(k), [0, 2, 3, 1]);
  const values = g.transpose(toHeads(v), [0, 2, 1, 3]);
  const scores = g.add(
    g.mul(g.matMul(queries, keysTransposed), g.float32(1 / Math.sqrt(headDim))),
    mask,
  );
  const probabilities = g.softmax(scores, -1);
  const context = g.matMul(probabilities, values);
  const merged = g.reshape(g.transpose(context, [0, 2, 1, 3]), [
    -1,
    tower.width,
  ]);
  const output = g.gemm(merged, block.outProjWeight, block.outProjBias, {
    transB: true,
  });
  return { output, tape: { queries, keysTransposed, values, probabilities } };
}

function addActivation(
  g: GraphBuilder,
  x: string,
  activation: TextTower["activation"],
): string {
  return activation === "gelu" ? g.gelu(x) : g.quickGelu(x);
}
