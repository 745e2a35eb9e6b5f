import { buildVisualMemory } from "../../src/maps/visual-memory";
import { visualMemoryMap } from "../../src/maps/visual-memory-map";

describe("visualMemoryMap", () => {
  // One shot, two patches, dim 2: the memory contains the unit vectors e1 and e2.
  const memory = buildVisualMemory(
    [[Float32Array.from([1, 0, 0, 1]), Float32Array.from([1, 0, 0, 1])]],
    2,
    2,
  );

  it("is 0 for a patch found in the memory", () => {
    const patch = Float32Array.from([0, 1, 1, 0]);
    const map = visualMemoryMap([patch, patch], 2, memory);
    expect(Array.from(map)).toEqual([0, 0]);
  });

  it("uses the nearest memory row", () => {
    // −e1 is at cosine 0 from e2, its nearest row: (1 − 0) / 2 = 0.5.
    const patch = Float32Array.from([-1, 0, -1, 0]);
    const map = visualMemoryMap([patch, patch], 2, memory);
    expect(Array.from(map)).toEqual([0.5, 0.5]);
  });

  it("averages the taps", () => {
    const s = Math.SQRT1_2;
    // Tap 0: −e1 → 0.5. Tap 1: (−s, −s) is at cosine −s from both rows → (1 + s) / 2.
    const tap0 = Float32Array.from([-1, 0, 1, 0]);
    const tap1 = Float32Array.from([-s, -s, 0, 1]);
    const map = visualMemoryMap([tap0, tap1], 2, memory);
    expect(map[0]).toBeCloseTo((0.5 + (1 + s) / 2) / 2, 6);
    expect(map[1]).toBe(0);
  });

  it("rejects a tap count that differs from the memory", () => {
    expect(() => visualMemoryMap([new Float32Array(4)], 2, memory)).toThrow(
      /1 feature taps but the memory has 2/,
    );
  });
});
