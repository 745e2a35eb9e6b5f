export type {
  Activation,
  ClipArchitecture,
  ClipCheckpoint,
  PreprocessConfig,
  SourceDtype,
  TextConfig,
  VisionConfig,
  WeightMap,
  WeightTensor,
} from "./types";
export {
  OPENAI_CLIP_MEAN,
  OPENAI_CLIP_STD,
  defaultPreprocess,
} from "./builtin";
export {
  findRegisteredArchitectureName,
  getArchitecture,
  getPreprocess,
  listArchitectures,
  registerArchitecture,
  type RegisterArchitectureOptions,
} from "./registry";
export {
  findArchitectureProblems,
  validateArchitecture,
  validatePreprocess,
} from "./validate";
export { expectedWeightShapes } from "./weight-shapes";
