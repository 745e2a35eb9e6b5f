import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import {
  PromptTable,
  parsePromptTableExtension,
  readPromptTableExtension,
} from "../../src";

describe("parsePromptTableExtension", () => {
  test("accepts every field", () => {
    const extension = parsePromptTableExtension(
      {
        genericStates: ["bad {}"],
        classes: {
          gear: {
            name: "spur gear",
            states: ["{} with chip"],
            replaceStates: true,
          },
        },
      },
      "x.json",
    );
    expect(extension).toEqual({
      genericStates: ["bad {}"],
      classes: {
        gear: {
          name: "spur gear",
          states: ["{} with chip"],
          replaceStates: true,
        },
      },
    });
  });

  test.each([
    [[], /x\.json: expected a JSON object, got an array/],
    [
      { classs: {} },
      /x\.json: unknown field "classs"; allowed fields: genericStates, classes/,
    ],
    [{ classes: [] }, /x\.json: classes: expected a JSON object/],
    [
      { classes: { gear: { state: [] } } },
      /classes\.gear: unknown field "state"/,
    ],
    [
      { classes: { gear: { states: "{} bad" } } },
      /classes\.gear\.states: expected an array/,
    ],
    [
      { classes: { gear: { states: [3] } } },
      /classes\.gear\.states\[0\]: expected a non-empty phrase/,
    ],
    [
      { classes: { gear: { name: 3 } } },
      /classes\.gear\.name: expected a string/,
    ],
    [
      { classes: { gear: { replaceStates: "yes" } } },
      /replaceStates: expected true or false/,
    ],
    [
      { genericStates: ["bad"] },
      /genericStates\[0\]: expected exactly one "\{\}"/,
    ],
  ])("rejects %j", (value, message) => {
    expect(() => parsePromptTableExtension(value, "x.json")).toThrow(message);
  });
});

describe("readPromptTableExtension", () => {
  let directory: string;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), "prompt-table-"));
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  test("reads a file that extends the table", async () => {
    const file = join(directory, "gear.json");
    writeFileSync(
      file,
      JSON.stringify({ classes: { gear: { states: ["{} with chip"] } } }),
    );
    const table = PromptTable.promptad().extend(
      await readPromptTableExtension(file),
      file,
    );
    expect(table.classStates("gear")).toEqual(["{} with chip"]);
  });

  test("names a missing file", async () => {
    const file = join(directory, "missing.json");
    await expect(readPromptTableExtension(file)).rejects.toThrow(
      `failed to read prompt-table file ${file}`,
    );
  });

  test("names a file that is not JSON", async () => {
    const file = join(directory, "broken.json");
    writeFileSync(file, '{"classes": ');
    await expect(readPromptTableExtension(file)).rejects.toThrow(
      `invalid JSON in prompt-table file ${file}`,
    );
  });

  test("names the file in field errors", async () => {
    const file = join(directory, "bad.json");
    writeFileSync(file, JSON.stringify({ genericStates: ["no slot"] }));
    await expect(readPromptTableExtension(file)).rejects.toThrow(
      `${file}: genericStates[0]: expected exactly one`,
    );
  });
});
