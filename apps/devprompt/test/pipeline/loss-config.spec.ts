import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { resolveLoss } from "../../src/pipeline/loss-config";

describe("resolveLoss", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "devprompt-loss-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("builds the devprompt preset", async () => {
    const { terms } = await resolveLoss("devprompt");
    expect(terms.map((t) => t.name)).toEqual([
      "alignment",
      "margin",
      "agreement",
      "deviation",
    ]);
  });

  it("reads a YAML list of terms", async () => {
    const file = path.join(dir, "losses.yaml");
    await writeFile(
      file,
      "- name: alignment\n- name: deviation\n  weight: 2\n",
    );
    const { terms } = await resolveLoss(file);
    expect(terms).toEqual([
      { name: "alignment" },
      { name: "deviation", weight: 2 },
    ]);
  });

  it("rejects a file that is not a list", async () => {
    const file = path.join(dir, "losses.json");
    await writeFile(file, '{"name": "alignment"}');
    await expect(resolveLoss(file)).rejects.toThrow(
      /must contain a list of terms/,
    );
  });

  it("rejects an unknown preset that is no file", async () => {
    await expect(resolveLoss("devprompt2")).rejects.toThrow(
      /--losses devprompt2 is neither a preset \(devprompt, promptad\) nor a readable file/,
    );
  });
});
