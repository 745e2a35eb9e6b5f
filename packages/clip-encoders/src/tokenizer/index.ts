export { cleanText, fixText } from "./clean";
export {
  CLIP_CONTEXT_LENGTH,
  ClipTokenizer,
  END_OF_TEXT,
  START_OF_TEXT,
  tokenize,
  type TokenBatch,
  type TokenizeOptions,
} from "./clip-tokenizer";
