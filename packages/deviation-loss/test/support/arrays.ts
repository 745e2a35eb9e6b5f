import type { Float32Matrix } from "../../src";

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
