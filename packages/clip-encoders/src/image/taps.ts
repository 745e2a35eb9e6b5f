/**
 * Position inside a block at which an original-path tap reads the residual stream.
 *
 * - `after-attention`: inside the block, after the attention residual and
 *   before the MLP, `o + attn(ln_1(o))` where `o` is the block's input.
 * - `block-output`: the block's output, after the MLP residual.
 */
export type TapPoint = "after-attention" | "block-output";

/** Positions of the original-path patch-token taps kept for the visual memory. */
export interface ImageTapConfig {
  /** Zero-based block indices, one output per entry, in this order. */
  blocks: number[];
  /** Point inside each listed block. */
  point: TapPoint;
}

/**
 * Names of the built-in tap presets:
 *
 * - `reference` (the default): blocks 3 and 8, after attention. PromptAD's
 *   public code keeps the outputs of blocks 2 and 7 (zero-based), but the
 *   next block adds its attention residual to those tensors in place
 *   (`x_ori += ...`). The features it really uses, and so the published
 *   numbers, are the residual stream inside blocks 3 and 8 after their
 *   attention residual and before their MLP.
 * - `block-output`: the plain outputs of blocks 2 and 7, which is what that
 *   code meant to store.
 */
export type TapPreset = "reference" | "block-output";

const TAP_PRESETS: Record<TapPreset, ImageTapConfig> = {
  reference: { blocks: [3, 8], point: "after-attention" },
  "block-output": { blocks: [2, 7], point: "block-output" },
};

/** The tap preset used when none is given. */
export const DEFAULT_TAP_PRESET: TapPreset = "reference";

/**
 * Returns a copy of a tap preset.
 *
 * @param preset - preset name, {@link DEFAULT_TAP_PRESET} when omitted
 * @returns a new tap configuration the caller may modify
 * @example
 * ```ts
 * tapPreset(); // { blocks: [3, 8], point: 'after-attention' }
 * tapPreset('block-output'); // { blocks: [2, 7], point: 'block-output' }
 * ```
 */
export function tapPreset(
  preset: TapPreset = DEFAULT_TAP_PRESET,
): ImageTapConfig {
  const config = TAP_PRESETS[preset];
  if (config === undefined) {
    throw new Error(
      `unknown tap preset ${String(preset)}; expected one of ${Object.keys(TAP_PRESETS).join(", ")}`,
    );
  }
  return { blocks: [...config.blocks], point: config.point };
}

/**
 * Checks a tap configuration against the number of blocks of a tower.
 *
 * @param taps - configuration to check
 * @param layers - number of residual blocks of the vision tower
 * @throws Error naming every invalid block index and the valid range
 */
export function validateTaps(taps: ImageTapConfig, layers: number): void {
  if (taps.point !== "after-attention" && taps.point !== "block-output") {
    throw new Error(
      `invalid tap point ${String(taps.point)}; expected after-attention or block-output`,
    );
  }
  if (taps.blocks.length === 0) {
    throw new Error("a tap configuration needs at least one block index");
  }
  const invalid = taps.blocks.filter(
    (block) => !Number.isInteger(block) || block < 0 || block >= layers,
  );
  if (invalid.length > 0) {
    throw new Error(
      `invalid tap block index ${invalid.join(", ")}; the vision tower has ${layers} blocks, so indices run from 0 to ${layers - 1}`,
    );
  }
}
