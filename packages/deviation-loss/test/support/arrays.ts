import { gaussianSamples, type Float32Matrix, type LossBatch } from "../../src";

type Nested = number | Nested[];

/**
 * Builds a float32 matrix from nested arrays, e.g. `matrix([[1, 0], [0, 1]])`.
 * An empty 2-D group is written `empty(dim)`.
 */
export function matrix(values: Nested[]): Float32Matrix {
  const shape: number[] = [];
  let level: Nested = values;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  const flat: number[] = [];
  const collect = (node: Nested): void => {
    if (Array.isArray(node)) {
      node.forEach(collect);
    } else {
      flat.push(node);
    }
  };
  collect(values);
  return { data: Float32Array.from(flat), shape };
}

/** Builds a [0, dim] matrix, a prompt group without prompts. */
export function empty(dim: number): Float32Matrix {
  return { data: new Float32Array(0), shape: [0, dim] };
}

/**
 * Builds a matrix of seeded N(0, 1) draws, optionally with each last-axis
 * row scaled to unit length (as image features are).
 */
export function randomMatrix(
  shape: number[],
  seed: number,
  unitRows = false,
): Float32Matrix {
  const size = shape.reduce((a, b) => a * b, 1);
  const data = Float32Array.from(gaussianSamples(size, seed));
  if (unitRows) {
    const dim = shape[shape.length - 1];
    for (let row = 0; row < size; row += dim) {
      const norm = Math.hypot(...data.subarray(row, row + dim));
      for (let c = 0; c < dim; c++) {
        data[row + c] /= norm;
      }
    }
  }
  return { data, shape };
}

/**
 * A batch of one image with one patch (1, 0), normal feature (1, 0) and one
 * manual abnormal feature (0, 1), for tests of bookkeeping rather than
 * values.
 */
export const onePatchBatch: LossBatch = {
  patchFeatures: matrix([[[1, 0]]]),
  normalText: matrix([[1, 0]]),
  manualAbnormalText: matrix([[0, 1]]),
  learnedAbnormalText: empty(2),
  logitScale: 4.6,
};
