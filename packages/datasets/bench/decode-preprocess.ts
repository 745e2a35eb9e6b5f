/**
 * Benchmark: decode + preprocess throughput for 900×900 PNGs at 240×240
 * (bicubic, CLIP normalisation), in images per second.
 *
 * The reference row is sharp alone (decode and resize in libvips, no
 * normalisation), measured in the same run. The other rows run the
 * package's loader with the Pillow-exact resampler and with sharp's
 * resampler, on the calling thread and with 1 and 2 worker threads. Worker pools are started once and
 * warmed up, so thread start-up is not counted.
 *
 * Run: npx tsx packages/datasets/bench/decode-preprocess.ts [imageCount]
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import {
  defaultPreprocessConfig,
  generateSyntheticDataset,
  loadBatches,
  openDataset,
  type ImageRecord,
  type Resampler,
  SampleWorkerPool,
} from "../src/index";

const IMAGE_SIZE = 900;
const REPEATS = 3;

async function sharpOnly(records: readonly ImageRecord[]): Promise<void> {
  const concurrency = 4;
  let next = 0;
  async function work(): Promise<void> {
    while (next < records.length) {
      const record = records[next++];
      await sharp(record.path)
        .removeAlpha()
        .resize(240, 240, { fit: "fill", kernel: "cubic" })
        .raw()
        .toBuffer();
    }
  }
  await Promise.all(Array.from({ length: concurrency }, work));
}

async function loader(
  records: readonly ImageRecord[],
  resampler: Resampler,
  workers: number | SampleWorkerPool,
): Promise<void> {
  const config = defaultPreprocessConfig();
  let count = 0;
  for await (const batch of loadBatches(records, {
    config,
    resampler,
    workers,
    batchSize: 8,
  })) {
    count += batch.records.length;
  }
  if (count !== records.length) {
    throw new Error(`loaded ${count} of ${records.length} images`);
  }
}

/** Best of REPEATS timed passes after one warm-up pass, in seconds. */
async function timeBest(run: () => Promise<void>): Promise<number> {
  await run();
  let best = Infinity;
  for (let i = 0; i < REPEATS; i++) {
    const start = performance.now();
    await run();
    best = Math.min(best, (performance.now() - start) / 1000);
  }
  return best;
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 24);
  const root = await mkdtemp(path.join(os.tmpdir(), "devprompt-bench-"));
  try {
    await generateSyntheticDataset({
      root,
      category: "bench",
      trainCount: count,
      testGoodCount: 1,
      testDefectCount: 0,
      size: IMAGE_SIZE,
      seed: 1,
    });
    const ds = await openDataset({
      format: "folder",
      root,
      category: "bench",
    });
    const records = ds.train;
    const one = new SampleWorkerPool(1);
    const two = new SampleWorkerPool(2);

    const rows: [string, () => Promise<void>][] = [
      ["sharp decode+resize only (reference)", () => sharpOnly(records)],
      ["loader, pil resampler, 0 workers", () => loader(records, "pil", 0)],
      ["loader, pil resampler, 1 worker", () => loader(records, "pil", one)],
      ["loader, pil resampler, 2 workers", () => loader(records, "pil", two)],
      ["loader, sharp resampler, 0 workers", () => loader(records, "sharp", 0)],
      [
        "loader, sharp resampler, 1 worker",
        () => loader(records, "sharp", one),
      ],
      [
        "loader, sharp resampler, 2 workers",
        () => loader(records, "sharp", two),
      ],
    ];

    console.log(
      `decode + preprocess of ${records.length} ${IMAGE_SIZE}x${IMAGE_SIZE} PNGs ` +
        `to 240x240 (best of ${REPEATS}), ${os.cpus().length} CPUs, ` +
        `load average ${os.loadavg()[0].toFixed(1)}, ` +
        `UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE ?? "4 (default)"}`,
    );
    console.log(
      "| setting | images/s | ms/image | speed vs reference |\n|---|---:|---:|---:|",
    );
    let reference = 0;
    for (const [name, run] of rows) {
      const seconds = await timeBest(run);
      const rate = records.length / seconds;
      if (reference === 0) reference = rate;
      console.log(
        `| ${name} | ${rate.toFixed(1)} | ${((seconds * 1000) / records.length).toFixed(1)} | ${(rate / reference).toFixed(2)} |`,
      );
    }
    await Promise.all([one.close(), two.close()]);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
