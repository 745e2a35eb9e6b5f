/**
 * Anomaly-map maths of the inference pipeline, pure functions over
 * Float32Array.
 *
 * @module
 */
export { abnormalProbability } from "./abnormal-probability";
export { computeAnomalyMaps } from "./anomaly-maps";
export type {
  AnomalyMapInput,
  AnomalyMapOptions,
  AnomalyMaps,
  DeviationReference,
  ImageScoreAnchors,
} from "./anomaly-maps";
export { bilinearResize } from "./bilinear-resize";
export { deviationMap } from "./deviation-map";
export { gaussianBlur, gaussianKernel, reflectIndex } from "./gaussian-blur";
export type { GaussianBlurOptions } from "./gaussian-blur";
export { fuseMaps, harmonicFusion } from "./harmonic-fusion";
export { globalTextualScore, imageScore } from "./image-score";
export { l2NormalizeRows } from "./l2-normalize";
export { defaultMapSettings } from "./map-defaults";
export type { MapDefaults } from "./map-defaults";
export { maxDotProducts } from "./max-cosine-similarity";
export { textualMap } from "./textual-map";
export { buildVisualMemory } from "./visual-memory";
export type { VisualMemory } from "./visual-memory";
export { visualMemoryMap } from "./visual-memory-map";
