import type { PromptTable } from "./prompt-table";
import { fillClassSlot, validatePhrase } from "./prompt-table";

/**
 * Wording of the prompts that follow the shared context.
 *
 * - `promptad`: PromptAD's semantic concatenation. Normal `C_n "{class}."`,
 *   one manual abnormal prompt `C_n "{state}."` per anomaly state phrase,
 *   learned abnormal `C_n C_a[j] "{class}."`.
 * - `devprompt`: DevPrompt's wording. Normal `C_n "a photo of a normal
 *   {class}."`, manual abnormal `C_n "a photo of a defective {class}."`,
 *   learned abnormal `C_n C_a[j] "{class}."` as in PromptAD, because C_a
 *   carries the abnormal meaning there. State phrases are off by default and
 *   can be added to the manual abnormal group with `statePhrases: true`.
 */
export type PromptStyleName = "promptad" | "devprompt";

/** Suffix templates of one style; each template has one `{}` for the class name. */
export interface PromptTemplates {
  /** One normal prompt per template (and per normal context set). */
  normal: string[];
  /** Manual abnormal templates used in addition to (or instead of) state phrases. */
  manualAbnormal: string[];
  /** Whether each anomaly state phrase of the table becomes a manual abnormal prompt. */
  statePhrases: boolean;
  /** Text appended to a filled state phrase; PromptAD appends `.`. */
  stateEnding: string;
  /** One learned abnormal prompt per template (and per context pairing). */
  learnedAbnormal: string[];
}

/** Prompt wording selection. */
export interface PromptStyleOptions {
  /** Base style. */
  style: PromptStyleName;
  /** Field-by-field replacements of the style's templates. */
  templates?: Partial<PromptTemplates>;
}

/** Suffix texts of the three prompt groups for one class, without context. */
export interface PromptTexts {
  /** Class key the texts were built for, for example `metal_nut`. */
  classKey: string;
  /** Display name put into the texts, for example `metal nut`. */
  className: string;
  /** Normal suffixes, for example `bottle.`. */
  normal: string[];
  /** Manual abnormal suffixes, for example `bottle with large breakage.`. */
  manualAbnormal: string[];
  /** Learned abnormal suffixes, for example `bottle.`. */
  learnedAbnormal: string[];
}

// Sources: PromptAD's reference code, `PromptAD/model.py` (prompt strings
// built in `PromptLearner.__init__`), and the DevPrompt wording "a photo of a
// normal [class]" and "a photo of a defective [class]" after the shared
// context (Poudineh and Lalonde, arXiv 2601.15453).
// NOTE: no public DevPrompt code was found, so its learned abnormal suffix
// and the absence of state phrases are this package's choices, not the
// paper's.
const STYLE_TEMPLATES: Record<PromptStyleName, PromptTemplates> = {
  promptad: {
    normal: ["{}."],
    manualAbnormal: [],
    statePhrases: true,
    stateEnding: ".",
    learnedAbnormal: ["{}."],
  },
  devprompt: {
    normal: ["a photo of a normal {}."],
    manualAbnormal: ["a photo of a defective {}."],
    statePhrases: false,
    stateEnding: ".",
    learnedAbnormal: ["{}."],
  },
};

/**
 * Returns a copy of a style's templates with the overrides applied.
 *
 * @throws Error for an unknown style or an invalid template.
 */
export function resolvePromptTemplates(
  options: PromptStyleOptions,
): PromptTemplates {
  const base = STYLE_TEMPLATES[options.style];
  if (base === undefined) {
    throw new Error(
      `unknown prompt style ${JSON.stringify(options.style)}; expected one of ` +
        Object.keys(STYLE_TEMPLATES).join(", "),
    );
  }
  const templates: PromptTemplates = {
    normal: [...(options.templates?.normal ?? base.normal)],
    manualAbnormal: [
      ...(options.templates?.manualAbnormal ?? base.manualAbnormal),
    ],
    statePhrases: options.templates?.statePhrases ?? base.statePhrases,
    stateEnding: options.templates?.stateEnding ?? base.stateEnding,
    learnedAbnormal: [
      ...(options.templates?.learnedAbnormal ?? base.learnedAbnormal),
    ],
  };
  for (const group of [
    "normal",
    "manualAbnormal",
    "learnedAbnormal",
  ] as const) {
    templates[group].forEach((template, i) =>
      validatePhrase(template, `prompt style ${options.style}: ${group}[${i}]`),
    );
  }
  if (templates.normal.length === 0 || templates.learnedAbnormal.length === 0) {
    throw new Error(
      `prompt style ${options.style}: the normal and learnedAbnormal template ` +
        `lists must not be empty`,
    );
  }
  if (!templates.statePhrases && templates.manualAbnormal.length === 0) {
    throw new Error(
      `prompt style ${options.style}: no manual abnormal prompts; set ` +
        `statePhrases to true or give manualAbnormal templates`,
    );
  }
  return templates;
}

/**
 * Builds the suffix texts of every prompt of a class.
 *
 * Manual abnormal texts list the style's own templates first, then the state
 * phrases (generic, then class-specific) each followed by `stateEnding`.
 *
 * @param classKey - Class key as the dataset names it, for example `pcb1`.
 * @param table - Anomaly state phrases and class display names.
 * @param options - Prompt style; PromptAD's by default.
 * @example
 * ```ts
 * const texts = buildPromptTexts('bottle', PromptTable.promptad());
 * texts.normal; // ['bottle.']
 * texts.manualAbnormal.length; // 11 (8 generic + 3 bottle phrases)
 * ```
 */
export function buildPromptTexts(
  classKey: string,
  table: PromptTable,
  options: PromptStyleOptions = { style: "promptad" },
): PromptTexts {
  const templates = resolvePromptTemplates(options);
  const className = table.displayName(classKey);
  const fill = (template: string) => fillClassSlot(template, className);

  const manualAbnormal = templates.manualAbnormal.map(fill);
  if (templates.statePhrases) {
    for (const state of table.anomalyStates(classKey)) {
      manualAbnormal.push(fill(state) + templates.stateEnding);
    }
  }
  return {
    classKey,
    className,
    normal: templates.normal.map(fill),
    manualAbnormal,
    learnedAbnormal: templates.learnedAbnormal.map(fill),
  };
}
