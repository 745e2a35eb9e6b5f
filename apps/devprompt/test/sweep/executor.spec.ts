import {
  getArchitecture,
  writeRandomCheckpoint,
} from "@devprompt/clip-encoders";
import { generateSyntheticDataset } from "@devprompt/datasets";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { InvalidRunError, trainEvalExecutor } from "../../src/sweep/executor";
import { fakeRun, SILENT_LOG } from "./fake-runs";

// Settings that can never work must fail as InvalidRunError, before any
// training, so that a queue does not retry them.
describe("trainEvalExecutor input checks", () => {
  let base: string;
  beforeAll(async () => {
    base = await mkdtemp(path.join(tmpdir(), "devprompt-executor-"));
    writeRandomCheckpoint(
      path.join(base, "model"),
      getArchitecture("test-tiny"),
      { seed: 1 },
    );
    await generateSyntheticDataset({
      root: path.join(base, "data"),
      category: "tile",
      size: 32,
      seed: 1,
      trainCount: 2,
      testGoodCount: 1,
      testDefectCount: 1,
    });
  });
  afterAll(async () => {
    await rm(base, { recursive: true, force: true });
  });

  const attempt = (fields: Parameters<typeof fakeRun>[1]) =>
    trainEvalExecutor.execute(
      fakeRun("r1", {
        model: path.join(base, "model"),
        root: path.join(base, "data"),
        train: { losses: "devprompt" },
        ...fields,
      }),
      { out: path.join(base, "out"), device: "cpu", log: SILENT_LOG },
    );

  test.each([
    [
      { model: "/no/such/model" },
      /run r1: checkpoint folder \/no\/such\/model has no open_clip_config.json/,
    ],
    [{ category: "carpet" }, /run r1: category folder .*carpet not found/],
    [{ shots: 5 }, /run r1: cannot draw 5 shots from 2 training images/],
    [{ train: { losses: "fancy" } }, /run r1: unknown loss preset "fancy"/],
  ])("rejects %j as invalid", async (fields, message) => {
    const error = await attempt(fields).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidRunError);
    expect((error as Error).message).toMatch(message);
  });
});
