import { maxDotProducts } from "../../src/maps/max-cosine-similarity";
import { randomArray, seededRandom } from "../support/fixtures";

/** Reference written the plain way: one dot product per pair. */
function naiveMaxDot(
  queries: Float32Array,
  queryRows: number,
  memory: Float32Array,
  memoryRows: number,
  dim: number,
): number[] {
  const best: number[] = [];
  for (let q = 0; q < queryRows; q++) {
    let b = -Infinity;
    for (let m = 0; m < memoryRows; m++) {
      let s = 0;
      for (let c = 0; c < dim; c++)
        s += queries[q * dim + c] * memory[m * dim + c];
      b = Math.max(b, s);
    }
    best.push(b);
  }
  return best;
}

describe("maxDotProducts", () => {
  it.each([
    [1, 1, 1],
    [3, 2, 5],
    [4, 4, 8],
    [7, 9, 5],
    [9, 13, 3],
    [225, 450, 24],
  ])(
    "matches the plain loop for %i queries × %i memory rows × dim %i",
    (queryRows, memoryRows, dim) => {
      const random = seededRandom(queryRows * 1000 + memoryRows);
      const queries = randomArray(queryRows * dim, random);
      const memory = randomArray(memoryRows * dim, random);
      const actual = maxDotProducts(
        queries,
        queryRows,
        memory,
        memoryRows,
        dim,
      );
      const expected = naiveMaxDot(queries, queryRows, memory, memoryRows, dim);
      actual.forEach((value, i) => expect(value).toBeCloseTo(expected[i], 10));
    },
  );

  it("finds the row that equals the query", () => {
    const memory = Float32Array.from([1, 0, 0, 1, -1, 0]);
    const best = maxDotProducts(Float32Array.from([0, 1]), 1, memory, 3, 2);
    expect(best[0]).toBe(1);
  });

  it("rejects memory of the wrong size", () => {
    expect(() =>
      maxDotProducts(new Float32Array(4), 2, new Float32Array(5), 3, 2),
    ).toThrow(/memory: expected 3 × 2 = 6 values, got 5/);
  });
});
