/**
 * Class lists of the standard benchmarks, as data. Sources: Bergmann et al.,
 * "MVTec AD", CVPR 2019 (15 categories); Zou et al., "SPot-the-Difference
 * Self-Supervised Pre-training for Anomaly Detection and Segmentation"
 * (VisA), ECCV 2022, whose `split_csv/1cls.csv` names 12 objects.
 */

const MVTEC_AD = [
  "bottle",
  "cable",
  "capsule",
  "carpet",
  "grid",
  "hazelnut",
  "leather",
  "metal_nut",
  "pill",
  "screw",
  "tile",
  "toothbrush",
  "transistor",
  "wood",
  "zipper",
] as const;

const VISA = [
  "candle",
  "capsules",
  "cashew",
  "chewinggum",
  "fryum",
  "macaroni1",
  "macaroni2",
  "pcb1",
  "pcb2",
  "pcb3",
  "pcb4",
  "pipe_fryum",
] as const;

/** A benchmark whose class list is fixed. */
export type Benchmark = "mvtec" | "visa";

/**
 * Returns the class names of a benchmark in alphabetical order, as a copy.
 *
 * @param benchmark - `mvtec` (MVTec AD, 15 classes) or `visa` (12 classes).
 * @returns A new array of class names.
 * @example
 * ```ts
 * benchmarkClasses('visa').length; // 12
 * ```
 */
export function benchmarkClasses(benchmark: Benchmark): string[] {
  return benchmark === "mvtec" ? [...MVTEC_AD] : [...VISA];
}

/**
 * Checks that a class belongs to a benchmark.
 *
 * @param benchmark - Benchmark whose class list applies.
 * @param className - Class name as written in the dataset folder.
 * @throws Error listing the known classes when `className` is not one of them.
 */
export function assertKnownClass(
  benchmark: Benchmark,
  className: string,
): void {
  const known = benchmarkClasses(benchmark);
  if (!known.includes(className)) {
    const name = benchmark === "mvtec" ? "MVTec AD" : "VisA";
    throw new Error(
      `unknown ${name} class "${className}"; known classes: ${known.join(", ")}. ` +
        `Use the folder dataset format for other categories.`,
    );
  }
}
