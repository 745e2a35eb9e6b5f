/**
 * Returns the abnormal entry of a two-way softmax over CLIP logits:
 * `softmax(t · [normalSim, abnormalSim])[1]`.
 *
 * Written as a logistic function of the difference, which never overflows:
 * `1 / (1 + exp(t · (normalSim − abnormalSim)))`.
 *
 * @param normalSim - cosine similarity with the normal anchor n̄
 * @param abnormalSim - cosine similarity with the abnormal anchor ā
 * @param logitScale - CLIP's `logit_scale` parameter used as stored (about
 *   4.6 for OpenCLIP models), not its exponential
 * @returns probability of the abnormal class, in (0, 1)
 * @example
 * ```ts
 * abnormalProbability(0.2, 0.2, 4.6); // 0.5
 * ```
 */
export function abnormalProbability(
  normalSim: number,
  abnormalSim: number,
  logitScale: number,
): number {
  return 1 / (1 + Math.exp(logitScale * (normalSim - abnormalSim)));
}
