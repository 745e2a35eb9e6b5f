import { joinGroups, splitByGroup } from "../../src";

const groups = {
  normal: { start: 0, count: 1 },
  manualAbnormal: { start: 1, count: 2 },
  learnedAbnormal: { start: 3, count: 1 },
};

describe("splitByGroup", () => {
  const values = Float32Array.from([0, 1, 10, 11, 20, 21, 30, 31]);

  test("returns each group's rows", () => {
    const parts = splitByGroup(values, 2, groups);
    expect(Array.from(parts.normal)).toEqual([0, 1]);
    expect(Array.from(parts.manualAbnormal)).toEqual([10, 11, 20, 21]);
    expect(Array.from(parts.learnedAbnormal)).toEqual([30, 31]);
  });

  test("parts are views of the input", () => {
    const copy = values.slice();
    const parts = splitByGroup(copy, 2, groups);
    parts.learnedAbnormal[0] = 5;
    expect(copy[6]).toBe(5);
  });

  test("rejects a length that is not one row per prompt", () => {
    expect(() => splitByGroup(values, 3, groups)).toThrow(
      "values has 8 values; expected 4 prompts × 3",
    );
  });
});

describe("joinGroups", () => {
  test("inverts splitByGroup", () => {
    const values = Float32Array.from([0, 1, 10, 11, 20, 21, 30, 31]);
    const joined = joinGroups(splitByGroup(values, 2, groups), 2, groups);
    expect(Array.from(joined)).toEqual(Array.from(values));
    expect(joined).not.toBe(values);
  });

  test("names a group of the wrong size", () => {
    const parts = {
      normal: new Float32Array(2),
      manualAbnormal: new Float32Array(2),
      learnedAbnormal: new Float32Array(2),
    };
    expect(() => joinGroups(parts, 2, groups)).toThrow(
      "manualAbnormal rows have 2 values; expected 2 prompts × 2",
    );
  });
});
