import { attr } from "../onnx/attributes";
import { GraphBuilder } from "../onnx/graph-builder";
import { QUICK_GELU_SLOPE } from "./activation";
import {
  addTextForward,
  reduceMeanLast,
  TEXT_GRAPH_IO,
  type BlockTape,
  type LayerNormTape,
  type TextGraphShapes,
} from "./onnx-text-forward";
import {
  addTextTowerInitializers,
  type LayerNormNames,
  type TextBlockNames,
} from "./onnx-text-weights";
import type { TextTower } from "./text-tower";

/**
 * Builds the vector-Jacobian-product graph of the text tower: inputs
 * `embeddings`, `eot_rows` and `feature_gradient`, outputs `features` and
 * `embedding_gradient` (dE). The graph recomputes the forward pass and then
 * runs a backward pass written by hand with standard operators. It goes
 * through the projection, the final LayerNorm and the end-of-text gather (as
 * `ScatterND`), then through every block from last to first: the MLP with
 * its activation derivative, both LayerNorms, and multi-head attention
 * through the softmax and the causal mask.
 *
 * @param tower - text-tower weights, stored as initializers
 * @returns serialised ONNX model
 */
export function buildTextVjpModel(tower: TextTower): Uint8Array {
  const g = new GraphBuilder({
    name: "clip_text_vjp",
    docString:
      "CLIP text tower: features and the gradient with respect to the prompt embeddings",
  });
  const { width, embedDim } = tower;
  g.addInput(TEXT_GRAPH_IO.embeddings, "float32", ["prompts", "tokens", width]);
  g.addInput(TEXT_GRAPH_IO.eotRows, "int64", ["prompts"]);
  g.addInput(TEXT_GRAPH_IO.featureGradient, "float32", ["prompts", embedDim]);
  const names = addTextTowerInitializers(g, tower);
  const forward = addTextForward(g, tower, names, true);

  // features = LN_final(x[eot_rows]) · P, so d(LN output) = dF · Pᵀ.
  const pooledGradient = addLayerNormBackward(
    g,
    g.gemm(TEXT_GRAPH_IO.featureGradient, names.textProjection, undefined, {
      transB: true,
    }),
    forward.lnFinal!,
    names.lnFinal,
  );

  // The gather's adjoint puts each prompt's row back at its end-of-text row.
  // The rows are distinct, so ScatterND has no colliding updates.
  const zeros = g.node("ConstantOfShape", [g.shape(forward.stream)], {
    attributes: { value: attr.tensor("float32", new Float32Array([0]), [1]) },
  })[0];
  let dx = g.node("ScatterND", [
    zeros,
    g.unsqueeze(TEXT_GRAPH_IO.eotRows, [1]),
    pooledGradient,
  ])[0];

  for (let i = names.blocks.length - 1; i >= 0; i--) {
    dx = addBlockBackward(
      g,
      dx,
      names.blocks[i],
      forward.blocks[i],
      forward.shapes,
      tower,
    );
  }

  // E + positional embedding passes the gradient through unchanged.
  const embeddingGradient = g.node("Reshape", [dx, forward.shapes.embeddings], {
    outputNames: [TEXT_GRAPH_IO.embeddingGradient],
  })[0];
  g.addOutput(g.identity(forward.features, TEXT_GRAPH_IO.features), "float32", [
    "prompts",
    embedDim,
  ]);
  g.addOutput(embeddingGradient, "float32", ["prompts", "tokens", width]);
  return g.toBytes();
}

/**
 * Backward pass of one pre-LN block `y = h + mlp(ln_2(h))`, `h = x + attn(ln_1(x))`.
 *
 * @returns dx, `[prompts · tokens, width]`
 */
function addBlockBackward(
  g: GraphBuilder,
  dy: string,
  block: TextBlockNames,
  tape: BlockTape,
  shapes: TextGraphShapes,
  tower: TextTower,
): string {
  // MLP: y = h + c_proj(act(c_fc(ln_2(h)))).
  const dActivated = g.gemm(dy, block.projWeight);
  const dPre = g.mul(
    dActivated,
    addActivationDerivative(g, tape.preActivation, tower.activation),
  );
  const dLn2 = g.gemm(dPre, block.fcWeight);
  const dh = g.add(dy, addLayerNormBackward(g, dLn2, tape.ln2, block.ln2));

  // Attention: h = x + out_proj(attention(in_proj(ln_1(x)))).
  const dLn1 = addAttentionBackward(g, dh, block, tape, shapes, tower);
  return g.add(dh, addLayerNormBackward(g, dLn1, tape.ln1, block.ln1));
}

/**
 * Backward pass of multi-head attention `out_proj(softmax(q kᵀ / √d + mask) v)`
 * with q, k, v from `in_proj`. For `P = softmax(S)` row-wise,
 * `dS = P ⊙ (dP − Σ_j dP ⊙ P)`. Masked entries have P = 0 and get no gradient.
 *
 * @returns gradient with respect to the attention input (the ln_1 output), `[prompts · tokens, width]`
 */
function addAttentionBackward(
  g: GraphBuilder,
  dOutput: string,
  block: TextBlockNames,
  tape: BlockTape,
  shapes: TextGraphShapes,
  tower: TextTower,
): string {
  const scale = g.float32(1 / Math.sqrt(tower.width / tower.heads));
  const toFlat = (perHead: string, perm: number[]) =>
    g.reshape(g.transpose(perHead, perm), [-1, tower.width]);

  const dMerged = g.gemm(dOutput, block.outProjWeight);
  const dContext = g.transpose(
    g.node("Reshape", [dMerged, shapes.heads])[0],
    [0, 2, 1, 3],
  );

  // context = P · V
  const dProbabilities = g.matMul(
    dContext,
    g.transpose(tape.values, [0, 1, 3, 2]),
  );
  const dValues = g.matMul(
    g.transpose(tape.probabilities, [0, 1, 3, 2]),
    dContext,
  );

  // P = softmax(S)
  const rowDot = g.reduceSum(
    g.mul(dProbabilities, tape.probabilities),
    [-1],
    true,
  );
  const dScores = g.mul(
    g.mul(tape.probabilities, g.sub(dProbabilities, rowDot)),
    scale,
  );

  // S = q · kᵀ · scale (the scale is folded into dScores above)
  const dQueries = g.matMul(
    dScores,
    g.transpose(tape.keysTransposed, [0, 1, 3, 2]),
  );
  const dKeysTransposed = g.matMul(
    g.transpose(tape.queries, [0, 1, 3, 2]),
    dScores,
  );

  const dQkv = g.concat(
    [
      toFlat(dQueries, [0, 2, 1, 3]),
      toFlat(dKeysTransposed, [0, 3, 1, 2]),
      toFlat(dValues, [0, 2, 1, 3]),
    ],
    1,
  );
  return g.gemm(dQkv, block.inProjWeight);
}

/**
 * Backward pass of LayerNorm `y = x̂ · γ + β`, `x̂ = (x − mean) · rstd`:
 * `dx = rstd · (g − mean(g) − x̂ · mean(g · x̂))` with `g = dy · γ`.
 *
 * @returns dx, same shape as dy
 */
function addLayerNormBackward(
  g: GraphBuilder,
  dy: string,
  tape: LayerNormTape,
  weights: LayerNormNames,
): string {
  const scaled = g.mul(dy, weights.weight);
  const meanScaled = reduceMeanLast(g, scaled);
  const meanProjection = reduceMeanLast(g, g.mul(scaled, tape.normalised));
  const centred = g.sub(
    g.sub(scaled, meanScaled),
    g.mul(tape.normalised, meanProjection),
  );
  return g.mul(centred, tape.rstd);
}

/**
 * Derivative of the MLP activation at `x`:
 * GELU `0.5 · (1 + erf(x/√2)) + x · exp(−x²/2) / √(2π)`;
 * QuickGELU with `s = σ(a·x)`, `s · (1 + a · x · (1 − s))`, a = 1.702.
 */
function addActivationDerivative(
  g: GraphBuilder,
  x: string,
  activation: TextTower["activation"],
): string {
  if (activation === "gelu") {
    const cdf = g.mul(
      g.add(g.erf(g.mul(x, g.float32(Math.SQRT1_2))), g.float32(1)),
      g.float32(0.5),
    );
    const density = g.node("Exp", [g.mul(g.mul(x, x), g.float32(-0.5))])[0];
    return g.add(
      cdf,
      g.mul(g.mul(x, density), g.float32(1 / Math.sqrt(2 * Math.PI))),
    );
  }

  const s = g.sigmoid(g.mul(x, g.float32(QUICK_GELU_SLOPE)));
  const oneMinusS = g.sub(g.float32(1), s);
  const inner = g.add(
    g.float32(1),
    g.mul(g.mul(x, g.float32(QUICK_GELU_SLOPE)), oneMinusS),
  );
  return g.mul(s, inner);
}
