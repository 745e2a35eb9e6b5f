import {
  computeLossAndGrads,
  createLossRegistry,
  type LossBatch,
} from "../../src";

import { empty, matrix } from "../support/arrays";
import { BACKENDS, useBackend } from "../support/backends";
import { expectClose } from "../support/tolerance";

const agreement = createLossRegistry().build([{ name: "agreement" }]);

// Manual (2, 0) normalises to (1, 0). Learned (0, 3) and (0, −1) normalise
// to (0, 1) and (0, −1), whose mean is (0, 0).
const batch: LossBatch = {
  patchFeatures: matrix([[[1, 0]]]),
  normalText: matrix([[1, 1]]),
  manualAbnormalText: matrix([[2, 0]]),
  learnedAbnormalText: matrix([
    [0, 3],
    [0, -1],
  ]),
  logitScale: 4.6,
};

describe.each(BACKENDS)("agreement loss on %s", (backend) => {
  beforeAll(() => useBackend(backend));

  test("agreement is the squared distance of the means", () => {
    const result = computeLossAndGrads(agreement, batch);
    expectClose(result.total, 1, "loss");
  });

  test("agreement gradients follow the normalisation", () => {
    const result = computeLossAndGrads(agreement, batch);

    // dL/d(mean manual) = 2 · ((1, 0) − (0, 0)) = (2, 0), parallel to the
    // manual row, so the projection (I − uuᵀ)/‖m‖ removes it.
    expectClose(result.grads.manualAbnormal.data, [0, 0], "dL/d manual");

    // dL/d(mean learned) = (−2, 0); each row gets half of it, projected
    // orthogonally to its unit vector and divided by its norm (3 and 1).
    expectClose(
      result.grads.learnedAbnormal.data,
      [-1 / 3, 0, -1, 0],
      "dL/d learned",
    );

    // The normal prompt does not enter the agreement.
    expectClose(result.grads.normal.data, [0, 0], "dL/d normal");
  });

  test("agreement is zero for equal directions", () => {
    const same: LossBatch = {
      ...batch,
      manualAbnormalText: matrix([[1, 2]]),
      learnedAbnormalText: matrix([[2, 4]]),
    };
    expectClose(computeLossAndGrads(agreement, same).total, 0, "loss");
  });
});

test("agreement without learned prompts names the module", () => {
  const noLearned: LossBatch = { ...batch, learnedAbnormalText: empty(2) };
  expect(() => computeLossAndGrads(agreement, noLearned)).toThrow(
    /loss module "agreement" needs at least one manual and one learned abnormal prompt, got 1 manual and 0 learned/,
  );
});

test("agreement rejects any option", () => {
  expect(() =>
    createLossRegistry().build([{ name: "agreement", options: { weight: 2 } }]),
  ).toThrow(
    /unknown option "weight" of loss module "agreement". Valid options of "agreement": none/,
  );
});
