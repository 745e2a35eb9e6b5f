/** Error raised when a loss term or its gradient is NaN or infinite. */
export class NonFiniteLossError extends Error {
  /** Label of the offending term (the module name unless relabelled). */
  readonly term: string;
  /** The value found: NaN, Infinity or -Infinity. */
  readonly value: number;
  /** Whether the term's value or its gradient is not finite. */
  readonly part: "value" | "gradient";

  /**
   * @param term - label of the offending term
   * @param value - the non-finite number found
   * @param part - `value` when the term itself is not finite, `gradient`
   *   when only its gradient is
   * @param detail - extra context for the message, such as all term values
   */
  constructor(
    term: string,
    value: number,
    part: "value" | "gradient" = "value",
    detail = "",
  ) {
    const what = part === "value" ? "returned" : "has a gradient containing";
    super(
      `loss module "${term}" ${what} ${value}; training stopped because the ` +
        "update would corrupt the prompts. Check the inputs of this module " +
        "(zero-length text features, NaN image features) or lower the " +
        `learning rate.${detail}`,
    );
    this.name = "NonFiniteLossError";
    this.term = term;
    this.value = value;
    this.part = part;
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
      throw new NonFiniteLossError(term, value, "value", ` All terms: ${all}.`);
    }
  }
}
