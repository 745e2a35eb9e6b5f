import type { ClipArchitecture, WeightMap } from "../architecture/types";
import { expectedWeightShapes } from "../architecture/weight-shapes";

/** One way a weight map differs from its architecture. */
export interface WeightMismatch {
  /**
   * `missing`: expected but absent; `unexpected`: present but not expected;
   * `shape`: present with another shape; `data`: data length does not match
   * the shape; `dtype`: stored in a type other than F32, F16 or BF16.
   */
  kind: "missing" | "unexpected" | "shape" | "data" | "dtype";
  /** OpenCLIP name of the tensor. */
  name: string;
  /** Shape the architecture expects; absent for `unexpected`. */
  expected?: number[];
  /** Shape found; absent for `missing`. */
  actual?: number[];
  /** Stored dtype, for `dtype` mismatches. */
  dtype?: string;
}

/**
 * Compares weights with the tensors an architecture needs and lists every
 * difference.
 *
 * @param arch - Architecture the weights should fit.
 * @param weights - Weights under OpenCLIP names.
 * @returns All mismatches: missing tensors first (in architecture order),
 *   then wrong shapes and data lengths, then unexpected tensors (in map order).
 */
export function findWeightMismatches(
  arch: ClipArchitecture,
  weights: WeightMap,
): WeightMismatch[] {
  return findShapeMismatches(expectedWeightShapes(arch), weights);
}

/**
 * Compares weights with an explicit name-to-shape map, in the order of
 * {@link findWeightMismatches}.
 *
 * @internal
 */
export function findShapeMismatches(
  expected: Map<string, number[]>,
  weights: WeightMap,
): WeightMismatch[] {
  const missing: WeightMismatch[] = [];
  const wrong: WeightMismatch[] = [];
  const unexpected: WeightMismatch[] = [];

  for (const [name, shape] of expected) {
    const tensor = weights.get(name);
    if (tensor === undefined) {
      missing.push({ kind: "missing", name, expected: shape });
      continue;
    }
    const sameShape =
      tensor.shape.length === shape.length &&
      tensor.shape.every((dimension, i) => dimension === shape[i]);
    if (!sameShape) {
      wrong.push({
        kind: "shape",
        name,
        expected: shape,
        actual: tensor.shape,
      });
      continue;
    }
    const count = shape.reduce((a, b) => a * b, 1);
    if (tensor.data.length !== count) {
      wrong.push({ kind: "data", name, expected: shape, actual: tensor.shape });
    }
  }

  for (const [name, tensor] of weights) {
    if (!expected.has(name)) {
      unexpected.push({ kind: "unexpected", name, actual: tensor.shape });
    }
  }

  return [...missing, ...wrong, ...unexpected];
}

function formatShape(shape: number[] | undefined): string {
  return `[${(shape ?? []).join(", ")}]`;
}

/**
 * Formats mismatches as one line each, for error messages.
 *
 * @param mismatches - Output of {@link findWeightMismatches}.
 * @returns Lines such as `missing visual.proj [896, 640]`.
 */
export function formatWeightMismatches(mismatches: WeightMismatch[]): string[] {
  return mismatches.map((mismatch) => {
    switch (mismatch.kind) {
      case "missing":
        return `missing ${mismatch.name} ${formatShape(mismatch.expected)}`;
      case "unexpected":
        return `unexpected ${mismatch.name} ${formatShape(mismatch.actual)}`;
      case "shape":
        return `wrong shape ${mismatch.name}: expected ${formatShape(mismatch.expected)}, got ${formatShape(mismatch.actual)}`;
      case "data":
        return `wrong data length ${mismatch.name}: shape ${formatShape(mismatch.actual)} does not match its data`;
      case "dtype":
        return `unsupported dtype ${mismatch.name}: ${mismatch.dtype ?? "?"}, expected F32, F16 or BF16`;
    }
  });
}

/**
 * Builds the error for a non-empty list of mismatches: a summary line with
 * counts, then one line per mismatch.
 *
 * @param arch - Architecture the weights should fit.
 * @param mismatches - The mismatches to report.
 * @param label - Where the weights came from, used in the message.
 * @returns The error, to be thrown by the caller.
 */
export function weightMismatchError(
  arch: ClipArchitecture,
  mismatches: WeightMismatch[],
  label: string,
): Error {
  const count = (...kinds: WeightMismatch["kind"][]): number =>
    mismatches.filter((m) => kinds.includes(m.kind)).length;
  return new Error(
    `weights in ${label} do not match architecture '${arch.name}' ` +
      `(${count("missing")} missing, ${count("unexpected")} unexpected, ` +
      `${count("shape", "data")} wrong shape, ${count("dtype")} unsupported dtype):\n  ` +
      formatWeightMismatches(mismatches).join("\n  ") +
      "\nCheck that the config describes the same model as the weights file.",
  );
}

/**
 * Throws when weights do not fit an architecture exactly, listing every
 * missing, unexpected and wrongly shaped tensor in one message.
 *
 * @param arch - Architecture the weights should fit.
 * @param weights - Weights under OpenCLIP names.
 * @param label - Where the weights came from, used in the message.
 * @throws Error with one line per mismatch.
 */
export function validateWeights(
  arch: ClipArchitecture,
  weights: WeightMap,
  label: string,
): void {
  const mismatches = findWeightMismatches(arch, weights);
  if (mismatches.length > 0) {
    throw weightMismatchError(arch, mismatches, label);
  }
}
