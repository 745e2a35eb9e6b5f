import * as tf from "@tensorflow/tfjs";

import { defineLoss, LossConfigError, numberOption } from "../src";

const scaled = defineLoss<{ factor: number }>({
  name: "scaled-constant",
  description: "A constant, for tests.",
  options: {
    factor: numberOption({ description: "Factor.", default: 2, min: 0 }),
  },
  check: (options) =>
    options.factor === 3 ? "factor 3 is reserved for this test" : undefined,
  compute: (_inputs, options) => tf.scalar(options.factor),
});

describe("defineLoss", () => {
  test("create fills defaults", () => {
    expect(scaled.create().options).toEqual({ factor: 2 });
  });

  test("module keeps its name", () => {
    expect(scaled.create({ factor: 1 }).name).toBe("scaled-constant");
  });

  test("check rejects a combination", () => {
    expect(() => scaled.create({ factor: 3 })).toThrow(
      'invalid options of loss module "scaled-constant": factor 3 is reserved for this test',
    );
  });

  test.each(["Deviation", "my_loss", "-x", "a--b", ""])(
    "rejects the name %p",
    (name) => {
      expect(() =>
        defineLoss({
          name,
          description: "x",
          options: {},
          compute: () => tf.scalar(0),
        }),
      ).toThrow(LossConfigError);
    },
  );

  test("factory is frozen", () => {
    expect(Object.isFrozen(scaled)).toBe(true);
  });
});
