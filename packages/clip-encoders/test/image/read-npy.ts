import { readFileSync } from "node:fs";

/** A parsed little-endian float32 `.npy` array. */
export interface NpyArray {
  shape: number[];
  data: Float32Array;
}

/**
 * Parses a `.npy` file of dtype `<f4` in C order (format 1.0 or 2.0). The
 * tests and fixtures use no other kind, so anything else raises an error.
 */
export function parseNpy(bytes: Uint8Array, label = "npy"): NpyArray {
  const magic = Buffer.from(bytes.subarray(0, 6)).toString("latin1");
  if (magic !== "\x93NUMPY") {
    throw new Error(`${label}: not a .npy file (bad magic)`);
  }
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength =
    major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  const header = Buffer.from(
    bytes.subarray(headerStart, headerStart + headerLength),
  ).toString("latin1");

  if (
    !/'descr':\s*'<f4'/.test(header) ||
    !/'fortran_order':\s*False/.test(header)
  ) {
    throw new Error(
      `${label}: expected little-endian float32 in C order, header ${header.trim()}`,
    );
  }
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1] ?? "";
  const shape = shapeText
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map(Number);

  const start = headerStart + headerLength;
  const count = shape.reduce((a, b) => a * b, 1);
  const copy = new Uint8Array(bytes.subarray(start, start + 4 * count));
  return { shape, data: new Float32Array(copy.buffer) };
}

/** Reads and parses a `.npy` file. */
export function readNpy(file: string): NpyArray {
  return parseNpy(new Uint8Array(readFileSync(file)), file);
}
