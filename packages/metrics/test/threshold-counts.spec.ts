import {
  countFloat32Negatives,
  countFloat32NegativesByMerge,
  countNegativesBySearch,
  distinctValues,
} from "../src/threshold-counts";
import { seededRandom } from "./support/random";

/** Counts by direct comparison with every value, quadratic. */
function directCounts(
  values: number[],
  negatives: number[],
): { equal: number[]; below: number[] } {
  const equal = values.map((v) => negatives.filter((n) => n === v).length);
  const below = [...values, Number.POSITIVE_INFINITY].map((v, d) => {
    const lower = d === 0 ? Number.NEGATIVE_INFINITY : values[d - 1];
    const upper = d === values.length ? Number.POSITIVE_INFINITY : v;
    return negatives.filter((n) => n > lower && n < upper).length;
  });
  return { equal, below };
}

function float32Values(values: number[]): number[] {
  return Array.from(Float32Array.from(values));
}

describe("distinctValues", () => {
  test("collapses runs and sums weights", () => {
    const sorted = Float64Array.from([1, 1, 2, 5, 5, 5]);
    const result = distinctValues(sorted, (k) => k);
    expect(Array.from(result.values)).toEqual([1, 2, 5]);
    expect(Array.from(result.counts)).toEqual([2, 1, 3]);
    expect(Array.from(result.weights ?? [])).toEqual([0 + 1, 2, 3 + 4 + 5]);
  });

  test("empty input gives no value", () => {
    expect(distinctValues(new Float32Array(0)).values.length).toBe(0);
  });
});

describe("negative counting", () => {
  const random = seededRandom(71);
  const cases: { name: string; values: number[]; negatives: number[] }[] = [
    {
      name: "ties and values outside the range",
      values: [0.25, 0.5, 0.75],
      negatives: [0, 0.25, 0.3, 0.5, 0.5, 0.9, 1, -1],
    },
    {
      name: "one value",
      values: [2],
      negatives: [1, 2, 3, 2],
    },
    {
      name: "mixed signs over a wide span",
      values: float32Values([
        ...new Set(
          Array.from(
            { length: 300 },
            () => (random() - 0.5) * 10 ** (random() * 20 - 10),
          ),
        ),
      ]).sort((a, b) => a - b),
      negatives: float32Values(
        Array.from(
          { length: 3000 },
          () => (random() - 0.5) * 10 ** (random() * 20 - 10),
        ),
      ),
    },
    {
      name: "many values in a narrow range",
      values: float32Values(
        Array.from({ length: 2000 }, (_, k) => 0.5 + k / 8192),
      ),
      negatives: float32Values(
        Array.from(
          { length: 5000 },
          () => Math.round((0.45 + random() * 0.35) * 8192) / 8192,
        ),
      ),
    },
  ];

  test.each(cases)("by key table: $name", ({ values, negatives }) => {
    const expected = directCounts(values, negatives);
    const chunks = [
      Float32Array.from(negatives.slice(0, 3)),
      Float32Array.from(negatives.slice(3)),
    ];

    const result = countFloat32Negatives(Float64Array.from(values), chunks);

    expect(Array.from(result.negativesEqual)).toEqual(expected.equal);
    expect(Array.from(result.negativesBelow)).toEqual(expected.below);
  });

  test.each(cases)("by merge: $name", ({ values, negatives }) => {
    const expected = directCounts(values, negatives);
    const chunks = [
      Float32Array.from(negatives.slice(0, 3)),
      Float32Array.from(negatives.slice(3)),
    ];

    const result = countFloat32NegativesByMerge(
      Float64Array.from(values),
      chunks,
    );

    expect(Array.from(result.negativesEqual)).toEqual(expected.equal);
    expect(Array.from(result.negativesBelow)).toEqual(expected.below);
  });

  test.each(cases)("by binary search: $name", ({ values, negatives }) => {
    const expected = directCounts(values, negatives);

    const result = countNegativesBySearch(Float64Array.from(values), negatives);

    expect(Array.from(result.negativesEqual)).toEqual(expected.equal);
    expect(Array.from(result.negativesBelow)).toEqual(expected.below);
  });

  test("no value puts every negative below", () => {
    const result = countFloat32Negatives(new Float64Array(0), [
      Float32Array.from([1, 2, 3]),
    ]);
    expect(Array.from(result.negativesBelow)).toEqual([3]);
    expect(result.negativesEqual.length).toBe(0);
  });
});
