import {
  createRandom,
  createXoshiro128StarStar,
  gaussianSamples,
} from "../src";

describe("xoshiro128**", () => {
  test("first outputs from state 1, 2, 3, 4 by hand", () => {
    // Output 1: rotl(2 · 5, 7) · 9 = 1280 · 9 = 11520. The update then sets
    // s1 = 2 ^ (3 ^ 1) = 0, so output 2 is rotl(0, 7) · 9 = 0.
    const random = createXoshiro128StarStar(new Uint32Array([1, 2, 3, 4]));
    expect(random.nextUint32()).toBe(11520);
    expect(random.nextUint32()).toBe(0);
  });

  test("rejects the all-zero state", () => {
    expect(() => createXoshiro128StarStar(new Uint32Array(4))).toThrow(
      /not all zero/,
    );
  });

  test("does not keep a reference to the state array", () => {
    const state = new Uint32Array([1, 2, 3, 4]);
    const random = createXoshiro128StarStar(state);
    state.fill(9);
    expect(random.nextUint32()).toBe(11520);
  });
});

describe("createRandom", () => {
  test("equal seeds give equal sequences", () => {
    const a = createRandom(42);
    const b = createRandom(42);
    for (let i = 0; i < 100; i++) {
      expect(a.nextUint32()).toBe(b.nextUint32());
    }
  });

  test("neighbouring seeds give different sequences", () => {
    const a = Array.from({ length: 4 }, createRandom(1).nextUint32);
    const b = Array.from({ length: 4 }, createRandom(2).nextUint32);
    expect(a).not.toEqual(b);
  });

  test("nextFloat64 stays in [0, 1) with a uniform mean", () => {
    const random = createRandom(3);
    const count = 20000;
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < count; i++) {
      const u = random.nextFloat64();
      sum += u;
      min = Math.min(min, u);
      max = Math.max(max, u);
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    // Standard error of the mean of U(0, 1) is sqrt(1/12 / n) = 0.002.
    expect(Math.abs(sum / count - 0.5)).toBeLessThan(0.01);
  });

  test.each([-1, 1.5, 2 ** 32, Number.NaN])("rejects seed %p", (seed) => {
    expect(() => createRandom(seed)).toThrow(
      /createRandom: seed must be an integer in \[0, 4294967295\]/,
    );
  });
});

describe("gaussianSamples", () => {
  const count = 100000;
  const draws = gaussianSamples(count, 2024);

  test("mean is near 0", () => {
    const mean = draws.reduce((a, b) => a + b, 0) / count;
    // Five standard errors of the mean: 5 / sqrt(n) = 0.0158.
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(count));
  });

  test("variance is near 1", () => {
    const variance = draws.reduce((a, b) => a + b * b, 0) / count;
    // The variance estimate has standard error sqrt(2 / n) = 0.0045.
    expect(Math.abs(variance - 1)).toBeLessThan(5 * Math.sqrt(2 / count));
  });

  test("one-sigma mass is 68.27 %", () => {
    const inside = draws.filter((x) => Math.abs(x) < 1).length / count;
    // Binomial standard error sqrt(p (1 − p) / n) = 0.0015.
    expect(Math.abs(inside - 0.682689)).toBeLessThan(0.0075);
  });

  test("odd counts drop the last sine draw", () => {
    const five = gaussianSamples(5, 9);
    const six = gaussianSamples(6, 9);
    expect(Array.from(five)).toEqual(Array.from(six.subarray(0, 5)));
  });

  test("zero draws give an empty array", () => {
    expect(gaussianSamples(0, 1)).toHaveLength(0);
  });

  test("rejects a negative count", () => {
    expect(() => gaussianSamples(-1, 1)).toThrow(/count must be an integer/);
  });
});
