import * as tf from "@tensorflow/tfjs";

import {
  computeLoss,
  computeLossAndGrads,
  createLossRegistry,
  type LossBatch,
} from "../src";
import { randomMatrix } from "./support/arrays";
import { BACKENDS, useBackend } from "./support/backends";
import { expectClose } from "./support/tolerance";

const dim = 6;
const batch: LossBatch = {
  patchFeatures: randomMatrix([2, 9, dim], 1, true),
  globalFeatures: randomMatrix([2, dim], 2, true),
  normalText: randomMatrix([2, dim], 3),
  manualAbnormalText: randomMatrix([3, dim], 4),
  learnedAbnormalText: randomMatrix([2, dim], 5),
  logitScale: 4.6052,
};

describe.each(BACKENDS)("computeLossAndGrads on %s", (backend) => {
  beforeAll(() => useBackend(backend));

  test("leaves no tensors behind", () => {
    const loss = createLossRegistry().build("devprompt");
    computeLossAndGrads(loss, batch);
    const before = tf.memory().numTensors;
    computeLossAndGrads(loss, batch);
    expect(tf.memory().numTensors).toBe(before);
  });

  test("does not dispose tensors passed in", () => {
    const loss = createLossRegistry().build("devprompt");
    const patches = tf.tensor3d(batch.patchFeatures.data as Float32Array, [
      2,
      9,
      dim,
    ]);
    computeLossAndGrads(loss, { ...batch, patchFeatures: patches });
    expect(patches.isDisposed).toBe(false);
    patches.dispose();
  });

  test("tensor and array inputs agree", () => {
    const loss = createLossRegistry().build("devprompt");
    const fromArrays = computeLossAndGrads(loss, batch);
    const tensors = tf.tidy(() => ({
      patchFeatures: tf.tensor(batch.patchFeatures.data as Float32Array, [
        2,
        9,
        dim,
      ]),
      normalText: tf.tensor(batch.normalText.data as Float32Array, [2, dim]),
    }));
    const fromTensors = computeLossAndGrads(loss, { ...batch, ...tensors });
    tf.dispose(tensors);
    expectClose(fromTensors.total, fromArrays.total, "total");
    expectClose(
      fromTensors.grads.normal.data,
      fromArrays.grads.normal.data,
      "dL/d normal",
    );
  });

  test("a group no term uses gets a zero gradient", () => {
    const loss = createLossRegistry().build([{ name: "agreement" }]);
    const result = computeLossAndGrads(loss, batch);
    expect(result.grads.normal.shape).toEqual([2, dim]);
    expect(Array.from(result.grads.normal.data)).toEqual(
      Array(2 * dim).fill(0),
    );
  });

  test("global source equals a one-patch map", () => {
    const loss = createLossRegistry().build("devprompt");
    const global = computeLossAndGrads(loss, batch, {
      featureSource: "global",
    });
    const onePatch = computeLossAndGrads(loss, {
      ...batch,
      patchFeatures: {
        data: batch.globalFeatures!.data as Float32Array,
        shape: [2, 1, dim],
      },
    });
    expectClose(global.total, onePatch.total, "total");
    expectClose(
      global.grads.learnedAbnormal.data,
      onePatch.grads.learnedAbnormal.data,
      "dL/d learned",
    );
  });

  test("gradients match central differences", () => {
    // The smooth terms only (alignment and agreement), so a finite step
    // crosses no kink. Step h = 1e-2 in float32: truncation error O(h²) and
    // rounding error about 1e-7 · |L| / h, both below 2e-3 here.
    const loss = createLossRegistry().build([
      { name: "alignment" },
      { name: "agreement", weight: 0.5 },
    ]);
    const analytic = computeLossAndGrads(loss, batch).grads.manualAbnormal.data;
    const base = batch.manualAbnormalText.data as Float32Array;
    const h = 1e-2;
    const numeric = Array.from(base, (_value, i) => {
      const shifted = (delta: number) => {
        const data = Float32Array.from(base);
        data[i] += delta;
        return computeLoss(loss, {
          ...batch,
          manualAbnormalText: { data, shape: [3, dim] },
        }).total;
      };
      return (shifted(h) - shifted(-h)) / (2 * h);
    });
    expectClose(analytic, numeric, "dL/d manual vs differences", 2e-3);
  });
});

describe.each(BACKENDS)("computeLoss on %s", (backend) => {
  beforeAll(() => useBackend(backend));

  test("matches the value of computeLossAndGrads", () => {
    const loss = createLossRegistry().build("devprompt");
    const withGrads = computeLossAndGrads(loss, batch);
    const values = computeLoss(loss, batch);
    expectClose(values.total, withGrads.total, "total");
    expect(Object.keys(values.terms)).toEqual(Object.keys(withGrads.terms));
    expectClose(
      Object.values(values.terms),
      Object.values(withGrads.terms),
      "terms",
    );
  });

  test("leaves no tensors behind", () => {
    const loss = createLossRegistry().build("promptad");
    const before = tf.memory().numTensors;
    computeLoss(loss, batch, { featureSource: "global" });
    expect(tf.memory().numTensors).toBe(before);
  });

  test("names a NaN module", () => {
    const loss = createLossRegistry().build("promptad");
    const zeroNormal = {
      ...batch,
      normalText: { data: new Float32Array(2 * dim), shape: [2, dim] },
    };
    expect(() => computeLoss(loss, zeroNormal)).toThrow(
      /loss module "alignment" returned NaN/,
    );
  });
});
