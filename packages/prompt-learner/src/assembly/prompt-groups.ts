import type { PromptGroup, PromptLayout } from "./prompt-layout";
import { PROMPT_GROUPS } from "./prompt-layout";

/** Per-prompt rows (features or their gradients) split by prompt group. */
export type GroupedRows = Record<PromptGroup, Float32Array>;

/**
 * Splits `[prompts, rowSize]` values, such as text features, into the three
 * prompt groups. The parts are views that share memory with `values`.
 *
 * @param values - Rows in layout order.
 * @param rowSize - Values per prompt, for example the embedding dimension.
 * @param groups - Prompt ranges, `layout.groups`.
 * @throws Error when `values` does not contain one row per prompt.
 * @example
 * ```ts
 * const { normal, manualAbnormal, learnedAbnormal } = splitByGroup(features, 640, layout.groups);
 * manualAbnormal.length; // 11 · 640 for bottle
 * ```
 */
export function splitByGroup(
  values: Float32Array,
  rowSize: number,
  groups: PromptLayout["groups"],
): GroupedRows {
  checkRows(values.length, rowSize, groups, "values");
  const parts = {} as GroupedRows;
  for (const group of PROMPT_GROUPS) {
    const { start, count } = groups[group];
    parts[group] = values.subarray(start * rowSize, (start + count) * rowSize);
  }
  return parts;
}

/**
 * Concatenates per-group rows back into layout order, the inverse of
 * {@link splitByGroup}; for example loss gradients per group into the
 * `dFeatures` of the text encoder's VJP.
 *
 * @param parts - Rows of each group.
 * @param rowSize - Values per prompt.
 * @param groups - Prompt ranges, `layout.groups`.
 * @returns `[prompts, rowSize]` values in a new array.
 * @throws Error naming the group whose length does not match its range.
 */
export function joinGroups(
  parts: GroupedRows,
  rowSize: number,
  groups: PromptLayout["groups"],
): Float32Array {
  const total = PROMPT_GROUPS.reduce((sum, g) => sum + groups[g].count, 0);
  const joined = new Float32Array(total * rowSize);
  for (const group of PROMPT_GROUPS) {
    const { start, count } = groups[group];
    if (parts[group].length !== count * rowSize) {
      throw new Error(
        `${group} rows have ${parts[group].length} values; expected ` +
          `${count} prompts × ${rowSize}`,
      );
    }
    joined.set(parts[group], start * rowSize);
  }
  return joined;
}

function checkRows(
  length: number,
  rowSize: number,
  groups: PromptLayout["groups"],
  name: string,
): void {
  const total = PROMPT_GROUPS.reduce((sum, g) => sum + groups[g].count, 0);
  if (!Number.isInteger(rowSize) || rowSize < 1 || length !== total * rowSize) {
    throw new Error(
      `${name} has ${length} values; expected ${total} prompts × ${rowSize}`,
    );
  }
}
