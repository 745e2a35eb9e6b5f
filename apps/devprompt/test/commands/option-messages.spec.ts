import type { CommandDefinition } from "../../src/cli/command-definition";
import { runCli } from "../../src/cli/program";
import { formatMetrics } from "../../src/commands/eval";
import { fakeIo } from "../support/fake-io";
import { runCommand } from "../support/cli-run";

// Messages a user sees for values the commands reject or cannot compute.
describe("option checks and messages", () => {
  const trainWithSeed = (seed: string) =>
    runCommand([
      "train",
      "--model",
      "/nonexistent/model",
      "--dataset",
      "folder",
      "--root",
      "/nonexistent/data",
      "--out",
      "/nonexistent/run",
      "--seed",
      seed,
    ]);

  it.each(["-1", "4294967296", "99999999999", "1.5"])(
    "rejects --seed %s",
    async (seed) => {
      const result = await trainWithSeed(seed);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`invalid value "${seed}" for --seed`);
    },
  );

  it("names the allowed seed range", async () => {
    expect((await trainWithSeed("-1")).stderr).toContain(
      "expected a value from 0 to 4294967295",
    );
  });

  it("accepts the largest seed and goes on to check the model", async () => {
    const result = await trainWithSeed("4294967295");
    expect(result.stderr).not.toContain("--seed");
    expect(result.stderr).toContain("model directory");
  });

  it("suggests a VisA class when --category is missing", async () => {
    const result = await runCommand([
      "train",
      "--model",
      "m",
      "--dataset",
      "visa",
      "--root",
      "r",
      "--out",
      "o",
    ]);
    expect(result.stderr).toContain("e.g. --category candle");
  });

  it("prints n/a for metrics that need masks when there are none", () => {
    const text = formatMetrics(
      {
        imageAuroc: 75,
        pixelAuroc: null,
        pro: null,
        imageAp: 80,
        pixelAp: null,
        imageF1Max: null,
        pixelF1Max: null,
      },
      4,
    );
    expect(text).not.toContain("undefined");
    expect(text).toContain("pixelAuroc  n/a (no masks)");
    expect(text).toContain("pro         n/a (no masks)");
    expect(text).toContain("imageF1Max  n/a\n");
    expect(text).toContain("imageAuroc  75.00");
  });
});

describe("repeated warnings", () => {
  it("prints their count when the command ends", async () => {
    const warnThrice: CommandDefinition = {
      name: "warn-thrice",
      summary: "warn three times",
      description: "Raises one warning three times.",
      options: [],
      async run({ log }) {
        log.warnOnce("same", "the same warning");
        log.warnOnce("same", "the same warning");
        log.warnOnce("same", "the same warning");
      },
    };
    const { err, io } = fakeIo();
    expect(await runCli(["warn-thrice"], [warnThrice], io)).toBe(0);
    expect(err.join("")).toContain(
      "devprompt warn-thrice: warning: 2 more like: the same warning\n",
    );
  });
});
