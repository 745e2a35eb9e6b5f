import { centerCrop, resizedSize, type PixelBuffer } from "../../src/index";

describe("resizedSize", () => {
  test("squash sets both sides", () => {
    expect(resizedSize(300, 200, 240, "squash")).toEqual({
      width: 240,
      height: 240,
    });
  });

  test("shortest scales the shorter side", () => {
    expect(resizedSize(300, 200, 240, "shortest")).toEqual({
      width: 360,
      height: 240,
    });
  });

  test("shortest truncates the longer side", () => {
    // 240 · 301 / 200 = 361.2 → 361, as torchvision's int().
    expect(resizedSize(200, 301, 240, "shortest")).toEqual({
      width: 240,
      height: 361,
    });
  });
});

function ramp(width: number, height: number): PixelBuffer {
  return {
    width,
    height,
    channels: 1,
    data: Uint8Array.from({ length: width * height }, (_, i) => i % 256),
  };
}

describe("centerCrop", () => {
  test("odd margin rounds half to even", () => {
    // (7 - 2) / 2 = 2.5 → 2 (Python round), so columns 2 and 3.
    const out = centerCrop(ramp(7, 2), 2);
    expect([...out.data]).toEqual([2, 3, 9, 10]);
  });

  test("margin 1.5 rounds up to 2", () => {
    const out = centerCrop(ramp(5, 2), 2);
    expect([...out.data]).toEqual([2, 3, 7, 8]);
  });

  test("pads a small image with zeros", () => {
    // torchvision pads (crop - w) // 2 = 1 on the left, then crops at 0.
    const src: PixelBuffer = {
      width: 1,
      height: 1,
      channels: 1,
      data: Uint8Array.from([9]),
    };
    const out = centerCrop(src, 3);
    expect([...out.data]).toEqual([0, 0, 0, 0, 9, 0, 0, 0, 0]);
  });

  test("same size returns the input", () => {
    const src = ramp(4, 4);
    expect(centerCrop(src, 4)).toBe(src);
  });
});
