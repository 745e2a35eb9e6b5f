import type { ContextConfig } from "./context-config";
import { resolveContextConfig } from "./context-config";
import { SeededNormal } from "./seeded-normal";

/** A rank-3 float32 tensor in row-major order. */
export interface ContextTensor {
  /** `[sets, tokens, width]`. */
  shape: [number, number, number];
  /** Row-major values, length `sets · tokens · width`. */
  data: Float32Array;
}

/** The two learnable context tensors. */
export interface LearnableContext {
  /** Normal context C_n, shape `[nPro, nCtx, width]`, shared by every prompt. */
  normal: ContextTensor;
  /** Abnormal context C_a, shape `[nProAb, nCtxAb, width]`, used by learned abnormal prompts. */
  abnormal: ContextTensor;
}

/**
 * Creates C_n and C_a with N(0, initStd²) values from one seeded stream:
 * C_n first, then C_a, each in row-major order.
 *
 * @param config - Sizes, standard deviation and seed.
 * @param width - Token embedding width of the text tower (640 for ViT-B-16-plus-240).
 * @example
 * ```ts
 * const context = initLearnableContext(defaultContextConfig(), 640);
 * context.normal.shape; // [1, 4, 640]
 * context.abnormal.shape; // [4, 1, 640]
 * ```
 */
export function initLearnableContext(
  config: ContextConfig,
  width: number,
): LearnableContext {
  const resolved = resolveContextConfig(config);
  if (!Number.isInteger(width) || width < 1) {
    throw new Error(`context width must be a positive integer, got ${width}`);
  }
  const stream = new SeededNormal(resolved.seed);
  const normal = zeroContextTensor([resolved.nPro, resolved.nCtx, width]);
  const abnormal = zeroContextTensor([resolved.nProAb, resolved.nCtxAb, width]);
  stream.fillNormal(normal.data, resolved.initStd);
  stream.fillNormal(abnormal.data, resolved.initStd);
  return { normal, abnormal };
}

/**
 * Creates a zero-filled context tensor.
 *
 * @param shape - `[sets, tokens, width]`.
 */
export function zeroContextTensor(
  shape: [number, number, number],
): ContextTensor {
  return {
    shape: [...shape],
    data: new Float32Array(shape[0] * shape[1] * shape[2]),
  };
}

/** Returns a deep copy of a context (fresh arrays). */
export function cloneLearnableContext(
  context: LearnableContext,
): LearnableContext {
  return {
    normal: {
      shape: [...context.normal.shape],
      data: context.normal.data.slice(),
    },
    abnormal: {
      shape: [...context.abnormal.shape],
      data: context.abnormal.data.slice(),
    },
  };
}

/**
 * Checks that a context matches a configuration and width.
 *
 * @throws Error naming the tensor, its shape and the expected shape.
 */
export function checkContextShape(
  context: LearnableContext,
  config: ContextConfig,
  width: number,
): void {
  const expected: Record<"normal" | "abnormal", [number, number, number]> = {
    normal: [config.nPro, config.nCtx, width],
    abnormal: [config.nProAb, config.nCtxAb, width],
  };
  for (const name of ["normal", "abnormal"] as const) {
    const tensor = context[name];
    const want = expected[name];
    const size = want[0] * want[1] * want[2];
    if (
      tensor.shape.length !== 3 ||
      tensor.shape.some((dim, i) => dim !== want[i]) ||
      tensor.data.length !== size
    ) {
      throw new Error(
        `${name} context has shape [${tensor.shape.join(", ")}] with ` +
          `${tensor.data.length} values; expected [${want.join(", ")}] from the ` +
          `context config and token embedding width`,
      );
    }
  }
}
