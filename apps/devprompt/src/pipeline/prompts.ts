import {
  PromptAssembler,
  PromptTable,
  buildPromptLayout,
  buildPromptTexts,
  computeTextAnchors,
  readPromptTableExtension,
  type ContextConfig,
  type LearnableContext,
  type PromptLayout,
  type PromptStyleName,
  type TextAnchors,
} from "@devprompt/prompt-learner";
import type { Logger } from "../log/logger";
import type { OpenModel } from "./model";

/** Prompts of one class, assembled for repeated text-encoder calls. */
export interface PromptSetup {
  /** Layout of every prompt: groups, token ids, end positions. */
  layout: PromptLayout;
  /** Builds the token embeddings E for a context. */
  assembler: PromptAssembler;
  /** Context sizes and initialisation. */
  contextConfig: ContextConfig;
}

/**
 * Returns PromptAD's prompt table, extended by a prompt-table JSON file
 * when one is given.
 *
 * @param file - prompt-table extension file, optional
 * @returns the table
 */
export async function loadPromptTable(file?: string): Promise<PromptTable> {
  const table = PromptTable.promptad();
  return file === undefined
    ? table
    : table.extend(await readPromptTableExtension(file), file);
}

/**
 * Builds the prompt layout of a class. A class missing from the table (any
 * folder dataset outside MVTec AD and VisA) gets the generic anomaly states
 * only, with underscores in its name read as spaces, and a warning.
 *
 * @param model - open model (tokenizer and token embedding)
 * @param table - prompt table
 * @param classKey - class name as the dataset writes it
 * @param style - prompt wording
 * @param contextConfig - context sizes, initialisation std and seed, already
 *   resolved; a trained run passes the one recorded in its config.json
 * @param log - receives the warning about a class missing from the table
 * @returns the layout and assembler
 */
export function setUpPrompts(
  model: OpenModel,
  table: PromptTable,
  classKey: string,
  style: PromptStyleName,
  contextConfig: ContextConfig,
  log: Logger,
): PromptSetup {
  let resolvedTable = table;
  if (!table.hasClass(classKey)) {
    log.warnOnce(
      `prompt-table:${classKey}`,
      `class "${classKey}" is not in the prompt table, so its abnormal prompts use the generic anomaly states only; ` +
        "pass --prompt-table FILE to add class-specific states",
    );
    resolvedTable = table.extend({
      classes: {
        [classKey]: { name: classKey.replace(/_/g, " "), states: [] },
      },
    });
  }
  const texts = buildPromptTexts(classKey, resolvedTable, { style });
  const layout = buildPromptLayout(texts, contextConfig, model.tokenize);
  return {
    layout,
    assembler: new PromptAssembler(layout, model.tokenEmbedding),
    contextConfig,
  };
}

/**
 * Runs the text encoder on every prompt of a context.
 *
 * @param model - open model
 * @param setup - prompt layout and assembler
 * @param context - learnable context
 * @returns the assembled embeddings E (for the VJP) and the unnormalised
 *   text features `[prompts, embedDim]` in layout order
 */
export async function encodePrompts(
  model: OpenModel,
  setup: PromptSetup,
  context: LearnableContext,
): Promise<{
  embeddings: Float32Array;
  eot: Int32Array;
  features: Float32Array;
}> {
  const assembled = setup.assembler.assemble(context);
  const features = await model.textEncoder.forward(
    assembled.embeddings,
    assembled.eot,
  );
  return { embeddings: assembled.embeddings, eot: assembled.eot, features };
}

/**
 * Computes the normal and abnormal anchors of a trained context.
 *
 * @param model - open model
 * @param setup - prompt layout and assembler
 * @param context - learnable context
 * @returns the anchors n̄ and ā
 */
export async function textAnchors(
  model: OpenModel,
  setup: PromptSetup,
  context: LearnableContext,
): Promise<TextAnchors> {
  const { features } = await encodePrompts(model, setup, context);
  return computeTextAnchors(
    features,
    model.checkpoint.architecture.embedDim,
    setup.layout.groups,
  );
}
