import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { writeFileAtomic, writeJsonAtomic } from "../../src/io/atomic-write";

describe("writeFileAtomic", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "devprompt-atomic-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("writes the contents", async () => {
    await writeFileAtomic(path.join(dir, "a.txt"), "hello");
    expect(await readFile(path.join(dir, "a.txt"), "utf8")).toBe("hello");
  });

  it("replaces an existing file", async () => {
    await writeFile(path.join(dir, "a.txt"), "old contents");
    await writeFileAtomic(path.join(dir, "a.txt"), Buffer.from("new"));
    expect(await readFile(path.join(dir, "a.txt"), "utf8")).toBe("new");
  });

  it("leaves no temporary file behind", async () => {
    await writeFileAtomic(path.join(dir, "a.txt"), "x");
    expect(await readdir(dir)).toEqual(["a.txt"]);
  });

  it("names the file when the folder is missing", async () => {
    const target = path.join(dir, "missing", "a.txt");
    await expect(writeFileAtomic(target, "x")).rejects.toThrow(
      `failed to write ${target}`,
    );
  });

  it("cleans up when the rename fails", async () => {
    // Renaming a file over a non-empty directory fails after the data is written.
    const target = path.join(dir, "taken");
    await writeFileAtomic(path.join(dir, "taken-file"), "x");
    await import("node:fs/promises").then((fs) =>
      fs.mkdir(path.join(target, "inner"), { recursive: true }),
    );
    await expect(writeFileAtomic(target, "x")).rejects.toThrow(
      /failed to write/,
    );
    expect((await readdir(dir)).sort()).toEqual(["taken", "taken-file"]);
  });
});

describe("writeJsonAtomic", () => {
  it("writes indented JSON with a final newline", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "devprompt-json-"));
    try {
      await writeJsonAtomic(path.join(dir, "m.json"), { pixelAuroc: 95.5 });
      expect(await readFile(path.join(dir, "m.json"), "utf8")).toBe(
        '{\n  "pixelAuroc": 95.5\n}\n',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
