/** Published one-shot results of one method on one benchmark, in percent. */
export interface PublishedFigures {
  /** Method name. */
  method: string;
  /** Mean pixel AUROC over the classes, or `null` when not reported. */
  pixelAuroc: number | null;
  /** Mean image AUROC over the classes, or `null` when not reported. */
  imageAuroc: number | null;
}

// Sources: Poudineh and Lalonde, "DevPrompt: Deviation-Based Prompt Learning
// for One-Normal Shot Image Anomaly Detection", arXiv 2601.15453 (2026), which
// reports pixel AUROC only; Li et al., "PromptAD: Learning Prompts with only
// Normal Samples for Few-Shot Anomaly Detection", CVPR 2024, for PromptAD and
// WinCLIP+ in the one-shot setting.
const FIGURES: Record<"mvtec" | "visa", PublishedFigures[]> = {
  mvtec: [
    { method: "DevPrompt (paper)", pixelAuroc: 95.48, imageAuroc: null },
    { method: "PromptAD (paper)", pixelAuroc: 95.9, imageAuroc: 94.6 },
    { method: "WinCLIP+ (paper)", pixelAuroc: 95.2, imageAuroc: 93.1 },
  ],
  visa: [
    { method: "DevPrompt (paper)", pixelAuroc: 96.1, imageAuroc: null },
    { method: "PromptAD (paper)", pixelAuroc: 96.7, imageAuroc: 86.9 },
    { method: "WinCLIP+ (paper)", pixelAuroc: 96.4, imageAuroc: 83.8 },
  ],
};

/**
 * Returns the published one-shot means of DevPrompt, PromptAD and WinCLIP+
 * for a benchmark, as copies.
 *
 * @param benchmark - `mvtec` or `visa`
 * @returns one entry per method
 */
export function publishedFigures(
  benchmark: "mvtec" | "visa",
): PublishedFigures[] {
  return FIGURES[benchmark].map((entry) => ({ ...entry }));
}
