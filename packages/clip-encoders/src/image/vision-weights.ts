import { expectedWeightShapes } from "../architecture";
import type {
  ClipArchitecture,
  WeightMap,
  WeightTensor,
} from "../architecture";

/**
 * Checks that `weights` contains every vision-tower tensor of `architecture`
 * with the expected shape. Text-tower tensors are not required.
 *
 * @param weights - tensors under OpenCLIP names
 * @param architecture - architecture the graph is built for
 * @throws Error listing every missing or wrongly shaped `visual.*` tensor
 */
export function checkVisionWeights(
  weights: WeightMap,
  architecture: ClipArchitecture,
): void {
  const problems: string[] = [];
  for (const [name, shape] of expectedWeightShapes(architecture)) {
    if (!name.startsWith("visual.")) {
      continue;
    }
    const tensor = weights.get(name);
    if (tensor === undefined) {
      problems.push(`${name}: missing (expected shape [${shape.join(", ")}])`);
    } else if (!sameShape(tensor.shape, shape)) {
      problems.push(
        `${name}: expected shape [${shape.join(", ")}], got [${tensor.shape.join(", ")}]`,
      );
    } else if (tensor.data.length !== tensor.shape.reduce((a, b) => a * b, 1)) {
      problems.push(
        `${name}: shape [${shape.join(", ")}] needs ${shape.reduce((a, b) => a * b, 1)} values, got ${tensor.data.length}`,
      );
    }
  }

  if (problems.length > 0) {
    throw new Error(
      `the weights do not fit the vision tower of ${architecture.name} (${problems.length} problems):\n  ${problems.join("\n  ")}`,
    );
  }
}

/**
 * Returns a vision tensor that {@link checkVisionWeights} has accepted.
 *
 * @internal
 */
export function visionTensor(weights: WeightMap, name: string): WeightTensor {
  const tensor = weights.get(name);
  if (tensor === undefined) {
    throw new Error(`weight ${name} is missing`);
  }
  return tensor;
}

/**
 * Transposes a row-major (rows, cols) matrix into a new (cols, rows) array,
 * so that PyTorch's `[out, in]` linear weights become MatMul's `[in, out]`.
 *
 * @internal
 */
export function transposeMatrix(
  data: Float32Array,
  rows: number,
  cols: number,
): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const rowStart = r * cols;
    for (let c = 0; c < cols; c++) {
      out[c * rows + r] = data[rowStart + c];
    }
  }
  return out;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((dim, i) => dim === b[i]);
}
