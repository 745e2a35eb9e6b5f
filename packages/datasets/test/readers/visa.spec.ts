import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import sharp from "sharp";
import { encodePng, openDataset, parseVisaSplit } from "../../src/index";
import { useTempDir } from "../helpers/temp-dir";

const tempDir = useTempDir("visa");

async function jpeg(file: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const bytes = await sharp({
    create: {
      width: 8,
      height: 6,
      channels: 3,
      background: { r: 90, g: 90, b: 90 },
    },
  })
    .jpeg()
    .toBuffer();
  await writeFile(file, bytes);
}

async function png(file: string, width = 8, height = 6): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(
    file,
    encodePng({
      width,
      height,
      channels: 1,
      data: new Uint8Array(width * height).fill(255),
    }),
  );
}

const CSV = [
  "object,split,label,image,mask",
  "candle,train,normal,candle/Data/Images/Normal/0002.JPG,",
  "candle,train,normal,candle/Data/Images/Normal/0000.JPG,",
  "candle,test,normal,candle/Data/Images/Normal/0001.JPG,",
  "candle,test,anomaly,candle/Data/Images/Anomaly/000.JPG,candle/Data/Masks/Anomaly/000.png",
  "candle,test,anomaly,candle/Data/Images/Anomaly/001.JPG,candle/Data/Masks/Anomaly/001.png",
  "pcb1,train,normal,pcb1/Data/Images/Normal/0000.JPG,",
  "",
].join("\r\n");

describe("parseVisaSplit", () => {
  test("reads rows and CRLF endings", () => {
    const rows = parseVisaSplit(CSV, "1cls.csv");
    expect(rows).toHaveLength(6);
    expect(rows[3]).toEqual({
      object: "candle",
      split: "test",
      label: "anomaly",
      image: "candle/Data/Images/Anomaly/000.JPG",
      mask: "candle/Data/Masks/Anomaly/000.png",
    });
  });

  test("rejects a wrong header", () => {
    expect(() => parseVisaSplit("a,b\n", "x.csv")).toThrow(
      /invalid VisA split file x\.csv: header is "a,b", expected "object,split,label,image,mask"/,
    );
  });

  test("rejects an unknown label with its line", () => {
    expect(() =>
      parseVisaSplit(
        "object,split,label,image,mask\nc,test,bad,i.JPG,\n",
        "x.csv",
      ),
    ).toThrow(/x\.csv, line 2: label must be normal or anomaly/);
  });
});

describe("VisA as downloaded", () => {
  test("reads the class through the split file", async () => {
    const root = path.join(tempDir(), "download");
    await mkdir(path.join(root, "split_csv"), { recursive: true });
    await writeFile(path.join(root, "split_csv", "1cls.csv"), CSV);
    for (const name of ["0000", "0001", "0002"])
      await jpeg(path.join(root, `candle/Data/Images/Normal/${name}.JPG`));
    await jpeg(path.join(root, "candle/Data/Images/Anomaly/000.JPG"));
    await png(path.join(root, "candle/Data/Masks/Anomaly/000.png"));
    await png(path.join(root, "candle/Data/Masks/Anomaly/002.png"));
    const ds = await openDataset({
      format: "visa",
      root,
      category: "candle",
      shots: "all",
    });
    expect(ds.train.map((r) => r.relativePath)).toEqual([
      "candle/Data/Images/Normal/0000.JPG",
      "candle/Data/Images/Normal/0002.JPG",
    ]);
    expect(ds.test.map((r) => [r.defectType, r.label])).toEqual([
      ["anomaly", 1],
      ["anomaly", 1],
      ["good", 0],
    ]);
    const kinds = ds.issues.map(
      (i) => `${i.kind} ${path.basename(i.maskPath ?? i.imagePath ?? "")}`,
    );
    expect(kinds.sort()).toEqual([
      "missing-file 001.JPG",
      "missing-file 001.png",
      "orphan-mask 002.png",
    ]);
  });

  test("missing Data folder is an error", async () => {
    const root = path.join(tempDir(), "nodata");
    await mkdir(path.join(root, "split_csv"), { recursive: true });
    await writeFile(path.join(root, "split_csv", "1cls.csv"), CSV);
    await expect(
      openDataset({ format: "visa", root, category: "candle" }),
    ).rejects.toThrow(/VisA class folder .*candle\/Data not found/);
  });
});

describe("VisA converted to the MVTec layout", () => {
  test("reads train/good, test/bad and ground_truth/bad", async () => {
    const root = path.join(tempDir(), "converted");
    for (const name of ["000", "001"])
      await jpeg(path.join(root, `pcb1/train/good/${name}.JPG`));
    await jpeg(path.join(root, "pcb1/test/good/000.JPG"));
    await jpeg(path.join(root, "pcb1/test/bad/000.JPG"));
    await png(path.join(root, "pcb1/ground_truth/bad/000.png"));
    const ds = await openDataset({ format: "visa", root, category: "pcb1" });
    expect(ds.train).toHaveLength(2);
    expect(ds.test.map((r) => r.defectType)).toEqual(["bad", "good"]);
    expect(ds.test[0].maskPath).toBe(
      path.join(root, "pcb1/ground_truth/bad/000.png"),
    );
    expect(ds.issues).toEqual([]);
  });
});
