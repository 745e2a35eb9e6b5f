import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type {
  CommandContext,
  CommandDefinition,
} from "../../src/cli/command-definition";
import { runCli } from "../../src/cli/program";
import { COMMANDS } from "../../src/commands";
import { fakeIo } from "../support/fake-io";
import { DEVPROMPT_VERSION } from "../../src/version";

/** Creates a command that records its context, to test option handling. */
function probe(): { definition: CommandDefinition; seen: CommandContext[] } {
  const seen: CommandContext[] = [];
  const definition: CommandDefinition = {
    name: "probe",
    summary: "record options",
    description: "Records its options.",
    arguments: [{ name: "images", description: "images", variadic: true }],
    options: [
      { key: "epochs", kind: "int", description: "epochs", defaultValue: 100 },
      { key: "root", kind: "path", description: "root", required: true },
      {
        key: "overwrite",
        kind: "boolean",
        description: "overwrite",
        defaultValue: false,
      },
    ],
    async run(context) {
      seen.push(context);
      context.io.stdout("done\n");
    },
  };
  return { definition, seen };
}

describe("runCli", () => {
  it.each(COMMANDS.map((c) => [c.name, c] as const))(
    "prints help for %s",
    async (name, command) => {
      const { out, io } = fakeIo();
      expect(await runCli([name, "--help"], COMMANDS, io)).toBe(0);
      const help = out.join("");
      expect(help).toContain(`Usage: devprompt ${name}`);
      for (const option of command.options) {
        expect(help).toContain(
          `--${option.key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
        );
      }
      expect(help).toContain("--config <file>");
      expect(help).toContain("--quiet");
    },
  );

  it("lists every command in the main help", async () => {
    const { out, io } = fakeIo();
    expect(await runCli(["--help"], COMMANDS, io)).toBe(0);
    for (const name of [
      "train",
      "eval",
      "predict",
      "benchmark",
      "check-data",
      "demo",
      "encode",
    ]) {
      expect(out.join("")).toContain(name);
    }
  });

  it("prints the version of package.json", async () => {
    const { out, io } = fakeIo();
    expect(await runCli(["--version"], COMMANDS, io)).toBe(0);
    const pkg = JSON.parse(
      readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8"),
    );
    expect(out.join("").trim()).toBe(pkg.version);
    expect(DEVPROMPT_VERSION).toBe(pkg.version);
  });

  it("returns 2 for an unknown option", async () => {
    const { err, io } = fakeIo();
    expect(await runCli(["train", "--bogus"], COMMANDS, io)).toBe(2);
    expect(err.join("")).toContain("unknown option '--bogus'");
  });

  it("returns 1 with a message for a missing required option", async () => {
    const { err, io } = fakeIo();
    expect(await runCli(["eval"], COMMANDS, io)).toBe(1);
    expect(err.join("")).toContain(
      "devprompt: error: missing required option --run",
    );
  });

  it("rejects train on mvtec without a category", async () => {
    const { err, io } = fakeIo();
    expect(
      await runCli(
        [
          "train",
          "--model",
          "m",
          "--dataset",
          "mvtec",
          "--root",
          "r",
          "--out",
          "o",
        ],
        COMMANDS,
        io,
      ),
    ).toBe(1);
    expect(err.join("")).toContain(
      "--category is required with --dataset mvtec",
    );
  });

  it("rejects train with a missing model directory", async () => {
    const { err, io } = fakeIo();
    const argv = [
      "train",
      "--model",
      "/nonexistent/model",
      "--dataset",
      "folder",
      "--root",
      "r",
      "--out",
      "o",
    ];
    expect(await runCli(argv, COMMANDS, io)).toBe(1);
    expect(err.join("")).toContain(
      "model directory /nonexistent/model not found",
    );
  });

  it("rejects --verbose with --quiet", async () => {
    const { definition } = probe();
    const { err, io } = fakeIo();
    expect(
      await runCli(
        ["probe", "--root", "r", "--verbose", "--quiet"],
        [definition],
        io,
      ),
    ).toBe(1);
    expect(err.join("")).toContain(
      "--verbose and --quiet cannot be used together",
    );
  });

  describe("with a config file", () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(path.join(tmpdir(), "devprompt-cli-"));
    });
    afterEach(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it("merges file values under command-line flags", async () => {
      const file = path.join(dir, "run.yaml");
      await writeFile(file, "epochs: 20\nroot: data\noverwrite: true\n");
      const { definition, seen } = probe();
      const { out, io } = fakeIo();
      const code = await runCli(
        [
          "probe",
          "a.png",
          "b.png",
          "--config",
          file,
          "--epochs",
          "3",
          "--no-overwrite",
        ],
        [definition],
        io,
      );
      expect(code).toBe(0);
      expect(out).toEqual(["done\n"]);
      expect(seen[0].options).toEqual({
        epochs: 3,
        root: path.join(dir, "data"),
        overwrite: false,
        verbose: false,
        quiet: false,
      });
      expect(seen[0].sources).toMatchObject({
        epochs: "command line",
        root: "config file",
        overwrite: "command line",
      });
      expect(seen[0].args).toEqual(["a.png", "b.png"]);
    });

    it("reports a config file that sets an unknown option", async () => {
      const file = path.join(dir, "run.json");
      await writeFile(file, '{"root": "x", "epoch": 3}');
      const { definition } = probe();
      const { err, io } = fakeIo();
      expect(await runCli(["probe", "--config", file], [definition], io)).toBe(
        1,
      );
      expect(err.join("")).toContain("sets unknown option(s) epoch");
    });
  });

  it("logs every option value with --verbose", async () => {
    const { definition } = probe();
    const { err, io } = fakeIo();
    expect(
      await runCli(["probe", "--root", "r", "--verbose"], [definition], io),
    ).toBe(0);
    expect(err.join("")).toContain(
      "devprompt probe: debug: option epochs = 100 (default)",
    );
  });
});
