import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";

import type { ClipCheckpoint } from "../architecture";
import { writeFileAtomic } from "../checkpoint/atomic-write";
import { DEFAULT_OPSET, EncoderLogger } from "../onnx";
import {
  IMAGE_GRAPH_VERSION,
  ImageEncoderGraph,
  ImageGraphOptions,
  buildImageEncoderGraph,
  describeImageOutputs,
  resolveImageGraphOptions,
} from "./vision-graph";

/** Folder name of the graph cache inside a model directory. */
export const GRAPH_CACHE_FOLDER = "onnx-cache";

/** Options of {@link loadOrBuildImageGraph}. */
export interface ImageGraphCacheOptions extends ImageGraphOptions {
  /**
   * Folder of cached graphs. Defaults to `onnx-cache` inside the checkpoint
   * directory; `false` disables the cache (the graph is built in memory
   * every time).
   */
  cacheDir?: string | false;
  /** Receives a message when the cache folder cannot be written. */
  logger?: EncoderLogger;
}

/** A graph and where it came from. */
export interface CachedImageGraph extends ImageEncoderGraph {
  /** Path of the cached `.onnx` file; `undefined` when the cache is off or unwritable. */
  path: string | undefined;
  /** Whether the graph was read from the cache instead of generated. */
  fromCache: boolean;
}

/**
 * Returns the cache key of an image graph: a SHA-256 over the weights hash,
 * the architecture, the generator version, the opset and the graph options,
 * so that any change to one of them selects another file.
 *
 * @param checkpoint - the weights hash and architecture are used
 * @param options - graph options (defaults are filled in first)
 * @returns 64 hex digits
 */
export function imageGraphCacheKey(
  checkpoint: Pick<ClipCheckpoint, "weightsHash" | "architecture">,
  options: ImageGraphOptions = {},
): string {
  const resolved = resolveImageGraphOptions(options, checkpoint.architecture);
  const description = JSON.stringify({
    kind: "image-encoder",
    generatorVersion: IMAGE_GRAPH_VERSION,
    opset: DEFAULT_OPSET,
    weightsHash: checkpoint.weightsHash,
    architecture: checkpoint.architecture,
    taps: resolved.taps,
    normalize: resolved.normalize,
  });
  return createHash("sha256").update(description).digest("hex");
}

/**
 * A located image graph: on disk, in memory, or both.
 *
 * @internal
 */
export interface ImageGraphSource extends Omit<CachedImageGraph, "model"> {
  /** Serialised graph when it was generated in this call; `undefined` on a cache hit. */
  model: Uint8Array | undefined;
}

/**
 * Returns the image graph of a checkpoint. It is read from the graph cache
 * when a file with the same key exists. Otherwise it is generated and
 * written to the cache atomically: a temporary file is renamed into place,
 * so concurrent readers never see a partial graph.
 *
 * @param checkpoint - loaded checkpoint
 * @param options - graph options and cache location
 * @returns the serialised graph, its outputs and its cache path
 */
export function loadOrBuildImageGraph(
  checkpoint: ClipCheckpoint,
  options: ImageGraphCacheOptions = {},
): CachedImageGraph {
  const located = locateImageGraph(checkpoint, options);
  const model = located.model ?? new Uint8Array(readFileSync(located.path!));
  return { ...located, model };
}

/**
 * Finds the cached graph of a checkpoint, or generates and caches it, like
 * {@link loadOrBuildImageGraph}, but leaves a cached graph on disk so that
 * ONNX Runtime can load it from its path. Loading from a path instead of
 * bytes halved the peak memory of a ViT-B-16-plus-240 session (1.8 GB to
 * 0.9 GB, onnxruntime-node 1.31.1, measured with bench/image-encoder.ts).
 *
 * @internal
 */
export function locateImageGraph(
  checkpoint: ClipCheckpoint,
  options: ImageGraphCacheOptions = {},
): ImageGraphSource {
  const { architecture } = checkpoint;
  const resolved = resolveImageGraphOptions(options, architecture);
  const folder =
    options.cacheDir === undefined
      ? path.join(checkpoint.directory, GRAPH_CACHE_FOLDER)
      : options.cacheDir;

  if (folder === false) {
    const graph = buildImageEncoderGraph(
      checkpoint.weights,
      architecture,
      resolved,
    );
    return { ...graph, path: undefined, fromCache: false };
  }

  const key = imageGraphCacheKey(checkpoint, resolved);
  const file = path.join(
    folder,
    `image-encoder-${architecture.name}-${key.slice(0, 24)}.onnx`,
  );
  if (existsSync(file)) {
    return {
      model: undefined,
      outputs: describeImageOutputs(architecture, resolved),
      options: resolved,
      path: file,
      fromCache: true,
    };
  }

  const graph = buildImageEncoderGraph(
    checkpoint.weights,
    architecture,
    resolved,
  );
  try {
    mkdirSync(folder, { recursive: true });
    writeFileAtomic(file, [graph.model]);
  } catch (error) {
    options.logger?.warn(
      `image graph not cached, because ${(error as Error).message}; pass another cacheDir to keep generated graphs`,
    );
    return { ...graph, path: undefined, fromCache: false };
  }
  return { ...graph, path: file, fromCache: false };
}
