import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import {
  canonicalJson,
  expandSweep,
  readPlan,
  writePlan,
} from "../../src/sweep/plan";
import {
  loadSweepDefinition,
  parseSweepDefinition,
} from "../../src/sweep/sweep-definition";

const FILE = "/sweeps/ablation.yaml";

const sweep = (extra: Record<string, unknown> = {}) =>
  parseSweepDefinition(
    {
      model: "./model",
      datasets: [
        {
          name: "mvtec",
          format: "mvtec",
          root: "/data/mvtec",
          classes: ["bottle", "cable"],
        },
      ],
      shots: [1, 2],
      seeds: [1, 2, 3],
      ...extra,
    },
    FILE,
  );

describe("sweep definition", () => {
  test("resolves paths against the file's folder and fills shots and seeds", () => {
    const parsed = parseSweepDefinition(
      {
        model: "m",
        datasets: [{ format: "folder", root: "d", classes: "tile" }],
      },
      FILE,
    );
    expect(parsed.model).toBe("/sweeps/m");
    expect(parsed.datasets).toEqual([
      {
        name: "folder",
        format: "folder",
        root: "/sweeps/d",
        classes: ["tile"],
      },
    ]);
    expect(parsed.shots).toEqual([1]);
    expect(parsed.seeds).toEqual([111]);
    expect(parsed.settings).toEqual([{ name: "default", train: {}, eval: {} }]);
  });

  test("crosses every variant with every grid combination", () => {
    const parsed = sweep({
      train: { epochs: 5 },
      grid: { "prompt-style": ["promptad", "devprompt"], blur_sigma: [0, 4] },
      variants: [
        { name: "full", losses: "devprompt" },
        { name: "no-dev", losses: "promptad", epochs: 7 },
      ],
    });
    expect(parsed.settings.map((s) => s.name)).toEqual([
      "full promptStyle=promptad blurSigma=0",
      "full promptStyle=promptad blurSigma=4",
      "full promptStyle=devprompt blurSigma=0",
      "full promptStyle=devprompt blurSigma=4",
      "no-dev promptStyle=promptad blurSigma=0",
      "no-dev promptStyle=promptad blurSigma=4",
      "no-dev promptStyle=devprompt blurSigma=0",
      "no-dev promptStyle=devprompt blurSigma=4",
    ]);
    expect(parsed.settings[5]).toEqual({
      name: "no-dev promptStyle=promptad blurSigma=4",
      train: { epochs: 7, losses: "promptad", promptStyle: "promptad" },
      eval: { blurSigma: 4 },
    });
  });

  test("accepts an inline loss list and labels grid entries by position", () => {
    const parsed = sweep({
      grid: {
        losses: [
          [{ name: "alignment" }, { name: "deviation", weight: 0.5 }],
          [{ name: "alignment" }, { name: "deviation", weight: 2 }],
        ],
      },
    });
    expect(parsed.settings.map((s) => s.name)).toEqual([
      "losses=#1",
      "losses=#2",
    ]);
    expect(parsed.settings[1].train.losses).toEqual([
      { name: "alignment" },
      { name: "deviation", weight: 2 },
    ]);
  });

  test("accepts method options of train", () => {
    const parsed = sweep({ grid: { "n-ctx": [4, 8] } });
    expect(parsed.settings.map((s) => s.name)).toEqual(["nCtx=4", "nCtx=8"]);
    expect(parsed.settings[1].train).toEqual({ nCtx: 8 });
  });

  test.each([
    [{ grid: { topK: [1, 2] } }, /grid option "topK" is unknown/],
    [{ train: { epochs: 0 } }, /--epochs.*expected/],
    [
      { grid: { promptStyle: ["fancy"] } },
      /invalid value "fancy" for --prompt-style/,
    ],
    [{ grid: { losses: [[{ name: "nope" }]] } }, /invalid inline losses/],
    [{ seeds: [1, 1] }, /`seeds` lists a value twice/],
    [{ shots: [0] }, /`shots` must be an integer >= 1/],
    [
      { variants: [{ name: "a" }, { name: "a" }] },
      /variant name "a" appears twice/,
    ],
    [{ datasets: [] }, /`datasets` must be a non-empty list/],
    [
      { datasets: [{ format: "kaggle", root: "x", classes: ["a"] }] },
      /datasets\[0\]\.format must be one of/,
    ],
    [{ model: "" }, /`model` must be the path/],
    [{ extra: 1 }, /unknown field\(s\) extra/],
  ])("rejects %j", (extra, message) => {
    expect(() => sweep(extra)).toThrow(message);
    expect(() => sweep(extra)).toThrow(FILE);
  });

  test("names the file when it cannot be read", async () => {
    await expect(loadSweepDefinition("/no/such/sweep.yaml")).rejects.toThrow(
      "sweep file /no/such/sweep.yaml could not be read",
    );
  });
});

describe("sweep plan", () => {
  test("expands classes × settings × shots × seeds in that order", () => {
    const plan = expandSweep(
      sweep({ grid: { promptStyle: ["promptad", "devprompt"] } }),
    );
    expect(plan.runs).toHaveLength(2 * 2 * 2 * 3);
    expect(
      plan.runs
        .slice(0, 7)
        .map((r) => [r.category, r.setting, r.shots, r.seed]),
    ).toEqual([
      ["bottle", "promptStyle=promptad", 1, 1],
      ["bottle", "promptStyle=promptad", 1, 2],
      ["bottle", "promptStyle=promptad", 1, 3],
      ["bottle", "promptStyle=promptad", 2, 1],
      ["bottle", "promptStyle=promptad", 2, 2],
      ["bottle", "promptStyle=promptad", 2, 3],
      ["bottle", "promptStyle=devprompt", 1, 1],
    ]);
    expect(new Set(plan.runs.map((r) => r.id)).size).toBe(plan.runs.length);
    expect(plan.runs.every((r) => /^[0-9a-f]{16}$/.test(r.id))).toBe(true);
  });

  test("gives equal ids to equal settings however they are written", () => {
    const implicit = expandSweep(sweep());
    // promptad is the default prompt style, so stating it changes nothing;
    // the labels differ but are not part of the id.
    const explicit = expandSweep(
      sweep({
        variants: [{ name: "stated", promptStyle: "promptad", epochs: 100 }],
      }),
    );
    expect(explicit.runs.map((r) => r.id)).toEqual(
      implicit.runs.map((r) => r.id),
    );
    const changed = expandSweep(sweep({ train: { epochs: 99 } }));
    expect(
      changed.runs.some((r) => implicit.runs.some((i) => i.id === r.id)),
    ).toBe(false);
  });

  test("rejects settings that expand to the same runs", () => {
    expect(() =>
      expandSweep(
        sweep({
          variants: [
            { name: "a", epochs: 3 },
            { name: "b", epochs: 3 },
          ],
        }),
      ),
    ).toThrow(/settings "a" and "b" give identical runs/);
  });

  test("canonical JSON sorts keys at every depth and drops undefined", () => {
    expect(
      canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: undefined } }),
    ).toBe('{"a":{"d":[2,{"e":0,"f":1}]},"b":1}');
  });

  test("writes plan.json and reads it back", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "devprompt-plan-"));
    try {
      const plan = expandSweep(sweep());
      const file = await writePlan(path.join(dir, "out"), plan);
      expect(JSON.parse(await readFile(file, "utf8"))).toEqual(plan);
      expect(await readPlan(path.join(dir, "out"))).toEqual(plan);
      await writeFile(file, JSON.stringify({ format: "other", version: 1 }));
      await expect(readPlan(path.join(dir, "out"))).rejects.toThrow(
        "is not a version 1 sweep plan",
      );
      await expect(readPlan(dir)).rejects.toThrow(
        "run devprompt sweep plan first",
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
