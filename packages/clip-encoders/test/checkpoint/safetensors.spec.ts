import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import type { WeightTensor } from "../../src/architecture/types";
import {
  encodeSafetensors,
  readSafetensors,
  writeSafetensors,
} from "../../src/checkpoint/safetensors";
import { useTempDir } from "./temp-dir";

const tempDir = useTempDir("safetensors-spec");

/** Builds a safetensors file by hand: length, JSON header, data bytes. */
function handBuilt(header: unknown, data: Uint8Array): Buffer {
  const json = Buffer.from(JSON.stringify(header), "utf8");
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([length, json, data]);
}

function writeHandBuilt(
  name: string,
  header: unknown,
  data: Uint8Array,
): string {
  const file = join(tempDir(), name);
  writeFileSync(file, handBuilt(header, data));
  return file;
}

function tensor(
  shape: number[],
  values: number[],
): Pick<WeightTensor, "shape" | "data"> {
  return { shape, data: Float32Array.from(values) };
}

describe("safetensors reader", () => {
  test("reads hand-built F32, F16 and BF16 tensors", () => {
    // F32 [1.5, -2] little-endian, F16 [1, -0.5] = 0x3c00, 0xb800,
    // BF16 [3.140625] = 0x4049.
    const data = Buffer.alloc(8 + 4 + 2);
    data.writeFloatLE(1.5, 0);
    data.writeFloatLE(-2, 4);
    data.writeUInt16LE(0x3c00, 8);
    data.writeUInt16LE(0xb800, 10);
    data.writeUInt16LE(0x4049, 12);
    const file = writeHandBuilt(
      "mixed.safetensors",
      {
        __metadata__: { format: "pt" },
        half: { dtype: "F16", shape: [2, 1], data_offsets: [8, 12] },
        single: { dtype: "F32", shape: [2], data_offsets: [0, 8] },
        brain: { dtype: "BF16", shape: [], data_offsets: [12, 14] },
      },
      data,
    );

    const contents = readSafetensors(file);
    expect([...contents.tensors.keys()]).toEqual(["single", "half", "brain"]);
    expect(contents.tensors.get("single")).toEqual({
      shape: [2],
      data: Float32Array.of(1.5, -2),
      sourceDtype: "F32",
    });
    expect(contents.tensors.get("half")).toEqual({
      shape: [2, 1],
      data: Float32Array.of(1, -0.5),
      sourceDtype: "F16",
    });
    expect(contents.tensors.get("brain")).toEqual({
      shape: [],
      data: Float32Array.of(3.140625),
      sourceDtype: "BF16",
    });
    expect(contents.metadata).toEqual({ format: "pt" });
  });

  test("hash is the SHA-256 of the whole file", () => {
    const file = writeHandBuilt(
      "hash.safetensors",
      { a: { dtype: "F32", shape: [1], data_offsets: [0, 4] } },
      new Uint8Array(4),
    );
    const expected = createHash("sha256")
      .update(readFileSync(file))
      .digest("hex");
    expect(readSafetensors(file).sha256).toBe(expected);
    // Skipped tensors still count towards the hash.
    expect(readSafetensors(file, { include: () => false }).sha256).toBe(
      expected,
    );
  });

  test("skips excluded tensors of any dtype", () => {
    const data = Buffer.alloc(8 + 4);
    data.writeFloatLE(7, 8);
    const file = writeHandBuilt(
      "skip.safetensors",
      {
        ids: { dtype: "I64", shape: [1], data_offsets: [0, 8] },
        w: { dtype: "F32", shape: [1], data_offsets: [8, 12] },
      },
      data,
    );
    const contents = readSafetensors(file, {
      include: (e) => e.dtype !== "I64",
    });
    expect([...contents.tensors.keys()]).toEqual(["w"]);
    expect(contents.tensors.get("w")!.data[0]).toBe(7);
    expect(contents.entries.map((e) => e.name)).toEqual(["ids", "w"]);
  });

  test("rejects an unsupported dtype that is read", () => {
    const file = writeHandBuilt(
      "int.safetensors",
      { ids: { dtype: "I64", shape: [1], data_offsets: [0, 8] } },
      new Uint8Array(8),
    );
    expect(() => readSafetensors(file)).toThrow(
      `unsupported dtype I64 of tensor 'ids' in ${file}`,
    );
  });

  const invalidHeaders: Array<[string, unknown, number, RegExp]> = [
    [
      "overlapping tensors",
      {
        a: { dtype: "F32", shape: [2], data_offsets: [0, 8] },
        b: { dtype: "F32", shape: [1], data_offsets: [4, 8] },
      },
      8,
      /tensor '[ab]' starts at byte 4, expected 8 \(it overlaps the previous tensor\)/,
    ],
    [
      "a gap between tensors",
      {
        a: { dtype: "F32", shape: [1], data_offsets: [0, 4] },
        b: { dtype: "F32", shape: [1], data_offsets: [8, 12] },
      },
      12,
      /tensor 'b' starts at byte 8, expected 4 \(it leaves a gap before it\)/,
    ],
    [
      "a size that does not match dtype and shape",
      { a: { dtype: "F16", shape: [3], data_offsets: [0, 4] } },
      4,
      /tensor 'a' spans 4 bytes but dtype F16 with shape \[3\] needs 6/,
    ],
    [
      "offsets beyond the data",
      { a: { dtype: "F32", shape: [2], data_offsets: [0, 8] } },
      4,
      /tensors cover 8 data bytes but the file has 4/,
    ],
    [
      "trailing bytes",
      { a: { dtype: "F32", shape: [1], data_offsets: [0, 4] } },
      6,
      /tensors cover 4 data bytes but the file has 6/,
    ],
    [
      "an unknown dtype",
      { a: { dtype: "F33", shape: [1], data_offsets: [0, 4] } },
      4,
      /tensor 'a' has unknown dtype "F33"/,
    ],
    [
      "a negative dimension",
      { a: { dtype: "F32", shape: [-1], data_offsets: [0, 4] } },
      4,
      /tensor 'a' has an invalid shape \[-1\]/,
    ],
    [
      "reversed offsets",
      { a: { dtype: "F32", shape: [1], data_offsets: [4, 0] } },
      4,
      /tensor 'a' has invalid data_offsets \[4,0\]/,
    ],
    [
      "non-string metadata",
      { __metadata__: { epoch: 3 } },
      0,
      /__metadata__\.epoch must be a string/,
    ],
    ["a JSON array", [1, 2], 0, /expected a JSON object/],
  ];

  test.each(invalidHeaders)(
    "rejects %s, naming the file",
    (label, header, dataBytes, pattern) => {
      const file = writeHandBuilt(
        `${label.replace(/\W+/g, "-")}.safetensors`,
        header,
        new Uint8Array(dataBytes),
      );
      expect(() => readSafetensors(file)).toThrow(pattern);
      expect(() => readSafetensors(file)).toThrow(file);
    },
  );

  test("rejects a header that is not JSON", () => {
    const file = join(tempDir(), "garbage.safetensors");
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(4n);
    writeFileSync(file, Buffer.concat([length, Buffer.from("{{{{")]));
    expect(() => readSafetensors(file)).toThrow(
      `invalid safetensors header in ${file}: not UTF-8 JSON`,
    );
  });

  test("rejects a header length beyond the file", () => {
    const file = join(tempDir(), "short-header.safetensors");
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(1000n);
    writeFileSync(file, Buffer.concat([length, Buffer.from("{}")]));
    expect(() => readSafetensors(file)).toThrow(
      /header length 1000 exceeds 2 bytes/,
    );
  });

  test("rejects a file shorter than 8 bytes", () => {
    const file = join(tempDir(), "tiny.safetensors");
    writeFileSync(file, Buffer.from([1, 2, 3]));
    expect(() => readSafetensors(file)).toThrow(
      `invalid safetensors file ${file}: 3 bytes`,
    );
  });

  test("reports a missing file by name", () => {
    const file = join(tempDir(), "absent.safetensors");
    expect(() => readSafetensors(file)).toThrow(
      `cannot open safetensors file ${file}`,
    );
  });
});

describe("safetensors writer", () => {
  const tensors = new Map([
    ["scalar", tensor([], [4.605170249938965])],
    ["matrix", tensor([2, 3], [1, -2, 3.5, 1e-8, -1e30, Math.PI])],
    ["empty", tensor([0, 4], [])],
  ]);

  test("F32 round trip is bit-exact and keeps order", () => {
    const file = join(tempDir(), "round-trip.safetensors");
    writeSafetensors(file, tensors, { metadata: { note: "test" } });
    const contents = readSafetensors(file);
    expect([...contents.tensors.keys()]).toEqual(["scalar", "matrix", "empty"]);
    for (const [name, original] of tensors) {
      const back = contents.tensors.get(name)!;
      expect(back.shape).toEqual(original.shape);
      expect(
        Buffer.from(back.data.buffer).equals(Buffer.from(original.data.buffer)),
      ).toBe(true);
    }
    expect(contents.metadata).toEqual({ note: "test" });
  });

  test("header is padded to a multiple of 8 bytes", () => {
    const bytes = encodeSafetensors(tensors);
    const headerLength = Number(Buffer.from(bytes).readBigUInt64LE(0));
    expect(headerLength % 8).toBe(0);
  });

  test("returned hash matches the file", () => {
    const file = join(tempDir(), "hashed.safetensors");
    const hash = writeSafetensors(file, tensors);
    expect(hash).toBe(
      createHash("sha256").update(readFileSync(file)).digest("hex"),
    );
  });

  test("F16 and BF16 writing round to the nearest value", () => {
    const values = new Map([["v", tensor([3], [1 / 3, 65519, Math.PI])]]);
    const half = join(tempDir(), "half.safetensors");
    writeSafetensors(half, values, { dtype: "F16" });
    const halfBack = readSafetensors(half).tensors.get("v")!;
    expect(halfBack.sourceDtype).toBe("F16");
    expect([...halfBack.data]).toEqual([0.333251953125, 65504, 3.140625]);

    const brain = join(tempDir(), "brain.safetensors");
    writeSafetensors(brain, values, { dtype: "BF16" });
    const brainBack = readSafetensors(brain).tensors.get("v")!;
    expect(brainBack.sourceDtype).toBe("BF16");
    expect([...brainBack.data]).toEqual([0.333984375, 65536, 3.140625]);
  });

  test("rejects data that does not match the shape", () => {
    expect(() =>
      encodeSafetensors(new Map([["bad", tensor([2, 2], [1, 2, 3])]])),
    ).toThrow(
      "cannot write tensor 'bad': shape [2, 2] has 4 elements but its data has 3",
    );
  });

  test("leaves no temporary file behind", () => {
    const file = join(tempDir(), "clean.safetensors");
    writeSafetensors(file, tensors);
    expect(
      readdirSync(tempDir()).filter((name) => name.endsWith(".tmp")),
    ).toEqual([]);
  });
});
