export {
  bfloat16BitsToFloat32,
  float16BitsToFloat32,
  float32ToBfloat16Bits,
  float32ToFloat16Bits,
} from "./half-float";
export {
  HF_CONFIG_FILE,
  HF_PREPROCESSOR_FILE,
  HF_WEIGHTS_FILE,
  expectedHfWeightShapes,
  hfToOpenClipWeights,
  isIgnoredHfKey,
  openClipToHfWeights,
  parseHfClipConfig,
  saveHfCheckpoint,
  toHfClipConfig,
  toHfPreprocessorConfig,
} from "./hf-layout";
export {
  detectCheckpointLayout,
  loadCheckpoint,
  loadCheckpointSync,
  type CheckpointLayout,
  type LoadCheckpointOptions,
} from "./load";
export {
  parseOpenClipConfig,
  toOpenClipConfig,
  type CheckpointConfig,
} from "./open-clip-config";
export { SeededRandom } from "./prng";
export {
  writeRandomCheckpoint,
  type RandomCheckpoint,
  type RandomCheckpointOptions,
} from "./random-checkpoint";
export {
  generateRandomWeights,
  type GenerateWeightsOptions,
} from "./random-weights";
export {
  READABLE_DTYPES,
  encodeSafetensors,
  parseSafetensorsHeader,
  readSafetensors,
  writeSafetensors,
  type ReadSafetensorsOptions,
  type SafetensorsContents,
  type SafetensorsEntry,
  type SafetensorsHeader,
  type WriteSafetensorsOptions,
} from "./safetensors";
export {
  OPEN_CLIP_CONFIG_FILE,
  OPEN_CLIP_WEIGHTS_FILE,
  saveOpenClipCheckpoint,
  type SaveCheckpointInput,
  type SaveCheckpointOptions,
} from "./save";
export {
  findWeightMismatches,
  formatWeightMismatches,
  validateWeights,
  weightMismatchError,
  type WeightMismatch,
} from "./validate-weights";
export { writeFileAtomic } from "./atomic-write";
