import { abnormalProbability } from "./abnormal-probability";
import { checkMatrix } from "./check-shape";

/**
 * Computes the textual anomaly map: for every patch p,
 * `softmax(t · [⟨z_p, n̄⟩, ⟨z_p, ā⟩])[abnormal]`.
 *
 * @param patchFeatures - L2-normalised V-V patch features z, shape
 *   (patches, dim), row-major
 * @param patches - number of patches (225 for a 15 × 15 grid)
 * @param dim - embedding width (640 for ViT-B-16-plus-240)
 * @param normalAnchor - L2-normalised normal anchor n̄, length dim
 * @param abnormalAnchor - L2-normalised abnormal anchor ā, length dim
 * @param logitScale - CLIP `logit_scale` as stored (about 4.6)
 * @returns Float32Array of length patches with values in (0, 1), in the
 *   patch order of the input (row-major over the grid)
 */
export function textualMap(
  patchFeatures: Float32Array,
  patches: number,
  dim: number,
  normalAnchor: Float32Array,
  abnormalAnchor: Float32Array,
  logitScale: number,
): Float32Array {
  checkMatrix("textualMap patch features", patchFeatures, patches, dim);
  checkMatrix("textualMap normal anchor", normalAnchor, 1, dim);
  checkMatrix("textualMap abnormal anchor", abnormalAnchor, 1, dim);
  const out = new Float32Array(patches);

  for (let p = 0; p < patches; p++) {
    const offset = p * dim;
    let normalSim = 0;
    let abnormalSim = 0;
    for (let c = 0; c < dim; c++) {
      const z = patchFeatures[offset + c];
      normalSim += z * normalAnchor[c];
      abnormalSim += z * abnormalAnchor[c];
    }
    out[p] = abnormalProbability(normalSim, abnormalSim, logitScale);
  }
  return out;
}
