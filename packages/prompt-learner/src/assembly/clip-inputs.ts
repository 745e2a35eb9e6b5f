import { ClipTokenizer, type WeightMap } from "@devprompt/clip-encoders";

import type { PromptTokenizer } from "./prompt-layout";
import type { TokenEmbeddingTable } from "./prompt-embeddings";

/** OpenCLIP state-dict name of the token embedding table. */
export const TOKEN_EMBEDDING_KEY = "token_embedding.weight";

/**
 * Wraps a CLIP tokenizer as the tokenize function of `buildPromptLayout`:
 * 77 ids per text, long texts cut with the end token kept.
 *
 * @param tokenizer - Tokenizer to use; CLIP's standard vocabulary by default.
 * @example
 * ```ts
 * const layout = buildPromptLayout(texts, config, clipPromptTokenizer());
 * ```
 */
export function clipPromptTokenizer(
  tokenizer: ClipTokenizer = ClipTokenizer.fromPackage(),
): PromptTokenizer {
  return (text: string) => tokenizer.tokenize(text);
}

/**
 * Returns the token embedding table `[vocabSize, width]` of a checkpoint's
 * weights (shared, not copied).
 *
 * @param weights - Checkpoint weights keyed by OpenCLIP name.
 * @throws Error when the table is missing or not of rank 2.
 */
export function tokenEmbeddingTable(weights: WeightMap): TokenEmbeddingTable {
  const tensor = weights.get(TOKEN_EMBEDDING_KEY);
  if (tensor === undefined) {
    throw new Error(
      `checkpoint weights have no ${TOKEN_EMBEDDING_KEY}; load a full CLIP ` +
        `checkpoint with its text tower`,
    );
  }
  if (tensor.shape.length !== 2) {
    throw new Error(
      `${TOKEN_EMBEDDING_KEY} must be [vocabSize, width], got ` +
        `[${tensor.shape.join(", ")}]`,
    );
  }
  return { shape: tensor.shape, data: tensor.data };
}
