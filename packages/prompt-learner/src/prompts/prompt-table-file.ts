import { readFile } from "node:fs/promises";

import type {
  PromptClassExtension,
  PromptTableExtension,
} from "./prompt-table";
import { validatePhrase } from "./prompt-table";

const TOP_LEVEL_KEYS = ["genericStates", "classes"];
const CLASS_KEYS = ["name", "states", "replaceStates"];

/**
 * Validates parsed JSON as a {@link PromptTableExtension}.
 *
 * The expected shape is
 * `{"genericStates"?: string[], "classes"?: {"<key>": {"name"?: string,
 * "states"?: string[], "replaceStates"?: boolean}}}`, where every phrase has
 * exactly one `{}` for the class name. Unknown keys are rejected so that a
 * misspelt field does not pass silently.
 *
 * @param value - Result of `JSON.parse`.
 * @param source - File name or label used in error messages.
 * @returns The extension with only the known fields.
 */
export function parsePromptTableExtension(
  value: unknown,
  source: string,
): PromptTableExtension {
  const root = expectObject(value, source);
  rejectUnknownKeys(root, TOP_LEVEL_KEYS, source);

  const extension: PromptTableExtension = {};
  if (root.genericStates !== undefined) {
    extension.genericStates = expectPhraseList(
      root.genericStates,
      `${source}: genericStates`,
    );
  }
  if (root.classes !== undefined) {
    const classes = expectObject(root.classes, `${source}: classes`);
    extension.classes = {};
    for (const [key, raw] of Object.entries(classes)) {
      extension.classes[key] = parseClassEntry(
        raw,
        `${source}: classes.${key}`,
      );
    }
  }
  return extension;
}

/**
 * Reads and validates a prompt-table JSON file (format in
 * {@link parsePromptTableExtension}).
 *
 * @param path - Path of the JSON file.
 * @throws Error naming the file when it is missing, is not JSON or has an
 * invalid field.
 */
export async function readPromptTableExtension(
  path: string,
): Promise<PromptTableExtension> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new Error(
      `failed to read prompt-table file ${path}: ${String(error)}`,
      {
        cause: error,
      },
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(
      `invalid JSON in prompt-table file ${path}: ${String(error)}`,
      {
        cause: error,
      },
    );
  }
  return parsePromptTableExtension(value, path);
}

function parseClassEntry(raw: unknown, where: string): PromptClassExtension {
  const entry = expectObject(raw, where);
  rejectUnknownKeys(entry, CLASS_KEYS, where);

  const parsed: PromptClassExtension = {};
  if (entry.name !== undefined) {
    if (typeof entry.name !== "string") {
      throw new Error(
        `${where}.name: expected a string, got ${JSON.stringify(entry.name)}`,
      );
    }
    parsed.name = entry.name;
  }
  if (entry.states !== undefined) {
    parsed.states = expectPhraseList(entry.states, `${where}.states`);
  }
  if (entry.replaceStates !== undefined) {
    if (typeof entry.replaceStates !== "boolean") {
      throw new Error(
        `${where}.replaceStates: expected true or false, got ` +
          JSON.stringify(entry.replaceStates),
      );
    }
    parsed.replaceStates = entry.replaceStates;
  }
  return parsed;
}

function expectObject(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(
      `${where}: expected a JSON object, got ${Array.isArray(value) ? "an array" : JSON.stringify(value)}`,
    );
  }
  return value as Record<string, unknown>;
}

function expectPhraseList(value: unknown, where: string): string[] {
  if (!Array.isArray(value)) {
    throw new Error(
      `${where}: expected an array of phrases, got ${JSON.stringify(value)}`,
    );
  }
  return value.map((phrase, i) => validatePhrase(phrase, `${where}[${i}]`));
}

function rejectUnknownKeys(
  object: Record<string, unknown>,
  allowed: string[],
  where: string,
): void {
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) {
      throw new Error(
        `${where}: unknown field "${key}"; allowed fields: ${allowed.join(", ")}`,
      );
    }
  }
}
