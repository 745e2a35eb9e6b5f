import { writeFile } from "node:fs/promises";
import path from "node:path";
import sharp from "sharp";
import {
  decodeImage,
  decodeMask,
  encodePng,
  ImageDecodeError,
  probeImageSize,
  sniffImageFormat,
} from "../../src/index";
import { writeBmp } from "../helpers/bmp-writer";
import { recordingLogger } from "../helpers/logger";
import { describeWithSharedData, SHARED_DATA } from "../helpers/shared-data";
import { useTempDir } from "../helpers/temp-dir";

const tempDir = useTempDir("decode");

async function save(name: string, bytes: Uint8Array): Promise<string> {
  const file = path.join(tempDir(), name);
  await writeFile(file, bytes);
  return file;
}

describe("sniffImageFormat", () => {
  test.each([
    ["png", [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
    ["jpeg", [0xff, 0xd8, 0xff, 0xe0]],
    ["bmp", [0x42, 0x4d, 0, 0]],
    ["tiff", [0x49, 0x49, 0x2a, 0x00]],
    ["webp", [0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x45, 0x42, 0x50]],
    ["unknown", [0x00, 0x01, 0x02]],
  ])("detects %s", (format, bytes) => {
    expect(sniffImageFormat(Uint8Array.from(bytes))).toBe(format);
  });
});

describe("decodeImage", () => {
  test("grayscale is replicated", async () => {
    const file = await save(
      "gray.png",
      encodePng({
        width: 2,
        height: 1,
        channels: 1,
        data: Uint8Array.from([7, 200]),
      }),
    );
    const image = await decodeImage(file);
    expect([...image.data]).toEqual([7, 7, 7, 200, 200, 200]);
  });

  test("16-bit PNG is scaled to 8 bits", async () => {
    const data = Uint16Array.from([0, 257 * 100, 65535, 1000]);
    const file = await save(
      "deep.png",
      encodePng({ width: 4, height: 1, channels: 1, data }),
    );
    const image = await decodeImage(file);
    // v / 257 rounded: 0, 100, 255, 3.9 → 4.
    expect([...image.data].filter((_, i) => i % 3 === 0)).toEqual([
      0, 100, 255, 4,
    ]);
  });

  test("alpha is dropped with a warning", async () => {
    const data = Uint8Array.from([10, 20, 30, 0, 40, 50, 60, 255]);
    const file = await save(
      "alpha.png",
      encodePng({ width: 2, height: 1, channels: 4, data }),
    );
    const logger = recordingLogger();
    const image = await decodeImage(file, { logger });
    expect([...image.data]).toEqual([10, 20, 30, 40, 50, 60]);
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]).toMatch(
      /alpha\.png has an alpha channel; it was dropped/,
    );
  });

  test("CMYK JPEG is converted to RGB", async () => {
    const bytes = await sharp({
      create: {
        width: 8,
        height: 8,
        channels: 3,
        background: { r: 200, g: 40, b: 20 },
      },
    })
      .toColourspace("cmyk")
      .jpeg({ quality: 100 })
      .toBuffer();
    expect((await sharp(bytes).metadata()).space).toBe("cmyk");
    const image = await decodeImage(await save("cmyk.jpg", bytes));
    expect(image.data).toHaveLength(8 * 8 * 3);
    // The round trip through CMYK and JPEG moves colours by a few levels.
    expect(Math.abs(image.data[0] - 200)).toBeLessThan(12);
    expect(Math.abs(image.data[1] - 40)).toBeLessThan(12);
    expect(Math.abs(image.data[2] - 20)).toBeLessThan(12);
  });

  test("EXIF orientation is applied", async () => {
    // Stored 8x4: left half red, right half blue. Orientation 6 displays
    // the image turned 90° clockwise, so red ends up on top.
    const raw = Buffer.alloc(8 * 4 * 3);
    for (let y = 0; y < 4; y++) {
      for (let x = 0; x < 8; x++)
        raw.set(x < 4 ? [255, 0, 0] : [0, 0, 255], (y * 8 + x) * 3);
    }
    const bytes = await sharp(raw, {
      raw: { width: 8, height: 4, channels: 3 },
    })
      .jpeg({ quality: 100 })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const file = await save("turned.jpg", bytes);
    const image = await decodeImage(file);
    expect([image.width, image.height]).toEqual([4, 8]);
    expect(image.data[0]).toBeGreaterThan(200);
    expect(image.data[7 * 4 * 3 + 2]).toBeGreaterThan(200);
    expect(await probeImageSize(file)).toEqual({
      width: 4,
      height: 8,
      format: "jpeg",
    });
  });

  test("TIFF is decoded", async () => {
    const raw = Buffer.from([1, 2, 3, 250, 251, 252]);
    const bytes = await sharp(raw, {
      raw: { width: 2, height: 1, channels: 3 },
    })
      .tiff({ compression: "lzw" })
      .toBuffer();
    const image = await decodeImage(await save("image.TIF", bytes));
    expect([...image.data]).toEqual([...raw]);
  });

  test("BMP under a .png name is decoded", async () => {
    const pixels = [
      [255, 0, 0],
      [0, 255, 0],
      [0, 0, 255],
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ];
    const file = await save(
      "fake.png",
      writeBmp({ width: 3, height: 2, pixels, bitsPerPixel: 24 }),
    );
    const image = await decodeImage(file);
    expect([image.width, image.height]).toEqual([3, 2]);
    expect([...image.data]).toEqual(pixels.flat());
  });

  test.each([1, 4, 8] as const)(
    "%i-bit palette BMP is decoded",
    async (bits) => {
      const palette = [
        [0, 0, 0],
        [250, 128, 5],
      ];
      const indices = [0, 1, 1, 0, 1, 0, 1, 1, 0, 1];
      const bytes = writeBmp({
        width: 5,
        height: 2,
        bitsPerPixel: bits,
        palette,
        pixels: indices.map((i) => [i]),
      });
      const image = await decodeImage(await save(`pal${bits}.bmp`, bytes));
      expect([...image.data]).toEqual(indices.flatMap((i) => palette[i]));
    },
  );

  test("top-down 32-bit BMP drops alpha with a warning", async () => {
    const pixels = [
      [10, 20, 30, 128],
      [40, 50, 60, 255],
    ];
    const bytes = writeBmp({
      width: 1,
      height: 2,
      bitsPerPixel: 32,
      pixels,
      topDown: true,
    });
    const logger = recordingLogger();
    const image = await decodeImage(await save("alpha.bmp", bytes), { logger });
    expect([...image.data]).toEqual([10, 20, 30, 40, 50, 60]);
    expect(logger.warnings).toHaveLength(1);
  });

  test("RLE BMP names the file and format", async () => {
    const bytes = writeBmp({
      width: 2,
      height: 1,
      bitsPerPixel: 8,
      palette: [[0, 0, 0]],
      pixels: [[0], [0]],
      compression: 1,
    });
    const file = await save("rle.png", bytes);
    await expect(decodeImage(file)).rejects.toThrow(
      /cannot decode image .*rle\.png \(detected format: bmp\): unsupported BMP compression 1/,
    );
  });

  test("truncated BMP is an error", async () => {
    const bytes = writeBmp({
      width: 4,
      height: 4,
      bitsPerPixel: 24,
      pixels: new Array(16).fill([1, 2, 3]),
    });
    const file = await save("cut.bmp", bytes.subarray(0, bytes.length - 10));
    await expect(decodeImage(file)).rejects.toThrow(
      /cut\.bmp \(detected format: bmp\): BMP pixel data is truncated/,
    );
  });

  test("truncated PNG names the file", async () => {
    const png = encodePng({
      width: 64,
      height: 64,
      channels: 3,
      data: new Uint8Array(64 * 64 * 3).map((_, i) => i * 7),
    });
    const file = await save("cut.png", png.subarray(0, png.length - 40));
    const error = await decodeImage(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImageDecodeError);
    expect((error as ImageDecodeError).file).toBe(file);
    expect((error as ImageDecodeError).format).toBe("png");
    expect((error as Error).message).toMatch(
      /cut\.png \(detected format: png\)/,
    );
  });

  test("truncated JPEG names the file", async () => {
    const noise = Buffer.alloc(64 * 64 * 3).map((_, i) => (i * 7919) % 251);
    const jpeg = await sharp(noise, {
      raw: { width: 64, height: 64, channels: 3 },
    })
      .jpeg()
      .toBuffer();
    const file = await save("cut.jpg", jpeg.subarray(0, jpeg.length >> 1));
    await expect(decodeImage(file)).rejects.toThrow(
      /cut\.jpg \(detected format: jpeg\)/,
    );
  });

  test("garbage bytes are reported as unknown", async () => {
    const file = await save(
      "garbage.png",
      Buffer.from("definitely not an image"),
    );
    await expect(decodeImage(file)).rejects.toThrow(
      /garbage\.png \(detected format: unknown\): unrecognised magic bytes/,
    );
  });

  test("missing file names the path", async () => {
    await expect(
      decodeImage(path.join(tempDir(), "absent.png")),
    ).rejects.toThrow(/cannot read image .*absent\.png/);
  });
});

describe("decodeMask", () => {
  test("RGB mask takes the channel maximum", async () => {
    const data = Uint8Array.from([0, 0, 0, 255, 0, 0, 0, 0, 1]);
    const mask = await decodeMask(
      await save(
        "rgb-mask.png",
        encodePng({ width: 3, height: 1, channels: 3, data }),
      ),
    );
    expect([...mask.data]).toEqual([0, 255, 1]);
  });

  test("16-bit mask keeps small values non-zero", async () => {
    const data = Uint16Array.from([0, 1, 65535]);
    const mask = await decodeMask(
      await save(
        "deep-mask.png",
        encodePng({ width: 3, height: 1, channels: 1, data }),
      ),
    );
    expect([...mask.data]).toEqual([0, 1, 255]);
  });

  test("mask with alpha ignores alpha", async () => {
    const data = Uint8Array.from([0, 0, 0, 255, 9, 9, 9, 0]);
    const mask = await decodeMask(
      await save(
        "alpha-mask.png",
        encodePng({ width: 2, height: 1, channels: 4, data }),
      ),
    );
    expect([...mask.data]).toEqual([0, 9]);
  });
});

describeWithSharedData("real files", () => {
  test("glass_asis BMP-as-PNG decodes", async () => {
    const file = path.join(SHARED_DATA, "glass_asis", "good", "000.png");
    const image = await decodeImage(file);
    expect([image.width, image.height]).toEqual([256, 256]);
    expect(image.data[0]).toBe(image.data[1]);
    expect(await probeImageSize(file)).toEqual({
      width: 256,
      height: 256,
      format: "bmp",
    });
  });

  test("glass_asis RGB mask is binary", async () => {
    const mask = await decodeMask(
      path.join(
        SHARED_DATA,
        "glass_asis",
        "ground_truth",
        "edge",
        "000_mask.png",
      ),
    );
    const values = new Set(mask.data);
    expect([...values].sort((a, b) => a - b)).toEqual([0, 255]);
  });
});
