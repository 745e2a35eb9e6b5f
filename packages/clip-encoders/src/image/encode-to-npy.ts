import { mkdirSync } from "node:fs";
import path from "node:path";

import type { ClipCheckpoint } from "../architecture";
import { writeFileAtomic } from "../checkpoint/atomic-write";
import {
  FeatureArray,
  ImageEncoder,
  ImageEncoderOptions,
} from "./image-encoder";
import type { ImageTapConfig } from "./taps";
import { IMAGE_GRAPH_VERSION } from "./vision-graph";
import { encodeNpy } from "./npy";

/** Name of the manifest written next to the `.npy` files. */
export const ENCODE_MANIFEST_FILE = "manifest.json";

/** Arguments of {@link encodeToNpy}. */
export interface EncodeToNpyRequest {
  /** Loaded checkpoint. */
  checkpoint: ClipCheckpoint;
  /** Preprocessed pixels, float32 NCHW (N, 3, size, size). */
  pixels: Float32Array;
  /** Shape of `pixels`: `[N, 3, size, size]`. */
  shape: readonly number[];
  /** Output folder; created when missing. Existing files of the same names are replaced. */
  outDir: string;
  /** Encoder options: taps, normalisation, device, threads, batch size, cache folder. */
  encoder?: ImageEncoderOptions;
}

/** One output file listed in the manifest. */
export interface EncodeManifestEntry {
  /** Output name, also the file stem. */
  name: string;
  /** File name inside the output folder. */
  file: string;
  /** Array shape. */
  shape: number[];
  /** Always `float32`, little-endian, C order. */
  dtype: "float32";
  /** Meaning of the values. */
  meaning: string;
}

/** Contents of `manifest.json`. */
export interface EncodeManifest {
  /** Architecture name. */
  architecture: string;
  /** SHA-256 of the weights file. */
  weightsHash: string;
  /** Image graph generator version. */
  generatorVersion: string;
  /** Tap blocks and point of the `patch_tokens_tap*` outputs. */
  taps: ImageTapConfig;
  /** Whether features are L2-normalised along their last axis. */
  normalized: boolean;
  /** Shape of the input pixels. */
  inputShape: number[];
  /** Device the encoder ran on. */
  device: string;
  /** One entry per output file. */
  outputs: EncodeManifestEntry[];
}

/**
 * Encodes preprocessed images with the V-V image encoder and writes every
 * output as a NumPy `.npy` file (float32, little-endian, C order, format
 * version 1.0) plus a `manifest.json` that lists each file's name, shape and
 * meaning. Every file is written atomically (temporary file, then rename),
 * and the manifest last, so a folder with a manifest is complete. This is
 * the library side of the `devprompt encode` command.
 *
 * Files: `image_embeds.npy` (N, E), `vv_patch_tokens.npy` (N, P, E) and
 * `patch_tokens_tap0.npy`, `patch_tokens_tap1.npy`, ... (N, P, W).
 *
 * @param request - checkpoint, pixels with their shape, output folder and encoder options
 * @returns the manifest that was written
 * @throws Error when `shape` is not `[N, 3, size, size]` for the checkpoint's
 *   input size, does not match `pixels.length`, or a file cannot be written
 * @example
 * ```ts
 * const manifest = await encodeToNpy({
 *   checkpoint, pixels, shape: [2, 3, 240, 240], outDir: 'features',
 * });
 * manifest.outputs.map((o) => o.file);
 * // ['image_embeds.npy', 'vv_patch_tokens.npy', 'patch_tokens_tap0.npy', 'patch_tokens_tap1.npy']
 * ```
 */
export async function encodeToNpy(
  request: EncodeToNpyRequest,
): Promise<EncodeManifest> {
  const { checkpoint, pixels, shape, outDir } = request;
  const size = checkpoint.architecture.vision.imageSize;
  const count = shape[0];
  const expectedShape = `[N, 3, ${size}, ${size}]`;
  if (
    shape.length !== 4 ||
    !Number.isInteger(count) ||
    count < 1 ||
    shape[1] !== 3 ||
    shape[2] !== size ||
    shape[3] !== size
  ) {
    throw new Error(
      `expected input shape ${expectedShape} for ${checkpoint.architecture.name}, got [${shape.join(", ")}]`,
    );
  }
  if (pixels.length !== count * 3 * size * size) {
    throw new Error(
      `input shape [${shape.join(", ")}] needs ${count * 3 * size * size} values, got ${pixels.length}`,
    );
  }

  const encoder = await ImageEncoder.create(checkpoint, request.encoder);
  let features;
  try {
    features = await encoder.encode(pixels, count);
  } finally {
    await encoder.dispose();
  }

  mkdirSync(outDir, { recursive: true });
  const arrays: FeatureArray[] = [
    features.imageEmbeds,
    features.vvPatchTokens,
    ...features.taps,
  ];
  const outputs = encoder.outputs.map((info, i): EncodeManifestEntry => {
    const file = `${info.name}.npy`;
    writeFileAtomic(
      path.join(outDir, file),
      encodeNpy(arrays[i].data, arrays[i].shape),
    );
    return {
      name: info.name,
      file,
      shape: [...arrays[i].shape],
      dtype: "float32",
      meaning: info.meaning,
    };
  });

  const manifest: EncodeManifest = {
    architecture: checkpoint.architecture.name,
    weightsHash: checkpoint.weightsHash,
    generatorVersion: IMAGE_GRAPH_VERSION,
    taps: {
      blocks: [...encoder.graphOptions.taps.blocks],
      point: encoder.graphOptions.taps.point,
    },
    normalized: encoder.graphOptions.normalize,
    inputShape: [...shape],
    device: encoder.device,
    outputs,
  };
  writeFileAtomic(
    path.join(outDir, ENCODE_MANIFEST_FILE),
    `${JSON.stringify(manifest, null, 2)}\n`,
  );
  return manifest;
}
