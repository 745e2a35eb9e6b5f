import { checkMatrix } from "./check-shape";
import { maxDotProducts } from "./max-cosine-similarity";
import type { VisualMemory } from "./visual-memory";

/**
 * Computes the visual-memory anomaly map: for each patch p and each tap,
 * `min over memory rows m of (1 − ⟨f_p, m⟩) / 2`, then the mean over taps.
 *
 * `(1 − cos) / 2` lies in [0, 1] for unit vectors. A patch equal to a
 * memory row may score a tiny negative value, because rounding can push
 * the nearest cosine above 1 by a few ulps. Such values are kept as
 * computed.
 *
 * @param patchTaps - one array per tap, each of shape (patches, dim),
 *   row-major, with L2-normalised rows (same tap order as the memory)
 * @param patches - patches per image
 * @param memory - memory of the shots, as built by `buildVisualMemory`
 * @returns Float32Array of length patches
 */
export function visualMemoryMap(
  patchTaps: readonly Float32Array[],
  patches: number,
  memory: VisualMemory,
): Float32Array {
  if (patchTaps.length !== memory.taps.length) {
    throw new RangeError(
      `visualMemoryMap: the image has ${patchTaps.length} feature taps but the memory has ${memory.taps.length}`,
    );
  }
  const sums = new Float64Array(patches);

  patchTaps.forEach((features, t) => {
    checkMatrix(`visualMemoryMap tap ${t}`, features, patches, memory.dim);
    const nearest = maxDotProducts(
      features,
      patches,
      memory.taps[t],
      memory.rows,
      memory.dim,
    );
    for (let p = 0; p < patches; p++) sums[p] += (1 - nearest[p]) / 2;
  });

  const out = new Float32Array(patches);
  for (let p = 0; p < patches; p++) out[p] = sums[p] / patchTaps.length;
  return out;
}
