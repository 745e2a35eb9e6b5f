import { labelConnectedComponents } from "../src/connected-components";
import { floodFillSizes } from "./support/flood-fill";
import { seededRandom } from "./support/random";

/** Parses rows like "#.#" (# foreground) into a mask. */
function parseMask(rows: string[]): {
  mask: number[];
  height: number;
  width: number;
} {
  return {
    mask: rows.flatMap((row) => [...row].map((c) => (c === "#" ? 1 : 0))),
    height: rows.length,
    width: rows[0].length,
  };
}

describe("labelConnectedComponents", () => {
  test("diagonal neighbours join one region", () => {
    const { mask, height, width } = parseMask(["#..", ".#.", "..#"]);
    const result = labelConnectedComponents(mask, height, width);
    expect(result.count).toBe(1);
    expect(Array.from(result.sizes)).toEqual([3]);
  });

  test("anti-diagonal neighbours join one region", () => {
    const { mask, height, width } = parseMask(["..#", ".#.", "#.."]);
    expect(labelConnectedComponents(mask, height, width).count).toBe(1);
  });

  test("gap of one pixel separates regions", () => {
    const { mask, height, width } = parseMask(["#.#", "...", "##."]);
    const result = labelConnectedComponents(mask, height, width);
    expect(result.count).toBe(3);
    expect(Array.from(result.sizes)).toEqual([1, 1, 2]);
    expect(Array.from(result.labels)).toEqual([1, 0, 2, 0, 0, 0, 3, 3, 0]);
  });

  test("U shape merges two provisional labels", () => {
    const { mask, height, width } = parseMask(["#.#", "#.#", "###"]);
    const result = labelConnectedComponents(mask, height, width);
    expect(result.count).toBe(1);
    expect(new Set(result.labels).size).toBe(2);
  });

  test("values above 0 are foreground", () => {
    const result = labelConnectedComponents([0, 255, 0.25, -3], 2, 2);
    expect(result.count).toBe(1);
    expect(Array.from(result.labels)).toEqual([0, 1, 1, 0]);
  });

  test("empty mask has no region", () => {
    const result = labelConnectedComponents(new Uint8Array(6), 2, 3);
    expect(result.count).toBe(0);
    expect(result.sizes.length).toBe(0);
  });

  test.each([1, 2, 3, 4, 5])("matches a flood fill, seed %i", (seed) => {
    const random = seededRandom(seed);
    const height = 17;
    const width = 23;
    const density = 0.2 + 0.1 * seed;
    const mask = Uint8Array.from({ length: height * width }, () =>
      random() < density ? 1 : 0,
    );

    const result = labelConnectedComponents(mask, height, width);

    const sizes = Array.from(result.sizes).sort((a, b) => a - b);
    expect(sizes).toEqual(floodFillSizes(mask, height, width));
    expect(Math.max(...result.labels)).toBe(result.count);
  });

  test("wrong length is rejected", () => {
    expect(() => labelConnectedComponents([1, 0, 1], 2, 2)).toThrow(
      /3 values but height 2 x width 2 needs 4/,
    );
  });
});
