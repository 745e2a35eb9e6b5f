import { readFile } from "node:fs/promises";
import path from "node:path";
import {
  decodeImage,
  decodeMask,
  generateSyntheticDataset,
} from "../../src/index";
import { useTempDir } from "../helpers/temp-dir";

describe("generateSyntheticDataset", () => {
  const tempDir = useTempDir("synthetic");

  test("writes the MVTec AD layout", async () => {
    const summary = await generateSyntheticDataset({
      root: tempDir(),
      category: "tex",
      trainCount: 3,
      testGoodCount: 2,
      testDefectCount: 4,
      size: 32,
      seed: 5,
    });
    expect(summary.train).toEqual([
      "tex/train/good/000.png",
      "tex/train/good/001.png",
      "tex/train/good/002.png",
    ]);
    expect(summary.testGood).toHaveLength(2);
    expect(summary.testDefects.map((d) => d.image)).toEqual([
      "tex/test/scratch/000.png",
      "tex/test/spot/000.png",
      "tex/test/crack/000.png",
      "tex/test/scratch/001.png",
    ]);
    expect(summary.testDefects[3].mask).toBe(
      "tex/ground_truth/scratch/001_mask.png",
    );
  });

  test("mask is exactly the changed pixels", async () => {
    const root = tempDir();
    const options = {
      root,
      category: "obj",
      kind: "object" as const,
      size: 48,
      seed: 11,
    };
    const a = await generateSyntheticDataset({
      ...options,
      testDefectCount: 3,
    });
    // Same seed without defects: the first defect image is drawn from the
    // same random state as the first good test image of this run.
    const b = await generateSyntheticDataset({
      ...options,
      category: "obj-clean",
      testGoodCount: 5,
      testDefectCount: 0,
    });
    const defect = await decodeImage(path.join(root, a.testDefects[0].image));
    const clean = await decodeImage(path.join(root, b.testGood[4]));
    const mask = await decodeMask(path.join(root, a.testDefects[0].mask));
    let changed = 0;
    let mismatched = 0;
    for (let i = 0; i < mask.data.length; i++) {
      const differs = [0, 1, 2].some(
        (c) => defect.data[i * 3 + c] !== clean.data[i * 3 + c],
      );
      if (differs) changed++;
      if (differs !== mask.data[i] > 0) mismatched++;
    }
    expect(mismatched).toBe(0);
    expect(changed).toBe(a.testDefects[0].defectPixels);
    expect(changed).toBeGreaterThan(0);
  });

  test("equal seeds give identical files", async () => {
    const root = tempDir();
    const a = await generateSyntheticDataset({
      root,
      category: "a",
      seed: 3,
      size: 24,
    });
    const b = await generateSyntheticDataset({
      root,
      category: "b",
      seed: 3,
      size: 24,
    });
    for (let i = 0; i < a.testDefects.length; i++) {
      const fa = await readFile(path.join(root, a.testDefects[i].image));
      const fb = await readFile(path.join(root, b.testDefects[i].image));
      expect(fa.equals(fb)).toBe(true);
    }
  });

  test("different seeds give different images", async () => {
    const root = tempDir();
    const a = await generateSyntheticDataset({
      root,
      category: "s1",
      seed: 1,
      size: 24,
    });
    const b = await generateSyntheticDataset({
      root,
      category: "s2",
      seed: 2,
      size: 24,
    });
    const fa = await readFile(path.join(root, a.train[0]));
    const fb = await readFile(path.join(root, b.train[0]));
    expect(fa.equals(fb)).toBe(false);
  });

  test("refuses to replace without overwrite", async () => {
    const root = tempDir();
    await generateSyntheticDataset({ root, category: "again", size: 16 });
    await expect(
      generateSyntheticDataset({ root, category: "again", size: 16 }),
    ).rejects.toThrow(
      /already contains a synthetic dataset; pass overwrite: true/,
    );
    await expect(
      generateSyntheticDataset({
        root,
        category: "again",
        size: 16,
        overwrite: true,
      }),
    ).resolves.toBeDefined();
  });

  test("never deletes a foreign folder", async () => {
    const root = tempDir();
    await generateSyntheticDataset({ root, category: "foreign", size: 16 });
    await import("node:fs/promises").then((fs) =>
      fs.rm(path.join(root, "foreign", "synthetic.json")),
    );
    await expect(
      generateSyntheticDataset({
        root,
        category: "foreign",
        size: 16,
        overwrite: true,
      }),
    ).rejects.toThrow(/was not written by the synthetic generator/);
  });

  test("rejects a zero training count", async () => {
    await expect(
      generateSyntheticDataset({
        root: tempDir(),
        category: "z",
        trainCount: 0,
      }),
    ).rejects.toThrow(/invalid trainCount 0/);
  });
});
