import {
  resizeOpenCvLinear,
  resizeOpenCvNearest,
  type PixelBuffer,
} from "../../src/index";

function gray(width: number, height: number, values: number[]): PixelBuffer {
  return { width, height, channels: 1, data: Uint8Array.from(values) };
}

describe("resizeOpenCvLinear", () => {
  test("2 to 4 by hand", () => {
    // Source positions (d + 0.5)/2 − 0.5: −0.25 (clamped), 0.25, 0.75, 1.25
    // (clamped) → 0, 63.75, 191.25, 255.
    const out = resizeOpenCvLinear(gray(2, 1, [0, 255]), 4, 1);
    expect([...out.data]).toEqual([0, 64, 191, 255]);
  });

  test("downscaling does not antialias", () => {
    // Halving samples between pixels 2x and 2x+1 with weights ½, ½.
    const out = resizeOpenCvLinear(
      gray(8, 1, [0, 10, 20, 30, 40, 50, 60, 70]),
      4,
      1,
    );
    expect([...out.data]).toEqual([5, 25, 45, 65]);
  });

  test("vertical pass matches the horizontal one", () => {
    const out = resizeOpenCvLinear(gray(1, 2, [0, 255]), 1, 4);
    expect([...out.data]).toEqual([0, 64, 191, 255]);
  });
});

describe("resizeOpenCvNearest", () => {
  test("takes floor(x · scale), not the centre", () => {
    expect([
      ...resizeOpenCvNearest(gray(4, 1, [1, 2, 3, 4]), 2, 1).data,
    ]).toEqual([1, 3]);
  });

  test("upscaling repeats pixels", () => {
    expect([...resizeOpenCvNearest(gray(2, 1, [5, 9]), 4, 1).data]).toEqual([
      5, 5, 9, 9,
    ]);
  });
});
