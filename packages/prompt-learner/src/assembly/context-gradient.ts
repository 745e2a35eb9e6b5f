import type { LearnableContext } from "../context/learnable-context";
import { zeroContextTensor } from "../context/learnable-context";
import type { PromptLayout } from "./prompt-layout";

/**
 * Maps the gradient with respect to E back to C_n and C_a.
 *
 * E's context rows are copies of context rows, so the gradient of each
 * context row is the sum of dE over every prompt position that copies it:
 * `dC_n[p, k] = Σ_{i: normalSet(i) = p} dE[i, 1 + k]` and
 * `dC_a[j, k] = Σ_{i: abnormalSet(i) = j} dE[i, 1 + nCtx + k]`.
 *
 * `dE` may cover fewer token positions than the layout, because a text
 * encoder may cut every prompt after the longest end token: under the causal
 * mask, later tokens cannot change its output. The token count is taken from
 * `dE.length` and must reach every prompt's end token.
 *
 * @param layout - Prompt layout E was assembled from.
 * @param dE - `[prompts, tokens, width]` gradient, tokens ≤ contextLength.
 * @param width - Token embedding width.
 * @returns Gradients shaped like C_n and C_a.
 * @throws Error when `dE` does not have a whole number of token rows per
 * prompt or ends before some prompt's end token.
 */
export function scatterContextGradient(
  layout: PromptLayout,
  dE: Float32Array,
  width: number,
): LearnableContext {
  const tokens = gradientTokens(layout, dE, width);
  const { nPro, nCtx, nProAb, nCtxAb } = layout.config;
  // Sums run in float64 and are rounded to float32 once at the end.
  const normalSum = new Float64Array(nPro * nCtx * width);
  const abnormalSum = new Float64Array(nProAb * nCtxAb * width);
  const block = tokens * width;

  for (let i = 0; i < layout.count; i++) {
    const p = layout.normalSet[i];
    addRows(normalSum, p * nCtx * width, dE, i * block + width, nCtx * width);
    const j = layout.abnormalSet[i];
    if (j >= 0) {
      addRows(
        abnormalSum,
        j * nCtxAb * width,
        dE,
        i * block + (1 + nCtx) * width,
        nCtxAb * width,
      );
    }
  }
  const normal = zeroContextTensor([nPro, nCtx, width]);
  const abnormal = zeroContextTensor([nProAb, nCtxAb, width]);
  normal.data.set(normalSum);
  abnormal.data.set(abnormalSum);
  return { normal, abnormal };
}

function gradientTokens(
  layout: PromptLayout,
  dE: Float32Array,
  width: number,
): number {
  const rows = layout.count * width;
  const tokens = dE.length / rows;
  if (
    !Number.isInteger(tokens) ||
    tokens < 1 ||
    tokens > layout.contextLength
  ) {
    throw new Error(
      `dE has ${dE.length} values, which is not ${layout.count} prompts × ` +
        `tokens × ${width} for any tokens in 1..${layout.contextLength}`,
    );
  }
  for (let i = 0; i < layout.count; i++) {
    if (layout.eot[i] >= tokens) {
      throw new Error(
        `dE covers ${tokens} token positions but prompt ` +
          `${JSON.stringify(layout.labels[i])} has its end token at ` +
          `${layout.eot[i]}; the text encoder must keep at least ` +
          `${layout.eot[i] + 1} positions`,
      );
    }
  }
  return tokens;
}

function addRows(
  target: Float64Array,
  targetOffset: number,
  source: Float32Array,
  sourceOffset: number,
  length: number,
): void {
  for (let k = 0; k < length; k++) {
    target[targetOffset + k] += source[sourceOffset + k];
  }
}
