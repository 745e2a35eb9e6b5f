import { abnormalProbability } from "./abnormal-probability";
import { checkMatrix } from "./check-shape";
import { harmonicFusion } from "./harmonic-fusion";

/**
 * Computes the global (image-level) textual score
 * `softmax(t · [⟨g, n̄⟩, ⟨g, ā⟩])[abnormal]`.
 *
 * @param globalEmbedding - L2-normalised global image embedding g, length dim
 * @param normalAnchor - L2-normalised normal anchor n̄, length dim
 * @param abnormalAnchor - L2-normalised abnormal anchor ā, length dim
 * @param logitScale - CLIP `logit_scale` as stored (about 4.6)
 * @returns probability of the abnormal class, in (0, 1)
 */
export function globalTextualScore(
  globalEmbedding: Float32Array,
  normalAnchor: Float32Array,
  abnormalAnchor: Float32Array,
  logitScale: number,
): number {
  const dim = globalEmbedding.length;
  checkMatrix("globalTextualScore normal anchor", normalAnchor, 1, dim);
  checkMatrix("globalTextualScore abnormal anchor", abnormalAnchor, 1, dim);
  let normalSim = 0;
  let abnormalSim = 0;
  for (let c = 0; c < dim; c++) {
    normalSim += globalEmbedding[c] * normalAnchor[c];
    abnormalSim += globalEmbedding[c] * abnormalAnchor[c];
  }
  return abnormalProbability(normalSim, abnormalSim, logitScale);
}

/**
 * Combines the global textual score with the peak of the visual-memory map:
 * `1 / (1/global + 1/max(visual))`, see {@link harmonicFusion}.
 *
 * @param globalScore - value of {@link globalTextualScore}
 * @param visualMapAtOutput - visual-memory map upsampled to the output
 *   resolution and not blurred, any shape, at least one value
 * @returns the image anomaly score
 */
export function imageScore(
  globalScore: number,
  visualMapAtOutput: Float32Array,
): number {
  if (visualMapAtOutput.length === 0) {
    throw new RangeError("imageScore: the visual map is empty");
  }
  let peak = -Infinity;
  for (let i = 0; i < visualMapAtOutput.length; i++) {
    if (visualMapAtOutput[i] > peak) peak = visualMapAtOutput[i];
  }
  return harmonicFusion(globalScore, peak);
}
