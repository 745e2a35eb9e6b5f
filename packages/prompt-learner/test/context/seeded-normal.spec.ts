import { SeededNormal } from "../../src";

describe("SeededNormal", () => {
  test("same seed gives the same stream", () => {
    const a = new SeededNormal(7);
    const b = new SeededNormal(7);
    for (let i = 0; i < 5; i++) expect(a.nextNormal()).toBe(b.nextNormal());
  });

  test("different seeds give different streams", () => {
    expect(new SeededNormal(1).nextUint32()).not.toBe(
      new SeededNormal(2).nextUint32(),
    );
  });

  test("seed is reduced modulo 2^32", () => {
    expect(new SeededNormal(-1).nextUint32()).toBe(
      new SeededNormal(2 ** 32 - 1).nextUint32(),
    );
  });

  test("rejects a fractional seed", () => {
    expect(() => new SeededNormal(1.5)).toThrow(
      "seed must be an integer, got 1.5",
    );
  });

  test.each([
    [0, [1144304738, 1416247, 958946056]],
    [111, [4252508304, 3451054574, 430163769]],
  ])(
    "Mulberry32 stream of seed %i matches a Python trace",
    (seed, expected) => {
      // Values from an independent Python reimplementation with 32-bit masking.
      const stream = new SeededNormal(seed);
      expect([
        stream.nextUint32(),
        stream.nextUint32(),
        stream.nextUint32(),
      ]).toEqual(expected);
    },
  );

  test("uniforms lie in [0, 1)", () => {
    const stream = new SeededNormal(3);
    let min = 1;
    let max = 0;
    for (let i = 0; i < 10000; i++) {
      const u = stream.nextUniform();
      min = Math.min(min, u);
      max = Math.max(max, u);
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
  });

  test("normal pairs share one radius", () => {
    // Box-Muller: z0² + z1² = -2 ln(1 - u1) for the pair's first uniform.
    const reference = new SeededNormal(11);
    const u1 = reference.nextUniform();
    const stream = new SeededNormal(11);
    const z0 = stream.nextNormal();
    const z1 = stream.nextNormal();
    expect(z0 * z0 + z1 * z1).toBeCloseTo(-2 * Math.log(1 - u1), 12);
  });

  test("draws have mean 0 and variance 1", () => {
    // With n = 50000 draws the standard error of the mean is 1/sqrt(n) ≈
    // 0.0045, of the variance sqrt(2/n) ≈ 0.0063 and of the fourth moment
    // sqrt(96/n) ≈ 0.044; 5 standard errors bound a correct generator's
    // deviation with near certainty.
    const n = 50000;
    const stream = new SeededNormal(111);
    let sum = 0;
    let squares = 0;
    let fourth = 0;
    for (let i = 0; i < n; i++) {
      const z = stream.nextNormal();
      sum += z;
      squares += z * z;
      fourth += z ** 4;
    }
    const mean = sum / n;
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(squares / n - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    // Kurtosis 3 separates a normal from, say, a uniform scaled to variance 1 (1.8).
    expect(Math.abs(fourth / n - 3)).toBeLessThan(5 * Math.sqrt(96 / n));
  });

  test("fillNormal scales by std and rounds to float32", () => {
    const values = new SeededNormal(5).fillNormal(new Float32Array(4), 0.02);
    const stream = new SeededNormal(5);
    for (const value of values) {
      expect(value).toBe(Math.fround(0.02 * stream.nextNormal()));
    }
  });
});
