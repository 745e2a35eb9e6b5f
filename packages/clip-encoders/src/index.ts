/**
 * CLIP architectures, checkpoints, tokenizer and encoders.
 *
 * @packageDocumentation
 * @module @devprompt/clip-encoders
 */

export * from "./architecture";
export * from "./checkpoint";
export * from "./onnx";
export * from "./text";
export * from "./image";
