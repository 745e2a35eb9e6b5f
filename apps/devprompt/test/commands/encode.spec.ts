import {
  getArchitecture,
  loadCheckpoint,
  writeRandomCheckpoint,
} from "@devprompt/clip-encoders";
import { encodePng } from "@devprompt/datasets";
import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { decodeNpy, encodeNpy } from "../../src/io/npy";
import { runCommand } from "../support/cli-run";
import { expectAllClose } from "../support/tolerance";

// The smallest random checkpoint: 32 px input, 12 vision blocks, 4 × 4
// patches, embedding width 24.
const SIZE = 32;
const OUTPUTS = [
  "image_embeds.npy",
  "vv_patch_tokens.npy",
  "patch_tokens_tap0.npy",
  "patch_tokens_tap1.npy",
];
// Both routes feed the same float32 pixels to the same graph, so only the
// float32 rounding of the hand-computed normalisation can differ.
const ROUND_TRIP = { atol: 1e-6, rtol: 0 };

describe("devprompt encode", () => {
  let base: string;
  let model: string;
  let images: string[];
  let pixels: Float32Array;

  const readNpy = (file: string) =>
    decodeNpy(new Uint8Array(readFileSync(file)), file);

  const encode = (out: string, input: string[], extra: string[] = []) =>
    runCommand([
      "encode",
      "--model",
      model,
      "--out",
      path.join(base, out),
      "--quiet",
      ...input,
      ...extra,
    ]);

  // Writes .npy bytes whose header text is edited in place. Each edit keeps
  // the header length, so the data offset stays valid.
  const writeEditedNpy = async (
    name: string,
    edit: (header: string) => string,
  ): Promise<string> => {
    const bytes = encodeNpy(pixels, [2, 3, SIZE, SIZE]);
    const headerLength = new DataView(bytes.buffer).getUint16(8, true);
    const header = Buffer.from(bytes.subarray(10, 10 + headerLength)).toString(
      "latin1",
    );
    const edited = edit(header);
    expect(edited).toHaveLength(header.length);
    bytes.set(Buffer.from(edited, "latin1"), 10);
    const file = path.join(base, name);
    await writeFile(file, bytes);
    return file;
  };

  beforeAll(async () => {
    base = await mkdtemp(path.join(tmpdir(), "devprompt-encode-"));
    model = path.join(base, "model");
    writeRandomCheckpoint(model, getArchitecture("test-tiny"), { seed: 5 });
    const { mean, std } = (await loadCheckpoint(model)).preprocess;

    // Images already at the input size, so the resize keeps every pixel and
    // the preprocessed tensor is (value / 255 − mean) / std, channel first.
    images = [];
    pixels = new Float32Array(2 * 3 * SIZE * SIZE);
    for (let n = 0; n < 2; n++) {
      const rgb = new Uint8Array(SIZE * SIZE * 3);
      for (let i = 0; i < rgb.length; i++) rgb[i] = (i * 37 + n * 101) % 256;
      const file = path.join(base, `image-${n}.png`);
      await writeFile(
        file,
        encodePng({ width: SIZE, height: SIZE, channels: 3, data: rgb }),
      );
      images.push(file);
      for (let c = 0; c < 3; c++) {
        for (let p = 0; p < SIZE * SIZE; p++) {
          pixels[(n * 3 + c) * SIZE * SIZE + p] =
            (rgb[p * 3 + c] / 255 - mean[c]) / std[c];
        }
      }
    }
  });
  afterAll(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it("tensor matches its image files", async () => {
    const f4 = path.join(base, "pixels-f4.npy");
    await writeFile(f4, encodeNpy(pixels, [2, 3, SIZE, SIZE]));

    const fromFiles = await encode("from-files", ["--images", ...images]);
    expect(fromFiles.stderr).toBe("");
    expect(fromFiles.code).toBe(0);
    const fromTensor = await encode("from-tensor", ["--tensor", f4]);
    expect(fromTensor.stderr).toBe("");
    expect(fromTensor.code).toBe(0);
    expect(fromTensor.stdout).toContain(`encoded the tensor ${f4}`);

    for (const name of OUTPUTS) {
      const a = readNpy(path.join(base, "from-files", name));
      const b = readNpy(path.join(base, "from-tensor", name));
      expect(b.shape).toEqual(a.shape);
      expect(b.data).toBeInstanceOf(Float32Array);
      expectAllClose(b.data, a.data, ROUND_TRIP, name);
    }
    const manifest = JSON.parse(
      readFileSync(path.join(base, "from-tensor", "manifest.json"), "utf8"),
    );
    expect(manifest.input).toEqual({ kind: "tensor", tensor: f4 });
    expect(manifest.inputShape).toEqual([2, 3, SIZE, SIZE]);
  });

  it("accepts float64 tensor and positional files", async () => {
    // encodeNpy writes float32 only, so the float64 file is assembled here.
    const f8 = path.join(base, "pixels-f8.npy");
    const wide = Float64Array.from(pixels);
    const bytes = encodeNpy(pixels, [2, 3, SIZE, SIZE]);
    const headerLength = new DataView(bytes.buffer).getUint16(8, true);
    const header = Buffer.from(bytes.subarray(10, 10 + headerLength))
      .toString("latin1")
      .replace("'<f4'", "'<f8'");
    const out = new Uint8Array(10 + headerLength + wide.length * 8);
    out.set(bytes.subarray(0, 10));
    out.set(Buffer.from(header, "latin1"), 10);
    const view = new DataView(out.buffer);
    wide.forEach((v, i) => view.setFloat64(10 + headerLength + i * 8, v, true));
    await writeFile(f8, out);

    expect((await encode("from-f8", ["--tensor", f8])).code).toBe(0);
    expect((await encode("positional", images)).code).toBe(0);
    for (const name of OUTPUTS) {
      expectAllClose(
        readNpy(path.join(base, "from-f8", name)).data,
        readNpy(path.join(base, "positional", name)).data,
        ROUND_TRIP,
        name,
      );
    }
  });

  it("rejects wrong tensor shape", async () => {
    const file = path.join(base, "small.npy");
    await writeFile(
      file,
      encodeNpy(new Float32Array(3 * 16 * 16), [1, 3, 16, 16]),
    );
    const result = await encode("wrong-shape", ["--tensor", file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(file);
    expect(result.stderr).toContain("(1, 3, 16, 16)");
    expect(result.stderr).toContain(`(N, 3, ${SIZE}, ${SIZE})`);
  });

  it.each([
    ["int32", "'<i4'", "unsupported dtype <i4"],
    ["big-endian", "'>f4'", "unsupported dtype >f4"],
    ["Fortran order", "True ", "Fortran order is not supported"],
  ])("rejects a tensor in %s", async (label, replacement, message) => {
    // The replacement goes into the dtype or the fortran_order field.
    const file = await writeEditedNpy(`${label}.npy`, (h) =>
      replacement.startsWith("'")
        ? h.replace("'<f4'", replacement)
        : h.replace("False", replacement),
    );
    const result = await encode(label, ["--tensor", file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(file);
    expect(result.stderr).toContain(message);
  });

  it("names a missing tensor file", async () => {
    const missing = path.join(base, "nowhere.npy");
    const result = await encode("missing", ["--tensor", missing]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`failed to read --tensor ${missing}`);
  });

  it("rejects files with tensor, or nothing", async () => {
    const file = path.join(base, "pixels-both.npy");
    await writeFile(file, encodeNpy(pixels, [2, 3, SIZE, SIZE]));
    const both = await encode("both", ["--tensor", file, ...images]);
    expect(both.code).toBe(1);
    expect(both.stderr).toContain("image files or --tensor, not both");

    const none = await encode("none", []);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("missing input: pass image files");
  });

  it("records taps and resize in manifest", async () => {
    const result = await encode("taps", images, [
      "--tap-blocks",
      "0,5",
      "--tap-point",
      "block-output",
      "--resize-mode",
      "shortest",
      "--interpolation",
      "bilinear",
    ]);
    expect(result.code).toBe(0);
    const manifest = JSON.parse(
      readFileSync(path.join(base, "taps", "manifest.json"), "utf8"),
    );
    expect(manifest.taps).toEqual({ blocks: [0, 5], point: "block-output" });
    expect(manifest.input.kind).toBe("images");
    expect(manifest.input.images).toEqual(images);
    expect(manifest.input.preprocess).toMatchObject({
      resizeMode: "shortest",
      interpolation: "bilinear",
    });
    // Other taps read other blocks, so the tap features must differ.
    const defaults = readNpy(
      path.join(base, "positional", "patch_tokens_tap0.npy"),
    );
    const moved = readNpy(path.join(base, "taps", "patch_tokens_tap0.npy"));
    expect(moved.shape).toEqual(defaults.shape);
    expect(Array.from(moved.data)).not.toEqual(Array.from(defaults.data));

    const tooDeep = await encode("too-deep", images, ["--tap-blocks", "3,12"]);
    expect(tooDeep.code).toBe(1);
    expect(tooDeep.stderr).toContain("tap blocks 3,12 do not fit");
  });

  it("warns resize options ignore tensor", async () => {
    const file = path.join(base, "pixels-warn.npy");
    await writeFile(file, encodeNpy(pixels, [2, 3, SIZE, SIZE]));
    const result = await runCommand([
      "encode",
      "--model",
      model,
      "--out",
      path.join(base, "warn"),
      "--tensor",
      file,
      "--resize-mode",
      "shortest",
    ]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      "--resize-mode has no effect with --tensor",
    );
  });
});
