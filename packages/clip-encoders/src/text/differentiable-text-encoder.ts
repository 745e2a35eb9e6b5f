/**
 * A CLIP text tower that is differentiable in its input token embeddings.
 *
 * Both methods evaluate
 * `text(E, eot) = ln_final(transformer(E + pos[:tokens], causal mask))[eot] · text_projection`
 * for a batch of prompts, where `E` holds the token embeddings of every
 * prompt (`prompts × tokens × width`, row-major float32) and `eot[p]` is the
 * position of prompt `p`'s end-of-text token. `tokens` is inferred from
 * `E.length / (eot.length × width)` and may be anything from the maximum
 * end-of-text position plus one up to the context length.
 */
export interface DifferentiableTextEncoder {
  /** Residual stream width, the last dimension of `E`. */
  readonly width: number;
  /** Width of the joint embedding space, the last dimension of the features. */
  readonly embedDim: number;
  /** Maximum token positions per prompt (77 for every CLIP release). */
  readonly contextLength: number;

  /**
   * Computes the text features of a batch of prompts.
   *
   * @param embeddings - token embeddings E, `prompts × tokens × width`
   * @param eot - end-of-text position of each prompt, `prompts` values in `[0, tokens)`
   * @returns features, `prompts × embedDim`, not normalised
   */
  forward(embeddings: Float32Array, eot: Int32Array): Promise<Float32Array>;

  /**
   * Computes the vector-Jacobian product `dE = (∂features/∂E)ᵀ · dFeatures`,
   * the gradient of a scalar loss with respect to E given its gradient with
   * respect to the features.
   *
   * @param embeddings - token embeddings E, `prompts × tokens × width`
   * @param eot - end-of-text position of each prompt, `prompts` values in `[0, tokens)`
   * @param featureGradient - dFeatures, `prompts × embedDim`
   * @returns dE, `prompts × tokens × width`; rows after a prompt's end-of-text token are zero
   */
  vjp(
    embeddings: Float32Array,
    eot: Int32Array,
    featureGradient: Float32Array,
  ): Promise<Float32Array>;

  /** Releases the sessions or tensors the encoder holds; later calls fail. */
  dispose(): Promise<void>;
}
