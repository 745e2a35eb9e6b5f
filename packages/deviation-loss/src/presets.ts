import type { LossTermConfig } from "./registry";

/**
 * Loss presets as configuration data.
 *
 * Sources: PromptAD's reference training code sums the patch-to-prompt
 * cross-entropy, the triplet margin loss and λ1 = 0.001 times the
 * manual/learned agreement (Li et al., "PromptAD: Learning Prompts with only
 * Normal Samples for Few-Shot Anomaly Detection", CVPR 2024). DevPrompt adds
 * the deviation loss with weight 1 (Poudineh and Lalonde, "DevPrompt:
 * Deviation-Based Prompt Learning for One-Normal Shot Image Anomaly
 * Detection", 2026).
 */
const PRESETS: Readonly<Record<string, readonly LossTermConfig[]>> = {
  devprompt: [
    { name: "alignment", weight: 1 },
    { name: "margin", weight: 1 },
    { name: "agreement", weight: 0.001 },
    { name: "deviation", weight: 1 },
  ],
  promptad: [
    { name: "alignment", weight: 1 },
    { name: "margin", weight: 1 },
    { name: "agreement", weight: 0.001 },
  ],
};

/**
 * Names of the loss presets.
 *
 * @returns `['devprompt', 'promptad']`
 */
export function lossPresetNames(): string[] {
  return Object.keys(PRESETS);
}

/**
 * Returns a copy of a preset's configuration, safe to edit.
 *
 * @param name - `devprompt` (alignment + margin + 0.001 · agreement +
 *   deviation) or `promptad` (the same without deviation)
 * @returns the list of terms
 * @throws RangeError for an unknown name, listing the presets
 */
export function lossPreset(name: string): LossTermConfig[] {
  const preset = Object.prototype.hasOwnProperty.call(PRESETS, name)
    ? PRESETS[name]
    : undefined;
  if (preset === undefined) {
    throw new RangeError(
      `unknown loss preset "${name}"; valid presets: ${lossPresetNames().join(", ")}`,
    );
  }
  return preset.map((term) => ({ ...term }));
}
