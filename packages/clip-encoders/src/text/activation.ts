/**
 * Slope inside OpenAI CLIP's QuickGELU, `x · σ(1.702 · x)` (class `QuickGELU`
 * in `clip/model.py` of openai/CLIP; OpenCLIP copies it).
 */
export const QUICK_GELU_SLOPE = 1.702;
