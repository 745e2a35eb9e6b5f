import path from "node:path";
import { openDataset } from "../../src/index";
import { recordingLogger } from "../helpers/logger";
import { describeWithSharedData, SHARED_DATA } from "../helpers/shared-data";

function countBy<T>(
  items: readonly T[],
  key: (item: T) => string,
): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

describeWithSharedData("real datasets", () => {
  test("magnetic_tile counts, labels and masks", async () => {
    const ds = await openDataset({
      format: "folder",
      root: SHARED_DATA,
      category: "magnetic_tile",
    });
    expect(ds.train).toHaveLength(106);
    expect(countBy(ds.test, (r) => r.defectType)).toEqual({
      blowhole: 59,
      break: 40,
      crack: 23,
      fray: 11,
      good: 105,
      uneven: 41,
    });
    expect(ds.test.filter((r) => r.label === 1)).toHaveLength(174);
    expect(ds.test.filter((r) => r.maskPath !== null)).toHaveLength(174);
    expect(ds.issues).toEqual([]);
    const first = ds.test[0];
    expect(path.basename(first.path)).toBe("exp1_num_108719.jpg");
    expect(path.basename(first.maskPath ?? "")).toBe(
      "exp1_num_108719_mask.png",
    );
  });

  test("glass_asis trains on good/ and pairs RGB masks", async () => {
    const logger = recordingLogger();
    const ds = await openDataset({
      format: "folder",
      root: SHARED_DATA,
      category: "glass_asis",
      logger,
    });
    expect(ds.train).toHaveLength(18);
    expect(ds.train[0].relativePath).toBe("glass_asis/good/000.png");
    expect(countBy(ds.test, (r) => r.defectType)).toEqual({
      angle: 24,
      edge: 56,
      good: 18,
    });
    expect(ds.issues).toEqual([]);
    expect(logger.warnings[0]).toMatch(
      /has no train\/ folder; using .*glass_asis\/good/,
    );
  });

  test("mvtec_bottle_nomask reports every missing mask", async () => {
    const logger = recordingLogger();
    const ds = await openDataset({
      format: "mvtec",
      root: path.join(SHARED_DATA, "mvtec_bottle_nomask"),
      category: "bottle",
      logger,
    });
    expect(ds.train).toHaveLength(6);
    expect(countBy(ds.test, (r) => r.defectType)).toEqual({
      broken_large: 3,
      broken_small: 3,
      contamination: 3,
      good: 3,
    });
    expect(ds.issues.map((i) => i.kind)).toEqual(
      new Array(9).fill("missing-mask"),
    );
    expect(ds.test.every((r) => r.maskPath === null)).toBe(true);
    // Published position 131 does not exist in this 6-image copy.
    expect(ds.selection.source).toBe("seeded-random");
    expect(logger.warnings.some((w) => /positions 131/.test(w))).toBe(true);
  });

  test("VisA split file gives the official counts", async () => {
    const ds = await openDataset({
      format: "visa",
      root: "/nonexistent-visa-root",
      category: "candle",
      splitFile: path.join(SHARED_DATA, "visa_split", "1cls.csv"),
      checkFiles: false,
      shots: 4,
    });
    expect(ds.train).toHaveLength(900);
    expect(countBy(ds.test, (r) => r.defectType)).toEqual({
      anomaly: 100,
      good: 100,
    });
    expect(ds.issues).toEqual([]);
    expect(ds.selection.source).toBe("reference");
    expect(ds.selection.indices).toEqual([315, 290, 591, 157]);
    const anomaly = ds.test[0];
    expect(anomaly.relativePath).toBe("candle/Data/Images/Anomaly/000.JPG");
    expect(anomaly.maskPath).toBe(
      "/nonexistent-visa-root/candle/Data/Masks/Anomaly/000.png",
    );
    expect(ds.test.find((r) => r.label === 0)?.maskPath).toBeNull();
  });

  test("VisA shot positions index the sorted training list", async () => {
    const ds = await openDataset({
      format: "visa",
      root: "/v",
      category: "capsules",
      splitFile: path.join(SHARED_DATA, "visa_split", "1cls.csv"),
      checkFiles: false,
    });
    const sorted = ds.train.map((r) => r.relativePath);
    expect([...sorted].sort()).toEqual(sorted);
    expect(ds.selection.files).toEqual([sorted[266]]);
  });

  test.each([
    ["capsules", 542, 60],
    ["pcb3", 905, 101],
    ["pipe_fryum", 450, 50],
  ])(
    "VisA %s has %i training and %i normal test images",
    async (category, train, good) => {
      const ds = await openDataset({
        format: "visa",
        root: "/v",
        category,
        splitFile: path.join(SHARED_DATA, "visa_split", "1cls.csv"),
        checkFiles: false,
      });
      expect(ds.train).toHaveLength(train);
      expect(ds.test.filter((r) => r.label === 0)).toHaveLength(good);
    },
  );
});
