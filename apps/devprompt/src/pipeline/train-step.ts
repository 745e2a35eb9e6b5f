import {
  computeLossAndGrads,
  type CompositeLoss,
  type FeatureSource,
} from "@devprompt/deviation-loss";
import {
  scatterContextGradient,
  type LearnableContext,
} from "@devprompt/prompt-learner";
import type { OpenModel } from "./model";
import { encodePrompts, type PromptSetup } from "./prompts";

/** Cached features of the k shots. */
export interface ShotFeatures {
  /** L2-normalised V-V patch features, `[k, patches, embedDim]`. */
  patchFeatures: Float32Array;
  /** L2-normalised global embeddings, `[k, embedDim]`. */
  globalFeatures: Float32Array;
  /** Number of shots k. */
  shots: number;
  /** Patches per image. */
  patches: number;
}

/** Loss value and gradient of one step. */
export interface StepResult {
  /** Weighted total of the loss terms. */
  total: number;
  /** Unweighted value of each term, by label. */
  terms: Record<string, number>;
  /** Gradient of the total with respect to C_n and C_a. */
  gradient: LearnableContext;
}

/**
 * Computes the loss of the current context on the shots and its gradient
 * with respect to the context.
 *
 * The text encoder gives the text features, and the loss modules give the
 * loss gradients with respect to them. The text encoder's vector-Jacobian
 * product carries these back to the token embeddings, and the scatter sums
 * them onto the context rows.
 *
 * @param model - open model
 * @param setup - prompt layout and assembler
 * @param context - current context (not modified)
 * @param shots - cached shot features
 * @param loss - composite loss
 * @param featureSource - `patch` scores the V-V patch features; `global`
 *   the global embeddings in their place (classification run)
 * @returns the loss and the context gradient
 */
export async function contextLossAndGradient(
  model: OpenModel,
  setup: PromptSetup,
  context: LearnableContext,
  shots: ShotFeatures,
  loss: CompositeLoss,
  featureSource: FeatureSource = "patch",
): Promise<StepResult> {
  const dim = model.checkpoint.architecture.embedDim;
  const { embeddings, eot, features } = await encodePrompts(
    model,
    setup,
    context,
  );
  const { groups } = setup.layout;
  const group = (range: { start: number; count: number }) => ({
    data: features.subarray(
      range.start * dim,
      (range.start + range.count) * dim,
    ),
    shape: [range.count, dim],
  });

  const result = computeLossAndGrads(
    loss,
    {
      patchFeatures: {
        data: shots.patchFeatures,
        shape: [shots.shots, shots.patches, dim],
      },
      globalFeatures: { data: shots.globalFeatures, shape: [shots.shots, dim] },
      normalText: group(groups.normal),
      manualAbnormalText: group(groups.manualAbnormal),
      learnedAbnormalText: group(groups.learnedAbnormal),
      logitScale: model.logitScale,
    },
    { featureSource },
  );

  const featureGradient = new Float32Array(features.length);
  featureGradient.set(result.grads.normal.data, groups.normal.start * dim);
  featureGradient.set(
    result.grads.manualAbnormal.data,
    groups.manualAbnormal.start * dim,
  );
  featureGradient.set(
    result.grads.learnedAbnormal.data,
    groups.learnedAbnormal.start * dim,
  );

  const dE = await model.textEncoder.vjp(embeddings, eot, featureGradient);
  const width = model.checkpoint.architecture.text.width;
  return {
    total: result.total,
    terms: { ...result.terms },
    gradient: scatterContextGradient(setup.layout, dE, width),
  };
}
