import {
  buildSweepReport,
  reportToCsv,
  reportToMarkdown,
  seedStatistic,
} from "../../src/sweep/report";
import type { SweepPlan } from "../../src/sweep/plan";
import { fakeResult, fakeRun } from "./fake-runs";

describe("seedStatistic", () => {
  test("hand-computed mean and sample standard deviation", () => {
    expect(seedStatistic([1, 2, 3])).toEqual({ mean: 2, std: 1, n: 3 });
    // Deviations −3, −1, −1, −1, 0, 0, 2, 4: squares sum to 32, over n − 1 = 7.
    const s = seedStatistic([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(s.mean).toBe(5);
    expect(s.std).toBeCloseTo(Math.sqrt(32 / 7), 12);
  });

  test("skips undefined values and needs two for a spread", () => {
    expect(seedStatistic([null, 7])).toEqual({ mean: 7, std: null, n: 1 });
    expect(seedStatistic([null])).toEqual({ mean: null, std: null, n: 0 });
    expect(seedStatistic([4, 4])).toEqual({ mean: 4, std: 0, n: 2 });
  });
});

describe("buildSweepReport", () => {
  // Class a scores 80 and 90 on seeds 1 and 2, class b 60 and 100.
  const runs = [
    fakeRun("a1", { category: "a", seed: 1 }),
    fakeRun("a2", { category: "a", seed: 2 }),
    fakeRun("b1", { category: "b", seed: 1 }),
    fakeRun("b2", { category: "b", seed: 2 }),
    fakeRun("c1", { category: "a", seed: 1, setting: "other" }),
  ];
  const plan: SweepPlan = {
    format: "devprompt-sweep-plan",
    version: 1,
    source: "/s.yaml",
    runs,
  };
  const values: Record<string, number | null> = {
    a1: 80,
    a2: 90,
    b1: 60,
    b2: 100,
    c1: null,
  };
  const results = runs.map((run) => fakeResult(run, values[run.id]));

  test("per class and mean rows, mean ± std over seeds", () => {
    const report = buildSweepReport(plan, results);
    expect(report.planned).toBe(5);
    expect(report.finished).toBe(5);
    expect(report.groups.map((g) => [g.setting, g.seeds])).toEqual([
      ["default", [1, 2]],
      ["other", [1]],
    ]);
    const [a, b, mean] = report.groups[0].rows;
    expect(a.className).toBe("a");
    expect(a.metrics.imageAuroc.mean).toBe(85);
    expect(a.metrics.imageAuroc.std).toBeCloseTo(Math.SQRT2 * 5, 12);
    expect(b.metrics.pro.mean).toBe(80);
    expect(b.metrics.pro.std).toBeCloseTo(Math.SQRT2 * 20, 12);
    // Mean of the class means; spread of the per-seed class averages
    // 70 (seed 1) and 95 (seed 2): 25 / √2.
    expect(mean.className).toBe("mean");
    expect(mean.metrics.pixelAp.mean).toBeCloseTo(82.5, 12);
    expect(mean.metrics.pixelAp.std).toBeCloseTo(25 / Math.SQRT2, 12);
    expect(report.groups[1].rows[0].metrics.imageAuroc).toEqual({
      mean: null,
      std: null,
      n: 0,
    });
  });

  test("gives the mean row no spread when classes have different seeds", () => {
    const report = buildSweepReport(
      plan,
      results.filter((r) => r.id !== "b2"),
    );
    const mean = report.groups[0].rows[2];
    expect(mean.metrics.imageAuroc.mean).toBeCloseTo((85 + 60) / 2, 12);
    expect(mean.metrics.imageAuroc.std).toBeNull();
    expect(report.finished).toBe(4);
  });

  test("formats Markdown and long CSV", () => {
    const report = buildSweepReport(plan, results);
    const markdown = reportToMarkdown(report);
    expect(markdown).toContain("5 of 5 run(s) finished.");
    expect(markdown).toContain("## synth, default, 1 shot(s), seeds 1, 2");
    expect(markdown).toContain(
      "| a | 85.0 ± 7.1 | 85.0 ± 7.1 | 85.0 ± 7.1 | 85.0 ± 7.1 | 85.0 ± 7.1 | 85.0 ± 7.1 | 85.0 ± 7.1 |",
    );
    expect(markdown).toContain("| **mean** | 82.5 ± 17.7 |");
    expect(markdown).toContain("| a | n/a | n/a |");
    const csv = reportToCsv(report).split("\n");
    expect(csv[0]).toBe("dataset,setting,shots,class,metric,mean,std,n");
    expect(csv[1]).toBe(`synth,default,1,a,imageAuroc,85,${Math.SQRT2 * 5},2`);
    expect(csv).toContain("synth,other,1,a,pro,,,0");
  });
});
