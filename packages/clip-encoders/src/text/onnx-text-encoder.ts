import * as ort from "onnxruntime-node";

import {
  createOnnxSession,
  type Device,
  type OnnxSessionHandle,
  type OnnxSessionOptions,
} from "../onnx/session";
import type { DifferentiableTextEncoder } from "./differentiable-text-encoder";
import { buildTextForwardModel, TEXT_GRAPH_IO } from "./onnx-text-forward";
import { buildTextVjpModel } from "./onnx-text-vjp";
import {
  padTokens,
  prepareTextBatch,
  type PreparedTextBatch,
} from "./text-batch";
import type { TextTower } from "./text-tower";

/** Options of {@link createOnnxTextEncoder}. */
export interface OnnxTextEncoderOptions extends OnnxSessionOptions {
  /**
   * Cut every prompt after the maximum end-of-text position before running
   * (default true). The causal mask makes the cut exact; `false` exists to
   * test that claim.
   */
  truncate?: boolean;
}

/** The ONNX Runtime text encoder, with the device its sessions really run on. */
export interface OnnxTextEncoder extends DifferentiableTextEncoder {
  /** `cuda` only when the CUDA execution provider was registered. */
  readonly device: Device;
}

/**
 * Creates the ONNX Runtime implementation of the differentiable text
 * encoder. It generates two graphs from the weights: the forward pass, and
 * the vector-Jacobian product with the forward pass recomputed inside it
 * (written with standard operators, no training extensions), and opens one
 * session for each. Each session keeps its own copy of the weights.
 *
 * NOTE: only the CPU provider has been run. The graphs use only standard
 * opset-17 operators, but no CUDA build of onnxruntime-node was available to
 * run them on a GPU.
 *
 * @param tower - text-tower weights from {@link readTextTower}
 * @param options - device (`cpu` by default, `cuda` needs the CUDA build of
 *   onnxruntime-node), threads, truncation
 * @returns the encoder; call `dispose` to release both sessions
 * @throws Error when `device` is `cuda` and the CUDA provider is unavailable
 *   (unless `allowCpuFallback` is set)
 * @example
 * ```ts
 * const encoder = await createOnnxTextEncoder(readTextTower(weights, architecture));
 * const features = await encoder.forward(embeddings, eot); // prompts × embedDim
 * const dE = await encoder.vjp(embeddings, eot, dFeatures); // prompts × tokens × width
 * ```
 */
export async function createOnnxTextEncoder(
  tower: TextTower,
  options: OnnxTextEncoderOptions = {},
): Promise<OnnxTextEncoder> {
  const forward = await createOnnxSession(
    buildTextForwardModel(tower),
    options,
  );
  let vjp: OnnxSessionHandle;
  try {
    vjp = await createOnnxSession(buildTextVjpModel(tower), {
      ...options,
      device: forward.device,
    });
  } catch (error) {
    await forward.session.release();
    throw error;
  }
  return new OnnxRuntimeTextEncoder(
    tower,
    forward.session,
    vjp.session,
    forward.device,
    options.truncate ?? true,
  );
}

class OnnxRuntimeTextEncoder implements OnnxTextEncoder {
  readonly width: number;
  readonly embedDim: number;
  readonly contextLength: number;
  private disposed = false;

  constructor(
    tower: TextTower,
    private readonly forwardSession: ort.InferenceSession,
    private readonly vjpSession: ort.InferenceSession,
    readonly device: Device,
    private readonly truncate: boolean,
  ) {
    this.width = tower.width;
    this.embedDim = tower.embedDim;
    this.contextLength = tower.contextLength;
  }

  async forward(
    embeddings: Float32Array,
    eot: Int32Array,
  ): Promise<Float32Array> {
    this.checkAlive();
    const batch = prepareTextBatch(embeddings, eot, this, this.truncate);

    const outputs = await this.forwardSession.run(this.feeds(batch, eot));
    return outputs[TEXT_GRAPH_IO.features].data as Float32Array;
  }

  async vjp(
    embeddings: Float32Array,
    eot: Int32Array,
    featureGradient: Float32Array,
  ): Promise<Float32Array> {
    this.checkAlive();
    const batch = prepareTextBatch(
      embeddings,
      eot,
      this,
      this.truncate,
      featureGradient,
    );

    const feeds = this.feeds(batch, eot);
    feeds[TEXT_GRAPH_IO.featureGradient] = new ort.Tensor(
      "float32",
      featureGradient,
      [batch.shape.prompts, this.embedDim],
    );
    const outputs = await this.vjpSession.run(feeds, [
      TEXT_GRAPH_IO.embeddingGradient,
    ]);
    const gradient = outputs[TEXT_GRAPH_IO.embeddingGradient]
      .data as Float32Array;
    return padTokens(gradient, batch.shape, batch.keep);
  }

  async dispose(): Promise<void> {
    if (this.disposed) {
      return;
    }
    this.disposed = true;
    await this.forwardSession.release();
    await this.vjpSession.release();
  }

  private feeds(
    batch: PreparedTextBatch,
    eot: Int32Array,
  ): Record<string, ort.Tensor> {
    const { shape, keep, input } = batch;
    const rows = BigInt64Array.from(eot, (position, p) =>
      BigInt(p * keep + position),
    );
    return {
      [TEXT_GRAPH_IO.embeddings]: new ort.Tensor("float32", input, [
        shape.prompts,
        keep,
        this.width,
      ]),
      [TEXT_GRAPH_IO.eotRows]: new ort.Tensor("int64", rows, [shape.prompts]),
    };
  }

  private checkAlive(): void {
    if (this.disposed) {
      throw new Error(
        "ONNX text encoder: used after dispose; create a new encoder",
      );
    }
  }
}
