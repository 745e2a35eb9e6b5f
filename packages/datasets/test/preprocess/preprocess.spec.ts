import {
  defaultPreprocessConfig,
  preprocessImage,
  preprocessMask,
  validatePreprocessConfig,
  type PreprocessConfig,
  type RgbImage,
} from "../../src/index";

function solid(
  width: number,
  height: number,
  rgb: [number, number, number],
): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) data.set(rgb, i * 3);
  return { width, height, data };
}

const small: PreprocessConfig = {
  ...defaultPreprocessConfig(),
  size: 8,
  cropSize: 8,
};

describe("defaultPreprocessConfig", () => {
  test("is ViT-B-16-plus-240 with CLIP statistics", () => {
    const config = defaultPreprocessConfig();
    expect(config.size).toBe(240);
    expect(config.interpolation).toBe("bicubic");
    expect(config.resizeMode).toBe("squash");
    expect(config.mean).toEqual([0.48145466, 0.4578275, 0.40821073]);
    expect(config.std).toEqual([0.26862954, 0.26130258, 0.27577711]);
  });

  test("returns a copy", () => {
    const a = defaultPreprocessConfig();
    a.size = 1;
    expect(defaultPreprocessConfig().size).toBe(240);
  });
});

describe("preprocessImage", () => {
  test("normalises a grey pixel by hand", async () => {
    const out = await preprocessImage(solid(5, 3, [128, 128, 128]), small);
    expect(out).toHaveLength(3 * 8 * 8);
    // (128/255 − 0.48145466) / 0.26862954 = 0.0763361
    expect(out[0]).toBeCloseTo(0.0763361, 6);
    // (128/255 − 0.4578275) / 0.26130258 = 0.1688972
    expect(out[64]).toBeCloseTo(0.1688972, 6);
    // (128/255 − 0.40821073) / 0.27577711 = 0.3399486
    expect(out[128]).toBeCloseTo(0.3399486, 6);
  });

  test("white maps to (1 − mean) / std", async () => {
    const out = await preprocessImage(solid(3, 3, [255, 255, 255]), small);
    expect(out[0]).toBeCloseTo((1 - 0.48145466) / 0.26862954, 6);
  });

  test("planes are CHW in RGB order", async () => {
    const out = await preprocessImage(solid(4, 4, [255, 0, 0]), small);
    expect(out[10]).toBeCloseTo((1 - 0.48145466) / 0.26862954, 6);
    expect(out[64 + 10]).toBeCloseTo(-0.4578275 / 0.26130258, 6);
    expect(out[128 + 10]).toBeCloseTo(-0.40821073 / 0.27577711, 6);
  });

  test("bgr order swaps the planes, not the statistics", async () => {
    const out = await preprocessImage(solid(4, 4, [255, 0, 0]), small, {
      channelOrder: "bgr",
    });
    // Plane 0 contains blue (0) normalised with the red statistics.
    expect(out[0]).toBeCloseTo(-0.48145466 / 0.26862954, 6);
    expect(out[128]).toBeCloseTo((1 - 0.40821073) / 0.27577711, 6);
  });

  test("float32 arithmetic follows torchvision step by step", async () => {
    const out = await preprocessImage(solid(2, 2, [77, 77, 77]), small);
    const f = Math.fround;
    const expected = f(f(f(77 / 255) - f(0.48145466)) / f(0.26862954));
    expect(out[0]).toBe(expected);
  });

  test("shortest mode crops the centre", async () => {
    // Left half black, right half white, 16x8 → shortest 8 → 16x8 → crop 8.
    const image = solid(16, 8, [0, 0, 0]);
    for (let y = 0; y < 8; y++)
      for (let x = 8; x < 16; x++)
        image.data.fill(255, (y * 16 + x) * 3, (y * 16 + x) * 3 + 3);
    const out = await preprocessImage(image, {
      ...small,
      resizeMode: "shortest",
    });
    const black = -0.48145466 / 0.26862954;
    const white = (1 - 0.48145466) / 0.26862954;
    expect(out[0]).toBeCloseTo(black, 5);
    expect(out[7]).toBeCloseTo(white, 5);
  });

  test("sharp resampler gives the same size", async () => {
    const out = await preprocessImage(solid(30, 20, [10, 200, 90]), small, {
      resampler: "sharp",
    });
    expect(out).toHaveLength(3 * 64);
    const f = Math.fround;
    expect(out[5]).toBeCloseTo(
      f(f(f(10 / 255) - f(0.48145466)) / f(0.26862954)),
      5,
    );
  });

  test("pre-resize quirk keeps a solid image solid", async () => {
    const out = await preprocessImage(solid(30, 20, [10, 200, 90]), small, {
      preResizeTo1024: true,
    });
    const f = Math.fround;
    expect(out[63]).toBe(f(f(f(10 / 255) - f(0.48145466)) / f(0.26862954)));
  });
});

describe("preprocessMask", () => {
  const mask = { width: 2, height: 2, data: Uint8Array.from([0, 1, 255, 0]) };

  test("binarises values above zero", () => {
    const out = preprocessMask(mask, { ...small, size: 2, cropSize: 2 }, 2);
    expect([...out]).toEqual([0, 1, 1, 0]);
  });

  test("nearest resize repeats pixels", () => {
    const out = preprocessMask(mask, small, 4);
    expect([...out]).toEqual([0, 0, 1, 1, 0, 0, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0]);
  });

  test("via1024 gives the same result for a 2x2 mask", () => {
    const out = preprocessMask(mask, small, 4, { via1024: true });
    expect([...out]).toEqual([0, 0, 1, 1, 0, 0, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0]);
  });
});

describe("validatePreprocessConfig", () => {
  test("rejects a non-positive std", () => {
    expect(() =>
      validatePreprocessConfig({ ...small, std: [0.2, 0, 0.2] }),
    ).toThrow(/invalid preprocessing std \[0.2, 0, 0.2\]/);
  });

  test("rejects an unknown interpolation", () => {
    expect(() =>
      validatePreprocessConfig({
        ...small,
        interpolation: "lanczos" as "bicubic",
      }),
    ).toThrow(/invalid interpolation "lanczos"/);
  });

  test("rejects a fractional size", () => {
    expect(() => validatePreprocessConfig({ ...small, size: 2.5 })).toThrow(
      /invalid preprocessing size 2.5/,
    );
  });
});
