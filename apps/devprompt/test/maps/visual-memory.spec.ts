import { buildVisualMemory } from "../../src/maps/visual-memory";

describe("buildVisualMemory", () => {
  it("stacks the shots in order and normalises every row", () => {
    const shot0 = [
      Float32Array.from([3, 4, 0, 2]),
      Float32Array.from([1, 0, 0, 1]),
    ];
    const shot1 = [
      Float32Array.from([0, 5, 6, 8]),
      Float32Array.from([0, 3, 4, 0]),
    ];
    const memory = buildVisualMemory([shot0, shot1], 2, 2);
    expect(memory.rows).toBe(4);
    expect(memory.dim).toBe(2);
    expect(memory.taps).toHaveLength(2);
    expect(Array.from(memory.taps[0])).toEqual(
      Array.from(Float32Array.from([0.6, 0.8, 0, 1, 0, 1, 0.6, 0.8])),
    );
    expect(Array.from(memory.taps[1])).toEqual([1, 0, 0, 1, 0, 1, 1, 0]);
  });

  it("rejects an empty shot list", () => {
    expect(() => buildVisualMemory([], 2, 2)).toThrow(/at least one shot/);
  });

  it("rejects shots with different tap counts", () => {
    const shot0 = [new Float32Array(4), new Float32Array(4)];
    const shot1 = [new Float32Array(4)];
    expect(() => buildVisualMemory([shot0, shot1], 2, 2)).toThrow(
      /shot 1 has 1 taps, expected 2/,
    );
  });

  it("rejects a tap of the wrong size", () => {
    expect(() => buildVisualMemory([[new Float32Array(3)]], 2, 2)).toThrow(
      /shot 0 tap 0/,
    );
  });
});
