import type { ImageRecord } from "../types";
import {
  loadSample,
  type LoadedSample,
  type SampleOptions,
} from "./load-sample";
import { SampleWorkerPool } from "./worker-pool";

/** A file skipped because it could not be loaded. */
export interface SkippedFile {
  /** The record that failed. */
  record: ImageRecord;
  /** The error message, naming the file. */
  reason: string;
}

/** Options of {@link loadBatches}. */
export interface BatchOptions extends SampleOptions {
  /** Images per batch. Default 16. */
  batchSize?: number;
  /**
   * Images decoded at the same time (sharp decodes on libuv's thread pool,
   * whose size is `UV_THREADPOOL_SIZE`, 4 by default). Default 4.
   */
  concurrency?: number;
  /**
   * Worker threads that decode and preprocess in parallel: a count (a pool
   * is started and closed by this call) or a {@link SampleWorkerPool} kept
   * by the caller. 0 runs everything on the calling thread (sharp still
   * decodes on libuv's pool). Default 0. At least two images per worker
   * are in flight.
   */
  workers?: number | SampleWorkerPool;
  /**
   * Skip files that cannot be decoded or whose mask does not match, and
   * report them in `skipped` and through the logger, instead of throwing.
   * Default false.
   */
  skipBad?: boolean;
}

/** A batch of preprocessed images. */
export interface Batch {
  /** Records of the loaded images, in input order, skipped ones left out. */
  records: ImageRecord[];
  /** Float32Array of shape [n, 3, crop, crop] (CHW per image). */
  images: Float32Array;
  /** Uint8Array of shape [n, maskSize, maskSize], values in {0, 1}. */
  masks: Uint8Array;
  /** 1 where the mask is ground truth (see {@link LoadedSample.maskValid}). */
  maskValid: Uint8Array;
  /** Image labels, 0 normal and 1 anomalous. */
  labels: Uint8Array;
  /** Files of this batch that were skipped (only with `skipBad`). */
  skipped: SkippedFile[];
  /** Dimensions of `images`: [n, 3, crop, crop]. */
  shape: [number, number, number, number];
}

/** Loads records with at most `concurrency` in flight; order is kept. */
async function loadAll(
  records: readonly ImageRecord[],
  options: BatchOptions,
  pool: SampleWorkerPool | null,
): Promise<(LoadedSample | SkippedFile)[]> {
  const results: (LoadedSample | SkippedFile)[] = new Array(records.length);
  const concurrency = Math.max(
    1,
    options.concurrency ?? 4,
    2 * (pool?.size ?? 0),
  );
  let next = 0;
  async function work(): Promise<void> {
    while (next < records.length) {
      const i = next++;
      try {
        results[i] = pool
          ? await pool.load(records[i], options)
          : await loadSample(records[i], options);
      } catch (error) {
        if (!options.skipBad) throw error;
        const reason = (error as Error).message;
        options.logger?.warn(`skipped ${records[i].path}: ${reason}`);
        results[i] = { record: records[i], reason };
      }
    }
  }
  await Promise.all(
    Array.from({ length: Math.min(concurrency, records.length) }, work),
  );
  return results;
}

/** Packs loaded samples into one batch. */
export function packBatch(
  results: readonly (LoadedSample | SkippedFile)[],
  crop: number,
  maskSize: number,
): Batch {
  const loaded = results.filter((r): r is LoadedSample => "image" in r);
  const skipped = results.filter((r): r is SkippedFile => "reason" in r);
  const n = loaded.length;
  const imageLength = 3 * crop * crop;
  const maskLength = maskSize * maskSize;
  const images = new Float32Array(n * imageLength);
  const masks = new Uint8Array(n * maskLength);
  const maskValid = new Uint8Array(n);
  const labels = new Uint8Array(n);
  loaded.forEach((sample, i) => {
    images.set(sample.image, i * imageLength);
    masks.set(sample.mask, i * maskLength);
    maskValid[i] = sample.maskValid ? 1 : 0;
    labels[i] = sample.record.label;
  });
  return {
    records: loaded.map((s) => s.record),
    images,
    masks,
    maskValid,
    labels,
    skipped,
    shape: [n, 3, crop, crop],
  };
}

/**
 * Loads records in batches, decoding a bounded number of files at a time
 * and preparing the next batch while the caller processes the current one,
 * so at most two batches are held in memory.
 *
 * @param records - Images to load, for example `dataset.test`.
 * @param options - Preprocessing, batch size, concurrency, quirks, skipBad.
 * @returns An async iterator of batches in input order.
 * @throws ImageDecodeError or a mask mismatch Error naming the file, unless
 *   `skipBad` is set.
 * @example
 * ```ts
 * for await (const batch of loadBatches(ds.test, { config, batchSize: 8 })) {
 *   batch.shape; // [8, 3, 240, 240]
 * }
 * ```
 */
export async function* loadBatches(
  records: readonly ImageRecord[],
  options: BatchOptions,
): AsyncGenerator<Batch> {
  const batchSize = options.batchSize ?? 16;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new Error(
      `invalid batchSize ${batchSize}; expected a positive integer`,
    );
  }
  const crop = options.config.cropSize ?? options.config.size;
  const maskSize = options.maskSize ?? crop;
  const workers = options.workers ?? 0;
  if (
    typeof workers === "number" &&
    !(Number.isInteger(workers) && workers >= 0)
  ) {
    throw new Error(
      `invalid workers ${workers}; expected 0 or a positive integer`,
    );
  }
  if (records.length === 0) return;

  const ownPool = typeof workers === "number" && workers > 0;
  let pool: SampleWorkerPool | null = null;
  if (ownPool) pool = new SampleWorkerPool(workers);
  else if (workers instanceof SampleWorkerPool) pool = workers;
  const load = (start: number) =>
    loadAll(records.slice(start, start + batchSize), options, pool).then((r) =>
      packBatch(r, crop, maskSize),
    );

  try {
    let pending: Promise<Batch> | null = load(0);
    for (let start = 0; pending; start += batchSize) {
      const batch: Batch = await pending;
      const nextStart = start + batchSize;
      pending = nextStart < records.length ? load(nextStart) : null;
      // Attach a handler now so a failure of the prefetched batch is not an
      // unhandled rejection while the caller still uses this batch.
      pending?.catch(() => undefined);
      yield batch;
    }
  } finally {
    if (ownPool) await pool?.close();
  }
}
