/** Settings of {@link SgdMomentum}. */
export interface SgdOptions {
  /** Momentum factor μ (0 disables momentum). */
  momentum: number;
  /** Weight decay λ added to the gradient as λ · p before momentum. */
  weightDecay: number;
}

/** Serialisable optimiser state, for checkpoints and resuming. */
export interface SgdState {
  /** Momentum buffers, one per parameter tensor; empty before the first step. */
  momentumBuffers: Float32Array[];
}

/**
 * Stochastic gradient descent with momentum and weight decay, with the
 * update rule of `torch.optim.SGD` (dampening 0, no Nesterov):
 *
 * ```
 * g ← g + λ · p
 * b ← g                   (first step)
 * b ← μ · b + g           (later steps)
 * p ← p − lr · b
 * ```
 *
 * Parameters are updated in place; every intermediate is stored as float32
 * like PyTorch's float32 tensors.
 */
export class SgdMomentum {
  private readonly options: SgdOptions;
  private buffers: Float32Array[] = [];

  /**
   * @param options - momentum and weight decay
   */
  constructor(options: SgdOptions) {
    if (!(options.momentum >= 0) || !Number.isFinite(options.momentum)) {
      throw new RangeError(
        `SGD momentum must be a number ≥ 0, got ${options.momentum}`,
      );
    }
    if (!(options.weightDecay >= 0) || !Number.isFinite(options.weightDecay)) {
      throw new RangeError(
        `SGD weight decay must be a number ≥ 0, got ${options.weightDecay}`,
      );
    }
    this.options = { ...options };
  }

  /**
   * Applies one update to every parameter tensor.
   *
   * @param params - parameter tensors, modified in place
   * @param grads - gradients, same count and lengths as params; not modified
   * @param learningRate - step size of this step, ≥ 0
   */
  step(
    params: Float32Array[],
    grads: readonly Float32Array[],
    learningRate: number,
  ): void {
    if (params.length !== grads.length) {
      throw new RangeError(
        `SGD step: got ${params.length} parameter tensors but ${grads.length} gradients`,
      );
    }
    if (!(learningRate >= 0) || !Number.isFinite(learningRate)) {
      throw new RangeError(
        `SGD step: learning rate must be a number ≥ 0, got ${learningRate}`,
      );
    }
    const first = this.buffers.length === 0;
    if (!first && this.buffers.length !== params.length) {
      throw new RangeError(
        `SGD step: the optimiser has ${this.buffers.length} momentum buffers but got ${params.length} parameter tensors`,
      );
    }
    const { momentum, weightDecay } = this.options;

    params.forEach((p, i) => {
      const g = grads[i];
      if (g.length !== p.length) {
        throw new RangeError(
          `SGD step: parameter ${i} has ${p.length} values but its gradient has ${g.length}`,
        );
      }
      const d = new Float32Array(p.length);
      for (let j = 0; j < p.length; j++) d[j] = g[j] + weightDecay * p[j];

      let direction: Float32Array = d;
      if (momentum !== 0) {
        if (first) {
          this.buffers[i] = Float32Array.from(d);
        } else {
          const b = this.buffers[i];
          if (b.length !== p.length) {
            throw new RangeError(
              `SGD step: parameter ${i} has ${p.length} values but its momentum buffer has ${b.length}`,
            );
          }
          for (let j = 0; j < b.length; j++) b[j] = momentum * b[j] + d[j];
        }
        direction = this.buffers[i];
      }
      for (let j = 0; j < p.length; j++) p[j] -= learningRate * direction[j];
    });
  }

  /**
   * Returns a copy of the momentum buffers.
   *
   * @returns state to store in a checkpoint
   */
  state(): SgdState {
    return { momentumBuffers: this.buffers.map((b) => Float32Array.from(b)) };
  }

  /**
   * Replaces the momentum buffers with a copy of a saved state, to resume
   * training exactly where it stopped.
   *
   * @param state - value returned by {@link SgdMomentum.state}
   */
  loadState(state: SgdState): void {
    this.buffers = state.momentumBuffers.map((b) => Float32Array.from(b));
  }
}
