import { encodeNpy } from "../../src/image";
import { parseNpy } from "./read-npy";

function join(chunks: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(chunks));
}

describe("encodeNpy", () => {
  it("writes the version 1.0 preamble", () => {
    const bytes = join(encodeNpy(Float32Array.from([1, 2]), [2]));

    expect(Array.from(bytes.subarray(0, 8))).toEqual([
      0x93, 78, 85, 77, 80, 89, 1, 0,
    ]);
  });

  it("pads the header to 64 bytes with a newline", () => {
    const bytes = join(
      encodeNpy(Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3]),
    );
    const headerLength = bytes[8] | (bytes[9] << 8);
    const header = Buffer.from(bytes.subarray(10, 10 + headerLength)).toString(
      "latin1",
    );

    expect((10 + headerLength) % 64).toBe(0);
    expect(
      header.startsWith(
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
      ),
    ).toBe(true);
    expect(header.endsWith(" \n")).toBe(true);
  });

  it("writes a 1-D shape as a one-element tuple", () => {
    const bytes = join(encodeNpy(new Float32Array(5), [5]));

    expect(Buffer.from(bytes).toString("latin1")).toContain("'shape': (5,)");
  });

  it("writes a scalar shape as an empty tuple", () => {
    const bytes = join(encodeNpy(Float32Array.from([7]), []));

    expect(Buffer.from(bytes).toString("latin1")).toContain("'shape': ()");
  });

  it("stores float32 values little-endian after the header", () => {
    const bytes = join(encodeNpy(Float32Array.from([1, -2]), [2]));
    const dataStart = 10 + (bytes[8] | (bytes[9] << 8));

    // 1.0f is 0x3f800000 and -2.0f is 0xc0000000.
    expect(dataStart).toBe(128);
    expect(Array.from(bytes.subarray(dataStart))).toEqual([
      0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0,
    ]);
  });

  it("round-trips through a parser", () => {
    const values = Float32Array.from([0.5, -1.25, 3, 1e-8, 7, 8]);
    const parsed = parseNpy(join(encodeNpy(values, [3, 1, 2])));

    expect(parsed.shape).toEqual([3, 1, 2]);
    expect(Array.from(parsed.data)).toEqual(Array.from(values));
  });

  it("rejects a shape that does not fit", () => {
    expect(() => encodeNpy(new Float32Array(5), [2, 3])).toThrow(
      "npy: shape [2, 3] needs 6 values, got 5",
    );
  });
});
