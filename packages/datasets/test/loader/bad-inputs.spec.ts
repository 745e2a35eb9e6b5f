import { writeFile } from "node:fs/promises";
import path from "node:path";
import {
  defaultPreprocessConfig,
  encodePng,
  generateSyntheticDataset,
  loadBatches,
  loadSample,
  openDataset,
  type Batch,
  type ClassDataset,
} from "../../src/index";
import { recordingLogger } from "../helpers/logger";
import { useTempDir } from "../helpers/temp-dir";

const config = { ...defaultPreprocessConfig(), size: 16, cropSize: 16 };

describe("loading bad files", () => {
  const tempDir = useTempDir("bad");
  let ds: ClassDataset;

  beforeAll(async () => {
    const s = await generateSyntheticDataset({
      root: tempDir(),
      category: "bad",
      trainCount: 2,
      testGoodCount: 2,
      testDefectCount: 2,
      defectTypes: ["spot"],
      size: 24,
    });
    // A corrupt normal test image and a defect mask of the wrong size.
    await writeFile(
      path.join(s.categoryDir, "test/good/001.png"),
      Buffer.from("broken"),
    );
    await writeFile(
      path.join(s.root, s.testDefects[1].mask),
      encodePng({
        width: 12,
        height: 24,
        channels: 1,
        data: new Uint8Array(12 * 24),
      }),
    );
    ds = await openDataset({
      format: "folder",
      root: s.root,
      category: "bad",
      checkMaskSizes: false,
    });
  });

  test("corrupt image rejects with its name", async () => {
    await expect(async () => {
      for await (const _batch of loadBatches(ds.test, { config })) {
        // Consume every batch.
      }
    }).rejects.toThrow(
      /cannot decode image .*test\/good\/001\.png \(detected format: unknown\)/,
    );
  });

  test("mask of the wrong size rejects with both names", async () => {
    const record = ds.test.find(
      (r) => r.relativePath === "bad/test/spot/001.png",
    );
    expect(record).toBeDefined();
    await expect(loadSample(record!, { config })).rejects.toThrow(
      /mask .*spot\/001_mask\.png is 12x24 but image .*spot\/001\.png is 24x24/,
    );
  });

  test("skipBad skips and reports both files", async () => {
    const logger = recordingLogger();
    const batches: Batch[] = [];
    for await (const batch of loadBatches(ds.test, {
      config,
      skipBad: true,
      logger,
    }))
      batches.push(batch);
    const skipped = batches.flatMap((b) =>
      b.skipped.map((s) => s.record.relativePath),
    );
    expect(skipped.sort()).toEqual([
      "bad/test/good/001.png",
      "bad/test/spot/001.png",
    ]);
    expect(batches.flatMap((b) => b.records)).toHaveLength(2);
    expect(logger.warnings).toHaveLength(2);
    expect(logger.warnings[0]).toMatch(/^skipped /);
  });

  test("anomalous image without mask is flagged", async () => {
    const record = { ...ds.test.find((r) => r.label === 1)!, maskPath: null };
    const sample = await loadSample(record, { config });
    expect(sample.maskValid).toBe(false);
    expect(sample.mask.every((v) => v === 0)).toBe(true);
  });
});
