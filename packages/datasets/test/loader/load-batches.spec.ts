import {
  defaultPreprocessConfig,
  generateSyntheticDataset,
  loadBatches,
  openDataset,
  SampleWorkerPool,
  type Batch,
  type ClassDataset,
} from "../../src/index";
import { useTempDir } from "../helpers/temp-dir";

describe("loadBatches", () => {
  const tempDir = useTempDir("loader");
  let ds: ClassDataset;
  const config = { ...defaultPreprocessConfig(), size: 32, cropSize: 32 };

  beforeAll(async () => {
    const s = await generateSyntheticDataset({
      root: tempDir(),
      category: "batch",
      trainCount: 3,
      testGoodCount: 3,
      testDefectCount: 4,
      size: 40,
      seed: 2,
    });
    ds = await openDataset({
      format: "folder",
      root: s.root,
      category: "batch",
    });
  });

  test("yields batches in input order", async () => {
    const batches = [];
    for await (const batch of loadBatches(ds.test, { config, batchSize: 3 }))
      batches.push(batch);
    expect(batches.map((b) => b.shape[0])).toEqual([3, 3, 1]);
    expect(batches.flatMap((b) => b.records)).toEqual(ds.test);
    expect(batches[0].images).toHaveLength(3 * 3 * 32 * 32);
    expect(batches[0].shape).toEqual([3, 3, 32, 32]);
  });

  test("masks follow labels", async () => {
    for await (const batch of loadBatches(ds.test, {
      config,
      batchSize: 10,
      maskSize: 20,
    })) {
      expect(batch.masks).toHaveLength(batch.records.length * 400);
      batch.records.forEach((record, i) => {
        const mask = batch.masks.subarray(i * 400, (i + 1) * 400);
        const positives = mask.reduce((a, b) => a + b, 0);
        expect(batch.labels[i]).toBe(record.label);
        expect(batch.maskValid[i]).toBe(1);
        if (record.label === 0) expect(positives).toBe(0);
        else expect(positives).toBeGreaterThan(0);
      });
    }
  });

  test("matches loading one at a time", async () => {
    const whole = [];
    for await (const b of loadBatches(ds.test, {
      config,
      batchSize: 10,
      concurrency: 1,
    }))
      whole.push(b);
    const single = [];
    for await (const b of loadBatches(ds.test, {
      config,
      batchSize: 1,
      concurrency: 4,
    }))
      single.push(b);
    const joined = new Float32Array(
      single.reduce((n, b) => n + b.images.length, 0),
    );
    let offset = 0;
    for (const b of single) {
      joined.set(b.images, offset);
      offset += b.images.length;
    }
    expect(
      Buffer.from(joined.buffer).equals(Buffer.from(whole[0].images.buffer)),
    ).toBe(true);
  });

  test("bgr quirk changes test images only", async () => {
    const rgb = (
      await loadBatches([ds.train[0], ds.test[0]], { config }).next()
    ).value;
    const bgr = (
      await loadBatches([ds.train[0], ds.test[0]], {
        config,
        quirks: { bgrTestImages: true },
      }).next()
    ).value;
    const plane = 32 * 32;
    const image = 3 * plane;
    expect(bgr.images.subarray(0, image)).toEqual(
      rgb.images.subarray(0, image),
    );
    expect(bgr.images.subarray(image, image + image)).not.toEqual(
      rgb.images.subarray(image, image + image),
    );
  });

  test("empty input yields nothing", async () => {
    const batches = [];
    for await (const b of loadBatches([], { config })) batches.push(b);
    expect(batches).toEqual([]);
  });

  test("rejects a zero batch size", async () => {
    await expect(
      loadBatches(ds.test, { config, batchSize: 0 }).next(),
    ).rejects.toThrow(/invalid batchSize 0/);
  });
});

/** Drains a batch iterator, which also closes its worker pool. */
async function collect(batches: AsyncGenerator<Batch>): Promise<Batch> {
  const all: Batch[] = [];
  for await (const batch of batches) all.push(batch);
  expect(all).toHaveLength(1);
  return all[0];
}

describe("loadBatches with workers", () => {
  const tempDir = useTempDir("workers");

  test("workers give identical batches", async () => {
    const s = await generateSyntheticDataset({
      root: tempDir(),
      category: "threads",
      trainCount: 1,
      testGoodCount: 2,
      testDefectCount: 3,
      size: 40,
    });
    const ds = await openDataset({
      format: "folder",
      root: s.root,
      category: "threads",
    });
    const config = { ...defaultPreprocessConfig(), size: 32, cropSize: 32 };
    const local = await collect(loadBatches(ds.test, { config, batchSize: 8 }));
    const threaded = await collect(
      loadBatches(ds.test, { config, batchSize: 8, workers: 2 }),
    );
    expect(threaded.records).toEqual(local.records);
    expect(threaded.shape).toEqual([5, 3, 32, 32]);
    expect(
      Buffer.from(threaded.images.buffer).equals(
        Buffer.from(local.images.buffer),
      ),
    ).toBe(true);
    expect(
      Buffer.from(threaded.masks.buffer).equals(
        Buffer.from(local.masks.buffer),
      ),
    ).toBe(true);
  });

  test("caller pool survives two calls", async () => {
    const s = await generateSyntheticDataset({
      root: tempDir(),
      category: "shared-pool",
      trainCount: 2,
      testGoodCount: 1,
      testDefectCount: 1,
      size: 24,
    });
    const ds = await openDataset({
      format: "folder",
      root: s.root,
      category: "shared-pool",
    });
    const config = { ...defaultPreprocessConfig(), size: 16, cropSize: 16 };
    const pool = new SampleWorkerPool(1);
    try {
      const first = await collect(
        loadBatches(ds.test, { config, workers: pool }),
      );
      const second = await collect(
        loadBatches(ds.train, { config, workers: pool }),
      );
      expect(first.shape).toEqual([2, 3, 16, 16]);
      expect(second.shape).toEqual([2, 3, 16, 16]);
    } finally {
      await pool.close();
    }
  });

  test("explicit worker script is used", async () => {
    const pool = new SampleWorkerPool(1, {
      workerScript: "/nonexistent/sample-worker.js",
    });
    const record = {
      path: "/nonexistent/a.png",
      relativePath: "a.png",
      className: "c",
      split: "test" as const,
      label: 0 as const,
      defectType: "good",
      maskPath: null,
    };
    const config = defaultPreprocessConfig();
    await expect(pool.load(record, { config })).rejects.toThrow(
      /nonexistent\/sample-worker\.js/,
    );
    await pool.close();
  });

  test("pool rejects a zero size", () => {
    expect(() => new SampleWorkerPool(0)).toThrow(/invalid worker count 0/);
  });

  test("worker errors name the file", async () => {
    const root = tempDir();
    const { writeFile, mkdir } = await import("node:fs/promises");
    const path = await import("node:path");
    await mkdir(path.join(root, "w", "train", "good"), { recursive: true });
    await mkdir(path.join(root, "w", "test", "good"), { recursive: true });
    await writeFile(path.join(root, "w", "train", "good", "a.png"), "x");
    await writeFile(
      path.join(root, "w", "test", "good", "b.png"),
      "not an image",
    );
    const ds = await openDataset({ format: "folder", root, category: "w" });
    const config = { ...defaultPreprocessConfig(), size: 8, cropSize: 8 };
    await expect(
      collect(loadBatches(ds.test, { config, workers: 1 })),
    ).rejects.toThrow(
      /cannot decode image .*b\.png \(detected format: unknown\)/,
    );
  });
});
