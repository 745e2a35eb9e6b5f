import {
  gaussianBlur,
  gaussianKernel,
  reflectIndex,
} from "../../src/maps/gaussian-blur";
import {
  f32,
  randomArray,
  readJsonFixture,
  seededRandom,
} from "../support/fixtures";
import { MAP_TOLERANCE, expectAllClose } from "../support/tolerance";

interface BlurCase {
  height: number;
  width: number;
  sigma: number;
  truncate: number;
  input: number[];
  output: number[];
}

describe("gaussianKernel", () => {
  it("has radius floor(4σ + 0.5) like SciPy", () => {
    expect(gaussianKernel(4)).toHaveLength(33);
    expect(gaussianKernel(1.5, 2)).toHaveLength(7);
    expect(gaussianKernel(0.1)).toHaveLength(1);
  });

  it("is symmetric and sums to 1", () => {
    const k = gaussianKernel(4);
    const sum = k.reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(1, 12);
    for (let i = 0; i < k.length; i++) expect(k[i]).toBe(k[k.length - 1 - i]);
  });

  it("matches exp(−x²/2σ²) up to normalisation", () => {
    const k = gaussianKernel(2, 1);
    // radius 2: weights e^−0.5, e^−0.125, 1, e^−0.125, e^−0.5
    const raw = [
      Math.exp(-0.5),
      Math.exp(-0.125),
      1,
      Math.exp(-0.125),
      Math.exp(-0.5),
    ];
    const total = raw.reduce((a, b) => a + b, 0);
    raw.forEach((w, i) => expect(k[i]).toBeCloseTo(w / total, 14));
  });

  it("rejects sigma 0", () => {
    expect(() => gaussianKernel(0)).toThrow(
      /sigma must be a positive number of pixels, got 0/,
    );
  });
});

describe("reflectIndex", () => {
  it.each([
    [-1, 0],
    [-2, 1],
    [-4, 3],
    [-5, 3],
    [-8, 0],
    [4, 3],
    [5, 2],
    [8, 0],
    [9, 1],
    [2, 2],
  ])(
    "maps %i to %i on an axis of 4 (d c b a | a b c d | d c b a)",
    (i, expected) => {
      expect(reflectIndex(i, 4)).toBe(expected);
    },
  );

  it("maps everything to 0 on an axis of 1", () => {
    expect([-3, -1, 0, 1, 5].map((i) => reflectIndex(i, 1))).toEqual([
      0, 0, 0, 0, 0,
    ]);
  });
});

describe("gaussianBlur", () => {
  it("keeps a constant map constant", () => {
    const out = gaussianBlur(new Float32Array(30 * 20).fill(0.25), 30, 20, {
      sigma: 4,
    });
    expectAllClose(
      out,
      new Float32Array(600).fill(0.25),
      MAP_TOLERANCE,
      "blurred constant",
    );
  });

  it("keeps a linear ramp away from the borders", () => {
    const width = 60;
    const input = Float32Array.from(
      { length: width * 3 },
      (_, i) => 0.01 * (i % width),
    );
    const out = gaussianBlur(input, 3, width, { sigma: 4 });
    for (let x = 17; x < width - 17; x++)
      expect(out[width + x]).toBeCloseTo(0.01 * x, 5);
  });

  it("turns an impulse into the outer product of the kernel", () => {
    const size = 41;
    const input = new Float32Array(size * size);
    input[20 * size + 20] = 1;
    const out = gaussianBlur(input, size, size, { sigma: 4 });
    const k = gaussianKernel(4);
    for (const [dy, dx] of [
      [0, 0],
      [3, -5],
      [-16, 16],
      [10, 1],
    ]) {
      expect(out[(20 + dy) * size + 20 + dx]).toBeCloseTo(
        k[dy + 16] * k[dx + 16],
        7,
      );
    }
    expect(out[2 * size + 20]).toBe(0);
  });

  it("preserves the sum of the map under reflection", () => {
    const input = randomArray(25 * 31, seededRandom(7)).map(Math.abs);
    const out = gaussianBlur(input, 25, 31, { sigma: 4 });
    const sum = (a: Float32Array) => a.reduce((s, v) => s + v, 0);
    expect(sum(out)).toBeCloseTo(sum(input), 2);
  });

  it("returns a copy for sigma 0", () => {
    const input = randomArray(6, seededRandom(3));
    expect(Array.from(gaussianBlur(input, 2, 3, { sigma: 0 }))).toEqual(
      Array.from(input),
    );
  });

  describe("against scipy.ndimage.gaussian_filter", () => {
    const fixture = readJsonFixture<{ cases: BlurCase[] }>(
      "gaussian-blur.json",
    );
    it.each(
      fixture.cases.map(
        (c) =>
          [
            `${c.height}×${c.width}, σ ${c.sigma}, truncate ${c.truncate}`,
            c,
          ] as const,
      ),
    )("%s", (_, c) => {
      const out = gaussianBlur(f32(c.input), c.height, c.width, {
        sigma: c.sigma,
        truncate: c.truncate,
      });
      expectAllClose(out, c.output, MAP_TOLERANCE, "blurred map");
    });
  });
});
