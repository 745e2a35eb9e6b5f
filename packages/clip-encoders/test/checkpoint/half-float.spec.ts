import {
  bfloat16BitsToFloat32,
  float16BitsToFloat32,
  float32ToBfloat16Bits,
  float32ToFloat16Bits,
} from "../../src/checkpoint/half-float";

/** Float16 bit patterns and their exact values, worked out by hand. */
const FLOAT16_CASES: Array<[number, number]> = [
  [0x0000, 0],
  [0x3c00, 1],
  [0xc000, -2],
  [0x3800, 0.5],
  [0x3555, 0.333251953125], // (1 + 341/1024) / 4
  [0x7bff, 65504], // largest finite
  [0x0400, 2 ** -14], // smallest normal
  [0x0001, 2 ** -24], // smallest subnormal
  [0x03ff, 1023 * 2 ** -24], // largest subnormal
  [0x7c00, Infinity],
  [0xfc00, -Infinity],
];

describe("float16 conversion", () => {
  test.each(FLOAT16_CASES)("decodes 0x%s", (bits, value) => {
    expect(float16BitsToFloat32(Uint16Array.of(bits))[0]).toBe(value);
  });

  test("decodes NaN and negative zero", () => {
    const [nan, negativeZero] = float16BitsToFloat32(
      Uint16Array.of(0x7e00, 0x8000),
    );
    expect(Number.isNaN(nan)).toBe(true);
    expect(Object.is(negativeZero, -0)).toBe(true);
  });

  test.each(FLOAT16_CASES)("encodes 0x%s exactly", (bits, value) => {
    expect(float32ToFloat16Bits(Float32Array.of(value))[0]).toBe(bits);
  });

  test.each([
    [1 / 3, 0x3555, "nearest below"],
    [1 + 2 ** -11, 0x3c00, "tie to even (down)"],
    [1 + 3 * 2 ** -11, 0x3c02, "tie to even (up)"],
    [65519, 0x7bff, "just below the overflow threshold"],
    [65520, 0x7c00, "tie at the top rounds to Infinity"],
    [1e6, 0x7c00, "overflow"],
    [2 ** -25, 0x0000, "subnormal tie to even (zero)"],
    [3 * 2 ** -26, 0x0001, "subnormal above the tie"],
    [1.5 * 2 ** -24, 0x0002, "subnormal tie to even (up)"],
    [2 ** -30, 0x0000, "underflow"],
    [-1 / 3, 0xb555, "negative"],
  ])("encodes %f as 0x%s (%s)", (value, bits) => {
    expect(float32ToFloat16Bits(Float32Array.of(value))[0]).toBe(bits);
  });

  test("every float16 value survives a round trip", () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    const back = float32ToFloat16Bits(float16BitsToFloat32(all));
    const isNaNBits = (bits: number) =>
      (bits & 0x7c00) === 0x7c00 && (bits & 0x3ff) !== 0;
    const changed: string[] = [];
    for (let i = 0; i < 65536; i++) {
      const kept = isNaNBits(i) ? isNaNBits(back[i]) : back[i] === i;
      if (!kept)
        changed.push(`0x${i.toString(16)} -> 0x${back[i].toString(16)}`);
    }
    expect(changed).toEqual([]);
  });
});

describe("bfloat16 conversion", () => {
  test.each([
    [0x3f80, 1],
    [0xc040, -3],
    [0x4049, 3.140625],
    [0x7f80, Infinity],
    [0x0001, 2 ** -133], // smallest subnormal: 2^-126 · 2^-7
  ])("decodes 0x%s", (bits, value) => {
    expect(bfloat16BitsToFloat32(Uint16Array.of(bits))[0]).toBe(value);
  });

  test.each([
    [Math.PI, 0x4049, "π rounds down"],
    [1 + 2 ** -8, 0x3f80, "tie to even (down)"],
    [1 + 3 * 2 ** -8, 0x3f82, "tie to even (up)"],
    [-3, 0xc040, "exact"],
  ])("encodes %f as 0x%s (%s)", (value, bits) => {
    expect(float32ToBfloat16Bits(Float32Array.of(value))[0]).toBe(bits);
  });

  test("keeps NaN a NaN", () => {
    const bits = float32ToBfloat16Bits(Float32Array.of(NaN));
    expect(Number.isNaN(bfloat16BitsToFloat32(bits)[0])).toBe(true);
  });
});
