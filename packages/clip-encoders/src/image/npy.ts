import { littleEndianBytes } from "../onnx";

const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** Header alignment; NumPy pads the header so the data starts at a multiple of 64 bytes. */
const NPY_ALIGNMENT = 64;

/**
 * Encodes a float32 array as a NumPy `.npy` file, format version 1.0. The
 * file is the magic string, the version, a little-endian uint16 header
 * length and a Python-literal header
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (...), }`. Spaces and a
 * newline pad the header so the data starts at a multiple of 64 bytes. The
 * values follow in C order, little-endian.
 *
 * @param data - row-major values
 * @param shape - dimensions, outermost first; `[]` for a scalar
 * @returns the header and data chunks, in file order
 * @throws Error when the shape does not fit the data or the header exceeds 65 535 bytes
 */
export function encodeNpy(
  data: Float32Array,
  shape: readonly number[],
): Uint8Array[] {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) {
    throw new Error(
      `npy: shape [${shape.join(", ")}] needs ${count} values, got ${data.length}`,
    );
  }

  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${tuple}, }`;
  const prefixLength = NPY_MAGIC.length + 2 + 2;
  const unpadded = prefixLength + dict.length + 1;
  const padding = (NPY_ALIGNMENT - (unpadded % NPY_ALIGNMENT)) % NPY_ALIGNMENT;
  const headerText = `${dict}${" ".repeat(padding)}\n`;
  if (headerText.length > 0xffff) {
    throw new Error(
      `npy: header of ${headerText.length} bytes does not fit format version 1.0`,
    );
  }

  const header = new Uint8Array(prefixLength + headerText.length);
  header.set(NPY_MAGIC, 0);
  header[6] = 1;
  header[7] = 0;
  header[8] = headerText.length & 0xff;
  header[9] = headerText.length >> 8;
  header.set(Buffer.from(headerText, "latin1"), prefixLength);
  return [header, littleEndianBytes(data)];
}
