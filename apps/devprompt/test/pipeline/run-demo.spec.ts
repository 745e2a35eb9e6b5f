import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { configureLogging, createLogger } from "../../src/log/logger";
import { runDemo } from "../../src/pipeline/run-demo";

describe("runDemo", () => {
  let base: string;

  beforeAll(async () => {
    base = await mkdtemp(path.join(tmpdir(), "devprompt-demo-test-"));
  });
  afterAll(async () => {
    configureLogging("normal");
    await rm(base, { recursive: true, force: true });
  });

  it("trains its synthetic class with its own states", async () => {
    const lines: string[] = [];
    configureLogging("normal", { write: (text) => void lines.push(text) });
    const folder = path.join(base, "demo");
    const result = await runDemo(
      { out: folder, epochs: 1, seed: 111 },
      createLogger("demo"),
    );

    expect(lines.join("")).not.toContain("not in the prompt table");
    expect(result.evaluation.images).toBeGreaterThan(0);
    const config = JSON.parse(
      readFileSync(path.join(folder, "run", "config.json"), "utf8"),
    );
    const prompts = (config.details.prompts as string[]).join("\n");
    for (const state of ["scratch", "spot", "crack"]) {
      expect(prompts).toContain(`synthetic texture with ${state}.`);
    }
    expect(config.options.promptTable).toBe(
      path.join(folder, "prompt-table.json"),
    );
  });
});
