/** Hyperparameters of prompt training. */
export interface TrainingHyperparameters {
  /** Number of epochs; each epoch is one step on the whole k-shot batch. */
  epochs: number;
  /** Initial learning rate of SGD. */
  learningRate: number;
  /** Final learning rate of the cosine schedule (PyTorch `eta_min`). */
  minLearningRate: number;
  /** SGD momentum factor. */
  momentum: number;
  /** L2 weight decay added to the gradient, PyTorch style. */
  weightDecay: number;
  /** Seed of every random choice of the run (context initialisation). */
  seed: number;
}

// Source: PromptAD reference code, train_seg.py argument defaults (Epoch 100,
// lr 0.002, momentum 0.9, weight_decay 0.0005, seed 111) and its
// CosineAnnealingLR(eta_min=1e-5); the DevPrompt paper keeps them.
const DEFAULTS: TrainingHyperparameters = {
  epochs: 100,
  learningRate: 0.002,
  minLearningRate: 1e-5,
  momentum: 0.9,
  weightDecay: 5e-4,
  seed: 111,
};

/**
 * Returns a fresh copy of the default training hyperparameters of PromptAD
 * and DevPrompt: 100 epochs, SGD with learning rate 0.002, momentum 0.9 and
 * weight decay 5e-4, cosine annealing to 1e-5, seed 111.
 *
 * @returns a new object each call, safe to modify
 */
export function defaultTrainingHyperparameters(): TrainingHyperparameters {
  return { ...DEFAULTS };
}
