import * as fs from "node:fs";
import * as path from "node:path";
import { binaryMetrics } from "../src/binary-metrics";
import { PixelMetricAccumulator } from "../src/pixel-metrics";
import { GOLDEN, expectClose } from "./support/tolerance";

// Fixtures written by tools/golden/metrics/generate_fixtures.py with
// scikit-learn (AUROC, AP, F1-max) and a Python AUPRO written from the
// MVTec AD definition with scipy's 8-connected labelling.
const FIXTURES = path.join(__dirname, "fixtures");

interface ExpectedBinary {
  auroc: number | null;
  averagePrecision: number | null;
  f1Max: number | null;
  f1Threshold: number | null;
}

interface BinaryCase {
  name: string;
  scores: number[];
  labels: number[];
  expected: ExpectedBinary;
}

interface PixelCase {
  name: string;
  height: number;
  width: number;
  encoding: "float32" | "uint16/65536";
  maps: string[];
  masks: string[];
  expected: ExpectedBinary & {
    aupro: Record<string, number | null>;
    regionCount: number;
  };
  analyticAupro?: number;
}

function readFixture<T>(name: string): { cases: T[] } {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, name), "utf8"));
}

/** Decodes a base64 map into float32 scores. */
function decodeMap(
  text: string,
  encoding: PixelCase["encoding"],
): Float32Array {
  const bytes = Buffer.from(text, "base64");
  // Copy into a fresh buffer: Buffer slices may be unaligned for typed views.
  const buffer = new Uint8Array(bytes).buffer;
  if (encoding === "float32") return new Float32Array(buffer);
  return Float32Array.from(new Uint16Array(buffer), (code) => code / 65536);
}

/** null in a fixture means the reference finds the metric undefined. */
function expectedValue(value: number | null): number {
  return value === null ? Number.NaN : value;
}

describe("golden image-level metrics (scikit-learn)", () => {
  const { cases } = readFixture<BinaryCase>("golden-binary.json");

  test.each(cases.map((c) => [c.name, c] as const))("%s", (_, golden) => {
    const result = binaryMetrics(golden.scores, golden.labels);
    const expected = golden.expected;

    expectClose(
      result.auroc.value,
      expectedValue(expected.auroc),
      GOLDEN,
      "AUROC",
    );
    expectClose(
      result.averagePrecision.value,
      expectedValue(expected.averagePrecision),
      GOLDEN,
      "AP",
    );
    expectClose(
      result.f1Max.value,
      expectedValue(expected.f1Max),
      GOLDEN,
      "F1-max",
    );
    expectClose(
      result.f1Max.threshold,
      expectedValue(expected.f1Threshold),
      GOLDEN,
      "F1-max threshold",
    );
  });
});

describe("golden pixel-level metrics (scikit-learn, Python AUPRO)", () => {
  const { cases } = readFixture<PixelCase>("golden-pixel.json");

  function accumulate(golden: PixelCase): PixelMetricAccumulator {
    const pixels = new PixelMetricAccumulator();
    const { height, width } = golden;
    golden.maps.forEach((map, k) => {
      const mask = new Uint8Array(Buffer.from(golden.masks[k], "base64"));
      pixels.add(
        { data: decodeMap(map, golden.encoding), height, width },
        { data: mask, height, width },
        `${golden.name} #${k}`,
      );
    });
    return pixels;
  }

  test.each(cases.map((c) => [c.name, c] as const))("%s", (_, golden) => {
    const pixels = accumulate(golden);
    const result = pixels.binaryMetrics();
    const expected = golden.expected;

    expect(pixels.regionCount).toBe(expected.regionCount);
    expectClose(
      result.auroc.value,
      expectedValue(expected.auroc),
      GOLDEN,
      "pixel AUROC",
    );
    expectClose(
      result.averagePrecision.value,
      expectedValue(expected.averagePrecision),
      GOLDEN,
      "pixel AP",
    );
    expectClose(
      result.f1Max.value,
      expectedValue(expected.f1Max),
      GOLDEN,
      "pixel F1-max",
    );

    for (const [limit, value] of Object.entries(expected.aupro)) {
      const integrationLimit = Number(limit);
      const exact = pixels.aupro({ integrationLimit });
      expectClose(
        exact.value,
        expectedValue(value),
        GOLDEN,
        `AUPRO at ${limit}`,
      );

      const binned = pixels.auproBinned({ integrationLimit });
      expect(Math.abs(binned.value - exact.value)).toBeLessThanOrEqual(
        binned.errorBound + GOLDEN,
      );
    }
    if (golden.analyticAupro !== undefined) {
      expectClose(
        pixels.aupro().value,
        golden.analyticAupro,
        GOLDEN,
        "analytic AUPRO",
      );
    }
  });
});
