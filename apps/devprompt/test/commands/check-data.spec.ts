import { mkdtemp, readdir, rm, unlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { generateSyntheticDataset } from "@devprompt/datasets";
import { runCli } from "../../src/cli/program";
import { COMMANDS } from "../../src/commands";
import { fakeIo } from "../support/fake-io";

describe("devprompt check-data", () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), "devprompt-check-cli-"));
    await generateSyntheticDataset({
      root,
      category: "tile",
      size: 32,
      seed: 1,
    });
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("prints a text summary and exits 0", async () => {
    const { out, io } = fakeIo();
    const code = await runCli(
      ["check-data", "--dataset", "folder", "--root", root],
      COMMANDS,
      io,
    );
    expect(code).toBe(0);
    expect(out.join("")).toContain("checked 1 class: no problems found");
  });

  it("prints JSON with --json", async () => {
    const { out, io } = fakeIo();
    const code = await runCli(
      [
        "check-data",
        "--dataset",
        "folder",
        "--root",
        root,
        "--category",
        "tile",
        "--json",
      ],
      COMMANDS,
      io,
    );
    expect(code).toBe(0);
    const report = JSON.parse(out.join(""));
    expect(report.classes[0].className).toBe("tile");
    expect(report.problemCount).toBe(0);
  });

  it("exits 1 when a problem is found", async () => {
    const maskRoot = path.join(root, "tile", "ground_truth");
    const [defect] = await readdir(maskRoot);
    const [mask] = await readdir(path.join(maskRoot, defect));
    await unlink(path.join(maskRoot, defect, mask));

    const { out, err, io } = fakeIo();
    const code = await runCli(
      ["check-data", "--dataset", "folder", "--root", root],
      COMMANDS,
      io,
    );
    expect(code).toBe(1);
    expect(out.join("")).toContain("missing-mask");
    expect(err.join("")).toContain("the dataset has 1 problem(s)");
  });
});
