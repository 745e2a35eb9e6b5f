import { resizePil, type PixelBuffer } from "../../src/index";
import { expectAllClose } from "../helpers/tolerance";

function gray(width: number, height: number, values: number[]): PixelBuffer {
  return { width, height, channels: 1, data: Uint8Array.from(values) };
}

/**
 * Direct 2-D evaluation of a support-scaled, normalised kernel at each
 * output pixel centre, in floating point: an independent formulation of
 * the separable fixed-point passes under test.
 */
function referenceResize(
  src: PixelBuffer,
  outWidth: number,
  outHeight: number,
  kernel: (x: number) => number,
  support: number,
): Float64Array {
  const out = new Float64Array(outWidth * outHeight);
  const weights = (inSize: number, outSize: number, o: number) => {
    const scale = inSize / outSize;
    const widen = Math.max(1, scale);
    const center = (o + 0.5) * scale;
    const w = new Float64Array(inSize);
    let sum = 0;
    for (let i = 0; i < inSize; i++) {
      const d = (i + 0.5 - center) / widen;
      if (Math.abs(d) < support) w[i] = kernel(d);
      sum += w[i];
    }
    return w.map((v) => v / sum);
  };
  for (let y = 0; y < outHeight; y++) {
    const wy = weights(src.height, outHeight, y);
    for (let x = 0; x < outWidth; x++) {
      const wx = weights(src.width, outWidth, x);
      let acc = 0;
      for (let j = 0; j < src.height; j++) {
        for (let i = 0; i < src.width; i++) {
          acc += wy[j] * wx[i] * src.data[j * src.width + i];
        }
      }
      out[y * outWidth + x] = Math.min(255, Math.max(0, acc));
    }
  }
  return out;
}

const keys = (x: number) => {
  const t = Math.abs(x);
  if (t < 1) return 1.5 * t ** 3 - 2.5 * t ** 2 + 1;
  if (t < 2) return -0.5 * t ** 3 + 2.5 * t ** 2 - 4 * t + 2;
  return 0;
};

function noiseImage(width: number, height: number, seed: number): PixelBuffer {
  let s = seed;
  const data = new Uint8Array(width * height);
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    // Values 48..207 leave room for bicubic overshoot, so neither the
    // code under test nor the reference clips.
    data[i] = 48 + ((s >>> 24) * 160) / 256;
  }
  return { width, height, channels: 1, data };
}

describe("resizePil", () => {
  test("bilinear 2 to 4 by hand", () => {
    // Weights at output centres 0.25, 0.75, 1.25, 1.75 (hand-computed):
    // [1], [0.75, 0.25], [0.25, 0.75], [1] → 0, 63.75, 191.25, 255.
    const out = resizePil(gray(2, 1, [0, 255]), 4, 1, "bilinear");
    expect([...out.data]).toEqual([0, 64, 191, 255]);
  });

  test("bilinear halving is a 1-3-3-1 filter", () => {
    // Scale 2 widens the triangle to support 2: taps 1/8, 3/8, 3/8, 1/8.
    const ramp = gray(8, 1, [0, 10, 20, 30, 40, 50, 60, 70]);
    const out = resizePil(ramp, 4, 1, "bilinear");
    // Interior: (10(2x-1) + 30(2x) + 30(2x+1) + 10(2x+2)) / 8 = 20x + 5;
    // the edges lose one tap: (3·0 + 3·10 + 1·20) / 7 = 7.1 and
    // (1·50 + 3·60 + 3·70) / 7 = 62.9.
    expect([...out.data]).toEqual([7, 25, 45, 63]);
  });

  test("nearest picks the pixel under each centre", () => {
    expect([
      ...resizePil(gray(4, 1, [1, 2, 3, 4]), 2, 1, "nearest").data,
    ]).toEqual([2, 4]);
    expect([...resizePil(gray(3, 1, [1, 2, 3]), 2, 1, "nearest").data]).toEqual(
      [1, 3],
    );
    expect([...resizePil(gray(2, 1, [5, 9]), 4, 1, "nearest").data]).toEqual([
      5, 5, 9, 9,
    ]);
  });

  test.each(["bicubic", "bilinear", "nearest"] as const)(
    "%s keeps a constant image constant",
    (interpolation) => {
      const src = gray(37, 23, new Array(37 * 23).fill(173));
      for (const [w, h] of [
        [240, 240],
        [10, 7],
        [37, 50],
      ]) {
        const out = resizePil(src, w, h, interpolation);
        expect(out.data.every((v) => v === 173)).toBe(true);
      }
    },
  );

  test("bicubic keeps a linear ramp in the interior", () => {
    // Keys' kernel reproduces linear functions. Sample i has its centre at
    // i + 0.5, so output x samples the ramp at (x + 0.5)·scale − 0.5.
    const width = 90;
    const src = gray(
      width,
      1,
      Array.from({ length: width }, (_, i) => 2 * i + 10),
    );
    const out = resizePil(src, 24, 1, "bicubic");
    const scale = width / 24;
    const expected = Array.from(
      { length: 24 },
      (_, x) => 2 * ((x + 0.5) * scale - 0.5) + 10,
    );
    // One level: fixed-point rounding; the outer 2 samples see the border.
    expectAllClose(out.data.slice(2, 22), expected.slice(2, 22), 1, "ramp");
  });

  test.each([
    ["bicubic", keys, 2],
    ["bilinear", (x: number) => Math.max(0, 1 - Math.abs(x)), 1],
  ] as const)(
    "%s matches a direct 2-D convolution",
    (interpolation, kernel, support) => {
      const src = noiseImage(45, 31, 7);
      for (const [w, h] of [
        [12, 9],
        [60, 50],
        [45, 10],
        [20, 31],
      ]) {
        const out = resizePil(src, w, h, interpolation);
        // Two levels: the separable passes round to 8 bits after each pass
        // (as Pillow does); the reference rounds nothing.
        expectAllClose(
          out.data,
          referenceResize(src, w, h, kernel, support),
          2,
          `${w}x${h}`,
        );
      }
    },
  );

  test("channels are resized independently", () => {
    const rgb: PixelBuffer = {
      width: 2,
      height: 1,
      channels: 3,
      data: Uint8Array.from([0, 100, 255, 255, 100, 0]),
    };
    const out = resizePil(rgb, 4, 1, "bilinear");
    expect([...out.data]).toEqual([
      0, 100, 255, 64, 100, 191, 191, 100, 64, 255, 100, 0,
    ]);
  });

  test("rejects a zero size", () => {
    expect(() => resizePil(gray(2, 1, [0, 1]), 0, 1, "bicubic")).toThrow(
      /invalid resize target 0x1/,
    );
  });
});
