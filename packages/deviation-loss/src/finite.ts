/** Error raised when a loss term is NaN or infinite; training must stop. */
export class NonFiniteLossError extends Error {
  /** Label of the term that is not finite (the module name unless relabelled). */
  readonly term: string;
  /** The value found: NaN, Infinity or -Infinity. */
  readonly value: number;

  /**
   * @param term - label of the offending term
   * @param value - its value
   * @param detail - extra context for the message, such as all term values
   */
  constructor(term: string, value: number, detail = "") {
    super(
      `loss module "${term}" returned ${value}; training stopped because the ` +
        "update would corrupt the prompts. Check the inputs of this module " +
        "(zero-length text features, NaN image features) or lower the " +
        `learning rate.${detail}`,
    );
    this.name = "NonFiniteLossError";
    this.term = term;
    this.value = value;
  }
}

/**
 * Checks that every loss term is a finite number.
 *
 * @param terms - term values by label, as returned with the total
 * @throws NonFiniteLossError naming the first term that is NaN or infinite
 * @example
 * ```ts
 * assertFiniteTerms({ alignment: 0.7, deviation: NaN });
 * // throws: loss module "deviation" returned NaN; training stopped ...
 * ```
 */
export function assertFiniteTerms(
  terms: Readonly<Record<string, number>>,
): void {
  for (const [term, value] of Object.entries(terms)) {
    if (!Number.isFinite(value)) {
      const all = Object.entries(terms)
        .map(([name, v]) => `${name}=${v}`)
        .join(", ");
      throw new NonFiniteLossError(term, value, ` All terms: ${all}.`);
    }
  }
}
