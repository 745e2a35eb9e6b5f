import * as tf from "@tensorflow/tfjs";

import { QUICK_GELU_SLOPE } from "./activation";
import { causalMaskValues } from "./causal-mask";
import type { DifferentiableTextEncoder } from "./differentiable-text-encoder";
import { padTokens, prepareTextBatch } from "./text-batch";
import type { TextTower } from "./text-tower";

/** Options of {@link createTfjsTextEncoder}. */
export interface TfjsTextEncoderOptions {
  /**
   * tfjs backend to switch to before the weights are uploaded. This changes
   * the process-wide tfjs backend; when omitted, the current backend is used.
   * Prefer `wasm` in Node, because the pure-JavaScript `cpu` backend is much
   * slower for the matrix products of this encoder.
   */
  backend?: "cpu" | "wasm";
  /**
   * Cut every prompt after the maximum end-of-text position before running
   * (default true). The causal mask makes the cut exact; `false` exists to
   * test that claim.
   */
  truncate?: boolean;
}

interface TfLayerNorm {
  weight: tf.Tensor1D;
  bias: tf.Tensor1D;
}

interface TfBlock {
  ln1: TfLayerNorm;
  inProjWeight: tf.Tensor2D;
  inProjBias: tf.Tensor1D;
  outProjWeight: tf.Tensor2D;
  outProjBias: tf.Tensor1D;
  ln2: TfLayerNorm;
  fcWeight: tf.Tensor2D;
  fcBias: tf.Tensor1D;
  projWeight: tf.Tensor2D;
  projBias: tf.Tensor1D;
}

/**
 * Creates the TensorFlow.js reference implementation of the differentiable
 * text encoder. Its gradient comes from tfjs automatic differentiation
 * (`tf.grad`), so it is an independent check of the hand-written ONNX
 * vector-Jacobian product. It is far slower than the ONNX backend and meant
 * for tests and for machines without ONNX Runtime.
 *
 * The end-of-text rows are picked with a one-hot matrix product rather than
 * `tf.gather`, because the wasm backend has no gradient for `gather`.
 *
 * @param tower - text-tower weights from {@link readTextTower}; copied into tfjs tensors
 * @param options - backend and truncation
 * @returns an encoder; call `dispose` to free its tensors
 */
export async function createTfjsTextEncoder(
  tower: TextTower,
  options: TfjsTextEncoderOptions = {},
): Promise<DifferentiableTextEncoder> {
  if (options.backend === "wasm") {
    // Registers the backend; importing it only when requested keeps the
    // process-wide default backend unchanged otherwise.
    await import("@tensorflow/tfjs-backend-wasm");
  }
  if (options.backend !== undefined) {
    const switched = await tf.setBackend(options.backend);
    if (!switched) {
      throw new Error(
        `tfjs text encoder: backend ${options.backend} failed to initialise; use 'cpu'`,
      );
    }
  }
  await tf.ready();
  return new TfjsTextEncoder(tower, options.truncate ?? true);
}

class TfjsTextEncoder implements DifferentiableTextEncoder {
  readonly width: number;
  readonly embedDim: number;
  readonly contextLength: number;

  private readonly heads: number;
  private readonly epsilon: number;
  private readonly activation: TextTower["activation"];
  private readonly truncate: boolean;
  private readonly positional: tf.Tensor2D;
  private readonly causalMask: tf.Tensor2D;
  private readonly blocks: TfBlock[];
  private readonly lnFinal: TfLayerNorm;
  private readonly projection: tf.Tensor2D;
  private disposed = false;

  constructor(tower: TextTower, truncate: boolean) {
    const { width, hiddenWidth, contextLength, embedDim } = tower;
    this.width = width;
    this.embedDim = embedDim;
    this.contextLength = contextLength;
    this.heads = tower.heads;
    this.epsilon = tower.layerNormEpsilon;
    this.activation = tower.activation;
    this.truncate = truncate;

    const vector = (data: Float32Array) => tf.tensor1d(data);
    const matrix = (data: Float32Array, rows: number, cols: number) =>
      tf.tensor2d(data, [rows, cols]);
    const layerNorm = (weights: TextTower["lnFinal"]): TfLayerNorm => ({
      weight: vector(weights.weight),
      bias: vector(weights.bias),
    });

    this.positional = matrix(tower.positionalEmbedding, contextLength, width);
    this.causalMask = tf.tensor2d(causalMaskValues(contextLength), [
      contextLength,
      contextLength,
    ]);
    this.blocks = tower.blocks.map((block) => ({
      ln1: layerNorm(block.ln1),
      inProjWeight: matrix(block.inProjWeight, 3 * width, width),
      inProjBias: vector(block.inProjBias),
      outProjWeight: matrix(block.outProjWeight, width, width),
      outProjBias: vector(block.outProjBias),
      ln2: layerNorm(block.ln2),
      fcWeight: matrix(block.fcWeight, hiddenWidth, width),
      fcBias: vector(block.fcBias),
      projWeight: matrix(block.projWeight, width, hiddenWidth),
      projBias: vector(block.projBias),
    }));
    this.lnFinal = layerNorm(tower.lnFinal);
    this.projection = matrix(tower.textProjection, width, embedDim);
  }

  async forward(
    embeddings: Float32Array,
    eot: Int32Array,
  ): Promise<Float32Array> {
    this.checkAlive();
    const { shape, keep, input } = prepareTextBatch(
      embeddings,
      eot,
      this,
      this.truncate,
    );

    const features = tf.tidy(() =>
      this.encode(
        tf.tensor3d(input, [shape.prompts, keep, this.width]),
        this.eotSelector(eot, keep),
      ),
    );
    return readAndDispose(features);
  }

  async vjp(
    embeddings: Float32Array,
    eot: Int32Array,
    featureGradient: Float32Array,
  ): Promise<Float32Array> {
    this.checkAlive();
    const { shape, keep, input } = prepareTextBatch(
      embeddings,
      eot,
      this,
      this.truncate,
      featureGradient,
    );

    const gradient = tf.tidy(() => {
      const selector = this.eotSelector(eot, keep);
      const encode = (e: tf.Tensor) => this.encode(e as tf.Tensor3D, selector);
      return tf.grad(encode)(
        tf.tensor3d(input, [shape.prompts, keep, this.width]),
        tf.tensor2d(featureGradient, [shape.prompts, this.embedDim]),
      );
    });
    return padTokens(await readAndDispose(gradient), shape, keep);
  }

  async dispose(): Promise<void> {
    if (this.disposed) {
      return;
    }
    this.disposed = true;
    tf.dispose([
      this.positional,
      this.causalMask,
      this.lnFinal.weight,
      this.lnFinal.bias,
      this.projection,
    ]);
    for (const block of this.blocks) {
      tf.dispose([
        block.ln1.weight,
        block.ln1.bias,
        block.inProjWeight,
        block.inProjBias,
        block.outProjWeight,
        block.outProjBias,
        block.ln2.weight,
        block.ln2.bias,
        block.fcWeight,
        block.fcBias,
        block.projWeight,
        block.projBias,
      ]);
    }
  }

  /** Features `prompts × embedDim` of E (`prompts × tokens × width`). */
  private encode(embeddings: tf.Tensor3D, selector: tf.Tensor2D): tf.Tensor2D {
    const [prompts, tokens, width] = embeddings.shape;
    const positional = tf.slice(this.positional, [0, 0], [tokens, width]);
    const mask = tf.slice(this.causalMask, [0, 0], [tokens, tokens]);

    // The residual stream is kept flat, (prompts · tokens) × width.
    let x: tf.Tensor2D = tf.reshape(tf.add(embeddings, positional), [
      prompts * tokens,
      width,
    ]);
    for (const block of this.blocks) {
      const attended = this.attention(
        this.layerNorm(x, block.ln1),
        block,
        prompts,
        tokens,
        mask,
      );
      x = tf.add(x, attended);
      x = tf.add(x, this.mlp(this.layerNorm(x, block.ln2), block));
    }

    const pooled: tf.Tensor2D = tf.matMul(selector, x);
    return tf.matMul(this.layerNorm(pooled, this.lnFinal), this.projection);
  }

  private attention(
    x: tf.Tensor2D,
    block: TfBlock,
    prompts: number,
    tokens: number,
    mask: tf.Tensor2D,
  ): tf.Tensor2D {
    const headDim = this.width / this.heads;
    const qkv = linear(x, block.inProjWeight, block.inProjBias);
    const [q, k, v] = tf.split(qkv, 3, 1);
    const splitHeads = (t: tf.Tensor) =>
      tf.transpose(
        tf.reshape(t, [prompts, tokens, this.heads, headDim]),
        [0, 2, 1, 3],
      );

    const scores = tf.add(
      tf.mul(
        tf.matMul(splitHeads(q), splitHeads(k), false, true),
        1 / Math.sqrt(headDim),
      ),
      mask,
    );
    const context = tf.matMul(tf.softmax(scores), splitHeads(v));
    const merged = tf.reshape(tf.transpose(context, [0, 2, 1, 3]), [
      prompts * tokens,
      this.width,
    ]);
    return linear(
      merged as tf.Tensor2D,
      block.outProjWeight,
      block.outProjBias,
    );
  }

  private mlp(x: tf.Tensor2D, block: TfBlock): tf.Tensor2D {
    const hidden = linear(x, block.fcWeight, block.fcBias);
    const activated =
      this.activation === "gelu"
        ? tf.mul(
            tf.mul(hidden, 0.5),
            tf.add(tf.erf(tf.mul(hidden, Math.SQRT1_2)), 1),
          )
        : tf.mul(hidden, tf.sigmoid(tf.mul(hidden, QUICK_GELU_SLOPE)));
    return linear(activated as tf.Tensor2D, block.projWeight, block.projBias);
  }

  private layerNorm(x: tf.Tensor2D, weights: TfLayerNorm): tf.Tensor2D {
    const mean = tf.mean(x, -1, true);
    const centered = tf.sub(x, mean);
    const variance = tf.mean(tf.square(centered), -1, true);
    const normalised = tf.mul(
      centered,
      tf.rsqrt(tf.add(variance, this.epsilon)),
    );
    return tf.add(tf.mul(normalised, weights.weight), weights.bias);
  }

  /** One-hot rows picking `eot[p]` of prompt `p` from the flat stream: `prompts × (prompts · tokens)`. */
  private eotSelector(eot: Int32Array, tokens: number): tf.Tensor2D {
    const prompts = eot.length;
    const values = new Float32Array(prompts * prompts * tokens);
    for (let p = 0; p < prompts; p++) {
      values[p * prompts * tokens + p * tokens + eot[p]] = 1;
    }
    return tf.tensor2d(values, [prompts, prompts * tokens]);
  }

  private checkAlive(): void {
    if (this.disposed) {
      throw new Error(
        "tfjs text encoder: used after dispose; create a new encoder",
      );
    }
  }
}

/** `x · Wᵀ + b` with W in the PyTorch `out × in` layout. */
function linear(
  x: tf.Tensor2D,
  weight: tf.Tensor2D,
  bias: tf.Tensor1D,
): tf.Tensor2D {
  return tf.add(tf.matMul(x, weight, false, true), bias);
}

async function readAndDispose(tensor: tf.Tensor): Promise<Float32Array> {
  try {
    return (await tensor.data()) as Float32Array;
  } finally {
    tensor.dispose();
  }
}
