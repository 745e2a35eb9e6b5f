import * as fs from "node:fs";
import * as path from "node:path";
import { binaryMetrics } from "../src/binary-metrics";
import { labelConnectedComponents } from "../src/connected-components";
import { PixelMetricAccumulator } from "../src/pixel-metrics";
import { floodFillSizes } from "./support/flood-fill";
import { readPngFirstChannel } from "./support/png";
import { seededRandom } from "./support/random";
import { SAME_MATHS, expectClose } from "./support/tolerance";

// Real magnetic-tile defect masks (Huang et al. 2018), kept outside the
// repository next to it. Their values are soft (0..255 with anti-aliased
// edges), so they also exercise the "> 0" binarisation.
const REPOSITORY = path.resolve(__dirname, "../../..");
const MASK_FOLDER = path.resolve(
  REPOSITORY,
  "../shared/data/magnetic_tile/ground_truth",
);
const MASK_COUNT = 6;

interface RealMask {
  file: string;
  data: Uint8Array;
  height: number;
  width: number;
}

const floodFillCache = new Map<RealMask, number[]>();

function loadMasks(): RealMask[] {
  const files = fs
    .readdirSync(MASK_FOLDER)
    .sort()
    .flatMap((defect) =>
      fs
        .readdirSync(path.join(MASK_FOLDER, defect))
        .filter((name) => name.endsWith(".png"))
        .sort()
        .slice(0, 2)
        .map((name) => path.join(MASK_FOLDER, defect, name)),
    )
    .slice(0, MASK_COUNT);
  return files.map((file) => ({ file, ...readPngFirstChannel(file) }));
}

/** Flood-fill region sizes of a mask, computed once per mask. */
function regionSizes(mask: RealMask): number[] {
  const cached = floodFillCache.get(mask);
  if (cached) return cached;
  const sizes = floodFillSizes(mask.data, mask.height, mask.width);
  floodFillCache.set(mask, sizes);
  return sizes;
}

if (!fs.existsSync(MASK_FOLDER)) {
  test.skip(`real masks: skipped because ${MASK_FOLDER} does not exist`, () =>
    undefined);
} else {
  describe("real magnetic-tile masks", () => {
    const masks = loadMasks();

    test("masks load with soft values", () => {
      expect(masks.length).toBe(MASK_COUNT);
      const soft = masks.some(({ data }) => data.some((v) => v > 0 && v < 255));
      expect(soft).toBe(true);
    });

    test.each(masks.map((mask) => [path.basename(mask.file), mask] as const))(
      "regions match a flood fill: %s",
      (_, mask) => {
        const result = labelConnectedComponents(
          mask.data,
          mask.height,
          mask.width,
        );
        expect(Array.from(result.sizes).sort((a, b) => a - b)).toEqual(
          regionSizes(mask),
        );
      },
    );

    test("the mask as map scores 1 everywhere", () => {
      const pixels = new PixelMetricAccumulator();
      for (const { data, height, width, file } of masks) {
        const map = Float32Array.from(data, (v) => (v > 0 ? 1 : 0));
        pixels.add({ data: map, height, width }, { data, height, width }, file);
      }
      const binary = pixels.binaryMetrics();
      expect(binary.auroc.value).toBe(1);
      expect(binary.averagePrecision.value).toBe(1);
      expect(binary.f1Max.value).toBe(1);
      expect(pixels.aupro().value).toBe(1);
    });

    test("one detected region gives the closed-form AUPRO", () => {
      // Only the first region of the first mask scores 1, every other pixel
      // 0: the curve runs (0, 0), (0, 1/R), (1, 1), so the normalised area
      // up to L is 1/R + (1 - 1/R) * L / 2.
      const regionCount = masks.reduce(
        (sum, mask) => sum + regionSizes(mask).length,
        0,
      );
      const pixels = new PixelMetricAccumulator();
      masks.forEach(({ data, height, width, file }, index) => {
        const map = new Float32Array(data.length);
        if (index === 0) {
          const { labels } = labelConnectedComponents(data, height, width);
          labels.forEach((label, k) => (map[k] = label === 1 ? 1 : 0));
        }
        pixels.add({ data: map, height, width }, { data, height, width }, file);
      });

      for (const limit of [0.3, 0.05, 1]) {
        const expected = 1 / regionCount + ((1 - 1 / regionCount) * limit) / 2;
        expectClose(
          pixels.aupro({ integrationLimit: limit }).value,
          expected,
          SAME_MATHS,
          `AUPRO at ${limit}`,
        );
      }
    });

    test("noisy maps agree across paths", () => {
      const random = seededRandom(91);
      const pixels = new PixelMetricAccumulator();
      const total = masks.reduce((sum, { data }) => sum + data.length, 0);
      const scores = new Float64Array(total);
      const labels = new Uint8Array(total);
      let offset = 0;
      for (const { data, height, width, file } of masks) {
        const map = Float32Array.from(
          data,
          (v) => (v > 0 ? 0.4 : 0) + 0.6 * random(),
        );
        pixels.add({ data: map, height, width }, { data, height, width }, file);
        scores.set(map, offset);
        data.forEach((v, k) => (labels[offset + k] = v > 0 ? 1 : 0));
        offset += data.length;
      }

      const expected = binaryMetrics(scores, labels);
      const actual = pixels.binaryMetrics();
      expectClose(
        actual.auroc.value,
        expected.auroc.value,
        SAME_MATHS,
        "AUROC",
      );
      expectClose(
        actual.averagePrecision.value,
        expected.averagePrecision.value,
        SAME_MATHS,
        "AP",
      );
      expectClose(
        actual.f1Max.value,
        expected.f1Max.value,
        SAME_MATHS,
        "F1-max",
      );

      const exact = pixels.aupro().value;
      const binned = pixels.auproBinned({ bins: 1024 });
      expect(Math.abs(binned.value - exact)).toBeLessThanOrEqual(
        binned.errorBound + SAME_MATHS,
      );
    });
  });
}
