/**
 * Training-loop pieces: SGD with momentum, cosine annealing, defaults.
 *
 * @module
 */
export {
  cosineAnnealingLearningRate,
  cosineAnnealingSchedule,
} from "./cosine-annealing";
export type { CosineAnnealingOptions } from "./cosine-annealing";
export { SgdMomentum } from "./sgd";
export type { SgdOptions, SgdState } from "./sgd";
export { defaultTrainingHyperparameters } from "./training-defaults";
export type { TrainingHyperparameters } from "./training-defaults";
