import { mkdir, rm, writeFile, copyFile } from "node:fs/promises";
import path from "node:path";
import {
  encodePng,
  generateSyntheticDataset,
  openDataset,
  summarizeDataset,
} from "../../src/index";
import { recordingLogger } from "../helpers/logger";
import { useTempDir } from "../helpers/temp-dir";

describe("openDataset on a synthetic folder", () => {
  const tempDir = useTempDir("open");

  test("lists, labels and pairs every image", async () => {
    const s = await generateSyntheticDataset({
      root: tempDir(),
      category: "widget",
      trainCount: 5,
      testGoodCount: 2,
      testDefectCount: 3,
      size: 24,
    });
    const ds = await openDataset({
      format: "folder",
      root: s.root,
      category: "widget",
    });
    expect(ds.train).toHaveLength(5);
    expect(ds.test).toHaveLength(5);
    expect(ds.issues).toEqual([]);
    expect(ds.test.map((r) => r.defectType)).toEqual([
      "crack",
      "good",
      "good",
      "scratch",
      "spot",
    ]);
    expect(ds.test.map((r) => r.label)).toEqual([1, 0, 0, 1, 1]);
    expect(ds.test[0].maskPath).toBe(
      path.join(s.root, "widget/ground_truth/crack/000_mask.png"),
    );
    expect(ds.test[1].maskPath).toBeNull();
    expect(ds.selection.source).toBe("seeded-random");
    expect(ds.shots[0].relativePath).toBe(ds.selection.files[0]);
  });

  test("root may be the category folder", async () => {
    const s = await generateSyntheticDataset({
      root: tempDir(),
      category: "solo",
      size: 16,
    });
    const ds = await openDataset({ format: "folder", root: s.categoryDir });
    expect(ds.className).toBe("solo");
    expect(ds.train[0].relativePath).toBe("solo/train/good/000.png");
  });

  test("sorts by file name, not creation order", async () => {
    const root = tempDir();
    const dir = path.join(root, "order", "train", "good");
    await mkdir(dir, { recursive: true });
    await mkdir(path.join(root, "order", "test", "good"), { recursive: true });
    const png = encodePng({
      width: 2,
      height: 2,
      channels: 1,
      data: new Uint8Array(4),
    });
    for (const name of [
      "b.png",
      "a.PNG",
      "B.jpg",
      "10.png",
      "9.png",
      "notes.txt",
    ]) {
      await writeFile(path.join(dir, name), png);
    }
    await writeFile(path.join(root, "order", "test", "good", "x.png"), png);
    const ds = await openDataset({
      format: "folder",
      root,
      category: "order",
      shots: "all",
    });
    expect(ds.train.map((r) => path.basename(r.path))).toEqual([
      "10.png",
      "9.png",
      "B.jpg",
      "a.PNG",
      "b.png",
    ]);
  });

  test("reports a missing mask and an orphan mask", async () => {
    const s = await generateSyntheticDataset({
      root: tempDir(),
      category: "pairs",
      testDefectCount: 2,
      defectTypes: ["spot"],
      size: 16,
    });
    const gt = path.join(s.categoryDir, "ground_truth", "spot");
    await rm(path.join(gt, "000_mask.png"));
    await copyFile(
      path.join(gt, "001_mask.png"),
      path.join(gt, "007_mask.png"),
    );
    const ds = await openDataset({
      format: "folder",
      root: s.root,
      category: "pairs",
    });
    const kinds = ds.issues.map((i) => i.kind).sort();
    expect(kinds).toEqual(["missing-mask", "orphan-mask"]);
    const missing = ds.issues.find((i) => i.kind === "missing-mask");
    expect(missing?.message).toMatch(/test\/spot\/000\.png has no mask/);
    const orphan = ds.issues.find((i) => i.kind === "orphan-mask");
    expect(orphan?.message).toMatch(/007_mask\.png has no image/);
  });

  test("reports a mask of the wrong size", async () => {
    const s = await generateSyntheticDataset({
      root: tempDir(),
      category: "sizes",
      testDefectCount: 1,
      size: 16,
    });
    const mask = path.join(s.root, s.testDefects[0].mask);
    await writeFile(
      mask,
      encodePng({
        width: 8,
        height: 16,
        channels: 1,
        data: new Uint8Array(128),
      }),
    );
    const ds = await openDataset({
      format: "folder",
      root: s.root,
      category: "sizes",
    });
    expect(ds.issues).toHaveLength(1);
    expect(ds.issues[0].kind).toBe("mask-size-mismatch");
    expect(ds.issues[0].message).toMatch(
      /is 8x16 but image .*000\.png is 16x16/,
    );
  });

  test("reports an unreadable defect image", async () => {
    const s = await generateSyntheticDataset({
      root: tempDir(),
      category: "unreadable",
      testDefectCount: 1,
      size: 16,
    });
    await writeFile(path.join(s.root, s.testDefects[0].image), "garbage");
    const ds = await openDataset({
      format: "folder",
      root: s.root,
      category: "unreadable",
    });
    expect(ds.issues).toHaveLength(1);
    expect(ds.issues[0].kind).toBe("unreadable-file");
    expect(ds.issues[0].message).toMatch(
      /cannot decode image .*scratch\/000\.png \(detected format: unknown\)/,
    );
  });

  test("empty training folder is an error", async () => {
    const root = tempDir();
    await mkdir(path.join(root, "empty", "train", "good"), { recursive: true });
    await mkdir(path.join(root, "empty", "test", "good"), { recursive: true });
    await expect(
      openDataset({ format: "folder", root, category: "empty" }),
    ).rejects.toThrow(/no training images in .*empty\/train\/good/);
  });

  test("empty test folder is an error", async () => {
    const s = await generateSyntheticDataset({
      root: tempDir(),
      category: "notest",
      size: 16,
    });
    await rm(path.join(s.categoryDir, "test"), { recursive: true });
    await mkdir(path.join(s.categoryDir, "test", "good"), { recursive: true });
    await expect(
      openDataset({ format: "folder", root: s.root, category: "notest" }),
    ).rejects.toThrow(/no test images in/);
  });

  test("missing category folder is an error", async () => {
    await expect(
      openDataset({ format: "folder", root: tempDir(), category: "absent" }),
    ).rejects.toThrow(/category folder .*absent not found/);
  });

  test("unknown MVTec AD class lists the known ones", async () => {
    await expect(
      openDataset({ format: "mvtec", root: tempDir(), category: "bottel" }),
    ).rejects.toThrow(/unknown MVTec AD class "bottel"; known classes: bottle/);
  });

  test("unknown VisA class lists the known ones", async () => {
    await expect(
      openDataset({ format: "visa", root: tempDir(), category: "candles" }),
    ).rejects.toThrow(
      /unknown VisA class "candles"; known classes: candle, capsules/,
    );
  });

  test("ignored training folders are reported", async () => {
    const s = await generateSyntheticDataset({
      root: tempDir(),
      category: "extra",
      size: 16,
    });
    await mkdir(path.join(s.categoryDir, "train", "scratch"));
    const logger = recordingLogger();
    await openDataset({
      format: "folder",
      root: s.root,
      category: "extra",
      logger,
    });
    expect(logger.warnings[0]).toMatch(/ignoring training folders scratch/);
  });
});

describe("summarizeDataset", () => {
  const tempDir = useTempDir("summary");

  test("counts splits, pairs and issues", async () => {
    const s = await generateSyntheticDataset({
      root: tempDir(),
      category: "sum",
      trainCount: 4,
      testGoodCount: 2,
      testDefectCount: 3,
      size: 16,
    });
    await rm(path.join(s.root, s.testDefects[0].mask));
    const ds = await openDataset({
      format: "folder",
      root: s.root,
      category: "sum",
    });
    const summary = summarizeDataset(ds);
    expect(summary.train).toBe(4);
    expect(summary.testByDefect).toEqual({
      crack: 1,
      good: 2,
      scratch: 1,
      spot: 1,
    });
    expect(summary.testNormal).toBe(2);
    expect(summary.testAnomalous).toBe(3);
    expect(summary.maskPairs).toBe(2);
    expect(summary.issuesByKind).toEqual({ "missing-mask": 1 });
    expect(summary.shotFiles).toEqual(ds.selection.files);
  });
});
