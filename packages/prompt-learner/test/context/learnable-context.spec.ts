import {
  SeededNormal,
  checkContextShape,
  cloneLearnableContext,
  defaultContextConfig,
  initLearnableContext,
  resolveContextConfig,
} from "../../src";

describe("context config", () => {
  test("defaults are PromptAD’s", () => {
    expect(defaultContextConfig()).toEqual({
      nPro: 1,
      nCtx: 4,
      nProAb: 4,
      nCtxAb: 1,
      initStd: 0.02,
      seed: 111,
    });
  });

  test("defaults are returned as copies", () => {
    defaultContextConfig().nCtx = 99;
    expect(defaultContextConfig().nCtx).toBe(4);
  });

  test("overrides replace single fields", () => {
    expect(resolveContextConfig({ nCtx: 8 }).nCtx).toBe(8);
    expect(resolveContextConfig({ nCtx: 8 }).nProAb).toBe(4);
  });

  test.each([
    [{ nPro: 0 }, "nPro must be a positive integer, got 0"],
    [{ nCtx: 1.5 }, "nCtx must be a positive integer, got 1.5"],
    [{ nProAb: -1 }, "nProAb must be a positive integer, got -1"],
    [{ nCtxAb: NaN }, "nCtxAb must be a positive integer, got NaN"],
    [{ initStd: -0.1 }, "initStd must be a finite number >= 0, got -0.1"],
    [{ seed: 0.5 }, "seed must be an integer, got 0.5"],
  ])("rejects %j", (overrides, message) => {
    expect(() => resolveContextConfig(overrides)).toThrow(message);
  });
});

describe("initLearnableContext", () => {
  const config = defaultContextConfig();

  test("has the configured shapes", () => {
    const context = initLearnableContext(config, 8);
    expect(context.normal.shape).toEqual([1, 4, 8]);
    expect(context.abnormal.shape).toEqual([4, 1, 8]);
    expect(context.normal.data).toHaveLength(32);
    expect(context.abnormal.data).toHaveLength(32);
  });

  test("draws C_n then C_a from one stream", () => {
    const context = initLearnableContext(config, 3);
    const stream = new SeededNormal(config.seed);
    const expected = stream.fillNormal(new Float32Array(24), config.initStd);
    expect(Array.from(context.normal.data)).toEqual(
      Array.from(expected.subarray(0, 12)),
    );
    expect(Array.from(context.abnormal.data)).toEqual(
      Array.from(expected.subarray(12)),
    );
  });

  test("is deterministic and depends on the seed", () => {
    const a = initLearnableContext(config, 16);
    const b = initLearnableContext(config, 16);
    const c = initLearnableContext({ ...config, seed: 112 }, 16);
    expect(a).toEqual(b);
    expect(a.normal.data).not.toEqual(c.normal.data);
  });

  test("has standard deviation initStd", () => {
    // 20480 values: the sample std has a relative standard error of
    // 1/sqrt(2n) ≈ 0.5 %, so 3 % is a 6-sigma bound.
    const context = initLearnableContext(
      { ...config, nPro: 10, nProAb: 40 },
      256,
    );
    const all = [...context.normal.data, ...context.abnormal.data];
    const variance = all.reduce((sum, x) => sum + x * x, 0) / all.length;
    expect(Math.abs(Math.sqrt(variance) - 0.02)).toBeLessThan(0.0006);
  });

  test("initStd 0 gives zeros", () => {
    const context = initLearnableContext({ ...config, initStd: 0 }, 4);
    expect(context.normal.data.every((x) => x === 0)).toBe(true);
  });

  test("rejects a bad width", () => {
    expect(() => initLearnableContext(config, 0)).toThrow(
      "context width must be a positive integer, got 0",
    );
  });

  test("clone copies the arrays", () => {
    const context = initLearnableContext(config, 4);
    const copy = cloneLearnableContext(context);
    copy.normal.data[0] = 5;
    expect(context.normal.data[0]).not.toBe(5);
  });

  test("checkContextShape names the mismatching tensor", () => {
    const context = initLearnableContext(config, 4);
    expect(() =>
      checkContextShape(context, { ...config, nProAb: 2 }, 4),
    ).toThrow(
      "abnormal context has shape [4, 1, 4] with 16 values; expected [2, 1, 4]",
    );
    expect(() => checkContextShape(context, config, 5)).toThrow(
      "normal context has shape [1, 4, 4]",
    );
  });
});
