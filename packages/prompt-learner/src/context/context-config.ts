/**
 * Sizes and initialisation of the learnable prompt context.
 *
 * Names in brackets are the reference code's arguments (PromptAD,
 * `train_seg.py`): defaults n_ctx 4, n_pro 1, n_ctx_ab 1, n_pro_ab 4, seed
 * 111, and `nn.init.normal_(std=0.02)` for both tensors.
 */
export interface ContextConfig {
  /** Number of normal context sets [n_pro]; each set gives its own normal prompts. */
  nPro: number;
  /** Context tokens per normal set [n_ctx]. */
  nCtx: number;
  /** Number of abnormal context sets [n_pro_ab], one learned abnormal prompt each. */
  nProAb: number;
  /** Context tokens per abnormal set [n_ctx_ab]. */
  nCtxAb: number;
  /** Standard deviation of the N(0, std²) initialisation. */
  initStd: number;
  /** Seed of the initialisation stream (Mulberry32 plus Box-Muller). */
  seed: number;
}

const DEFAULT_CONTEXT_CONFIG: ContextConfig = {
  nPro: 1,
  nCtx: 4,
  nProAb: 4,
  nCtxAb: 1,
  initStd: 0.02,
  seed: 111,
};

/** Returns a copy of the default context configuration (PromptAD's defaults). */
export function defaultContextConfig(): ContextConfig {
  return { ...DEFAULT_CONTEXT_CONFIG };
}

/**
 * Fills missing fields with defaults and validates the result.
 *
 * @param overrides - Fields to change, for example `{ nCtx: 8 }`.
 * @throws Error naming the field when a size is not a positive integer, the
 * standard deviation is not a finite non-negative number or the seed is not
 * an integer.
 */
export function resolveContextConfig(
  overrides: Partial<ContextConfig> = {},
): ContextConfig {
  const config = { ...DEFAULT_CONTEXT_CONFIG, ...overrides };
  for (const field of ["nPro", "nCtx", "nProAb", "nCtxAb"] as const) {
    const value = config[field];
    if (!Number.isInteger(value) || value < 1) {
      throw new Error(
        `context config: ${field} must be a positive integer, got ${value}`,
      );
    }
  }
  if (!Number.isFinite(config.initStd) || config.initStd < 0) {
    throw new Error(
      `context config: initStd must be a finite number >= 0, got ${config.initStd}`,
    );
  }
  if (!Number.isInteger(config.seed)) {
    throw new Error(
      `context config: seed must be an integer, got ${config.seed}`,
    );
  }
  return config;
}
