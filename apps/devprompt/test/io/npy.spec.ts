import { readFileSync } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { decodeNpy, encodeNpy, writeNpyAtomic } from "../../src/io/npy";
import { FIXTURE_DIR } from "../support/fixtures";

const numpyFile = (name: string) =>
  new Uint8Array(readFileSync(path.join(FIXTURE_DIR, "npy", name)));

describe("encodeNpy", () => {
  it("writes the bytes of numpy.save for a 2 × 3 float32 array", () => {
    const data = Float32Array.from([0.5, -1.25, 3, 1e-3, 65504, -0]);
    expect(Buffer.from(encodeNpy(data, [2, 3]))).toEqual(
      Buffer.from(numpyFile("f4-2x3.npy")),
    );
  });

  it("writes the bytes of numpy.save for a 1-D array", () => {
    const data = Float32Array.from([0, 0.25, 0.5, 0.75, 1]);
    expect(Buffer.from(encodeNpy(data, [5]))).toEqual(
      Buffer.from(numpyFile("f4-5.npy")),
    );
  });

  it("writes the bytes of numpy.save for a 3-D array", () => {
    const data = Float32Array.from({ length: 225 }, (_, i) => i / 225);
    expect(Buffer.from(encodeNpy(data, [1, 1, 225]))).toEqual(
      Buffer.from(numpyFile("f4-1x1x225.npy")),
    );
  });

  it("starts the data at a multiple of 64 bytes", () => {
    for (const shape of [[1], [400, 400], [12, 34, 56, 7]]) {
      const count = shape.reduce((a, b) => a * b, 1);
      const bytes = encodeNpy(new Float32Array(count), shape);
      expect((bytes.length - count * 4) % 64).toBe(0);
    }
  });

  it("rejects a shape that does not match the data", () => {
    expect(() => encodeNpy(new Float32Array(5), [2, 3])).toThrow(
      /shape \[2, 3\] does not match 5 values/,
    );
  });
});

describe("decodeNpy", () => {
  it("reads a float32 file written by numpy", () => {
    const { data, shape } = decodeNpy(numpyFile("f4-2x3.npy"));
    expect(shape).toEqual([2, 3]);
    expect(data).toBeInstanceOf(Float32Array);
    expect(Array.from(data)).toEqual(
      Array.from(Float32Array.from([0.5, -1.25, 3, 1e-3, 65504, -0])),
    );
  });

  it("reads a float64 file written by numpy", () => {
    const { data, shape } = decodeNpy(numpyFile("f8-2x2.npy"));
    expect(shape).toEqual([2, 2]);
    expect(data).toBeInstanceOf(Float64Array);
    expect(Array.from(data)).toEqual([0.1, 0.2, 0.3, 1e300]);
  });

  it("round-trips what encodeNpy writes", () => {
    const data = Float32Array.from({ length: 24 }, (_, i) => Math.sin(i));
    const decoded = decodeNpy(encodeNpy(data, [2, 3, 4]));
    expect(decoded.shape).toEqual([2, 3, 4]);
    expect(Array.from(decoded.data)).toEqual(Array.from(data));
  });

  it("rejects a file without the magic", () => {
    expect(() => decodeNpy(new Uint8Array(20), "maps/x.npy")).toThrow(
      /maps\/x.npy: missing the .npy magic/,
    );
  });

  it("rejects a truncated file", () => {
    const bytes = encodeNpy(new Float32Array(6), [2, 3]);
    expect(() => decodeNpy(bytes.subarray(0, bytes.length - 4))).toThrow(
      /expected 24 data bytes/,
    );
  });
});

describe("writeNpyAtomic", () => {
  it("writes a readable file and leaves no temporary file", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "devprompt-npy-"));
    try {
      const file = path.join(dir, "map.npy");
      await writeNpyAtomic(file, Float32Array.from([1, 2]), [2]);
      expect(
        Array.from(decodeNpy(new Uint8Array(readFileSync(file))).data),
      ).toEqual([1, 2]);
      expect(await readdir(dir)).toEqual(["map.npy"]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
