import { DEFAULT_TAP_PRESET, tapPreset, validateTaps } from "../../src/image";

describe("tapPreset", () => {
  it("defaults to blocks 3 and 8 after attention", () => {
    expect(DEFAULT_TAP_PRESET).toBe("reference");
    expect(tapPreset()).toEqual({ blocks: [3, 8], point: "after-attention" });
  });

  it("offers the plain outputs of blocks 2 and 7", () => {
    expect(tapPreset("block-output")).toEqual({
      blocks: [2, 7],
      point: "block-output",
    });
  });

  it("returns copies", () => {
    const first = tapPreset();
    first.blocks[0] = 11;

    expect(tapPreset().blocks).toEqual([3, 8]);
  });

  it("rejects an unknown preset", () => {
    expect(() => tapPreset("middle" as never)).toThrow(
      "unknown tap preset middle; expected one of reference, block-output",
    );
  });
});

describe("validateTaps", () => {
  it("accepts indices inside the tower", () => {
    expect(() =>
      validateTaps({ blocks: [0, 11], point: "block-output" }, 12),
    ).not.toThrow();
  });

  it("lists every index outside the tower", () => {
    expect(() =>
      validateTaps({ blocks: [3, 12, -1], point: "after-attention" }, 12),
    ).toThrow(
      "invalid tap block index 12, -1; the vision tower has 12 blocks, so indices run from 0 to 11",
    );
  });

  it("rejects a fractional index", () => {
    expect(() =>
      validateTaps({ blocks: [2.5], point: "after-attention" }, 12),
    ).toThrow(/invalid tap block index 2.5/);
  });

  it("rejects an empty block list", () => {
    expect(() =>
      validateTaps({ blocks: [], point: "after-attention" }, 12),
    ).toThrow(/at least one block/);
  });

  it("rejects an unknown tap point", () => {
    expect(() =>
      validateTaps({ blocks: [1], point: "middle" as never }, 12),
    ).toThrow(
      "invalid tap point middle; expected after-attention or block-output",
    );
  });
});
