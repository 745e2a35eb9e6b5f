import * as tf from "@tensorflow/tfjs";

import {
  buildLoss,
  createLossRegistry,
  defaultLossRegistry,
  defineLoss,
  LossConfigError,
  lossPreset,
  lossPresetNames,
  registerLoss,
} from "../src";

const zero = defineLoss({
  name: "zero",
  description: "Always 0.",
  options: {},
  compute: () => tf.scalar(0),
});

describe("LossRegistry", () => {
  test("starts with the four built-in modules", () => {
    expect(createLossRegistry().names()).toEqual([
      "alignment",
      "margin",
      "agreement",
      "deviation",
    ]);
  });

  test("builds terms in configuration order", () => {
    const loss = createLossRegistry().build([
      { name: "deviation", weight: 2, options: { topK: 0.2 } },
      { name: "alignment" },
    ]);
    expect(loss.labels).toEqual(["deviation", "alignment"]);
    expect(loss.terms.map((t) => t.weight)).toEqual([2, 1]);
    expect(loss.terms[0].module.options).toMatchObject({ topK: 0.2 });
  });

  test("unknown module lists the registered ones", () => {
    expect(() => createLossRegistry().build([{ name: "focal" }])).toThrow(
      'unknown loss module "focal"; registered modules: alignment, margin, agreement, deviation',
    );
  });

  test("invalid option lists the valid ones", () => {
    expect(() =>
      createLossRegistry().build([{ name: "deviation", options: { k: 3 } }]),
    ).toThrow(
      /unknown option "k" of loss module "deviation". Valid options of "deviation": reference \(one of "sampled", "exact"\), referenceSamples .*topK \(a fraction in \(0, 1\] or \{ "count": n \} with an integer n >= 1\)/,
    );
  });

  test.each([
    [
      { name: "margin", weight: -1 },
      /weight -1; expected a finite number >= 0/,
    ],
    [{ name: "margin", weight: "1" }, /weight "1"; expected a finite number/],
    [{ name: "margin", label: "" }, /label ""; expected a non-empty string/],
    [
      { name: "margin", scale: 1 },
      /unknown key "scale"; valid keys: name, weight, options, label/,
    ],
    [
      { weight: 1 },
      /needs a "name", one of: alignment, margin, agreement, deviation/,
    ],
    ["margin", /must be an object such as/],
  ])("rejects entry %j", (entry, message) => {
    expect(() => createLossRegistry().build([entry] as never)).toThrow(message);
  });

  test("rejects an empty configuration", () => {
    expect(() => createLossRegistry().build([])).toThrow(
      /needs at least one term/,
    );
  });

  test("rejects a repeated label", () => {
    expect(() =>
      createLossRegistry().build([{ name: "margin" }, { name: "margin" }]),
    ).toThrow(/label "margin" is used twice/);
  });

  test("accepts a module twice with labels", () => {
    const loss = createLossRegistry().build([
      { name: "margin" },
      {
        name: "margin",
        label: "margin-per-patch",
        options: { reduction: "per-patch" },
      },
    ]);
    expect(loss.labels).toEqual(["margin", "margin-per-patch"]);
  });

  test("rejects a second module of the same name", () => {
    expect(() => createLossRegistry().register(zero).register(zero)).toThrow(
      /"zero" is already registered/,
    );
  });

  test("replace swaps a module", () => {
    const registry = createLossRegistry().register(zero);
    expect(() => registry.register(zero, true)).not.toThrow();
  });

  test("registries are independent", () => {
    createLossRegistry().register(zero);
    expect(createLossRegistry().has("zero")).toBe(false);
  });

  test("unknown preset lists the presets", () => {
    expect(() => createLossRegistry().build("winclip")).toThrow(
      'unknown loss preset "winclip"; valid presets: devprompt, promptad, or give a list of terms',
    );
  });

  test("rejects a configuration that is not a list", () => {
    expect(() => createLossRegistry().build({} as never)).toThrow(
      /must be a list of terms or a preset name, got \{\}/,
    );
  });
});

describe("presets", () => {
  test("devprompt is the four terms with 0.001 agreement", () => {
    expect(lossPreset("devprompt")).toEqual([
      { name: "alignment", weight: 1 },
      { name: "margin", weight: 1 },
      { name: "agreement", weight: 0.001 },
      { name: "deviation", weight: 1 },
    ]);
  });

  test("promptad is devprompt without deviation", () => {
    const promptad = lossPreset("promptad");
    expect(promptad).toEqual(
      lossPreset("devprompt").filter((t) => t.name !== "deviation"),
    );
  });

  test("lists the preset names", () => {
    expect(lossPresetNames()).toEqual(["devprompt", "promptad"]);
  });

  test("returns copies", () => {
    const copy = lossPreset("devprompt");
    (copy[0] as { weight: number }).weight = 9;
    copy.pop();
    expect(lossPreset("devprompt")[0].weight).toBe(1);
    expect(lossPreset("devprompt")).toHaveLength(4);
  });

  test("builds a preset by name", () => {
    const loss = createLossRegistry().build("devprompt");
    expect(loss.terms.map((t) => [t.label, t.weight])).toEqual([
      ["alignment", 1],
      ["margin", 1],
      ["agreement", 0.001],
      ["deviation", 1],
    ]);
  });

  test("unknown preset throws RangeError", () => {
    expect(() => lossPreset("clip")).toThrow(RangeError);
  });
});

describe("default registry", () => {
  test("registerLoss makes a module buildable by name", () => {
    const name = "registered-in-default";
    registerLoss(
      defineLoss({
        name,
        description: "x",
        options: {},
        compute: () => tf.scalar(1),
      }),
    );
    expect(defaultLossRegistry.has(name)).toBe(true);
    expect(buildLoss([{ name }]).labels).toEqual([name]);
  });

  test("buildLoss reports bad configuration as LossConfigError", () => {
    expect(() => buildLoss([{ name: "nope" }])).toThrow(LossConfigError);
  });
});
