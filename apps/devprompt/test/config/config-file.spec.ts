import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { loadConfigFile } from "../../src/config/config-file";

describe("loadConfigFile", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "devprompt-config-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const write = async (name: string, text: string) => {
    const file = path.join(dir, name);
    await writeFile(file, text);
    return file;
  };

  it("reads JSON", async () => {
    const config = await loadConfigFile(
      await write("c.json", '{"epochs": 5, "dataset": "visa"}'),
    );
    expect(config.values).toEqual({ epochs: 5, dataset: "visa" });
  });

  it("reads YAML with kebab-case and snake_case keys", async () => {
    const file = await write(
      "c.yaml",
      "init-context: ctx.json\nweight_decay: 0.001\ncategories: [bottle, cable]\n",
    );
    const config = await loadConfigFile(file);
    expect(config.values).toEqual({
      initContext: "ctx.json",
      weightDecay: 0.001,
      categories: ["bottle", "cable"],
    });
  });

  it("accepts .yml and an empty file", async () => {
    expect((await loadConfigFile(await write("c.yml", ""))).values).toEqual({});
  });

  it("reads the options of a config.json written by a run", async () => {
    const file = await write(
      "config.json",
      JSON.stringify({
        command: "train",
        createdBy: "devprompt 0.1.0",
        options: { epochs: 7 },
        sources: {},
        details: {},
      }),
    );
    expect((await loadConfigFile(file)).values).toEqual({ epochs: 7 });
  });

  it("returns the absolute path", async () => {
    const file = await write("c.json", "{}");
    expect(
      (await loadConfigFile(path.relative(process.cwd(), file))).path,
    ).toBe(file);
  });

  it("rejects another extension", async () => {
    await expect(
      loadConfigFile(await write("c.toml", "a = 1")),
    ).rejects.toThrow(/use .json, .yaml or .yml/);
  });

  it("rejects invalid JSON with the file name", async () => {
    const file = await write("c.json", '{"epochs": }');
    await expect(loadConfigFile(file)).rejects.toThrow(
      `config file ${file} is not valid JSON`,
    );
  });

  it("rejects a list at the top level", async () => {
    await expect(
      loadConfigFile(await write("c.yaml", "- a\n- b\n")),
    ).rejects.toThrow(/must contain a mapping/);
  });

  it("rejects a missing file", async () => {
    await expect(loadConfigFile(path.join(dir, "none.json"))).rejects.toThrow(
      /could not be read/,
    );
  });
});
