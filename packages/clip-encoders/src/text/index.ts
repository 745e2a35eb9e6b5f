export type { DifferentiableTextEncoder } from "./differentiable-text-encoder";
export {
  createOnnxTextEncoder,
  type OnnxTextEncoder,
  type OnnxTextEncoderOptions,
} from "./onnx-text-encoder";
export { buildTextForwardModel, TEXT_GRAPH_IO } from "./onnx-text-forward";
export { buildTextVjpModel } from "./onnx-text-vjp";
export { usedTokenCount } from "./text-batch";
export {
  LAYER_NORM_EPSILON,
  readTextTower,
  type LayerNormWeights,
  type TextBlockWeights,
  type TextTower,
} from "./text-tower";
export {
  createTfjsTextEncoder,
  type TfjsTextEncoderOptions,
} from "./tfjs-text-encoder";
