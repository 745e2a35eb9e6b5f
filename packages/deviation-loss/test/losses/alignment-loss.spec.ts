import {
  computeLossAndGrads,
  createLossRegistry,
  type LossBatch,
} from "../../src";

import { matrix } from "../support/arrays";
import { BACKENDS, useBackend } from "../support/backends";
import { expectClose } from "../support/tolerance";

// One patch z = (0.6, 0.8); normal (2, 0) gives n̄ = (1, 0); the abnormal
// features (0, 5) and (0, 1) both normalise to (0, 1).
const t = 2;
const batch: LossBatch = {
  patchFeatures: matrix([[[0.6, 0.8]]]),
  normalText: matrix([[2, 0]]),
  manualAbnormalText: matrix([[0, 5]]),
  learnedAbnormalText: matrix([[0, 1]]),
  logitScale: t,
};

function alignment(options: Record<string, unknown> = {}) {
  return createLossRegistry().build([{ name: "alignment", options }]);
}

// Logits s · (0.6, 0.8, 0.8); cross-entropy with target 0 and its gradient
// with respect to each logit, p_j − [j = 0].
function reference(scale: number) {
  const logits = [0.6 * scale, 0.8 * scale, 0.8 * scale];
  const sum = logits.reduce((acc, l) => acc + Math.exp(l), 0);
  const p = logits.map((l) => Math.exp(l) / sum);
  return { value: -Math.log(p[0]), dLogit: [p[0] - 1, p[1], p[2]] };
}

describe.each(BACKENDS)("alignment loss on %s", (backend) => {
  beforeAll(() => useBackend(backend));

  test("alignment uses the stored logit scale", () => {
    const result = computeLossAndGrads(alignment(), batch);
    expectClose(result.total, reference(t).value, "loss");
  });

  test("alignment with exp scale uses e^t", () => {
    const result = computeLossAndGrads(alignment({ logitScale: "exp" }), batch);
    expectClose(result.total, reference(Math.exp(t)).value, "loss");
  });

  test("alignment gradients match the softmax formula", () => {
    const { dLogit } = reference(t);
    const result = computeLossAndGrads(alignment(), batch);

    // dL/dn̄ = t · dLogit_0 · z; n̄ = u/‖u‖ with u = (2, 0), so only the
    // second component survives the projection, divided by 2.
    expectClose(
      result.grads.normal.data,
      [0, (t * dLogit[0] * 0.8) / 2],
      "dL/d normal",
    );

    // dL/dâ_j = t · dLogit_j · z, projected orthogonally to (0, 1) and
    // divided by the row norms 5 and 1.
    expectClose(
      result.grads.manualAbnormal.data,
      [(t * dLogit[1] * 0.6) / 5, 0],
      "dL/d manual",
    );
    expectClose(
      result.grads.learnedAbnormal.data,
      [t * dLogit[2] * 0.6, 0],
      "dL/d learned",
    );
  });

  test("alignment averages over images and patches", () => {
    // Two identical images of one patch give the same mean.
    const twice: LossBatch = {
      ...batch,
      patchFeatures: matrix([[[0.6, 0.8]], [[0.6, 0.8]]]),
    };
    const result = computeLossAndGrads(alignment(), twice);
    expectClose(result.total, reference(t).value, "loss");
  });
});
