import * as tf from "@tensorflow/tfjs";

import type { LossInputs, LossModule } from "./contract";
import { LossConfigError } from "./options";

/** One weighted term of a {@link CompositeLoss}. */
export interface LossTerm {
  /** Unique label of the term in the total; the module name by default. */
  readonly label: string;
  /** Weight of the term in the total. */
  readonly weight: number;
  /** The configured module. */
  readonly module: LossModule;
}

/** The total of one evaluation, with every term's unweighted value. */
export interface CompositeEvaluation {
  /** Σ weight · term, a scalar. */
  readonly total: tf.Scalar;
  /** Unweighted value of each term, by label, in configuration order. */
  readonly terms: Readonly<Record<string, tf.Scalar>>;
}

/**
 * A weighted sum of loss modules. The trainer evaluates it without knowing
 * which modules it holds.
 */
export class CompositeLoss {
  /** The terms, in configuration order. */
  readonly terms: readonly LossTerm[];

  /**
   * @param terms - at least one term; labels must be unique
   * @throws LossConfigError for an empty list or a repeated label
   */
  constructor(terms: readonly LossTerm[]) {
    if (terms.length === 0) {
      throw new LossConfigError(
        "a composite loss needs at least one term; configure a list such as " +
          '[{ "name": "alignment" }]',
      );
    }
    const seen = new Set<string>();
    for (const term of terms) {
      if (seen.has(term.label)) {
        throw new LossConfigError(
          `loss term label "${term.label}" is used twice; give each term of ` +
            'the same module its own "label"',
        );
      }
      seen.add(term.label);
    }
    this.terms = Object.freeze([...terms]);
  }

  /** Labels of the terms, in configuration order. */
  get labels(): string[] {
    return this.terms.map((term) => term.label);
  }

  /**
   * Evaluates every term and the weighted total. Call it inside `tf.tidy`
   * (or a differentiated function) so the intermediate tensors are freed.
   *
   * @param inputs - inputs of the batch
   * @returns the total and the unweighted terms
   * @throws Error naming the module when a module does not return a scalar
   */
  evaluate(inputs: LossInputs): CompositeEvaluation {
    const terms: Record<string, tf.Scalar> = {};
    let total: tf.Scalar | null = null;

    for (const { label, weight, module } of this.terms) {
      const value = module.compute(inputs);
      if (!(value instanceof tf.Tensor) || value.rank !== 0) {
        const shape =
          value instanceof tf.Tensor ? `[${value.shape}]` : typeof value;
        throw new TypeError(
          `loss module "${label}" must return a scalar tensor, got ${shape}; ` +
            "reduce it with tf.mean or tf.sum",
        );
      }
      terms[label] = value;
      const weighted = tf.mul(value, weight) as tf.Scalar;
      total =
        total === null ? weighted : (tf.add(total, weighted) as tf.Scalar);
    }
    return { total: total as tf.Scalar, terms };
  }
}
