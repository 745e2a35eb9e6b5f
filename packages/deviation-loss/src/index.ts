/**
 * Swappable loss modules for learning CLIP text prompts from normal images:
 * the loss-module contract, DevPrompt's deviation loss with Top-K
 * multiple-instance pooling, PromptAD's alignment, margin and agreement
 * losses, and their weighted composition from configuration. Gradients with
 * respect to the text features come from tfjs automatic differentiation.
 *
 * @packageDocumentation
 * @module @devprompt/deviation-loss
 */

export type {
  FeatureSource,
  LossInputs,
  LossModule,
  LossModuleFactory,
  TextFeatures,
} from "./contract";
export {
  booleanOption,
  choiceOption,
  describeOptions,
  formatValue,
  LossConfigError,
  numberOption,
  parseOptions,
} from "./options";
export type { NumberOptionSettings, OptionSpec, OptionSpecs } from "./options";
export { defineLoss } from "./define-loss";
export type { LossDefinition } from "./define-loss";
export { prepareLossInputs, toTensor, validateLossBatch } from "./batch";
export type {
  FeatureArray,
  Float32Matrix,
  LossBatch,
  PrepareOptions,
  TextFeatureTensors,
} from "./batch";
export {
  deriveTextFeatures,
  l2NormalizeRows,
  meanAnchor,
} from "./text-features";
export { CompositeLoss } from "./composite-loss";
export type { CompositeEvaluation, LossTerm } from "./composite-loss";
export {
  buildLoss,
  createLossRegistry,
  defaultLossRegistry,
  LossRegistry,
  registerLoss,
} from "./registry";
export type { LossTermConfig } from "./registry";
export { lossPreset, lossPresetNames } from "./presets";
export { computeLoss, computeLossAndGrads } from "./loss-and-grads";
export type {
  LossAndGrads,
  LossAndGradsOptions,
  LossValues,
  TextFeatureGrads,
} from "./loss-and-grads";
export { assertFiniteTerms, NonFiniteLossError } from "./finite";
export { alignmentLoss } from "./losses/alignment-loss";
export type { AlignmentOptions } from "./losses/alignment-loss";
export { marginLoss } from "./losses/margin-loss";
export type { MarginOptions } from "./losses/margin-loss";
export { agreementLoss } from "./losses/agreement-loss";
export type { AgreementOptions } from "./losses/agreement-loss";
export { deviationLoss, deviationScores } from "./losses/deviation-loss";
export type { DeviationOptions } from "./losses/deviation-loss";
export { resolveTopK, topKMean, topKWeights } from "./top-k-mil";
export type { TopK } from "./top-k-mil";
export { referenceStatistics } from "./reference-statistics";
export type {
  ReferenceSpec,
  ReferenceStatistics,
} from "./reference-statistics";
export {
  assertValidSeed,
  createRandom,
  createXoshiro128StarStar,
  gaussianSamples,
} from "./random";
export type { RandomSource } from "./random";
