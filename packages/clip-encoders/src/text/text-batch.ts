/** Dimensions of a batch of prompt embeddings `E` (`prompts × tokens × width`). */
export interface TextBatchShape {
  /** Number of prompts, the length of `eot`. */
  prompts: number;
  /** Token positions per prompt. */
  tokens: number;
  /** Residual stream width. */
  width: number;
}

/**
 * Checks a text-encoder call and infers the token count from the array sizes.
 *
 * @param embeddings - E, `prompts × tokens × width`
 * @param eot - end-of-text position of each prompt
 * @param width - residual stream width of the encoder
 * @param contextLength - maximum token positions of the encoder
 * @returns the batch dimensions
 * @throws Error when a size does not fit or an end-of-text position is out of range
 */
export function checkTextBatch(
  embeddings: Float32Array,
  eot: Int32Array,
  width: number,
  contextLength: number,
): TextBatchShape {
  const prompts = eot.length;
  if (prompts === 0) {
    throw new Error(
      "text encoder: eot is empty; pass one end-of-text position per prompt",
    );
  }

  const tokens = embeddings.length / (prompts * width);
  if (!Number.isInteger(tokens) || tokens < 1 || tokens > contextLength) {
    throw new Error(
      `text encoder: embeddings of length ${embeddings.length} do not form ${prompts} prompts × tokens × ${width}, with 1 ≤ tokens ≤ ${contextLength}; pass E as a row-major prompts × tokens × width array`,
    );
  }

  for (let p = 0; p < prompts; p++) {
    const position = eot[p];
    if (position < 0 || position >= tokens) {
      throw new Error(
        `text encoder: eot[${p}] = ${position} is outside [0, ${tokens - 1}] for ${tokens} tokens; pass the index of each prompt's end-of-text token`,
      );
    }
  }
  return { prompts, tokens, width };
}

/**
 * Checks the length of a feature gradient.
 *
 * @param featureGradient - dFeatures, expected `prompts × embedDim`
 * @param prompts - number of prompts
 * @param embedDim - width of the joint embedding space
 * @throws Error when the length differs from `prompts · embedDim`
 */
export function checkFeatureGradient(
  featureGradient: Float32Array,
  prompts: number,
  embedDim: number,
): void {
  if (featureGradient.length !== prompts * embedDim) {
    throw new Error(
      `text encoder: featureGradient has ${featureGradient.length} values, expected ${prompts} prompts × ${embedDim} = ${prompts * embedDim}`,
    );
  }
}

/**
 * Returns the number of token positions that can change the features: the
 * maximum end-of-text position plus one. Positions after it only feed later
 * positions through the causal mask, so cutting them leaves features and
 * gradients exactly unchanged.
 *
 * @param eot - end-of-text position of each prompt
 * @returns `max(eot) + 1`
 */
export function usedTokenCount(eot: Int32Array): number {
  let maximum = 0;
  for (const position of eot) {
    maximum = Math.max(maximum, position);
  }
  return maximum + 1;
}

/**
 * Copies the first `keep` token positions of every prompt.
 *
 * @param embeddings - E, `prompts × tokens × width`
 * @param shape - dimensions of `embeddings`
 * @param keep - positions to keep per prompt, at most `shape.tokens`
 * @returns `prompts × keep × width`; `embeddings` itself when nothing is cut
 */
export function sliceTokens(
  embeddings: Float32Array,
  shape: TextBatchShape,
  keep: number,
): Float32Array {
  if (keep === shape.tokens) {
    return embeddings;
  }
  return copyLeadingRows(
    embeddings,
    shape.prompts,
    shape.tokens,
    keep,
    keep,
    shape.width,
  );
}

/**
 * Pads a per-token array cut by {@link sliceTokens} back to `shape.tokens`
 * positions with zeros, which is the exact gradient for the cut positions.
 *
 * @param values - `prompts × keep × width`
 * @param shape - dimensions to restore
 * @param keep - positions per prompt in `values`
 * @returns `prompts × tokens × width`; `values` itself when nothing was cut
 */
export function padTokens(
  values: Float32Array,
  shape: TextBatchShape,
  keep: number,
): Float32Array {
  if (keep === shape.tokens) {
    return values;
  }
  return copyLeadingRows(
    values,
    shape.prompts,
    keep,
    shape.tokens,
    keep,
    shape.width,
  );
}

/** A checked call with the inputs cut to the positions that matter. */
export interface PreparedTextBatch {
  /** Dimensions of the caller's E. */
  shape: TextBatchShape;
  /** Token positions per prompt that the backend runs. */
  keep: number;
  /** E cut to `prompts × keep × width`. */
  input: Float32Array;
}

/**
 * Checks a `forward` or `vjp` call and cuts E after the maximum end-of-text
 * position when `truncate` is set.
 *
 * @param embeddings - E, `prompts × tokens × width`
 * @param eot - end-of-text position of each prompt
 * @param encoder - width, context length and embedding width of the encoder
 * @param truncate - whether to cut after the maximum end-of-text position
 * @param featureGradient - dFeatures of a `vjp` call, checked against `prompts × embedDim`
 * @returns the batch dimensions, the kept positions and the cut E
 */
export function prepareTextBatch(
  embeddings: Float32Array,
  eot: Int32Array,
  encoder: { width: number; contextLength: number; embedDim: number },
  truncate: boolean,
  featureGradient?: Float32Array,
): PreparedTextBatch {
  const shape = checkTextBatch(
    embeddings,
    eot,
    encoder.width,
    encoder.contextLength,
  );
  if (featureGradient !== undefined) {
    checkFeatureGradient(featureGradient, shape.prompts, encoder.embedDim);
  }

  const keep = truncate ? usedTokenCount(eot) : shape.tokens;
  return { shape, keep, input: sliceTokens(embeddings, shape, keep) };
}

/** Copies the first `rows` token rows of each prompt between layouts with different token counts; the rest is zero. */
function copyLeadingRows(
  source: Float32Array,
  prompts: number,
  sourceTokens: number,
  targetTokens: number,
  rows: number,
  width: number,
): Float32Array {
  const target = new Float32Array(prompts * targetTokens * width);
  for (let p = 0; p < prompts; p++) {
    const from = p * sourceTokens * width;
    target.set(
      source.subarray(from, from + rows * width),
      p * targetTokens * width,
    );
  }
  return target;
}
