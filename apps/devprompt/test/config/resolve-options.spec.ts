import * as path from "node:path";
import type { OptionSpec } from "../../src/cli/option-spec";
import { resolveOptions } from "../../src/config/resolve-options";

const SPECS: OptionSpec[] = [
  { key: "model", kind: "path", description: "model", required: true },
  {
    key: "epochs",
    kind: "int",
    description: "epochs",
    defaultValue: 100,
    min: 1,
  },
  {
    key: "learningRate",
    kind: "number",
    description: "lr",
    defaultValue: 0.002,
  },
  {
    key: "device",
    kind: "choice",
    choices: ["cpu", "cuda"],
    description: "device",
    defaultValue: "cpu",
  },
  {
    key: "overwrite",
    kind: "boolean",
    description: "overwrite",
    defaultValue: false,
  },
  {
    key: "categories",
    kind: "list",
    description: "classes",
    defaultValue: ["all"],
  },
  { key: "category", kind: "string", description: "class" },
];

const config = (values: Record<string, unknown>) => ({
  path: "/configs/run.yaml",
  values,
});

describe("resolveOptions", () => {
  it("fills defaults and records their source", () => {
    const { values, sources } = resolveOptions(SPECS, { model: "m" });
    expect(values).toEqual({
      model: path.resolve("m"),
      epochs: 100,
      learningRate: 0.002,
      device: "cpu",
      overwrite: false,
      categories: ["all"],
    });
    expect(sources.epochs).toBe("default");
    expect(sources.model).toBe("command line");
    expect("category" in values).toBe(false);
  });

  it("prefers the command line over the config file", () => {
    const { values, sources } = resolveOptions(
      SPECS,
      { model: "m", epochs: "5" },
      config({ epochs: 20, device: "cuda" }),
    );
    expect(values.epochs).toBe(5);
    expect(sources.epochs).toBe("command line");
    expect(values.device).toBe("cuda");
    expect(sources.device).toBe("config file");
  });

  it("resolves config paths against the config folder", () => {
    const { values } = resolveOptions(
      SPECS,
      {},
      config({ model: "../models/vit" }),
    );
    expect(values.model).toBe(path.resolve("/models/vit"));
  });

  it("parses lists from commas and arrays", () => {
    expect(
      resolveOptions(SPECS, { model: "m", categories: "bottle, cable" }).values
        .categories,
    ).toEqual(["bottle", "cable"]);
    expect(
      resolveOptions(SPECS, { model: "m" }, config({ categories: ["a"] }))
        .values.categories,
    ).toEqual(["a"]);
  });

  it("lets the command line turn off a boolean set in the file", () => {
    const { values } = resolveOptions(
      SPECS,
      { model: "m", overwrite: false },
      config({ overwrite: true }),
    );
    expect(values.overwrite).toBe(false);
  });

  it("rejects a missing required option", () => {
    expect(() => resolveOptions(SPECS, {})).toThrow(
      "missing required option --model; set it on the command line or in a --config file",
    );
  });

  it("rejects an unknown key in the config file", () => {
    expect(() =>
      resolveOptions(SPECS, { model: "m" }, config({ epoch: 3 })),
    ).toThrow(
      /config file \/configs\/run.yaml sets unknown option\(s\) epoch; this command accepts model, epochs/,
    );
  });

  it.each([
    [
      "epochs",
      "2.5",
      /invalid value "2.5" for --epochs in the command line: expected an integer/,
    ],
    ["epochs", "0", /expected a value ≥ 1/],
    ["learningRate", "fast", /--learning-rate .*expected a number/],
    ["device", "tpu", /expected one of cpu, cuda/],
    ["categories", " , ", /expected at least one item/],
  ])("rejects %s = %j", (key, raw, message) => {
    expect(() => resolveOptions(SPECS, { model: "m", [key]: raw })).toThrow(
      message,
    );
  });

  it("names the config file in a type error", () => {
    expect(() =>
      resolveOptions(SPECS, { model: "m" }, config({ overwrite: "yes" })),
    ).toThrow(
      /for --overwrite in config file \/configs\/run.yaml: expected true or false/,
    );
  });
});
