import {
  copyFile,
  mkdtemp,
  readFile,
  readdir,
  rm,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { generateSyntheticDataset } from "@devprompt/datasets";
import { checkDataset } from "../../src/check-data/check-dataset";
import { runCommand } from "../support/cli-run";

// A generated class with one truncated test image, one truncated mask and
// one test/good image copied byte for byte from train/good. Truncated PNGs
// keep their signature, so only decoding finds them.
describe("check-data file checks", () => {
  let root: string;
  let classDir: string;
  let badImage: string;
  let badMask: string;
  let copied: string;

  const check = (quick: boolean) =>
    checkDataset({
      dataset: "folder",
      root,
      category: "tile",
      shots: 1,
      seed: 111,
      quick,
    });

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), "devprompt-file-checks-"));
    await generateSyntheticDataset({
      root,
      category: "tile",
      trainCount: 3,
      testGoodCount: 2,
      testDefectCount: 2,
      size: 32,
      seed: 5,
    });
    classDir = path.join(root, "tile");
    const defectType = (await readdir(path.join(classDir, "ground_truth")))[0];
    const maskDir = path.join(classDir, "ground_truth", defectType);
    badMask = path.join(maskDir, (await readdir(maskDir)).sort()[0]);
    await writeFile(badMask, (await readFile(badMask)).subarray(0, 40));
    const goodDir = path.join(classDir, "test", "good");
    badImage = path.join(goodDir, (await readdir(goodDir)).sort()[0]);
    const bytes = await readFile(badImage);
    await writeFile(badImage, bytes.subarray(0, 40));
    copied = path.join(goodDir, "copy.png");
    await copyFile(path.join(classDir, "train", "good", "001.png"), copied);
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("reports every unreadable image and mask by file", async () => {
    const problems = (await check(false)).classes[0].problems;
    const byKind = (kind: string) =>
      problems.filter((p) => p.kind === kind).map((p) => p.file);
    expect(byKind("unreadable-image")).toEqual([badImage]);
    expect(byKind("unreadable-mask")).toEqual([badMask]);
  });

  it("reports a test image identical to a training image", async () => {
    const problems = (await check(false)).classes[0].problems;
    const duplicates = problems.filter(
      (p) => p.kind === "train-test-duplicate",
    );
    expect(duplicates).toHaveLength(1);
    expect(duplicates[0].file).toBe(copied);
    expect(duplicates[0].message).toBe(
      "test image tile/test/good/copy.png is identical to training image tile/train/good/001.png; " +
        "metrics will be inflated. Remove one of the two copies.",
    );
  });

  it("only lists the files with --quick", async () => {
    const problems = (await check(true)).classes[0].problems;
    // The reader's own header check still runs; decoding and hashing do not.
    const kinds = problems.map((p) => p.kind);
    expect(kinds).not.toContain("unreadable-image");
    expect(kinds).not.toContain("unreadable-mask");
    expect(kinds).not.toContain("train-test-duplicate");
  });

  it("fails the command and names the problems", async () => {
    const result = await runCommand([
      "check-data",
      "--dataset",
      "folder",
      "--root",
      classDir,
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("unreadable-image: cannot decode image");
    expect(result.stdout).toContain("train-test-duplicate: test image");
    const quick = await runCommand([
      "check-data",
      "--dataset",
      "folder",
      "--root",
      classDir,
      "--quick",
    ]);
    expect(quick.stdout).not.toContain("train-test-duplicate");
  });
});
