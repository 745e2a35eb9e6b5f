/** Settings of a cosine-annealed learning rate. */
export interface CosineAnnealingOptions {
  /** Learning rate at epoch 0. */
  baseLearningRate: number;
  /** Learning rate reached at epoch `periodEpochs` (PyTorch `eta_min`). */
  minLearningRate: number;
  /** Half period of the cosine in epochs (PyTorch `T_max`). */
  periodEpochs: number;
}

/**
 * Returns the learning rate used during epoch `epoch` (0-based) under
 * cosine annealing stepped once per epoch, the closed form of PyTorch's
 * `CosineAnnealingLR`:
 * `η_e = η_min + (η_0 − η_min) · (1 + cos(π · e / T_max)) / 2`.
 *
 * With `T_max` equal to the number of epochs, as in PromptAD, the last epoch
 * (e = T_max − 1) trains with a rate slightly above `η_min`; `η_min` itself
 * is only reached after the final scheduler step and never used. Epochs past
 * `T_max` follow the cosine back up, as PyTorch's closed form does.
 *
 * @param epoch - 0-based epoch index, ≥ 0
 * @param options - base and minimum rates and the period
 * @returns the learning rate for that epoch
 * @example
 * ```ts
 * cosineAnnealingLearningRate(0, { baseLearningRate: 0.002, minLearningRate: 1e-5, periodEpochs: 100 }); // 0.002
 * ```
 */
export function cosineAnnealingLearningRate(
  epoch: number,
  options: CosineAnnealingOptions,
): number {
  const { baseLearningRate, minLearningRate, periodEpochs } = options;
  if (!Number.isInteger(epoch) || epoch < 0) {
    throw new RangeError(
      `cosineAnnealingLearningRate: epoch must be an integer ≥ 0, got ${epoch}`,
    );
  }
  if (!Number.isInteger(periodEpochs) || periodEpochs <= 0) {
    throw new RangeError(
      `cosineAnnealingLearningRate: periodEpochs must be a positive integer, got ${periodEpochs}`,
    );
  }
  const cosine = (1 + Math.cos((Math.PI * epoch) / periodEpochs)) / 2;
  return minLearningRate + (baseLearningRate - minLearningRate) * cosine;
}

/**
 * Returns the learning rate of every epoch 0 … epochs − 1 with
 * `T_max = epochs`.
 *
 * @param epochs - number of epochs, > 0
 * @param baseLearningRate - rate of epoch 0
 * @param minLearningRate - rate the cosine reaches after the last epoch
 * @returns array of length epochs
 */
export function cosineAnnealingSchedule(
  epochs: number,
  baseLearningRate: number,
  minLearningRate: number,
): number[] {
  const options = { baseLearningRate, minLearningRate, periodEpochs: epochs };
  return Array.from({ length: epochs }, (_, e) =>
    cosineAnnealingLearningRate(e, options),
  );
}
