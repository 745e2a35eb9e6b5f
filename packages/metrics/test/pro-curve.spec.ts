import { labelConnectedComponents } from "../src/connected-components";
import { PixelMetricAccumulator } from "../src/pixel-metrics";
import { grid } from "./support/pixel-grid";
import { defaultAuproOptions } from "../src/pro-curve";
import { SAME_MATHS, expectClose } from "./support/tolerance";
import { seededRandom } from "./support/random";

interface Image {
  map: number[];
  mask: number[] | null;
  height: number;
  width: number;
}

function accumulate(images: Image[]): PixelMetricAccumulator {
  const pixels = new PixelMetricAccumulator();
  for (const { map, mask, height, width } of images) {
    pixels.add(
      grid(map, height, width),
      mask ? grid(mask, height, width) : null,
    );
  }
  return pixels;
}

/** Builds a one-row image whose first `regionScores.length` pixels form one region. */
function rowImage(regionScores: number[], normalScores: number[]): Image {
  const width = regionScores.length + normalScores.length;
  return {
    map: [...regionScores, ...normalScores],
    mask: [...regionScores.map(() => 1), ...normalScores.map(() => 0)],
    height: 1,
    width,
  };
}

/**
 * AUPRO by brute force: evaluates FPR and PRO at every distinct threshold
 * by scanning all pixels, then integrates each trapezoid clipped to
 * [0, limit]. Quadratic, for small cases only.
 */
function bruteForceAupro(images: Image[], limit: number): number {
  const regions: { image: number; label: number; size: number }[] = [];
  const labelled = images.map(({ mask, height, width }, image) => {
    if (!mask) return null;
    const { labels, sizes } = labelConnectedComponents(mask, height, width);
    sizes.forEach((size, k) => regions.push({ image, label: k + 1, size }));
    return labels;
  });
  let normals = 0;
  images.forEach(({ map }, image) =>
    map.forEach((_, k) => {
      if (!labelled[image]?.[k]) normals++;
    }),
  );

  const thresholds = [...new Set(images.flatMap(({ map }) => map))].sort(
    (a, b) => b - a,
  );
  const points = [{ x: 0, y: 0 }];
  for (const threshold of thresholds) {
    let falsePositives = 0;
    const hits = regions.map(() => 0);
    images.forEach(({ map }, image) =>
      map.forEach((score, k) => {
        if (score < threshold) return;
        const label = labelled[image]?.[k] ?? 0;
        if (label === 0) falsePositives++;
        else
          hits[
            regions.findIndex((r) => r.image === image && r.label === label)
          ]++;
      }),
    );
    const pro =
      hits.reduce((sum, hit, r) => sum + hit / regions[r].size, 0) /
      regions.length;
    points.push({ x: falsePositives / normals, y: pro });
  }

  let area = 0;
  for (let k = 1; k < points.length; k++) {
    const a = points[k - 1];
    const b = points[k];
    if (a.x >= limit) break;
    const end = Math.min(b.x, limit);
    const yEnd =
      b.x === a.x ? b.y : a.y + ((b.y - a.y) * (end - a.x)) / (b.x - a.x);
    area += ((end - a.x) * (a.y + yEnd)) / 2;
  }
  return area / limit;
}

/** Random maps with rectangular defects; scores rounded to create ties. */
function randomImages(seed: number, count: number): Image[] {
  const random = seededRandom(seed);
  const height = 11;
  const width = 13;
  return Array.from({ length: count }, (_, image) => {
    const mask = image % 4 === 3 ? null : Array<number>(height * width).fill(0);
    if (mask) {
      for (let defect = 0; defect < 1 + (image % 3); defect++) {
        const top = Math.floor(random() * (height - 2));
        const left = Math.floor(random() * (width - 3));
        const rows = 1 + Math.floor(random() * 3);
        const columns = 1 + Math.floor(random() * 4);
        for (let y = top; y < Math.min(height, top + rows); y++) {
          for (let x = left; x < Math.min(width, left + columns); x++)
            mask[y * width + x] = 1;
        }
      }
    }
    const map = Array.from(
      { length: height * width },
      (_, k) =>
        Math.round((random() + (mask?.[k] ? 0.5 * random() : 0)) * 40) / 40,
    );
    return { map, mask, height, width };
  });
}

describe("aupro analytic cases", () => {
  test("perfect separation gives 1", () => {
    const pixels = accumulate([rowImage([0.9, 0.8], [0.1, 0.2, 0.3])]);
    expect(pixels.aupro().value).toBe(1);
  });

  test("constant scores give half the limit", () => {
    const pixels = accumulate([rowImage([0.5, 0.5], [0.5, 0.5, 0.5])]);
    // One segment from (0, 0) to (1, 1): the area up to 0.3 is 0.3^2 / 2,
    // and divided by 0.3 it is 0.15.
    expectClose(pixels.aupro().value, 0.15, SAME_MATHS, "AUPRO at 0.3");
    expectClose(
      pixels.aupro({ integrationLimit: 1 }).value,
      0.5,
      SAME_MATHS,
      "AUPRO at 1",
    );
  });

  test("equal distributions follow the diagonal", () => {
    const scores = Array.from({ length: 100 }, (_, k) => k);
    const pixels = accumulate([rowImage(scores, scores)]);
    // PRO equals FPR at every threshold, so the curve is y = x and the
    // normalised area is 0.3 / 2.
    expectClose(pixels.aupro().value, 0.15, SAME_MATHS, "AUPRO");
  });

  test("interpolates at the limit", () => {
    // Curve: (0, 0.4), (0.2, 0.4), (0.5, 1), (1, 1). PRO at FPR 0.3 is 0.6,
    // so the area is 0.2 * 0.4 + 0.1 * (0.4 + 0.6) / 2 = 0.13.
    const pixels = accumulate([
      rowImage(
        [0.95, 0.95, 0.5, 0.5, 0.5],
        [0.9, 0.9, 0.5, 0.5, 0.5, 0.1, 0.1, 0.1, 0.1, 0.1],
      ),
    ]);
    expectClose(pixels.aupro().value, 0.13 / 0.3, SAME_MATHS, "AUPRO");
  });

  test("averages over regions, not pixels", () => {
    // Region A (1 pixel) scores above every normal pixel, region B
    // (3 pixels, another image) below: PRO is 1/2 until FPR 1, where a
    // pixel-weighted overlap would be 1/4.
    const pixels = accumulate([
      rowImage([10], [0, 1, 2, 3, 4]),
      rowImage([-1, -1, -1], [5, 6, 7, 8, 9]),
    ]);
    expect(pixels.regionCount).toBe(2);
    expectClose(pixels.aupro().value, 0.5, SAME_MATHS, "AUPRO");
  });

  test("one region at limit 1 equals pixel AUROC", () => {
    // With one region PRO is the true-positive rate, so the full area is
    // the ROC area.
    const random = seededRandom(31);
    const regionScores = Array.from(
      { length: 40 },
      () => Math.round(random() * 30) / 20,
    );
    const normalScores = Array.from(
      { length: 200 },
      () => Math.round(random() * 20) / 20,
    );
    const pixels = accumulate([rowImage(regionScores, normalScores)]);
    expectClose(
      pixels.aupro({ integrationLimit: 1 }).value,
      pixels.auroc().value,
      SAME_MATHS,
      "AUPRO at 1 vs AUROC",
    );
  });
});

describe("aupro against brute force", () => {
  const cases = [
    { seed: 41, count: 3, limit: 0.3 },
    { seed: 42, count: 6, limit: 0.3 },
    { seed: 43, count: 5, limit: 0.05 },
    { seed: 44, count: 4, limit: 1 },
  ];

  test.each(cases)(
    "seed $seed, $count images, limit $limit",
    ({ seed, count, limit }) => {
      const images = randomImages(seed, count);
      const expected = bruteForceAupro(images, limit);

      const result = accumulate(images).aupro({ integrationLimit: limit });

      expectClose(result.value, expected, SAME_MATHS, "AUPRO");
      expect(result.integrationLimit).toBe(limit);
    },
  );
});

describe("auproBinned", () => {
  const bins = [1, 7, 100, 65536];

  test.each(bins)("stays within its error bound, %i bins", (binCount) => {
    const pixels = accumulate(randomImages(51, 8));
    const exact = pixels.aupro().value;

    const binned = pixels.auproBinned({ bins: binCount });

    expect(binned.bins).toBe(binCount);
    expect(binned.errorBound).toBeGreaterThanOrEqual(0);
    expect(Math.abs(binned.value - exact)).toBeLessThanOrEqual(
      binned.errorBound + SAME_MATHS,
    );
  });

  test("one bin per distinct score equals the exact value", () => {
    // Scores are multiples of 1/40, so (high - low) * 40 + 1 bins are each
    // a little narrower than 1/40 and contain at most one distinct score.
    const images = randomImages(52, 6);
    const pixels = accumulate(images);
    const low = Math.min(...images.flatMap(({ map }) => map));
    const high = Math.max(...images.flatMap(({ map }) => map));
    const binned = pixels.auproBinned({
      bins: Math.round((high - low) * 40) + 1,
    });
    expectClose(binned.value, pixels.aupro().value, SAME_MATHS, "binned AUPRO");
  });

  test("one bin gives the constant-score curve", () => {
    const pixels = accumulate(randomImages(53, 4));
    const binned = pixels.auproBinned({ bins: 1 });
    expectClose(binned.value, 0.15, SAME_MATHS, "binned AUPRO");
    expectClose(binned.errorBound, 1, SAME_MATHS, "error bound");
  });

  test("bound shrinks with more bins", () => {
    const pixels = accumulate(randomImages(54, 8));
    const coarse = pixels.auproBinned({ bins: 10 }).errorBound;
    const fine = pixels.auproBinned({ bins: 1000 }).errorBound;
    expect(fine).toBeLessThan(coarse);
  });

  test("works before and after sorting", () => {
    const pixels = accumulate(randomImages(55, 5));
    const before = pixels.auproBinned({ bins: 50 });
    pixels.aupro();
    const after = pixels.auproBinned({ bins: 50 });
    expectClose(after.value, before.value, SAME_MATHS, "binned AUPRO");
  });
});

describe("aupro undefined cases and options", () => {
  test("no region gives NaN with a reason", () => {
    const pixels = accumulate([
      { map: [0.1, 0.2], mask: [0, 0], height: 1, width: 2 },
    ]);
    const exact = pixels.aupro();
    expect(exact.value).toBeNaN();
    expect(exact.reason).toMatch(/without anomalous regions/);
    expect(exact.regionCount).toBe(0);
    expect(pixels.auproBinned().value).toBeNaN();
  });

  test("no normal pixel gives NaN with a reason", () => {
    const pixels = accumulate([rowImage([0.1, 0.2], [])]);
    const exact = pixels.aupro();
    expect(exact.value).toBeNaN();
    expect(exact.reason).toMatch(/without normal pixels/);
    expect(pixels.auproBinned().reason).toMatch(/without normal pixels/);
  });

  test.each([0, -0.1, 1.5, Number.NaN])("limit %p is rejected", (limit) => {
    const pixels = accumulate([rowImage([1], [0])]);
    expect(() => pixels.aupro({ integrationLimit: limit })).toThrow(
      /integrationLimit must be in \(0, 1\]/,
    );
  });

  test.each([0, 2.5, -3, 2 ** 24 + 1])("bins %p is rejected", (bins) => {
    const pixels = accumulate([rowImage([1], [0])]);
    expect(() => pixels.auproBinned({ bins })).toThrow(
      /bins must be an integer from 1 to 16777216/,
    );
  });

  test("defaults are 0.3 and 65536, returned as copies", () => {
    const defaults = defaultAuproOptions();
    expect(defaults).toEqual({ integrationLimit: 0.3, bins: 65536 });
    (defaults as { bins: number }).bins = 3;
    expect(defaultAuproOptions().bins).toBe(65536);
    expect(accumulate([rowImage([1], [0])]).aupro().integrationLimit).toBe(0.3);
  });
});
