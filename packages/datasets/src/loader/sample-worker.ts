/**
 * Worker-thread entry of {@link WorkerPool}: loads samples with
 * `loadSample` and posts them back, transferring the pixel buffers.
 * Warnings are forwarded to the parent, which owns the logger.
 */
import { parentPort } from "node:worker_threads";
import type { ImageRecord } from "../types";
import { loadSample, type SampleOptions } from "./load-sample";

/** Request from the pool. */
interface SampleRequest {
  id: number;
  record: ImageRecord;
  options: Omit<SampleOptions, "logger">;
}

const port = parentPort;
if (port) {
  port.on("message", (request: SampleRequest) => {
    const warnings: string[] = [];
    const logger = { warn: (message: string) => warnings.push(message) };
    loadSample(request.record, { ...request.options, logger }).then(
      (sample) => {
        port.postMessage(
          {
            id: request.id,
            image: sample.image,
            mask: sample.mask,
            maskValid: sample.maskValid,
            warnings,
          },
          [
            sample.image.buffer as ArrayBuffer,
            sample.mask.buffer as ArrayBuffer,
          ],
        );
      },
      (error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        port.postMessage({ id: request.id, error: message, warnings });
      },
    );
  });
}
