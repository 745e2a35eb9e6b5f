/**
 * CLIP architectures, checkpoints, tokenizer and encoders.
 *
 * @packageDocumentation
 * @module @devprompt/clip-encoders
 */

export * from "./architecture";
export * from "./checkpoint";
export * from "./tokenizer";
export * from "./onnx";
export * from "./text";
export * from "./image";
