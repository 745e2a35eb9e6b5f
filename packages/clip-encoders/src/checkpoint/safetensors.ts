/**
 * Reader and writer of the safetensors format. A file starts with an 8-byte
 * little-endian unsigned header length N and N bytes of JSON. The JSON maps
 * each tensor name to `{dtype, shape, data_offsets: [begin, end]}`, with
 * offsets relative to the end of the header, and may hold a `__metadata__`
 * object of strings. The raw little-endian tensor bytes follow.
 */

import { createHash, type Hash } from "node:crypto";
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { endianness } from "node:os";

import type {
  SourceDtype,
  WeightMap,
  WeightTensor,
} from "../architecture/types";
import { writeFileAtomic } from "./atomic-write";
import {
  bfloat16BitsToFloat32,
  float16BitsToFloat32,
  float32ToBfloat16Bits,
  float32ToFloat16Bits,
} from "./half-float";

/** Header size limit of the reference implementation (100 MB). */
const MAX_HEADER_BYTES = 100_000_000;

/** Bytes per element of every dtype the format defines. */
const DTYPE_BYTES: Record<string, number> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  I64: 8,
  U64: 8,
  F64: 8,
};

/** Dtypes this reader converts to float32. */
export const READABLE_DTYPES: readonly SourceDtype[] = ["F32", "F16", "BF16"];

/** Header entry of one tensor, as stored in the file. */
export interface SafetensorsEntry {
  /** Tensor name. */
  name: string;
  /** Stored element type, for example `F32` or `I64`. */
  dtype: string;
  /** Dimensions, outermost first. */
  shape: number[];
  /** Byte range `[begin, end)` relative to the start of the data section. */
  dataOffsets: [number, number];
}

/** Parsed header of a safetensors file. */
export interface SafetensorsHeader {
  /** Tensor entries in data order (ascending offsets). */
  entries: SafetensorsEntry[];
  /** The `__metadata__` strings, empty when absent. */
  metadata: Record<string, string>;
}

/** Options of {@link readSafetensors}. */
export interface ReadSafetensorsOptions {
  /**
   * Tensors to read; the others are validated in the header but neither read
   * nor converted, so they may have any dtype. Default: every tensor.
   */
  include?: (entry: SafetensorsEntry) => boolean;
  /**
   * Called after each tensor with the data bytes processed so far and the
   * size of the data section, both in bytes.
   */
  onProgress?: (doneBytes: number, totalBytes: number) => void;
}

/** Result of {@link readSafetensors}. */
export interface SafetensorsContents {
  /** The tensors read, converted to float32, in file order. */
  tensors: WeightMap;
  /** The `__metadata__` strings, empty when absent. */
  metadata: Record<string, string>;
  /** Every header entry, including tensors that were not read. */
  entries: SafetensorsEntry[];
  /** Hex SHA-256 of the whole file. */
  sha256: string;
}

/** Options of {@link encodeSafetensors} and {@link writeSafetensors}. */
export interface WriteSafetensorsOptions {
  /** Stored element type of every tensor. Default `F32`. */
  dtype?: SourceDtype;
  /** Strings stored under `__metadata__`. */
  metadata?: Record<string, string>;
}

function assertLittleEndianHost(): void {
  if (endianness() !== "LE") {
    throw new Error(
      "safetensors support needs a little-endian host; this machine is big-endian",
    );
  }
}

function elementCount(shape: number[]): number {
  return shape.reduce((product, dimension) => product * dimension, 1);
}

function isNonNegativeInteger(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

/**
 * Parses and validates a safetensors header.
 *
 * The JSON must be an object, and each entry needs a known dtype, a shape of
 * non-negative integers and two integer offsets. Each byte length must equal
 * dtype size × element count. As the reference implementation requires, the
 * tensors must tile the data section exactly: sorted by offset, with no gap
 * and no overlap, ending at `dataBytes`.
 *
 * @param headerBytes - The JSON header bytes.
 * @param dataBytes - Size of the data section in bytes.
 * @param label - File name used in error messages.
 * @returns Entries sorted by offset and the metadata.
 * @throws Error naming `label` and the offending tensor.
 */
export function parseSafetensorsHeader(
  headerBytes: Uint8Array,
  dataBytes: number,
  label: string,
): SafetensorsHeader {
  let parsed: unknown;
  try {
    parsed = JSON.parse(
      new TextDecoder("utf-8", { fatal: true }).decode(headerBytes),
    );
  } catch (error) {
    throw new Error(
      `invalid safetensors header in ${label}: not UTF-8 JSON (${(error as Error).message})`,
    );
  }

  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new Error(
      `invalid safetensors header in ${label}: expected a JSON object`,
    );
  }

  const entries: SafetensorsEntry[] = [];
  let metadata: Record<string, string> = {};

  for (const [name, value] of Object.entries(parsed)) {
    if (name === "__metadata__") {
      metadata = parseMetadata(value, label);
      continue;
    }
    entries.push(parseEntry(name, value, label));
  }

  entries.sort((a, b) => a.dataOffsets[0] - b.dataOffsets[0]);

  let expectedBegin = 0;
  for (const entry of entries) {
    const [begin, end] = entry.dataOffsets;
    if (begin !== expectedBegin) {
      const problem =
        begin < expectedBegin
          ? "overlaps the previous tensor"
          : "leaves a gap before it";
      throw new Error(
        `invalid safetensors header in ${label}: tensor '${entry.name}' starts at byte ${begin}, ` +
          `expected ${expectedBegin} (it ${problem})`,
      );
    }
    expectedBegin = end;
  }

  if (expectedBegin !== dataBytes) {
    throw new Error(
      `invalid safetensors file ${label}: tensors cover ${expectedBegin} data bytes ` +
        `but the file has ${dataBytes}; the file is truncated or has trailing bytes`,
    );
  }

  return { entries, metadata };
}

function parseMetadata(value: unknown, label: string): Record<string, string> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(
      `invalid safetensors header in ${label}: __metadata__ must be an object of strings`,
    );
  }
  const metadata: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== "string") {
      throw new Error(
        `invalid safetensors header in ${label}: __metadata__.${key} must be a string, got ${JSON.stringify(item)}`,
      );
    }
    metadata[key] = item;
  }
  return metadata;
}

function parseEntry(
  name: string,
  value: unknown,
  label: string,
): SafetensorsEntry {
  const fail = (problem: string): never => {
    throw new Error(
      `invalid safetensors header in ${label}: tensor '${name}' ${problem}`,
    );
  };

  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    fail("must be an object with dtype, shape and data_offsets");
  }
  const record = value as Record<string, unknown>;

  const dtype = record.dtype;
  if (typeof dtype !== "string" || !(dtype in DTYPE_BYTES)) {
    fail(`has unknown dtype ${JSON.stringify(dtype)}`);
  }

  const shape = record.shape;
  if (!Array.isArray(shape) || !shape.every(isNonNegativeInteger)) {
    fail(
      `has an invalid shape ${JSON.stringify(shape)}; expected an array of non-negative integers`,
    );
  }

  const offsets = record.data_offsets;
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every(isNonNegativeInteger) ||
    offsets[1] < offsets[0]
  ) {
    fail(
      `has invalid data_offsets ${JSON.stringify(offsets)}; expected [begin, end] with begin <= end`,
    );
  }

  const typedShape = shape as number[];
  const [begin, end] = offsets as [number, number];
  const expectedBytes = elementCount(typedShape) * DTYPE_BYTES[dtype as string];
  if (end - begin !== expectedBytes) {
    fail(
      `spans ${end - begin} bytes but dtype ${dtype as string} with shape [${typedShape.join(", ")}] needs ${expectedBytes}`,
    );
  }

  return {
    name,
    dtype: dtype as string,
    shape: [...typedShape],
    dataOffsets: [begin, end],
  };
}

function readExactly(
  fd: number,
  target: Uint8Array,
  position: number,
  label: string,
): void {
  let done = 0;
  while (done < target.length) {
    const count = readSync(
      fd,
      target,
      done,
      target.length - done,
      position + done,
    );
    if (count === 0) {
      throw new Error(
        `unexpected end of file in ${label} at byte ${position + done}`,
      );
    }
    done += count;
  }
}

/** Reads one tensor's bytes and converts them to float32. */
function readTensor(
  fd: number,
  entry: SafetensorsEntry,
  dataStart: number,
  hash: Hash,
  label: string,
): WeightTensor {
  const count = elementCount(entry.shape);
  const position = dataStart + entry.dataOffsets[0];

  if (entry.dtype === "F32") {
    const data = new Float32Array(count);
    const bytes = new Uint8Array(data.buffer);
    readExactly(fd, bytes, position, label);
    hash.update(bytes);
    return { shape: [...entry.shape], data, sourceDtype: "F32" };
  }

  const bits = new Uint16Array(count);
  const bytes = new Uint8Array(bits.buffer);
  readExactly(fd, bytes, position, label);
  hash.update(bytes);

  const data =
    entry.dtype === "F16"
      ? float16BitsToFloat32(bits)
      : bfloat16BitsToFloat32(bits);
  return {
    shape: [...entry.shape],
    data,
    sourceDtype: entry.dtype as SourceDtype,
  };
}

/** Feeds a byte range of the file into the hash without keeping it. */
function hashRange(
  fd: number,
  hash: Hash,
  position: number,
  length: number,
  label: string,
): void {
  const chunkBytes = 1 << 22;
  const chunk = new Uint8Array(Math.min(chunkBytes, length));
  let done = 0;
  while (done < length) {
    const view = chunk.subarray(0, Math.min(chunkBytes, length - done));
    readExactly(fd, view, position + done, label);
    hash.update(view);
    done += view.length;
  }
}

/**
 * Reads a safetensors file, validating its header, and converts F32, F16 and
 * BF16 tensors to float32. Tensors are read straight into their arrays, so
 * files larger than Node's 2 GiB `readFile` limit work. The SHA-256 of the
 * whole file is computed in the same pass.
 *
 * @param file - Path of the `.safetensors` file.
 * @param options - Which tensors to read.
 * @returns The tensors, metadata, header entries and file hash.
 * @throws Error naming the file when it is missing, truncated or invalid, or
 *   when a selected tensor has a dtype other than F32, F16 or BF16.
 */
export function readSafetensors(
  file: string,
  options: ReadSafetensorsOptions = {},
): SafetensorsContents {
  assertLittleEndianHost();

  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (error) {
    throw new Error(
      `cannot open safetensors file ${file}: ${(error as Error).message}`,
    );
  }

  try {
    const fileBytes = fstatSync(fd).size;
    if (fileBytes < 8) {
      throw new Error(
        `invalid safetensors file ${file}: ${fileBytes} bytes is too short for the 8-byte header length`,
      );
    }

    const hash = createHash("sha256");
    const lengthBytes = new Uint8Array(8);
    readExactly(fd, lengthBytes, 0, file);
    hash.update(lengthBytes);

    const headerLength = Number(
      new DataView(lengthBytes.buffer).getBigUint64(0, true),
    );
    if (headerLength > MAX_HEADER_BYTES || headerLength > fileBytes - 8) {
      throw new Error(
        `invalid safetensors file ${file}: header length ${headerLength} exceeds ` +
          `${Math.min(MAX_HEADER_BYTES, fileBytes - 8)} bytes; the file is truncated or not safetensors`,
      );
    }

    const headerBytes = new Uint8Array(headerLength);
    readExactly(fd, headerBytes, 8, file);
    hash.update(headerBytes);

    const dataStart = 8 + headerLength;
    const header = parseSafetensorsHeader(
      headerBytes,
      fileBytes - dataStart,
      file,
    );

    const include = options.include ?? (() => true);
    const tensors: WeightMap = new Map();

    for (const entry of header.entries) {
      if (!include(entry)) {
        hashRange(
          fd,
          hash,
          dataStart + entry.dataOffsets[0],
          entry.dataOffsets[1] - entry.dataOffsets[0],
          file,
        );
        options.onProgress?.(entry.dataOffsets[1], fileBytes - dataStart);
        continue;
      }
      if (!(READABLE_DTYPES as readonly string[]).includes(entry.dtype)) {
        throw new Error(
          `unsupported dtype ${entry.dtype} of tensor '${entry.name}' in ${file}; ` +
            `expected one of ${READABLE_DTYPES.join(", ")}`,
        );
      }
      tensors.set(entry.name, readTensor(fd, entry, dataStart, hash, file));
      options.onProgress?.(entry.dataOffsets[1], fileBytes - dataStart);
    }

    return {
      tensors,
      metadata: header.metadata,
      entries: header.entries,
      sha256: hash.digest("hex"),
    };
  } finally {
    closeSync(fd);
  }
}

/** Returns the stored bytes of one tensor in `dtype`. */
function encodeTensorData(data: Float32Array, dtype: SourceDtype): Uint8Array {
  if (dtype === "F32") {
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  }
  const bits =
    dtype === "F16" ? float32ToFloat16Bits(data) : float32ToBfloat16Bits(data);
  return new Uint8Array(bits.buffer);
}

/**
 * Builds the header and the list of byte chunks of a safetensors file, in
 * map order.
 */
function encodeChunks(
  tensors: ReadonlyMap<string, Pick<WeightTensor, "shape" | "data">>,
  options: WriteSafetensorsOptions,
): Uint8Array[] {
  assertLittleEndianHost();
  const dtype = options.dtype ?? "F32";
  if (!READABLE_DTYPES.includes(dtype)) {
    throw new Error(
      `cannot write safetensors dtype ${String(dtype)}; expected one of ${READABLE_DTYPES.join(", ")}`,
    );
  }

  const header: Record<string, unknown> = {};
  if (options.metadata !== undefined) {
    header.__metadata__ = { ...options.metadata };
  }

  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, tensor] of tensors) {
    if (name === "__metadata__") {
      throw new Error(`cannot write a tensor named __metadata__; rename it`);
    }
    const count = elementCount(tensor.shape);
    if (count !== tensor.data.length) {
      throw new Error(
        `cannot write tensor '${name}': shape [${tensor.shape.join(", ")}] has ${count} elements ` +
          `but its data has ${tensor.data.length}`,
      );
    }
    const bytes = encodeTensorData(tensor.data, dtype);
    header[name] = {
      dtype,
      shape: [...tensor.shape],
      data_offsets: [offset, offset + bytes.length],
    };
    chunks.push(bytes);
    offset += bytes.length;
  }

  // Pad the JSON with spaces to a multiple of 8 bytes so the data section
  // stays aligned, as the reference writer does.
  let json = JSON.stringify(header);
  const jsonLength = Buffer.byteLength(json, "utf8");
  json += " ".repeat((8 - (jsonLength % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);

  const lengthBytes = new Uint8Array(8);
  new DataView(lengthBytes.buffer).setBigUint64(
    0,
    BigInt(headerBytes.length),
    true,
  );

  return [lengthBytes, headerBytes, ...chunks];
}

/**
 * Encodes tensors as a safetensors file in memory.
 *
 * @param tensors - Tensors in the order to store them; `data` is float32 in
 *   row-major order.
 * @param options - Stored dtype (F32, F16 or BF16) and metadata.
 * @returns The file bytes.
 * @throws Error when a tensor's data length does not match its shape.
 */
export function encodeSafetensors(
  tensors: ReadonlyMap<string, Pick<WeightTensor, "shape" | "data">>,
  options: WriteSafetensorsOptions = {},
): Uint8Array {
  return Buffer.concat(encodeChunks(tensors, options));
}

/**
 * Writes tensors as a safetensors file atomically: the bytes go to a temporary
 * file in the same directory, which is then renamed over `file`.
 *
 * @param file - Destination path; its directory must exist.
 * @param tensors - Tensors in the order to store them.
 * @param options - Stored dtype (F32, F16 or BF16) and metadata.
 * @returns The hex SHA-256 of the written file.
 */
export function writeSafetensors(
  file: string,
  tensors: ReadonlyMap<string, Pick<WeightTensor, "shape" | "data">>,
  options: WriteSafetensorsOptions = {},
): string {
  const chunks = encodeChunks(tensors, options);
  const hash = createHash("sha256");
  for (const chunk of chunks) {
    hash.update(chunk);
  }
  writeFileAtomic(file, chunks);
  return hash.digest("hex");
}
