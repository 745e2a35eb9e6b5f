import { existsSync } from "node:fs";
import { mkdtemp, rm, unlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { generateSyntheticDataset } from "@devprompt/datasets";
import { checkDataset } from "../../src/check-data/check-dataset";

const SHARED_DATA = path.resolve(__dirname, "../../../../../shared/data");

describe("checkDataset on generated data", () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), "devprompt-check-"));
    for (const category of ["alpha", "beta"]) {
      await generateSyntheticDataset({
        root,
        category,
        trainCount: 3,
        testGoodCount: 2,
        testDefectCount: 3,
        size: 32,
        seed: 5,
      });
    }
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("counts images and masks per defect type", async () => {
    const report = await checkDataset({
      dataset: "folder",
      root,
      category: "alpha",
      shots: 1,
      seed: 111,
    });
    const alpha = report.classes[0];
    expect(alpha.trainImages).toBe(3);
    expect(alpha.testImages).toBe(5);
    expect(alpha.normalTestImages).toBe(2);
    expect(alpha.anomalousTestImages).toBe(3);
    expect(alpha.pairedMasks).toBe(3);
    expect(alpha.defectTypes.good).toEqual({ images: 2, masks: 0 });
    expect(alpha.shots.files).toHaveLength(1);
    expect(report.problemCount).toBe(0);
  });

  it("finds every class folder under the root", async () => {
    const report = await checkDataset({
      dataset: "folder",
      root,
      shots: 1,
      seed: 0,
    });
    expect(report.classes.map((c) => c.className)).toEqual(["alpha", "beta"]);
  });

  it("checks a root that is itself a class folder", async () => {
    const report = await checkDataset({
      dataset: "folder",
      root: path.join(root, "beta"),
      shots: 1,
      seed: 0,
    });
    expect(report.classes.map((c) => c.className)).toEqual(["beta"]);
    expect(report.root).toBe(root);
  });

  it("reports a missing mask with its file", async () => {
    const report = await checkDataset({
      dataset: "folder",
      root,
      category: "beta",
      shots: 1,
      seed: 0,
    });
    const defect = Object.keys(report.classes[0].defectTypes).find(
      (t) => t !== "good",
    );
    const maskDir = path.join(root, "beta", "ground_truth", defect as string);
    const { readdir } = await import("node:fs/promises");
    const [mask] = await readdir(maskDir);
    await unlink(path.join(maskDir, mask));

    const broken = await checkDataset({
      dataset: "folder",
      root,
      category: "beta",
      shots: 1,
      seed: 0,
    });
    expect(broken.problemCount).toBe(1);
    expect(broken.classes[0].problems[0].kind).toBe("missing-mask");
    expect(broken.classes[0].problems[0].file).toContain(
      path.join("beta", "test", defect as string),
    );
  });

  it("turns a class that cannot be opened into a problem", async () => {
    const report = await checkDataset({
      dataset: "folder",
      root,
      category: "gamma",
      shots: 1,
      seed: 0,
    });
    expect(report.classes[0].problems[0].kind).toBe("open-failed");
    expect(report.classes[0].problems[0].message).toContain("gamma");
  });

  it("rejects a missing root", async () => {
    await expect(
      checkDataset({
        dataset: "folder",
        root: path.join(root, "none"),
        shots: 1,
        seed: 0,
      }),
    ).rejects.toThrow(/dataset root .*none not found/);
  });

  it("rejects a root without class folders", async () => {
    await expect(
      checkDataset({ dataset: "mvtec", root, shots: 1, seed: 0 }),
    ).rejects.toThrow(/no class folders found under .* for --dataset mvtec/);
  });
});

const describeShared = existsSync(SHARED_DATA) ? describe : describe.skip;
if (!existsSync(SHARED_DATA)) {
  console.warn(`skipping the real-image checks: ${SHARED_DATA} not found`);
}

describeShared("checkDataset on real images", () => {
  it("summarises magnetic_tile", async () => {
    const report = await checkDataset({
      dataset: "folder",
      root: SHARED_DATA,
      category: "magnetic_tile",
      shots: 1,
      seed: 111,
    });
    const tile = report.classes[0];
    expect(tile.testImages).toBe(
      tile.normalTestImages + tile.anomalousTestImages,
    );
    expect(tile.pairedMasks).toBe(tile.anomalousTestImages);
    expect(report.problemCount).toBe(0);
  });

  it("lists the missing masks of the bottle copy", async () => {
    const report = await checkDataset({
      dataset: "mvtec",
      root: path.join(SHARED_DATA, "mvtec_bottle_nomask"),
      shots: 1,
      seed: 111,
    });
    expect(report.classes.map((c) => c.className)).toEqual(["bottle"]);
    expect(report.missingClasses).toHaveLength(14);
    expect(
      report.classes[0].problems.every((p) => p.kind === "missing-mask"),
    ).toBe(true);
    expect(report.problemCount).toBe(report.classes[0].anomalousTestImages);
  });
});
