/**
 * Rejects a missing --category for the benchmark layouts, where a dataset
 * root contains many classes.
 *
 * @param dataset - dataset layout
 * @param category - value of --category, if any
 */
export function requireCategory(dataset: unknown, category: unknown): void {
  if (dataset !== "folder" && category === undefined) {
    const example = dataset === "visa" ? "candle" : "bottle";
    throw new Error(
      `--category is required with --dataset ${String(dataset)}; name one class, e.g. --category ${example}`,
    );
  }
}
