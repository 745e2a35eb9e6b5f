import { writeFileAtomic } from "./atomic-write";

/** Magic string that starts every .npy file. */
const MAGIC = Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);

/** Header plus preamble length is padded to a multiple of this (format 1.0). */
const HEADER_ALIGNMENT = 64;

/** An array read from a .npy file. */
export interface NpyArray {
  /** Values in C (row-major) order. */
  data: Float32Array | Float64Array;
  /** Dimensions, outermost first; empty for a scalar. */
  shape: number[];
}

/**
 * Encodes a float32 array as a NumPy `.npy` file, format version 1.0.
 *
 * The file is the magic, two version bytes, the header length as a
 * little-endian uint16, and the ASCII header dict
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (…), }`. The header is
 * padded with spaces and a newline so that the data starts at a multiple
 * of 64 bytes. The values follow, little-endian, in C order.
 *
 * @param data - values in C order
 * @param shape - dimensions whose product equals data.length
 * @returns the file bytes
 * @example
 * ```ts
 * encodeNpy(new Float32Array(225), [15, 15]); // header of 128 bytes, then 900 data bytes
 * ```
 */
export function encodeNpy(
  data: Float32Array,
  shape: readonly number[],
): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (
    shape.some((d) => !Number.isInteger(d) || d < 0) ||
    count !== data.length
  ) {
    throw new RangeError(
      `encodeNpy: shape [${shape.join(", ")}] does not match ${data.length} values`,
    );
  }
  const shapeText =
    shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const preamble = MAGIC.length + 2 + 2;
  const unpadded = preamble + dict.length + 1;
  const padding =
    (HEADER_ALIGNMENT - (unpadded % HEADER_ALIGNMENT)) % HEADER_ALIGNMENT;
  const header = `${dict}${" ".repeat(padding)}\n`;

  const out = new Uint8Array(preamble + header.length + data.length * 4);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  const view = new DataView(out.buffer);
  view.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++)
    out[preamble + i] = header.charCodeAt(i);

  const body = preamble + header.length;
  for (let i = 0; i < data.length; i++)
    view.setFloat32(body + i * 4, data[i], true);
  return out;
}

/**
 * Decodes a `.npy` file of little-endian float32 or float64 values in C
 * order, format version 1, 2 or 3.
 *
 * @param bytes - the whole file
 * @param source - file name used in error messages
 * @returns the values and shape
 */
export function decodeNpy(bytes: Uint8Array, source = ".npy data"): NpyArray {
  const fail = (what: string): never => {
    throw new Error(
      `${source}: ${what}; expected a NumPy .npy file of float32 or float64 values`,
    );
  };
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b))
    fail("missing the .npy magic");

  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6];
  let headerLength: number;
  let headerStart: number;
  if (major === 1) {
    headerLength = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    headerLength = view.getUint32(8, true);
    headerStart = 12;
  } else {
    return fail(`unsupported format version ${major}`);
  }
  const header = Buffer.from(
    bytes.subarray(headerStart, headerStart + headerLength),
  ).toString("latin1");

  const descr = /'descr':\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    return fail(`unreadable header ${JSON.stringify(header.trim())}`);
  }
  if (fortran === "True") fail("Fortran order is not supported");
  const shape = shapeText
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  const count = shape.reduce((a, b) => a * b, 1);

  const itemSizes: Record<string, number> = { "<f4": 4, "<f8": 8 };
  const itemSize = itemSizes[descr] ?? fail(`unsupported dtype ${descr}`);
  const body = headerStart + headerLength;
  if (bytes.length - body !== count * itemSize) {
    fail(
      `expected ${count * itemSize} data bytes for shape (${shape.join(", ")}), got ${bytes.length - body}`,
    );
  }
  const data =
    itemSize === 4 ? new Float32Array(count) : new Float64Array(count);
  for (let i = 0; i < count; i++) {
    data[i] =
      itemSize === 4
        ? view.getFloat32(body + i * 4, true)
        : view.getFloat64(body + i * 8, true);
  }
  return { data, shape };
}

/**
 * Writes a float32 array as a `.npy` file atomically.
 *
 * @param filePath - destination, conventionally ending in `.npy`
 * @param data - values in C order
 * @param shape - dimensions whose product equals data.length
 */
export async function writeNpyAtomic(
  filePath: string,
  data: Float32Array,
  shape: readonly number[],
): Promise<void> {
  await writeFileAtomic(filePath, encodeNpy(data, shape));
}
