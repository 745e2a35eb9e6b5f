import type { ClipArchitecture, WeightMap } from "../architecture/types";
import { validateArchitecture } from "../architecture/validate";
import { expectedWeightShapes } from "../architecture/weight-shapes";
import { SeededRandom } from "./prng";

/** Initial `logit_scale`: ln(100), the value trained CLIP models end at. */
const LOGIT_SCALE = Math.log(100);

/** Options of {@link generateRandomWeights}. */
export interface GenerateWeightsOptions {
  /**
   * Called after each tensor with the values generated so far and the total,
   * in elements; a full-size model takes tens of seconds.
   */
  onProgress?: (doneValues: number, totalValues: number) => void;
}

/** A normal distribution N(mean, std²) to draw one tensor from. */
interface NormalInit {
  mean: number;
  std: number;
}

/**
 * Chooses the distribution of one tensor.
 *
 * The scales keep activations in a sane range through every block while
 * making every tensor matter, so an encoder that skips or misreads one gives
 * visibly different outputs:
 * - LayerNorm weights N(1, 0.1²) and every bias N(0, 0.1²), never the
 *   identity or zero.
 * - Projections into attention and the MLP have std 1/√fan_in, so q, k, v and
 *   the hidden units have about unit variance.
 * - Projections back into the residual stream (`out_proj`, `c_proj`) are
 *   further scaled by 1/√(2·layers), so all blocks of a tower together add
 *   only about unit variance to the residual stream.
 * - Class, patch-position, token and text-position embeddings are large
 *   enough (std 0.5–1) to change the output, unlike CLIP's training
 *   initialisation (std 0.01–0.03).
 * - `logit_scale` is the constant ln(100).
 */
function initFor(
  name: string,
  shape: number[],
  arch: ClipArchitecture,
): NormalInit {
  const isVision = name.startsWith("visual.");
  const layers = isVision ? arch.vision.layers : arch.text.layers;
  const fanIn =
    shape.length >= 2 ? shape.slice(1).reduce((a, b) => a * b, 1) : shape[0];
  const residualScale = 1 / Math.sqrt(2 * layers);

  if (/(^|\.)ln_\w+\.weight$/.test(name)) {
    return { mean: 1, std: 0.1 };
  }
  if (name.endsWith("bias")) {
    return { mean: 0, std: 0.1 };
  }

  switch (name) {
    case "visual.class_embedding":
      return { mean: 0, std: 1 };
    case "visual.positional_embedding":
      return { mean: 0, std: 0.5 };
    case "token_embedding.weight":
      return { mean: 0, std: 0.5 };
    case "positional_embedding":
      return { mean: 0, std: 0.25 };
    case "visual.proj":
    case "text_projection":
      // Stored as [width, embed] and applied as x @ proj, so fan-in is rows.
      return { mean: 0, std: 1 / Math.sqrt(shape[0]) };
  }

  if (
    name.endsWith("attn.out_proj.weight") ||
    name.endsWith("mlp.c_proj.weight")
  ) {
    return { mean: 0, std: residualScale / Math.sqrt(fanIn) };
  }

  // conv1, in_proj and c_fc weights.
  return { mean: 0, std: 1 / Math.sqrt(fanIn) };
}

/**
 * Generates random weights for a ViT CLIP architecture, deterministically from
 * a seed. Every tensor of {@link expectedWeightShapes} is filled, in that
 * order; each tensor has its own random stream named after it, so its values
 * depend only on the seed, its name and its shape.
 *
 * @param arch - Architecture, registered or custom.
 * @param seed - Non-negative safe integer.
 * @param options - Progress callback.
 * @returns Float32 weights under their OpenCLIP names (`sourceDtype` F32).
 * @throws Error when the architecture or seed is invalid.
 * @example
 * ```ts
 * const weights = generateRandomWeights(getArchitecture('test-tiny'), 7);
 * weights.get('logit_scale')!.data[0]; // 4.6051702 (ln 100)
 * ```
 */
export function generateRandomWeights(
  arch: ClipArchitecture,
  seed: number,
  options: GenerateWeightsOptions = {},
): WeightMap {
  validateArchitecture(arch);
  // Validate the seed once, before any allocation.
  new SeededRandom(seed);

  const shapes = expectedWeightShapes(arch);
  let total = 0;
  for (const shape of shapes.values()) {
    total += shape.reduce((a, b) => a * b, 1);
  }
  let done = 0;

  const weights: WeightMap = new Map();
  for (const [name, shape] of shapes) {
    const count = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(count);

    if (name === "logit_scale") {
      data[0] = LOGIT_SCALE;
    } else {
      const { mean, std } = initFor(name, shape, arch);
      const random = new SeededRandom(seed, `${name}[${shape.join(",")}]`);
      random.fillNormal(data, mean, std);
    }

    weights.set(name, { shape, data, sourceDtype: "F32" });
    done += count;
    options.onProgress?.(done, total);
  }
  return weights;
}
