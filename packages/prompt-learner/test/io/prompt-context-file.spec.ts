import {
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import {
  PROMPT_CONTEXT_JSON,
  PROMPT_CONTEXT_TENSORS,
  type PromptContextSnapshot,
  defaultContextConfig,
  initLearnableContext,
  loadPromptContext,
  savePromptContext,
} from "../../src";

const HASH = "a".repeat(64);

function makeSnapshot(): PromptContextSnapshot {
  const config = { ...defaultContextConfig(), nPro: 2, nCtxAb: 2 };
  const context = initLearnableContext(config, 5);
  // Values whose bits a lossy path would change: -0, a subnormal, the
  // largest float32, infinity and a NaN with a payload.
  const bits = new Uint32Array(context.normal.data.buffer);
  bits[0] = 0x80000000;
  bits[1] = 0x00000001;
  bits[2] = 0x7f7fffff;
  bits[3] = 0x7f800000;
  bits[4] = 0x7fc01234;
  return {
    context,
    config,
    classKey: "metal_nut",
    promptStyle: { style: "devprompt", templates: { statePhrases: true } },
    weightsHash: HASH,
  };
}

describe("savePromptContext and loadPromptContext", () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), "prompt-context-"));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  test("round trip is bit-exact", () => {
    const snapshot = makeSnapshot();
    savePromptContext(directory, snapshot);
    const loaded = loadPromptContext(directory, {
      weightsHash: HASH,
      classKey: "metal_nut",
    });
    for (const name of ["normal", "abnormal"] as const) {
      expect(loaded.context[name].shape).toEqual(snapshot.context[name].shape);
      expect(
        Array.from(new Uint32Array(loaded.context[name].data.buffer)),
      ).toEqual(
        Array.from(new Uint32Array(snapshot.context[name].data.buffer)),
      );
    }
  });

  test("round trip keeps the description", () => {
    const snapshot = makeSnapshot();
    savePromptContext(directory, snapshot);
    const loaded = loadPromptContext(directory, {
      weightsHash: HASH,
      classKey: "metal_nut",
    });
    expect(loaded.config).toEqual(snapshot.config);
    expect(loaded.classKey).toBe("metal_nut");
    expect(loaded.promptStyle).toEqual(snapshot.promptStyle);
    expect(loaded.weightsHash).toBe(HASH);
  });

  test("writes the two files and no temporary files", () => {
    const files = savePromptContext(
      join(directory, "run", "bottle"),
      makeSnapshot(),
    );
    expect(files.json).toBe(
      join(directory, "run", "bottle", PROMPT_CONTEXT_JSON),
    );
    expect(readdirSync(join(directory, "run", "bottle")).sort()).toEqual([
      PROMPT_CONTEXT_JSON,
      PROMPT_CONTEXT_TENSORS,
    ]);
  });

  test("a second save replaces the first", () => {
    const first = makeSnapshot();
    savePromptContext(directory, first);
    const second = makeSnapshot();
    second.context.abnormal.data.fill(0.5);
    savePromptContext(directory, second);
    const loaded = loadPromptContext(directory, {
      weightsHash: HASH,
      classKey: "metal_nut",
    });
    expect(Array.from(loaded.context.abnormal.data)).toEqual(
      new Array(loaded.context.abnormal.data.length).fill(0.5),
    );
  });

  test("description records the settings and tensors hash", () => {
    savePromptContext(directory, makeSnapshot());
    const description = JSON.parse(
      readFileSync(join(directory, PROMPT_CONTEXT_JSON), "utf8"),
    );
    expect(description).toMatchObject({
      format: "devprompt-prompt-context",
      version: 1,
      classKey: "metal_nut",
      width: 5,
      weightsHash: HASH,
      tensorsFile: PROMPT_CONTEXT_TENSORS,
    });
    expect(description.config.nPro).toBe(2);
    expect(description.tensorsSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  test("names a missing tensors file", () => {
    savePromptContext(directory, makeSnapshot());
    rmSync(join(directory, PROMPT_CONTEXT_TENSORS));
    expect(() =>
      loadPromptContext(directory, {
        weightsHash: HASH,
        classKey: "metal_nut",
      }),
    ).toThrow(join(directory, PROMPT_CONTEXT_TENSORS));
  });

  test("rejects another checkpoint", () => {
    savePromptContext(directory, makeSnapshot());
    expect(() =>
      loadPromptContext(directory, {
        weightsHash: "b".repeat(64),
        classKey: "metal_nut",
      }),
    ).toThrow(
      `was trained against checkpoint weights ${HASH}, but the loaded checkpoint has ${"b".repeat(64)}`,
    );
  });

  test("rejects another class", () => {
    savePromptContext(directory, makeSnapshot());
    expect(() =>
      loadPromptContext(directory, { weightsHash: HASH, classKey: "screw" }),
    ).toThrow(
      'was trained for class "metal_nut", not "screw"; pass allowOtherClass to warm-start from it',
    );
  });

  test("accepts another class for a warm start", () => {
    savePromptContext(directory, makeSnapshot());
    const loaded = loadPromptContext(directory, {
      weightsHash: HASH,
      classKey: "screw",
      allowOtherClass: true,
    });
    expect(loaded.classKey).toBe("metal_nut");
  });

  test("rejects tensors from another save", () => {
    savePromptContext(directory, makeSnapshot());
    const json = readFileSync(join(directory, PROMPT_CONTEXT_JSON));
    const other = makeSnapshot();
    other.context.normal.data[7] = 1;
    savePromptContext(directory, other);
    writeFileSync(join(directory, PROMPT_CONTEXT_JSON), json);
    expect(() =>
      loadPromptContext(directory, {
        weightsHash: HASH,
        classKey: "metal_nut",
      }),
    ).toThrow(/the files come from different saves/);
  });

  test("names a missing description", () => {
    expect(() =>
      loadPromptContext(directory, { weightsHash: HASH, classKey: "bottle" }),
    ).toThrow(
      `failed to read prompt context ${join(directory, PROMPT_CONTEXT_JSON)}`,
    );
  });

  test.each([
    [
      { format: "other", version: 1 },
      /is not a prompt context of format devprompt-prompt-context version 1/,
    ],
    [{ classKey: "" }, /field classKey must be a non-empty string/],
    [
      { tensorsFile: "../x.safetensors" },
      /tensorsFile must be a file name in the same directory/,
    ],
    [
      { config: { nCtx: 0 } },
      /context config: nCtx must be a positive integer, got 0/,
    ],
    [{ promptStyle: { style: "coop" } }, /unknown prompt style "coop"/],
    [{ width: 0 }, /width must be a positive integer, got 0/],
  ])("rejects a description with %j", (change, message) => {
    savePromptContext(directory, makeSnapshot());
    const path = join(directory, PROMPT_CONTEXT_JSON);
    const description = JSON.parse(readFileSync(path, "utf8"));
    writeFileSync(path, JSON.stringify({ ...description, ...change }));
    expect(() =>
      loadPromptContext(directory, {
        weightsHash: HASH,
        classKey: "metal_nut",
      }),
    ).toThrow(message);
  });

  test("rejects a description whose width disagrees with the tensors", () => {
    savePromptContext(directory, makeSnapshot());
    const path = join(directory, PROMPT_CONTEXT_JSON);
    const description = JSON.parse(readFileSync(path, "utf8"));
    writeFileSync(path, JSON.stringify({ ...description, width: 6 }));
    expect(() =>
      loadPromptContext(directory, {
        weightsHash: HASH,
        classKey: "metal_nut",
      }),
    ).toThrow(
      "normal context has shape [2, 4, 5] with 40 values; expected [2, 4, 6]",
    );
  });

  test("save rejects a context that does not match its config", () => {
    const snapshot = makeSnapshot();
    expect(() =>
      savePromptContext(directory, {
        ...snapshot,
        config: defaultContextConfig(),
      }),
    ).toThrow(/normal context has shape \[2, 4, 5\]/);
  });

  test("save rejects an empty class key", () => {
    expect(() =>
      savePromptContext(directory, { ...makeSnapshot(), classKey: "" }),
    ).toThrow("cannot save a prompt context without its class key");
  });

  test("save rejects an empty weights hash", () => {
    expect(() =>
      savePromptContext(directory, { ...makeSnapshot(), weightsHash: " " }),
    ).toThrow(
      "cannot save a prompt context without the checkpoint's weights hash",
    );
  });
});
