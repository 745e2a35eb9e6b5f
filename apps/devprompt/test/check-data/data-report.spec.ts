import {
  formatDataReport,
  type DataReport,
} from "../../src/check-data/data-report";

const REPORT: DataReport = {
  dataset: "folder",
  root: "/data",
  missingClasses: [],
  problemCount: 1,
  classes: [
    {
      className: "tile",
      trainImages: 10,
      shots: {
        k: 1,
        source: "seeded-random",
        seed: 111,
        files: ["tile/train/good/3.png"],
      },
      testImages: 5,
      normalTestImages: 2,
      anomalousTestImages: 3,
      pairedMasks: 2,
      defectTypes: {
        crack: { images: 3, masks: 2 },
        good: { images: 2, masks: 0 },
      },
      problems: [
        {
          kind: "missing-mask",
          message: "defect image /data/tile/test/crack/2.png has no mask",
          file: "/data/tile/test/crack/2.png",
        },
      ],
      warnings: ["a note"],
    },
  ],
};

describe("formatDataReport", () => {
  const text = formatDataReport(REPORT);

  it("prints the counts of each class", () => {
    expect(text).toContain("tile (folder, /data)\n  train: 10 images\n");
    expect(text).toContain(
      "test: 5 images (2 normal, 3 anomalous, 2 with masks)",
    );
  });

  it("aligns the defect-type table", () => {
    expect(text).toContain(
      "    crack     3 images     2 masks\n    good      2 images     0 masks\n",
    );
  });

  it("lists each problem with its file", () => {
    expect(text).toContain(
      "  problems: 1\n    missing-mask: defect image /data/tile/test/crack/2.png has no mask\n",
    );
  });

  it("prints the shot selection and notes", () => {
    expect(text).toContain(
      "1-shot selection (seeded-random, seed 111): tile/train/good/3.png",
    );
    expect(text).toContain("  note: a note\n");
  });

  it("ends with the problem count", () => {
    expect(text.endsWith("checked 1 class: 1 problem(s) found\n")).toBe(true);
  });

  it("says when no problem was found", () => {
    const clean = formatDataReport({
      ...REPORT,
      problemCount: 0,
      classes: [{ ...REPORT.classes[0], problems: [] }],
    });
    expect(clean).toContain("  problems: none\n");
    expect(clean.endsWith("checked 1 class: no problems found\n")).toBe(true);
  });
});
