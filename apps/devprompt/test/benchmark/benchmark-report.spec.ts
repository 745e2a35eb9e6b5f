import { buildBenchmarkReport } from "../../src/benchmark/benchmark-report";
import { publishedFigures } from "../../src/benchmark/published-figures";
import type { EvalMetrics } from "../../src/pipeline/run-eval";

const metrics = (pixelAuroc: number, pro: number | null): EvalMetrics => ({
  imageAuroc: 90,
  pixelAuroc,
  pro,
  imageAp: 80,
  pixelAp: 40,
  imageF1Max: 70,
  pixelF1Max: 45,
});

describe("buildBenchmarkReport", () => {
  const report = buildBenchmarkReport("mvtec", 1, [
    { className: "bottle", metrics: metrics(96, 90) },
    { className: "cable", metrics: metrics(94, 80) },
  ]);

  it("averages each column over the classes", () => {
    const column = report.table.columns.indexOf("pixel AUROC");
    expect(report.table.mean[column]).toBeCloseTo(0.95, 12);
  });

  it("writes percentages in the CSV", () => {
    const [header, bottle] = report.csv.trim().split("\n");
    expect(header).toBe(
      "class,image AUROC,pixel AUROC,PRO,image AP,pixel AP,image F1-max,pixel F1-max",
    );
    expect(bottle.split(",")[2]).toBe("96");
  });

  it("lists the published one-shot figures", () => {
    expect(report.markdown).toContain(
      "| DevPrompt (paper) | 95.48 | not reported |",
    );
    expect(report.markdown).toContain("| PromptAD (paper) | 95.9 | 94.6 |");
  });

  it("omits published figures for other shot counts", () => {
    const fourShot = buildBenchmarkReport("visa", 4, [
      { className: "pcb1", metrics: metrics(90, 70) },
    ]);
    expect(fourShot.markdown).not.toContain("Published");
    expect(JSON.parse(fourShot.json).published).toEqual([]);
  });

  it("writes an undefined metric as null in JSON", () => {
    const partial = buildBenchmarkReport("visa", 1, [
      { className: "pcb1", metrics: metrics(90, null) },
    ]);
    const rows = JSON.parse(partial.json).table;
    expect(JSON.stringify(rows)).toContain('"PRO":null');
  });
});

describe("publishedFigures", () => {
  it("returns copies", () => {
    publishedFigures("visa")[0].pixelAuroc = 0;
    expect(publishedFigures("visa")[0].pixelAuroc).toBe(96.1);
  });
});
