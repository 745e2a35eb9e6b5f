/**
 * MVTec AD, VisA and MVTec-like folder datasets for few-shot anomaly
 * detection: listing and mask pairing, the published few-shot selections,
 * decoding with sharp (plus a BMP fallback), CLIP preprocessing that
 * matches Pillow and torchvision exactly, batched loading, and a synthetic
 * dataset generator.
 *
 * @packageDocumentation
 * @module @devprompt/datasets
 */

export type {
  ClassDataset,
  DatasetFormat,
  FewShotSelection,
  ImageRecord,
  Logger,
  PairingIssue,
  PairingIssueKind,
  Split,
} from "./types";
export { assertKnownClass, benchmarkClasses, type Benchmark } from "./classes";
export {
  MVTEC_REFERENCE_SHOTS,
  VISA_REFERENCE_SHOTS,
  type ShotTable,
} from "./few-shot/reference-shots.data";
export {
  drawShotIndices,
  referenceShotIndices,
  selectShots,
  type ShotOptions,
  type ShotSelectionResult,
} from "./few-shot/select-shots";
export { openDataset, type OpenDatasetOptions } from "./readers/open-dataset";
export { NORMAL_FOLDER_NAMES } from "./readers/mvtec-layout";
export { summarizeDataset, type DatasetSummary } from "./readers/summarize";
export {
  parseVisaSplit,
  readVisaSplit,
  type VisaSplitRow,
} from "./readers/visa-split";
export { IMAGE_EXTENSIONS } from "./readers/listing";
export { sniffImageFormat, type SniffedFormat } from "./decode/sniff";
export { decodeBmp, type BmpImage } from "./decode/bmp";
export {
  decodeImage,
  decodeMask,
  ImageDecodeError,
  probeImageSize,
  type DecodeOptions,
  type GrayImage,
  type ImageSize,
  type ImageSource,
  type NamedBytes,
  type RgbImage,
} from "./decode/decode-image";
export {
  defaultPreprocessConfig,
  noQuirks,
  referenceQuirks,
  REFERENCE_PRE_RESIZE,
  validatePreprocessConfig,
  type PreprocessConfig,
  type ReferenceQuirks,
} from "./preprocess/config";
export {
  resizePil,
  type Interpolation,
  type PixelBuffer,
} from "./preprocess/resample-pil";
export {
  resizeOpenCvLinear,
  resizeOpenCvNearest,
} from "./preprocess/resample-opencv";
export {
  centerCrop,
  resizedSize,
  type Dimensions,
} from "./preprocess/geometry";
export {
  preprocessImage,
  preprocessMask,
  type ImagePreprocessOptions,
  type MaskPreprocessOptions,
  type Resampler,
} from "./preprocess/preprocess";
export {
  loadSample,
  type LoadedSample,
  type SampleOptions,
} from "./loader/load-sample";
export {
  loadBatches,
  type Batch,
  type BatchOptions,
  type SkippedFile,
} from "./loader/load-batches";
export {
  SampleWorkerPool,
  type SampleWorkerPoolOptions,
} from "./loader/worker-pool";
export { encodePng, type PngInput } from "./encode/png";
export {
  generateSyntheticDataset,
  type SyntheticDatasetOptions,
  type SyntheticDatasetSummary,
  type SyntheticDefect,
  type SyntheticDefectImage,
} from "./synthetic/generate";
