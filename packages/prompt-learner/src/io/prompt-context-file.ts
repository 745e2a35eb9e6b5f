import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

import {
  type WeightMap,
  readSafetensors,
  writeFileAtomic,
  writeSafetensors,
} from "@devprompt/clip-encoders";

import type { ContextConfig } from "../context/context-config";
import { resolveContextConfig } from "../context/context-config";
import type { LearnableContext } from "../context/learnable-context";
import { checkContextShape } from "../context/learnable-context";
import type { PromptStyleOptions } from "../prompts/prompt-style";
import { resolvePromptTemplates } from "../prompts/prompt-style";

/** File name of the description written by {@link savePromptContext}. */
export const PROMPT_CONTEXT_JSON = "prompt-context.json";
/** File name of the tensors written by {@link savePromptContext}. */
export const PROMPT_CONTEXT_TENSORS = "prompt-context.safetensors";

const FORMAT = "devprompt-prompt-context";
const FORMAT_VERSION = 1;
const NORMAL_TENSOR = "normal_ctx";
const ABNORMAL_TENSOR = "abnormal_ctx";

/** A learned context with everything needed to use it again. */
export interface PromptContextSnapshot {
  /** C_n and C_a. */
  context: LearnableContext;
  /** Sizes, initialisation std and seed the context was created with. */
  config: ContextConfig;
  /** Class key the context was trained for, for example `bottle`. */
  classKey: string;
  /** Prompt wording the context was trained with. */
  promptStyle: PromptStyleOptions;
  /** Hex SHA-256 of the CLIP weights file the context was trained against. */
  weightsHash: string;
}

/** Paths written by {@link savePromptContext}. */
export interface SavedPromptContextFiles {
  /** The JSON description. */
  json: string;
  /** The safetensors file with C_n and C_a. */
  tensors: string;
}

/** Expectations checked by {@link loadPromptContext}. */
export interface LoadPromptContextOptions {
  /** Hash of the checkpoint in use; a different stored hash is an error. */
  weightsHash: string;
  /** Class about to be trained or scored; a different stored class is an error. */
  classKey: string;
  /**
   * Accepts a context saved for another class, for a warm start from it.
   * Default false.
   */
  allowOtherClass?: boolean;
}

/**
 * Saves a learned context to `directory` as `prompt-context.safetensors`
 * (float32 tensors `normal_ctx` and `abnormal_ctx`) and `prompt-context.json`
 * (configuration, class, prompt style, checkpoint hash and the SHA-256 of the
 * tensors file). Each file is written atomically. The JSON goes last and
 * records the tensors' hash, so a reader detects a pair from two saves.
 *
 * @param directory - Destination; created when missing.
 * @param snapshot - Context and its description.
 * @returns The two paths.
 * @throws Error when the context does not match its configuration, or the
 * hash or class key is empty.
 */
export function savePromptContext(
  directory: string,
  snapshot: PromptContextSnapshot,
): SavedPromptContextFiles {
  const config = resolveContextConfig(snapshot.config);
  const width = snapshot.context.normal.shape[2];
  checkContextShape(snapshot.context, config, width);
  resolvePromptTemplates(snapshot.promptStyle);
  if (snapshot.weightsHash.trim() === "") {
    throw new Error(
      "cannot save a prompt context without the checkpoint's weights hash",
    );
  }
  if (snapshot.classKey.trim() === "") {
    throw new Error("cannot save a prompt context without its class key");
  }

  mkdirSync(directory, { recursive: true });
  const tensorsPath = join(directory, PROMPT_CONTEXT_TENSORS);
  const jsonPath = join(directory, PROMPT_CONTEXT_JSON);
  const tensorsSha256 = writeSafetensors(
    tensorsPath,
    new Map([
      [NORMAL_TENSOR, snapshot.context.normal],
      [ABNORMAL_TENSOR, snapshot.context.abnormal],
    ]),
    { dtype: "F32", metadata: { format: FORMAT } },
  );
  const description = {
    format: FORMAT,
    version: FORMAT_VERSION,
    classKey: snapshot.classKey,
    promptStyle: snapshot.promptStyle,
    config,
    width,
    weightsHash: snapshot.weightsHash,
    tensorsFile: PROMPT_CONTEXT_TENSORS,
    tensorsSha256,
  };
  writeFileAtomic(jsonPath, JSON.stringify(description, null, 2) + "\n");
  return { json: jsonPath, tensors: tensorsPath };
}

/**
 * Loads a context saved by {@link savePromptContext} and checks it against
 * the checkpoint and class in use.
 *
 * @param directory - Directory holding `prompt-context.json` and its tensors.
 * @param options - Expected checkpoint hash and class.
 * @returns The snapshot, with values bit-identical to the saved ones.
 * @throws Error naming the file when it is missing or invalid, when the
 * tensors do not belong to the JSON, or when the checkpoint hash or (unless
 * `allowOtherClass`) the class differ.
 */
export function loadPromptContext(
  directory: string,
  options: LoadPromptContextOptions,
): PromptContextSnapshot {
  const jsonPath = join(directory, PROMPT_CONTEXT_JSON);
  const description = readDescription(jsonPath);

  if (description.weightsHash !== options.weightsHash) {
    throw new Error(
      `${jsonPath} was trained against checkpoint weights ` +
        `${description.weightsHash}, but the loaded checkpoint has ` +
        `${options.weightsHash}; load the checkpoint it was trained with or ` +
        `train a new context`,
    );
  }
  if (description.classKey !== options.classKey && !options.allowOtherClass) {
    throw new Error(
      `${jsonPath} was trained for class "${description.classKey}", not ` +
        `"${options.classKey}"; pass allowOtherClass to warm-start from it`,
    );
  }

  const tensorsPath = join(directory, description.tensorsFile);
  const contents = readSafetensors(tensorsPath);
  if (contents.sha256 !== description.tensorsSha256) {
    throw new Error(
      `${tensorsPath} has SHA-256 ${contents.sha256} but ${jsonPath} expects ` +
        `${description.tensorsSha256}; the files come from different saves`,
    );
  }
  const context = {
    normal: contextTensor(contents.tensors, NORMAL_TENSOR, tensorsPath),
    abnormal: contextTensor(contents.tensors, ABNORMAL_TENSOR, tensorsPath),
  };
  checkContextShape(context, description.config, description.width);

  return {
    context,
    config: description.config,
    classKey: description.classKey,
    promptStyle: description.promptStyle,
    weightsHash: description.weightsHash,
  };
}

interface ContextDescription {
  classKey: string;
  promptStyle: PromptStyleOptions;
  config: ContextConfig;
  width: number;
  weightsHash: string;
  tensorsFile: string;
  tensorsSha256: string;
}

function readDescription(path: string): ContextDescription {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new Error(
      `failed to read prompt context ${path}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  if (value?.format !== FORMAT || value.version !== FORMAT_VERSION) {
    throw new Error(
      `${path} is not a prompt context of format ${FORMAT} version ` +
        `${FORMAT_VERSION} (got format ${JSON.stringify(value?.format)}, ` +
        `version ${JSON.stringify(value?.version)})`,
    );
  }
  for (const field of [
    "classKey",
    "weightsHash",
    "tensorsFile",
    "tensorsSha256",
  ]) {
    if (typeof value[field] !== "string" || value[field] === "") {
      throw new Error(`${path}: field ${field} must be a non-empty string`);
    }
  }
  if (/[\\/]/.test(value.tensorsFile as string)) {
    throw new Error(
      `${path}: tensorsFile must be a file name in the same directory, got ` +
        JSON.stringify(value.tensorsFile),
    );
  }
  let config: ContextConfig;
  try {
    config = resolveContextConfig(value.config as Partial<ContextConfig>);
    resolvePromptTemplates(value.promptStyle as PromptStyleOptions);
  } catch (error) {
    throw new Error(`${path}: ${(error as Error).message}`, { cause: error });
  }
  if (!Number.isInteger(value.width) || (value.width as number) < 1) {
    throw new Error(
      `${path}: width must be a positive integer, got ${JSON.stringify(value.width)}`,
    );
  }
  return {
    classKey: value.classKey as string,
    promptStyle: value.promptStyle as PromptStyleOptions,
    config,
    width: value.width as number,
    weightsHash: value.weightsHash as string,
    tensorsFile: value.tensorsFile as string,
    tensorsSha256: value.tensorsSha256 as string,
  };
}

function contextTensor(
  tensors: WeightMap,
  name: string,
  path: string,
): LearnableContext["normal"] {
  const tensor = tensors.get(name);
  if (tensor === undefined) {
    throw new Error(`${path} has no tensor ${name}`);
  }
  if (tensor.sourceDtype !== "F32" || tensor.shape.length !== 3) {
    throw new Error(
      `${path}: tensor ${name} must be F32 of rank 3, got ${tensor.sourceDtype} ` +
        `[${tensor.shape.join(", ")}]`,
    );
  }
  const [sets, tokens, width] = tensor.shape;
  return { shape: [sets, tokens, width], data: tensor.data };
}
