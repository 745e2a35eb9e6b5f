import {
  computeLossAndGrads,
  createLossRegistry,
  type LossBatch,
} from "../../src";

import { empty, matrix } from "../support/arrays";
import { BACKENDS, useBackend } from "../support/backends";
import { expectClose } from "../support/tolerance";

// One image with patches z1 = (1, 0) and z2 = (0.6, 0.8). The normal text
// feature (3, 0) gives n̄ = (1, 0); the abnormal one (0, 2) gives ā = (0, 1).
const batch: LossBatch = {
  patchFeatures: matrix([
    [
      [1, 0],
      [0.6, 0.8],
    ],
  ]),
  normalText: matrix([[3, 0]]),
  manualAbnormalText: matrix([[0, 2]]),
  learnedAbnormalText: empty(2),
  logitScale: 4.6,
};

function marginValue(options: Record<string, unknown>) {
  const loss = createLossRegistry().build([{ name: "margin", options }]);
  return computeLossAndGrads(loss, batch);
}

describe.each(BACKENDS)("margin loss on %s", (backend) => {
  beforeAll(() => useBackend(backend));

  test("channel-sum is zero when every channel has P < N", () => {
    // P = (0² + 0.4², 0² + 0.8²) = (0.16, 0.64);
    // N = (1² + 0.6², 1² + 0.2²) = (1.36, 1.04); P − N = (−1.2, −0.4).
    const result = marginValue({});
    expectClose(result.total, 0, "loss");
    expectClose(result.grads.normal.data, [0, 0], "dL/d normal");
    expectClose(result.grads.manualAbnormal.data, [0, 0], "dL/d abnormal");
  });

  test("channel-sum with m = 0.5 keeps channel 2 only", () => {
    // relu(P − N + 0.5) = (0, 0.1), mean over 2 channels = 0.05.
    const result = marginValue({ margin: 0.5 });
    expectClose(result.total, 0.05, "loss");

    // dL/dn̄_2 = ½ · Σ_p −2 (z_p2 − n̄_2) = −(0 + 0.8) = −0.8, dL/dn̄_1 = 0.
    // n̄ = u / ‖u‖ with u = (3, 0): dL/du = (I − n̄n̄ᵀ) dL/dn̄ / 3.
    expectClose(result.grads.normal.data, [0, -0.8 / 3], "dL/d normal");

    // dL/dā_2 = ½ · Σ_p 2 (z_p2 − ā_2) = (0 − 1) + (0.8 − 1) = −1.2, which
    // lies along ā = (0, 1) and so is removed by the normalisation.
    expectClose(result.grads.manualAbnormal.data, [0, 0], "dL/d abnormal");
  });

  test("per-patch differs from channel-sum", () => {
    // Patch 1: ‖z − n̄‖² − ‖z − ā‖² = 0 − 2; patch 2: 0.8 − 0.4 = 0.4.
    // Mean of relu over the 2 patches = 0.2.
    const result = marginValue({ reduction: "per-patch" });
    expectClose(result.total, 0.2, "loss");

    // Only patch 2 is active: dL/dn̄ = −2 (z2 − n̄) / 2 = (0.4, −0.8) and
    // dL/dā = 2 (z2 − ā) / 2 = (0.6, −0.2). Projected and divided by the
    // norms 3 and 2: (0, −0.8/3) and (0.3, 0).
    expectClose(result.grads.normal.data, [0, -0.8 / 3], "dL/d normal");
    expectClose(result.grads.manualAbnormal.data, [0.3, 0], "dL/d abnormal");
  });

  test("per-patch margin shifts every patch", () => {
    // relu(−2 + 1.5) = 0 and relu(0.4 + 1.5) = 1.9, mean 0.95.
    expectClose(
      marginValue({ reduction: "per-patch", margin: 1.5 }).total,
      0.95,
      "loss",
    );
  });
});

test("margin rejects a negative margin", () => {
  expect(() =>
    createLossRegistry().build([{ name: "margin", options: { margin: -1 } }]),
  ).toThrow(
    /invalid option "margin" of loss module "margin": expected a number >= 0, got -1/,
  );
});

test("margin rejects an unknown reduction", () => {
  expect(() =>
    createLossRegistry().build([
      { name: "margin", options: { reduction: "mean" } },
    ]),
  ).toThrow(/expected one of "channel-sum", "per-patch", got "mean"/);
});
