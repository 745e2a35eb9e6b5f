import { checkMatrix } from "./check-shape";

/**
 * Computes the deviation map of DevPrompt: `d(p) = |⟨z_p, ā⟩ − μ| / σ` per
 * patch, the quantity the deviation loss pushes towards 0 on normal images.
 *
 * @param patchFeatures - L2-normalised V-V patch features z, shape
 *   (patches, dim), row-major
 * @param patches - number of patches
 * @param dim - embedding width
 * @param abnormalAnchor - L2-normalised abnormal anchor ā, length dim
 * @param mu - mean of the reference scores (0 for the exact N(0, 1) option)
 * @param sigma - standard deviation of the reference scores, > 0
 * @returns Float32Array of length patches, values ≥ 0 in units of σ
 */
export function deviationMap(
  patchFeatures: Float32Array,
  patches: number,
  dim: number,
  abnormalAnchor: Float32Array,
  mu: number,
  sigma: number,
): Float32Array {
  checkMatrix("deviationMap patch features", patchFeatures, patches, dim);
  checkMatrix("deviationMap abnormal anchor", abnormalAnchor, 1, dim);
  if (!(sigma > 0) || !Number.isFinite(sigma)) {
    throw new RangeError(
      `deviationMap: sigma must be a positive number, got ${sigma}`,
    );
  }
  const out = new Float32Array(patches);
  for (let p = 0; p < patches; p++) {
    let score = 0;
    for (let c = 0; c < dim; c++)
      score += patchFeatures[p * dim + c] * abnormalAnchor[c];
    out[p] = Math.abs(score - mu) / sigma;
  }
  return out;
}
