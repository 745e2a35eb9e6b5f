import { binaryMetrics } from "../src/binary-metrics";
import { PixelMetricAccumulator } from "../src/pixel-metrics";
import { grid } from "./support/pixel-grid";
import { SAME_MATHS, expectClose } from "./support/tolerance";
import { seededRandom } from "./support/random";

interface PixelCase {
  maps: Float32Array[];
  masks: (Uint8Array | null)[];
  height: number;
  width: number;
}

/** Random maps with square defects; every third image is normal (no mask). */
function randomImages(
  seed: number,
  count: number,
  height: number,
  width: number,
): PixelCase {
  const random = seededRandom(seed);
  const maps: Float32Array[] = [];
  const masks: (Uint8Array | null)[] = [];
  for (let image = 0; image < count; image++) {
    const mask = image % 3 === 2 ? null : new Uint8Array(height * width);
    if (mask) {
      const top = Math.floor(random() * (height - 3));
      const left = Math.floor(random() * (width - 3));
      for (let y = top; y < top + 3; y++)
        mask.fill(1, y * width + left, y * width + left + 3);
    }
    const map = Float32Array.from(
      { length: height * width },
      (_, k) => Math.round((random() + (mask?.[k] ? 0.6 : 0)) * 50) / 50,
    );
    maps.push(map);
    masks.push(mask);
  }
  return { maps, masks, height, width };
}

function accumulate({
  maps,
  masks,
  height,
  width,
}: PixelCase): PixelMetricAccumulator {
  const pixels = new PixelMetricAccumulator();
  maps.forEach((map, k) => {
    const mask = masks[k];
    pixels.add(
      grid(map, height, width),
      mask ? grid(mask, height, width) : null,
    );
  });
  return pixels;
}

function flatten({ maps, masks }: PixelCase): {
  scores: number[];
  labels: number[];
} {
  const scores: number[] = [];
  const labels: number[] = [];
  maps.forEach((map, k) => {
    map.forEach((score, p) => {
      scores.push(score);
      labels.push(masks[k]?.[p] ? 1 : 0);
    });
  });
  return { scores, labels };
}

describe("PixelMetricAccumulator binary metrics", () => {
  test("equal the image-level functions on flattened pixels", () => {
    const data = randomImages(21, 9, 12, 10);
    const { scores, labels } = flatten(data);
    const expected = binaryMetrics(scores, labels);

    const actual = accumulate(data).binaryMetrics();

    expectClose(actual.auroc.value, expected.auroc.value, SAME_MATHS, "AUROC");
    expectClose(
      actual.averagePrecision.value,
      expected.averagePrecision.value,
      SAME_MATHS,
      "AP",
    );
    expectClose(actual.f1Max.value, expected.f1Max.value, SAME_MATHS, "F1-max");
    expect(actual.f1Max.threshold).toBe(expected.f1Max.threshold);
    expect(actual.positives).toBe(expected.positives);
    expect(actual.negatives).toBe(expected.negatives);
  });

  test("adding after a metric call sorts again", () => {
    const data = randomImages(22, 6, 8, 8);
    const pixels = accumulate({
      ...data,
      maps: data.maps.slice(0, 3),
      masks: data.masks.slice(0, 3),
    });
    pixels.auroc();
    for (let k = 3; k < 6; k++) {
      const mask = data.masks[k];
      pixels.add(grid(data.maps[k], 8, 8), mask ? grid(mask, 8, 8) : null);
    }

    expect(pixels.binaryMetrics()).toEqual(accumulate(data).binaryMetrics());
  });

  test("masks binarise values above 0", () => {
    const map = grid(Float32Array.from([0.1, 0.9, 0.5, 0.2]), 2, 2);
    const soft = new PixelMetricAccumulator();
    soft.add(map, grid(Float32Array.from([0, 255, 0.3, -1]), 2, 2));
    const binary = new PixelMetricAccumulator();
    binary.add(map, grid(Uint8Array.from([0, 1, 1, 0]), 2, 2));

    expect(soft.binaryMetrics()).toEqual(binary.binaryMetrics());
    expect(soft.positiveCount).toBe(2);
  });

  test("float64 maps are rounded to float32", () => {
    const pixels = new PixelMetricAccumulator();
    // Both scores round to the same float32 value, so they tie.
    pixels.add(
      grid(Float64Array.from([1, 1 + 1e-12]), 1, 2),
      grid([1, 0], 1, 2),
    );
    expect(pixels.auroc().value).toBe(0.5);
  });

  test("counts images, pixels and regions", () => {
    const pixels = accumulate(randomImages(23, 5, 9, 9));
    expect(pixels.imageCount).toBe(5);
    expect(pixels.positiveCount).toBe(4 * 9);
    expect(pixels.negativeCount).toBe(5 * 81 - 4 * 9);
    expect(pixels.regionCount).toBe(4);
  });
});

describe("PixelMetricAccumulator many distinct scores", () => {
  test("merge path gives the analytic AUROC", () => {
    // More than 2^18 distinct anomalous scores switch the normal-pixel count
    // to sort and merge. Anomalous scores (2i + 1) d and normal scores 2j d,
    // i, j < m, interleave, so AUROC = sum_i (i + 1) / m^2 = (m + 1) / (2m).
    // With d = 2^-21 every score is exact in float32.
    const m = 300_000;
    const step = 2 ** -21;
    const map = new Float32Array(2 * m);
    const mask = new Uint8Array(2 * m);
    for (let i = 0; i < m; i++) {
      map[i] = (2 * i + 1) * step;
      mask[i] = 1;
      map[m + i] = 2 * i * step;
    }
    const pixels = new PixelMetricAccumulator();
    pixels.add(grid(map, 1, 2 * m), grid(mask, 1, 2 * m));

    const expected = (m + 1) / (2 * m);
    expectClose(pixels.auroc().value, expected, SAME_MATHS, "AUROC");
    // One region makes PRO the true-positive rate, so AUPRO at 1 is AUROC.
    expectClose(
      pixels.aupro({ integrationLimit: 1 }).value,
      expected,
      SAME_MATHS,
      "AUPRO at 1",
    );
  });
});

describe("PixelMetricAccumulator undefined cases", () => {
  test("only normal images give NaN AUROC with a reason", () => {
    const pixels = new PixelMetricAccumulator();
    pixels.add(grid(new Float32Array(4), 2, 2), null);
    pixels.add(grid(new Float32Array(4), 2, 2), grid(new Uint8Array(4), 2, 2));

    const result = pixels.auroc();

    expect(result.value).toBeNaN();
    expect(result.reason).toMatch(/0 positives and 8 negatives/);
  });

  test("no image gives NaN", () => {
    expect(new PixelMetricAccumulator().auroc().value).toBeNaN();
  });
});

describe("PixelMetricAccumulator input errors", () => {
  test("mask of another size names image and shapes", () => {
    const pixels = new PixelMetricAccumulator();
    pixels.add(grid(new Float32Array(4), 2, 2), null);
    expect(() =>
      pixels.add(
        grid(new Float32Array(6), 2, 3),
        grid(new Uint8Array(6), 3, 2),
        "crack/001.png",
      ),
    ).toThrow(/image 1 \(crack\/001\.png\): anomaly map is 2x3 .* mask is 3x2/);
  });

  test("data length must match the shape", () => {
    expect(() =>
      new PixelMetricAccumulator().add(grid(new Float32Array(5), 2, 2), null),
    ).toThrow(/image 0: anomaly map is 2x2 but contains 5 values instead of 4/);
  });

  test("non-integer shape is rejected", () => {
    expect(() =>
      new PixelMetricAccumulator().add(grid([], 0, 2), null),
    ).toThrow(/positive integer height and width; got 0x2/);
  });

  test("NaN score names image, row and column", () => {
    const map = new Float32Array(6);
    map[5] = Number.NaN;
    expect(() =>
      new PixelMetricAccumulator().add(grid(map, 2, 3), null),
    ).toThrow(/image 0: anomaly score at row 1, column 2 is NaN/);
  });

  test("infinite score is rejected", () => {
    expect(() =>
      new PixelMetricAccumulator().add(
        grid([0, Number.NEGATIVE_INFINITY], 1, 2),
        null,
      ),
    ).toThrow(/row 0, column 1 is -Infinity/);
  });

  test("score beyond float32 is rejected", () => {
    expect(() =>
      new PixelMetricAccumulator().add(grid([0, 1e39], 1, 2), null),
    ).toThrow(/row 0, column 1 is 1e\+39, outside the float32 range/);
  });

  test("NaN mask value is rejected", () => {
    expect(() =>
      new PixelMetricAccumulator().add(
        grid([0, 1], 1, 2),
        grid([0, Number.NaN], 1, 2),
      ),
    ).toThrow(/mask value at row 0, column 1 is NaN/);
  });

  test("failed add leaves the accumulator unchanged", () => {
    const pixels = new PixelMetricAccumulator();
    pixels.add(grid([0.2, 0.8], 1, 2), grid([0, 1], 1, 2));
    expect(() =>
      pixels.add(grid([0.5, Number.NaN], 1, 2), grid([1, 0], 1, 2)),
    ).toThrow();

    expect(pixels.imageCount).toBe(1);
    expect(pixels.regionCount).toBe(1);
    expect(pixels.auroc().value).toBe(1);
  });
});
