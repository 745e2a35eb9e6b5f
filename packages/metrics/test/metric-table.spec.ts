import {
  buildMetricTable,
  defaultMarkdownFormat,
  metricTableToCsv,
  metricTableToJson,
  metricTableToMarkdown,
} from "../src/metric-table";
import { SAME_MATHS, expectClose } from "./support/tolerance";

const rows = [
  {
    className: "bottle",
    values: { "image AUROC": 0.99, "pixel AUROC": 0.975 },
  },
  { className: "cable", values: { "image AUROC": 0.91, "pixel AUROC": 0.955 } },
  {
    className: "screw",
    values: {
      "image AUROC": 0.6,
      "pixel AUROC": { value: Number.NaN, reason: "no anomalous pixels" },
    },
  },
];

describe("buildMetricTable", () => {
  test("columns follow first appearance", () => {
    expect(buildMetricTable(rows).columns).toEqual([
      "image AUROC",
      "pixel AUROC",
    ]);
  });

  test("mean averages every class", () => {
    const table = buildMetricTable(rows);
    expectClose(
      table.mean[0],
      (0.99 + 0.91 + 0.6) / 3,
      SAME_MATHS,
      "mean image AUROC",
    );
    expect(table.meanCounts[0]).toBe(3);
  });

  test("NaN propagates into the mean by default", () => {
    const table = buildMetricTable(rows);
    expect(table.values[2][1]).toBeNaN();
    expect(table.mean[1]).toBeNaN();
  });

  test("omit policy averages defined values", () => {
    const table = buildMetricTable(rows, { nanPolicy: "omit" });
    expectClose(
      table.mean[1],
      (0.975 + 0.955) / 2,
      SAME_MATHS,
      "mean pixel AUROC",
    );
    expect(table.meanCounts[1]).toBe(2);
  });

  test("missing metric is NaN", () => {
    const table = buildMetricTable([
      { className: "a", values: { x: 0.5 } },
      { className: "b", values: { y: 0.25 } },
    ]);
    expect(table.values[0][1]).toBeNaN();
    expect(table.values[1][0]).toBeNaN();
  });

  test("explicit columns select and order", () => {
    const table = buildMetricTable(rows, { columns: ["pixel AUROC"] });
    expect(table.columns).toEqual(["pixel AUROC"]);
    expect(table.values[0]).toEqual([0.975]);
  });

  test("repeated class is rejected", () => {
    expect(() => buildMetricTable([rows[0], rows[0]])).toThrow(
      /class "bottle" appears twice/,
    );
  });

  test("empty input gives NaN means", () => {
    const table = buildMetricTable([], { columns: ["x"] });
    expect(table.mean[0]).toBeNaN();
    expect(table.meanCounts[0]).toBe(0);
  });
});

describe("metricTableToJson", () => {
  test("writes NaN as null and keeps fractions", () => {
    const parsed = JSON.parse(metricTableToJson(buildMetricTable(rows)));
    expect(parsed.columns).toEqual(["image AUROC", "pixel AUROC"]);
    expect(parsed.classes[0]).toEqual({
      className: "bottle",
      values: { "image AUROC": 0.99, "pixel AUROC": 0.975 },
    });
    expect(parsed.classes[2].values["pixel AUROC"]).toBeNull();
    expect(parsed.mean["pixel AUROC"]).toBeNull();
    expect(parsed.meanCounts["image AUROC"]).toBe(3);
    expect(parsed.nanPolicy).toBe("propagate");
  });
});

describe("metricTableToCsv", () => {
  test("prints full precision by default", () => {
    const csv = metricTableToCsv(buildMetricTable(rows.slice(0, 2)));
    expect(csv).toBe(
      [
        "class,image AUROC,pixel AUROC",
        "bottle,0.99,0.975",
        "cable,0.91,0.955",
        `mean,${(0.99 + 0.91) / 2},${(0.975 + 0.955) / 2}`,
        "",
      ].join("\n"),
    );
  });

  test("scales, rounds and leaves NaN empty", () => {
    const csv = metricTableToCsv(buildMetricTable(rows), {
      scale: 100,
      digits: 2,
    });
    expect(csv.split("\n")[3]).toBe("screw,60.00,");
    expect(csv.split("\n")[4]).toBe("mean,83.33,");
  });

  test("quotes fields with commas and quotes", () => {
    const table = buildMetricTable([
      { className: 'odd, "name"', values: { "a,b": 1 } },
    ]);
    expect(metricTableToCsv(table).split("\n").slice(0, 2)).toEqual([
      'class,"a,b"',
      '"odd, ""name""",1',
    ]);
  });
});

describe("metricTableToMarkdown", () => {
  test("prints percentages with one decimal and a bold mean", () => {
    const markdown = metricTableToMarkdown(buildMetricTable(rows));
    expect(markdown).toBe(
      [
        "| class | image AUROC | pixel AUROC |",
        "| --- | ---: | ---: |",
        "| bottle | 99.0 | 97.5 |",
        "| cable | 91.0 | 95.5 |",
        "| screw | 60.0 | n/a |",
        "| **mean** | **83.3** | **n/a** |",
        "",
      ].join("\n"),
    );
  });

  test("escapes pipes in names", () => {
    const table = buildMetricTable([{ className: "a|b", values: { x: 0.5 } }]);
    expect(metricTableToMarkdown(table)).toContain("| a\\|b | 50.0 |");
  });

  test("default format is a copy", () => {
    const format = defaultMarkdownFormat();
    (format as { digits: number }).digits = 4;
    expect(defaultMarkdownFormat()).toEqual({ scale: 100, digits: 1 });
  });
});
