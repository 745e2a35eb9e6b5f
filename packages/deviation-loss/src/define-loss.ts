import type * as tf from "@tensorflow/tfjs";

import type { LossInputs, LossModule, LossModuleFactory } from "./contract";
import { LossConfigError, parseOptions, type OptionSpecs } from "./options";

/** Definition of a loss module, the input of {@link defineLoss}. */
export interface LossDefinition<O> {
  /** Name that configurations use, lower-case words joined by `-`. */
  readonly name: string;
  /** One sentence on what the loss does. */
  readonly description: string;
  /** One spec per option; `{}` for a loss without options. */
  readonly options: OptionSpecs<O>;
  /**
   * Checks options together after each was parsed, for rules that span
   * several options.
   *
   * @param options - the parsed options
   * @returns an error message, or `undefined` when the options are valid
   */
  readonly check?: (options: Readonly<O>) => string | undefined;
  /**
   * Computes the loss from one batch.
   *
   * @param inputs - features, anchors, labels and logit scale
   * @param options - the validated options
   * @returns a scalar tensor
   */
  readonly compute: (inputs: LossInputs, options: Readonly<O>) => tf.Scalar;
}

const NAME_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * Creates a loss module factory from a name, option specs and a compute
 * function. Its `create` validates options, fills defaults and returns a
 * module whose options are frozen.
 *
 * @param definition - name, description, options and compute function
 * @returns a factory to pass to `LossRegistry.register`
 * @example
 * ```ts
 * const pull = defineLoss({
 *   name: 'normal-pull',
 *   description: 'Mean squared distance of patches to the normal anchor.',
 *   options: {},
 *   compute: ({ patchFeatures, text }) =>
 *     tf.mean(tf.sum(tf.square(tf.sub(patchFeatures, text.normalAnchor)), -1)),
 * });
 * ```
 */
export function defineLoss<O>(
  definition: LossDefinition<O>,
): LossModuleFactory<O> {
  const { name, description, compute, check } = definition;
  if (!NAME_PATTERN.test(name)) {
    throw new LossConfigError(
      `invalid loss module name "${name}": use lower-case letters and digits ` +
        'in words joined by "-", such as "normal-pull"',
    );
  }
  const optionSpecs = Object.freeze({ ...definition.options });

  const create = (rawOptions?: unknown): LossModule<O> => {
    const options = parseOptions(name, optionSpecs, rawOptions);
    const problem = check?.(options);
    if (problem !== undefined) {
      throw new LossConfigError(
        `invalid options of loss module "${name}": ${problem}`,
      );
    }
    return {
      name,
      options,
      compute: (inputs) => compute(inputs, options),
    };
  };

  return Object.freeze({ name, description, optionSpecs, create });
}
