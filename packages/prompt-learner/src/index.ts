/**
 * PromptAD prompt tables, learnable shared context, prompt assembly into
 * text-encoder inputs, the gradient scatter back to the context, text
 * anchors, and save/load of the learned context.
 *
 * @packageDocumentation
 * @module @devprompt/prompt-learner
 */

export * from "./prompts/prompt-table";
export * from "./prompts/prompt-table-file";
export * from "./prompts/prompt-style";
export * from "./context/context-config";
export * from "./context/seeded-normal";
export * from "./context/learnable-context";
export * from "./assembly/prompt-layout";
export * from "./assembly/prompt-embeddings";
export * from "./assembly/context-gradient";
export * from "./assembly/clip-inputs";
export * from "./assembly/prompt-groups";
export * from "./anchors/text-anchors";
export * from "./io/prompt-context-file";
