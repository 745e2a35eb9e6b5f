import * as tf from "@tensorflow/tfjs";

import {
  assertFiniteTerms,
  computeLossAndGrads,
  createLossRegistry,
  defineLoss,
  NonFiniteLossError,
  type LossBatch,
} from "../src";
import { matrix, onePatchBatch } from "./support/arrays";

const batch = onePatchBatch;

describe("assertFiniteTerms", () => {
  test("accepts finite terms", () => {
    expect(() => assertFiniteTerms({ a: 0, b: -3.5 })).not.toThrow();
  });

  test("names the NaN module", () => {
    expect(() => assertFiniteTerms({ alignment: 0.7, deviation: NaN })).toThrow(
      /loss module "deviation" returned NaN; training stopped.*All terms: alignment=0.7, deviation=NaN/,
    );
  });

  test("names the infinite module", () => {
    let error: unknown;
    try {
      assertFiniteTerms({ margin: Infinity });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(NonFiniteLossError);
    expect((error as NonFiniteLossError).term).toBe("margin");
    expect((error as NonFiniteLossError).value).toBe(Infinity);
  });
});

describe("computeLossAndGrads finiteness", () => {
  const exploding = defineLoss({
    name: "exploding",
    description: "Returns log(0).",
    options: {},
    compute: ({ text }) => tf.log(tf.mul(tf.sum(text.normal), 0)) as tf.Scalar,
  });

  test("stops on a module returning -Infinity", () => {
    const loss = createLossRegistry()
      .register(exploding)
      .build([{ name: "alignment" }, { name: "exploding" }]);
    expect(() => computeLossAndGrads(loss, batch)).toThrow(
      /loss module "exploding" returned -Infinity/,
    );
  });

  test("a zero normal feature stops at the first module", () => {
    const loss = createLossRegistry().build("promptad");
    const zeroNormal: LossBatch = {
      ...batch,
      normalText: matrix([[0, 0]]),
      learnedAbnormalText: matrix([[1, 1]]),
    };
    expect(() => computeLossAndGrads(loss, zeroNormal)).toThrow(
      /loss module "alignment" returned NaN/,
    );
  });

  test("checkFinite false returns the value", () => {
    const loss = createLossRegistry()
      .register(exploding)
      .build([{ name: "exploding" }]);
    const result = computeLossAndGrads(loss, batch, { checkFinite: false });
    expect(result.total).toBe(-Infinity);
  });

  test("no tensors are left after a failure", () => {
    const loss = createLossRegistry()
      .register(exploding)
      .build([{ name: "exploding" }]);
    const before = tf.memory().numTensors;
    expect(() => computeLossAndGrads(loss, batch)).toThrow(NonFiniteLossError);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("non-finite gradients", () => {
  // sqrt(Σ 0 · x) is 0 but its gradient is 0.5 / sqrt(0) · 0 = NaN.
  const kink = defineLoss({
    name: "sqrt-kink",
    description: "Finite value, NaN gradient.",
    options: {},
    compute: ({ text }) => tf.sqrt(tf.sum(tf.mul(text.normal, 0))) as tf.Scalar,
  });

  test("names the module with the bad gradient", () => {
    const loss = createLossRegistry()
      .register(kink)
      .build([{ name: "alignment" }, { name: "sqrt-kink", weight: 0.5 }]);
    let error: unknown;
    try {
      computeLossAndGrads(loss, batch);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(NonFiniteLossError);
    expect((error as NonFiniteLossError).term).toBe("sqrt-kink");
    expect((error as NonFiniteLossError).part).toBe("gradient");
    expect((error as Error).message).toMatch(
      /loss module "sqrt-kink" has a gradient containing NaN/,
    );
  });

  test("checkFinite false returns the NaN gradient", () => {
    const loss = createLossRegistry()
      .register(kink)
      .build([{ name: "sqrt-kink" }]);
    const result = computeLossAndGrads(loss, batch, { checkFinite: false });
    expect(result.total).toBe(0);
    expect(Number.isNaN(result.grads.normal.data[0])).toBe(true);
  });
});
