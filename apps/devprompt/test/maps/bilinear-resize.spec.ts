import { bilinearResize } from "../../src/maps/bilinear-resize";
import {
  f32,
  randomArray,
  readJsonFixture,
  seededRandom,
} from "../support/fixtures";
import { MAP_TOLERANCE, expectAllClose } from "../support/tolerance";

interface ResizeCase {
  height: number;
  width: number;
  outHeight: number;
  outWidth: number;
  input: number[];
  output: number[];
}

interface ResizeFixture {
  cases: ResizeCase[];
  sampled400: Omit<ResizeCase, "output"> & {
    ys: number[];
    xs: number[];
    values: number[];
  };
}

describe("bilinearResize", () => {
  it("interpolates 2 → 4 pixels at half-pixel centres", () => {
    // Output centres 0.5, 1.5, 2.5, 3.5 map to input −0.25 (clamped to 0),
    // 0.25, 0.75, 1.25 (past the last pixel, so the last value).
    const out = bilinearResize(Float32Array.from([0, 4]), 1, 2, 1, 4);
    expect(Array.from(out)).toEqual([0, 1, 3, 4]);
  });

  it("returns a copy of the input at the same size", () => {
    const input = randomArray(12, seededRandom(1));
    expect(Array.from(bilinearResize(input, 3, 4, 3, 4))).toEqual(
      Array.from(input),
    );
  });

  it("keeps a constant map constant", () => {
    const out = bilinearResize(
      new Float32Array(225).fill(0.37),
      15,
      15,
      400,
      400,
    );
    expect(out.every((v) => v === Math.fround(0.37))).toBe(true);
  });

  it("reproduces a linear ramp between the border pixels", () => {
    // f(x) = 2x + 1 on 5 columns; output column j samples x = (j + 0.5) · 5/40 − 0.5.
    const input = Float32Array.from({ length: 5 }, (_, x) => 2 * x + 1);
    const out = bilinearResize(input, 1, 5, 1, 40);
    for (let j = 0; j < 40; j++) {
      const x = Math.min(Math.max((j + 0.5) * (5 / 40) - 0.5, 0), 4);
      expect(out[j]).toBeCloseTo(2 * x + 1, 5);
    }
  });

  it("spreads a single pixel over the whole output", () => {
    const out = bilinearResize(Float32Array.from([0.8]), 1, 1, 7, 3);
    expect(out.every((v) => v === Math.fround(0.8))).toBe(true);
  });

  describe("against torch.nn.functional.interpolate", () => {
    const fixture = readJsonFixture<ResizeFixture>("bilinear-resize.json");

    it.each(
      fixture.cases.map(
        (c) =>
          [`${c.height}×${c.width} → ${c.outHeight}×${c.outWidth}`, c] as const,
      ),
    )("%s", (_, c) => {
      const out = bilinearResize(
        f32(c.input),
        c.height,
        c.width,
        c.outHeight,
        c.outWidth,
      );
      expectAllClose(out, c.output, MAP_TOLERANCE, "resized map");
    });

    it("15×15 → 400×400 at sampled pixels", () => {
      const c = fixture.sampled400;
      const out = bilinearResize(f32(c.input), 15, 15, 400, 400);
      const picked = c.ys.map((y, i) => out[y * 400 + c.xs[i]]);
      expectAllClose(picked, c.values, MAP_TOLERANCE, "sampled pixels");
    });
  });

  it("rejects an input of the wrong size", () => {
    expect(() => bilinearResize(new Float32Array(10), 3, 4, 8, 8)).toThrow(
      /expected 3 × 4 = 12 values, got 10/,
    );
  });

  it("rejects an output size of 0", () => {
    expect(() => bilinearResize(new Float32Array(4), 2, 2, 0, 8)).toThrow(
      /rows must be a positive integer, got 0/,
    );
  });
});
