import type { ClipArchitecture, WeightMap } from "../architecture";
import { Dim, GraphBuilder } from "../onnx";
import { ImageTapConfig, tapPreset, validateTaps } from "./taps";
import {
  checkVisionWeights,
  transposeMatrix,
  visionTensor,
} from "./vision-weights";

/**
 * Version of the image graph generator. It is part of every graph cache key,
 * so bump it whenever the generated graph changes for the same weights.
 */
export const IMAGE_GRAPH_VERSION = "1";

/** Name of the image graph's input: preprocessed pixels, (N, 3, size, size). */
export const IMAGE_INPUT_NAME = "pixel_values";

/** LayerNorm epsilon of every CLIP LayerNorm (PyTorch's `nn.LayerNorm` default). */
const LAYER_NORM_EPSILON = 1e-5;

/** Options of {@link buildImageEncoderGraph}. */
export interface ImageGraphOptions {
  /** Original-path taps; {@link tapPreset}() (blocks 3 and 8, after attention) when omitted. */
  taps?: ImageTapConfig;
  /**
   * L2-normalise every output along its last axis (default `true`), because
   * every image feature of the method is normalised before use. With `false`
   * the graph returns the raw features.
   */
  normalize?: boolean;
}

/** Description of one graph output. */
export interface ImageOutputInfo {
  /** Output name in the ONNX graph. */
  name: string;
  /** Shape; `batch` is the symbolic batch dimension N. */
  dims: Dim[];
  /** Meaning of the values, in one sentence. */
  meaning: string;
}

/** A generated image-encoder graph. */
export interface ImageEncoderGraph {
  /** Serialised ModelProto. */
  model: Uint8Array;
  /** Outputs in graph order. */
  outputs: ImageOutputInfo[];
  /** The options the graph was built with, defaults filled in. */
  options: Required<ImageGraphOptions>;
}

/**
 * Fills in the defaults of image graph options and validates them.
 *
 * @param options - partial options
 * @param architecture - architecture the options are for
 * @returns complete options (a copy)
 */
export function resolveImageGraphOptions(
  options: ImageGraphOptions,
  architecture: ClipArchitecture,
): Required<ImageGraphOptions> {
  const taps = options.taps ?? tapPreset();
  validateTaps(taps, architecture.vision.layers);
  return {
    taps: { blocks: [...taps.blocks], point: taps.point },
    normalize: options.normalize ?? true,
  };
}

/**
 * Describes the outputs a graph built with `options` returns.
 *
 * @param architecture - architecture of the tower
 * @param options - complete options
 * @returns outputs in graph order
 */
export function describeImageOutputs(
  architecture: ClipArchitecture,
  options: Required<ImageGraphOptions>,
): ImageOutputInfo[] {
  const { vision, embedDim } = architecture;
  const grid = vision.imageSize / vision.patchSize;
  const patches = grid * grid;
  const unit = options.normalize ? "L2-normalised" : "unnormalised";
  const place =
    options.taps.point === "after-attention"
      ? "after the attention residual, before the MLP"
      : "at the block output";

  const outputs: ImageOutputInfo[] = [
    {
      name: "image_embeds",
      dims: ["batch", embedDim],
      meaning: `global image embedding: ln_post and projection of the class token, ${unit}`,
    },
    {
      name: "vv_patch_tokens",
      dims: ["batch", patches, embedDim],
      meaning: `V-V path patch tokens (${grid}x${grid} grid, row-major) after ln_post and projection, ${unit}`,
    },
  ];
  options.taps.blocks.forEach((block, i) => {
    outputs.push({
      name: `patch_tokens_tap${i}`,
      dims: ["batch", patches, vision.width],
      meaning: `original-path patch tokens of block ${block} (zero-based) ${place}, class token dropped, no projection, ${unit}`,
    });
  });
  return outputs;
}

/**
 * Generates the ONNX graph of a CLIP vision tower with the V-V attention
 * path (CLIP Surgery style, as PromptAD uses it).
 *
 * With `x0 = ln_pre([class; conv1(img)] + pos)`, both paths start at
 * `orig = vv = x0`. In every block, `h = ln_1(orig)` is projected once to
 * q, k, v per head; the original path adds `out_proj(softmax(q kᵀ/√d) v)`
 * and then the MLP residual, and the V-V path adds
 * `out_proj(softmax(v vᵀ/√d) v)` with no MLP. After the last block the
 * class-token row of `vv` is replaced by that of `orig`, then `ln_post` and
 * `proj` give the global embedding (class token) and the V-V patch tokens.
 * The taps read `orig` at the configured blocks and points.
 *
 * Input `pixel_values`: (N, 3, S, S) float32, preprocessed (normalised) RGB.
 * Outputs: see {@link describeImageOutputs}.
 *
 * @param weights - tensors under OpenCLIP names; only `visual.*` ones are used
 * @param architecture - the checkpoint's architecture
 * @param options - taps and normalisation
 * @returns the serialised graph and its output descriptions
 * @throws Error listing every missing or wrongly shaped vision tensor, or an invalid tap
 */
export function buildImageEncoderGraph(
  weights: WeightMap,
  architecture: ClipArchitecture,
  options: ImageGraphOptions = {},
): ImageEncoderGraph {
  checkVisionWeights(weights, architecture);
  const resolved = resolveImageGraphOptions(options, architecture);
  const outputs = describeImageOutputs(architecture, resolved);

  const g = new GraphBuilder({
    name: `${architecture.name}-vision-vv`,
    metadata: {
      generator: "@devprompt/clip-encoders image encoder",
      generatorVersion: IMAGE_GRAPH_VERSION,
      architecture: architecture.name,
      taps: JSON.stringify(resolved.taps),
      normalize: String(resolved.normalize),
    },
  });
  const tower = new VisionTowerWriter(g, weights, architecture);
  const { vision } = architecture;

  const pixels = g.addInput(IMAGE_INPUT_NAME, "float32", [
    "batch",
    3,
    vision.imageSize,
    vision.imageSize,
  ]);
  const x0 = tower.embed(pixels);

  let orig = x0;
  let vv = x0;
  const taps = new Map<number, string>();
  for (let block = 0; block < vision.layers; block++) {
    const step = tower.block(block, orig, vv);
    if (resolved.taps.point === "after-attention") {
      taps.set(block, step.origAfterAttention);
    } else {
      taps.set(block, step.orig);
    }
    orig = step.orig;
    vv = step.vv;
  }

  // The class-token row of vv becomes orig's; ln_post and proj then serve
  // both the global embedding (row 0) and the V-V patch tokens (rows 1..).
  const last = g.concat(
    [
      g.slice(orig, [0], [1], [1]),
      g.slice(vv, [1], [Number.MAX_SAFE_INTEGER], [1]),
    ],
    1,
  );
  const projected = tower.project(last);
  const finish = (x: string): string =>
    resolved.normalize ? g.l2Normalize(x, -1) : x;

  const values = [
    finish(g.gather(projected, 0, 1)),
    finish(g.slice(projected, [1], [Number.MAX_SAFE_INTEGER], [1])),
    ...resolved.taps.blocks.map((block) => {
      const stream = taps.get(block) as string;
      return finish(g.slice(stream, [1], [Number.MAX_SAFE_INTEGER], [1]));
    }),
  ];
  values.forEach((value, i) => {
    const info = outputs[i];
    g.addOutput(g.identity(value, info.name), "float32", info.dims);
  });

  return { model: g.toBytes(), outputs, options: resolved };
}

/** Results of one residual block of the dual-path tower. */
interface BlockStep {
  /** Original path after the attention residual, before the MLP. */
  origAfterAttention: string;
  /** Original path at the block output. */
  orig: string;
  /** V-V path at the block output. */
  vv: string;
}

/** Writes the pieces of the vision tower into a graph, one method per stage. */
class VisionTowerWriter {
  private readonly headDim: number;

  constructor(
    private readonly g: GraphBuilder,
    private readonly weights: WeightMap,
    private readonly architecture: ClipArchitecture,
  ) {
    const { width, heads } = architecture.vision;
    this.headDim = width / heads;
  }

  /** `ln_pre([class; conv1(img)] + pos)`: (N, 3, S, S) → (N, T, W). */
  embed(pixels: string): string {
    const { g } = this;
    const { width, patchSize } = this.architecture.vision;

    const conv = g.conv(pixels, this.weight("visual.conv1.weight"), {
      strides: [patchSize, patchSize],
    });
    const patches = g.transpose(g.reshape(conv, [0, width, -1]), [0, 2, 1]);

    const batch = g.slice(g.shape(pixels), [0], [1], [0]);
    const classShape = g.concat([batch, g.int64([1, width])], 0);
    const classToken = g.expand(
      this.weight("visual.class_embedding", [1, 1, width]),
      classShape,
    );
    const tokens = g.concat([classToken, patches], 1);
    const positioned = g.add(
      tokens,
      this.weight("visual.positional_embedding"),
    );
    return this.layerNorm("visual.ln_pre", positioned);
  }

  /** Writes one residual block of both paths. */
  block(index: number, orig: string, vv: string): BlockStep {
    const { g } = this;
    const { width, heads } = this.architecture.vision;
    const prefix = `visual.transformer.resblocks.${index}`;

    const h = this.layerNorm(`${prefix}.ln_1`, orig);
    const qkv = g.add(
      g.matMul(h, this.linearWeight(`${prefix}.attn.in_proj_weight`)),
      this.weight(`${prefix}.attn.in_proj_bias`),
    );
    const splitHeads = (start: number): string =>
      g.transpose(
        g.reshape(g.slice(qkv, [start], [start + width], [2]), [
          0,
          0,
          heads,
          this.headDim,
        ]),
        [0, 2, 1, 3],
      );
    const q = splitHeads(0);
    const k = splitHeads(width);
    const v = splitHeads(2 * width);

    const outWeight = this.linearWeight(`${prefix}.attn.out_proj.weight`);
    const outBias = this.weight(`${prefix}.attn.out_proj.bias`);
    const attend = (query: string, key: string): string => {
      const scale = g.float32(1 / Math.sqrt(this.headDim));
      const scores = g.matMul(
        g.mul(query, scale),
        g.transpose(key, [0, 1, 3, 2]),
      );
      const mixed = g.matMul(g.softmax(scores, -1), v);
      const merged = g.reshape(g.transpose(mixed, [0, 2, 1, 3]), [0, 0, width]);
      return g.add(g.matMul(merged, outWeight), outBias);
    };

    const origAfterAttention = g.add(orig, attend(q, k));
    const nextVv = g.add(vv, attend(v, v));

    const mlpIn = this.layerNorm(`${prefix}.ln_2`, origAfterAttention);
    const hidden = g.add(
      g.matMul(mlpIn, this.linearWeight(`${prefix}.mlp.c_fc.weight`)),
      this.weight(`${prefix}.mlp.c_fc.bias`),
    );
    const activated =
      this.architecture.activation === "quick_gelu"
        ? g.quickGelu(hidden)
        : g.gelu(hidden);
    const mlpOut = g.add(
      g.matMul(activated, this.linearWeight(`${prefix}.mlp.c_proj.weight`)),
      this.weight(`${prefix}.mlp.c_proj.bias`),
    );

    return {
      origAfterAttention,
      orig: g.add(origAfterAttention, mlpOut),
      vv: nextVv,
    };
  }

  /** `ln_post(x) @ proj`: (N, T, W) → (N, T, E). */
  project(x: string): string {
    return this.g.matMul(
      this.layerNorm("visual.ln_post", x),
      this.weight("visual.proj"),
    );
  }

  private layerNorm(prefix: string, x: string): string {
    return this.g.layerNorm(
      x,
      this.weight(`${prefix}.weight`),
      this.weight(`${prefix}.bias`),
      LAYER_NORM_EPSILON,
    );
  }

  /** Adds a tensor as an initializer under its OpenCLIP name, optionally reshaped. */
  private weight(name: string, dims?: number[]): string {
    const tensor = visionTensor(this.weights, name);
    return this.g.addInitializer(
      name,
      "float32",
      tensor.data,
      dims ?? tensor.shape,
    );
  }

  /** Adds a PyTorch `[out, in]` linear weight transposed to `[in, out]`. */
  private linearWeight(name: string): string {
    const tensor = visionTensor(this.weights, name);
    const [rows, cols] = tensor.shape;
    return this.g.addInitializer(
      `${name}.T`,
      "float32",
      transposeMatrix(tensor.data, rows, cols),
      [cols, rows],
    );
  }
}
