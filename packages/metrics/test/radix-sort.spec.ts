import { radixSortScores } from "../src/radix-sort";
import { seededRandom } from "./support/random";

function chunked(values: number[], size: number): Float32Array[] {
  const chunks: Float32Array[] = [];
  for (let start = 0; start < values.length; start += size) {
    chunks.push(Float32Array.from(values.slice(start, start + size)));
  }
  return chunks;
}

function nativeSorted(values: number[]): Float32Array {
  return Float32Array.from(values).sort();
}

describe("radixSortScores", () => {
  const random = seededRandom(11);
  const cases: { name: string; values: number[] }[] = [
    { name: "empty", values: [] },
    { name: "one value", values: [3.5] },
    { name: "all equal", values: Array(100).fill(0.25) },
    { name: "uniform in [0, 1)", values: Array.from({ length: 5000 }, random) },
    {
      name: "mixed signs and magnitudes",
      values: Array.from(
        { length: 5000 },
        () => (random() - 0.5) * 10 ** Math.floor(random() * 60 - 30),
      ),
    },
    {
      name: "extremes",
      values: [
        3.4e38,
        -3.4e38,
        1e-45,
        -1e-45,
        0,
        1,
        -1,
        2 ** -126,
        -(2 ** -126),
      ],
    },
  ];

  test.each(cases)("matches the native sort: $name", ({ values }) => {
    const sorted = radixSortScores(chunked(values, 333)).scores;
    expect(Array.from(sorted)).toEqual(Array.from(nativeSorted(values)));
  });

  test("payload follows its score", () => {
    const values = Array.from({ length: 3000 }, () =>
      Math.round(random() * 100),
    );
    const chunks = chunked(values, 700);
    const payloadChunks = chunks.map((chunk, c) =>
      Uint32Array.from(chunk, (_, k) => c * 700 + k),
    );

    const { scores, payload } = radixSortScores(chunks, payloadChunks);

    expect(payload).toBeDefined();
    const indices = Array.from(payload ?? []);
    indices.forEach((original, k) => expect(values[original]).toBe(scores[k]));
    expect(new Set(indices).size).toBe(values.length);
  });

  test("equal scores keep their input order", () => {
    const chunks = [Float32Array.from([2, 1, 2]), Float32Array.from([1, 2])];
    const payloadChunks = [
      Uint32Array.from([0, 1, 2]),
      Uint32Array.from([3, 4]),
    ];
    const { payload } = radixSortScores(chunks, payloadChunks);
    expect(Array.from(payload ?? [])).toEqual([1, 3, 0, 2, 4]);
  });

  test("chunks stay unchanged", () => {
    const chunk = Float32Array.from([3, -1, 2]);
    radixSortScores([chunk]);
    expect(Array.from(chunk)).toEqual([3, -1, 2]);
  });
});
