import * as ort from "onnxruntime-node";

import type { ClipArchitecture, ClipCheckpoint } from "../architecture";
import { Device, OnnxSessionOptions, createOnnxSession } from "../onnx";
import { ImageGraphCacheOptions, locateImageGraph } from "./graph-cache";
import {
  IMAGE_INPUT_NAME,
  ImageGraphOptions,
  ImageOutputInfo,
} from "./vision-graph";

/** Default number of images per ONNX Runtime call. */
export const DEFAULT_IMAGE_BATCH_SIZE = 8;

/** Options of {@link ImageEncoder.create}. */
export interface ImageEncoderOptions
  extends ImageGraphCacheOptions, OnnxSessionOptions {
  /**
   * Images per ONNX Runtime call (default {@link DEFAULT_IMAGE_BATCH_SIZE}).
   * Larger batches run faster per image and need more memory.
   */
  batchSize?: number;
}

/** A float32 array with its row-major shape. */
export interface FeatureArray {
  /** Values in C order. */
  data: Float32Array;
  /** Dimensions, outermost first. */
  shape: number[];
}

/** Features of N images. */
export interface ImageFeatures {
  /** Global image embeddings, (N, embedDim). */
  imageEmbeds: FeatureArray;
  /** Projected V-V patch tokens, (N, patches, embedDim), patches in row-major grid order. */
  vvPatchTokens: FeatureArray;
  /** Original-path patch tokens, one (N, patches, width) array per tap, in tap order. */
  taps: FeatureArray[];
}

/**
 * The frozen CLIP image encoder with the V-V path, run by onnxruntime-node.
 * The graph is generated from the checkpoint's weights (see
 * {@link buildImageEncoderGraph}) and cached on disk.
 *
 * @example
 * ```ts
 * const encoder = await ImageEncoder.create(checkpoint, { intraOpThreads: 2 });
 * const features = await encoder.encode(pixels, 4); // pixels: (4, 3, 240, 240)
 * features.vvPatchTokens.shape; // [4, 225, 640]
 * await encoder.dispose();
 * ```
 */
export class ImageEncoder {
  /** Architecture of the checkpoint. */
  readonly architecture: ClipArchitecture;
  /** Device the session runs on (`cpu` after an allowed CUDA fallback). */
  readonly device: Device;
  /** Graph outputs in order, with shapes and meanings. */
  readonly outputs: ImageOutputInfo[];
  /** Graph options in effect, defaults filled in. */
  readonly graphOptions: Required<ImageGraphOptions>;
  /** Path of the cached graph, `undefined` when it was not cached. */
  readonly graphPath: string | undefined;
  /** Whether the graph was read from the cache. */
  readonly graphFromCache: boolean;
  /** Images per ONNX Runtime call. */
  readonly batchSize: number;

  private session: ort.InferenceSession | undefined;

  private constructor(
    session: ort.InferenceSession,
    fields: Omit<ImageEncoder, "encode" | "dispose">,
  ) {
    this.session = session;
    this.architecture = fields.architecture;
    this.device = fields.device;
    this.outputs = fields.outputs;
    this.graphOptions = fields.graphOptions;
    this.graphPath = fields.graphPath;
    this.graphFromCache = fields.graphFromCache;
    this.batchSize = fields.batchSize;
  }

  /**
   * Generates (or reads from the cache) the image graph of a checkpoint and
   * opens an ONNX Runtime session on it.
   *
   * @param checkpoint - loaded checkpoint
   * @param options - taps, normalisation, cache folder, device, threads and batch size
   * @returns a ready encoder; call {@link ImageEncoder.dispose} when done
   * @throws Error when the weights do not fit the architecture, an option is
   *   invalid, or CUDA is requested and unavailable without an allowed fallback
   */
  static async create(
    checkpoint: ClipCheckpoint,
    options: ImageEncoderOptions = {},
  ): Promise<ImageEncoder> {
    const batchSize = options.batchSize ?? DEFAULT_IMAGE_BATCH_SIZE;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new Error(`batchSize must be a positive integer, got ${batchSize}`);
    }

    const graph = locateImageGraph(checkpoint, options);
    const { session, device } = await createOnnxSession(
      graph.path ?? (graph.model as Uint8Array),
      options,
    );
    return new ImageEncoder(session, {
      architecture: checkpoint.architecture,
      device,
      outputs: graph.outputs,
      graphOptions: graph.options,
      graphPath: graph.path,
      graphFromCache: graph.fromCache,
      batchSize,
    });
  }

  /**
   * Encodes preprocessed images.
   *
   * @param pixels - (count, 3, size, size) float32 in NCHW order, already
   *   resized and normalised with the checkpoint's mean and std
   * @param count - number of images; inferred from the length when omitted
   * @returns features of every image, in input order
   * @throws Error when the length does not fit (count, 3, size, size) or the encoder is disposed
   */
  async encode(pixels: Float32Array, count?: number): Promise<ImageFeatures> {
    const session = this.session;
    if (session === undefined) {
      throw new Error("this ImageEncoder was disposed; create a new one");
    }

    const size = this.architecture.vision.imageSize;
    const imageLength = 3 * size * size;
    const images = count ?? pixels.length / imageLength;
    if (
      !Number.isInteger(images) ||
      images < 1 ||
      pixels.length !== images * imageLength
    ) {
      throw new Error(
        `expected preprocessed pixels of shape (N, 3, ${size}, ${size}) = N × ${imageLength} values${count === undefined ? "" : ` with N = ${count}`}, got ${pixels.length} values; resize images to ${size}x${size} and pass NCHW float32`,
      );
    }

    const chunks = new Map<string, Float32Array[]>();
    for (let start = 0; start < images; start += this.batchSize) {
      const n = Math.min(this.batchSize, images - start);
      const input = new ort.Tensor(
        "float32",
        pixels.subarray(start * imageLength, (start + n) * imageLength),
        [n, 3, size, size],
      );
      const result = await session.run({ [IMAGE_INPUT_NAME]: input });
      for (const info of this.outputs) {
        const list = chunks.get(info.name) ?? [];
        list.push(result[info.name].data as Float32Array);
        chunks.set(info.name, list);
      }
      input.dispose();
    }

    const collect = (info: ImageOutputInfo): FeatureArray => {
      const shape = info.dims.map((dim) =>
        typeof dim === "number" ? dim : images,
      );
      return { data: concatFloat32(chunks.get(info.name) ?? []), shape };
    };
    const [embeds, vv, ...taps] = this.outputs;
    return {
      imageEmbeds: collect(embeds),
      vvPatchTokens: collect(vv),
      taps: taps.map(collect),
    };
  }

  /** Releases the ONNX Runtime session. Further {@link ImageEncoder.encode} calls fail. */
  async dispose(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    await session?.release();
  }
}

function concatFloat32(parts: readonly Float32Array[]): Float32Array {
  if (parts.length === 1) {
    return parts[0];
  }
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const out = new Float32Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
