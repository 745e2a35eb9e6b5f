import { existsSync } from "node:fs";
import path from "node:path";
import { Worker } from "node:worker_threads";
import type { ImageRecord } from "../types";
import type { LoadedSample, SampleOptions } from "./load-sample";

interface Pending {
  record: ImageRecord;
  options: SampleOptions;
  resolve: (sample: LoadedSample) => void;
  reject: (error: Error) => void;
}

interface WorkerReply {
  id: number;
  image?: Float32Array;
  mask?: Uint8Array;
  maskValid?: boolean;
  error?: string;
  warnings: string[];
}

/**
 * Starts a worker running `sample-worker`: the given script, else the
 * compiled `.js` next to this file in a build, else the `.ts` source
 * through tsx's CommonJS hook when running from source (tests and
 * benchmarks).
 */
function startWorker(script: string | undefined): Worker {
  if (script !== undefined) return new Worker(script);
  const compiled = path.join(__dirname, "sample-worker.js");
  if (existsSync(compiled)) return new Worker(compiled);
  const source = path.join(__dirname, "sample-worker.ts");
  if (!existsSync(source)) {
    throw new Error(
      `worker script not found: neither ${compiled} nor ${source} exists. ` +
        "When bundling, emit the package's loader/sample-worker.js as a " +
        "separate file and pass its path as workerScript.",
    );
  }
  // NOTE: running from TypeScript sources needs the tsx package, which
  // this workspace installs for benchmarks; built packages use the .js.
  const bootstrap =
    `require(${JSON.stringify(require.resolve("tsx/cjs/api"))}).register();` +
    `require(${JSON.stringify(source)});`;
  return new Worker(bootstrap, { eval: true });
}

/** Options of {@link SampleWorkerPool}. */
export interface SampleWorkerPoolOptions {
  /**
   * Path of the worker script (the package's compiled
   * `loader/sample-worker.js`); needed only when this package is bundled
   * so that the script no longer sits next to the pool's code.
   */
  workerScript?: string;
}

/**
 * Worker threads that decode and preprocess images in parallel with the
 * calling thread. Each request goes to the worker with the fewest requests
 * in flight. Each worker loads sharp and this package when it starts (and
 * compiles the sources when running from TypeScript), so keep one pool
 * for many {@link loadBatches} calls and close it when done.
 *
 * @example
 * ```ts
 * const pool = new SampleWorkerPool(2);
 * try {
 *   for await (const batch of loadBatches(ds.test, { config, workers: pool })) { ... }
 * } finally {
 *   await pool.close();
 * }
 * ```
 */
export class SampleWorkerPool {
  private readonly workers: Worker[];
  private readonly inFlight: number[];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failure: Error | null = null;

  /**
   * @param size - Number of worker threads, a positive integer.
   * @param options - Location of the worker script, for bundled builds.
   * @throws Error when `size` is not a positive integer or the worker
   *   script is not found.
   */
  constructor(size: number, options: SampleWorkerPoolOptions = {}) {
    if (!Number.isInteger(size) || size < 1) {
      throw new Error(
        `invalid worker count ${size}; expected a positive integer`,
      );
    }
    this.workers = Array.from({ length: size }, (_, index) => {
      const worker = startWorker(options.workerScript);
      worker.on("message", (reply: WorkerReply) => this.onReply(index, reply));
      worker.on("error", (error) => this.failAll(error));
      // Idle workers must not keep the process alive when a caller forgets
      // to close the pool; busy workers are ref'ed in load().
      worker.unref();
      return worker;
    });
    this.inFlight = new Array(size).fill(0);
  }

  /** Number of worker threads. */
  get size(): number {
    return this.workers.length;
  }

  /**
   * Loads one sample on the least busy worker, as {@link loadSample} does.
   *
   * @param record - Image to load.
   * @param options - Preprocessing options; the logger stays on this
   *   thread and receives the worker's warnings.
   * @returns The preprocessed sample.
   * @throws Error with the worker's message (naming the file) on failure.
   */
  load(record: ImageRecord, options: SampleOptions): Promise<LoadedSample> {
    if (this.failure) return Promise.reject(this.failure);
    let index = 0;
    for (let i = 1; i < this.workers.length; i++) {
      if (this.inFlight[i] < this.inFlight[index]) index = i;
    }
    const id = this.nextId++;
    this.inFlight[index]++;
    this.workers[index].ref();
    const transferable: Omit<SampleOptions, "logger"> = {
      config: options.config,
      maskSize: options.maskSize,
      quirks: options.quirks,
      resampler: options.resampler,
    };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { record, options, resolve, reject });
      this.workers[index].postMessage({ id, record, options: transferable });
    });
  }

  /** Stops every worker; requests still pending are rejected. */
  async close(): Promise<void> {
    this.failAll(new Error("worker pool closed"));
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }

  private onReply(index: number, reply: WorkerReply): void {
    this.inFlight[index]--;
    if (this.inFlight[index] === 0) this.workers[index].unref();
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.pending.delete(reply.id);
    for (const warning of reply.warnings) pending.options.logger?.warn(warning);
    if (reply.error !== undefined) {
      pending.reject(new Error(reply.error));
      return;
    }
    pending.resolve({
      record: pending.record,
      image: reply.image as Float32Array,
      mask: reply.mask as Uint8Array,
      maskValid: reply.maskValid as boolean,
    });
  }

  private failAll(error: Error): void {
    this.failure ??= error;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}
