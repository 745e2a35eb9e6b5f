import type { LearnableContext } from "../context/learnable-context";
import { checkContextShape } from "../context/learnable-context";
import type { PromptLayout } from "./prompt-layout";
import { contextRowCount } from "./prompt-layout";

/**
 * The frozen token embedding of a checkpoint (`token_embedding.weight` in
 * OpenCLIP naming). A `WeightTensor` of `@devprompt/clip-encoders` fits.
 */
export interface TokenEmbeddingTable {
  /** `[vocabSize, width]`. */
  shape: readonly number[];
  /** Row-major values. */
  data: Float32Array;
}

/** Text-encoder input for every prompt of a layout. */
export interface AssembledPrompts {
  /** `[prompts, contextLength, width]` token embeddings E, row-major. */
  embeddings: Float32Array;
  /** `[prompts, contextLength, width]`. */
  shape: [number, number, number];
  /** `[prompts]` end-token positions (a copy of the layout's). */
  eot: Int32Array;
}

/**
 * Looks up the token embedding of every non-context row of a layout; context
 * rows stay zero. The result does not depend on the context, so a trainer
 * computes it once and calls {@link writeContextRows} per step.
 *
 * @param layout - Prompt layout.
 * @param table - Token embedding `[vocabSize, width]`.
 * @returns `[prompts, contextLength, width]` values.
 * @throws Error when a token id is outside the table.
 */
export function embedFrozenTokens(
  layout: PromptLayout,
  table: TokenEmbeddingTable,
): Float32Array {
  const [vocabSize, width] = tableShape(table);
  const { count, contextLength } = layout;
  const out = new Float32Array(count * contextLength * width);
  for (let i = 0; i < count; i++) {
    const contextEnd = 1 + contextRowCount(layout, i);
    for (let t = 0; t < contextLength; t++) {
      if (t >= 1 && t < contextEnd) continue;
      const id = layout.tokenIds[i * contextLength + t];
      if (id < 0 || id >= vocabSize) {
        throw new Error(
          `token id ${id} at position ${t} of prompt ${JSON.stringify(layout.labels[i])} ` +
            `is outside the token embedding table of ${vocabSize} rows; use the ` +
            `tokenizer that belongs to the checkpoint`,
        );
      }
      const source = table.data.subarray(id * width, (id + 1) * width);
      out.set(source, (i * contextLength + t) * width);
    }
  }
  return out;
}

/**
 * Copies the context into the context rows of each prompt: C_n[p] at
 * positions 1..nCtx and, for learned abnormal prompts, C_a[j] at
 * nCtx+1..nCtx+nCtxAb.
 *
 * @param layout - Prompt layout.
 * @param context - Current C_n and C_a.
 * @param target - `[prompts, contextLength, width]` array to write into.
 */
export function writeContextRows(
  layout: PromptLayout,
  context: LearnableContext,
  target: Float32Array,
): void {
  const width = context.normal.shape[2];
  checkContextShape(context, layout.config, width);
  checkLength(target, layout, width, "target");
  const { nCtx, nCtxAb } = layout.config;
  const block = layout.contextLength * width;
  for (let i = 0; i < layout.count; i++) {
    const p = layout.normalSet[i];
    target.set(
      context.normal.data.subarray(p * nCtx * width, (p + 1) * nCtx * width),
      i * block + width,
    );
    const j = layout.abnormalSet[i];
    if (j >= 0) {
      target.set(
        context.abnormal.data.subarray(
          j * nCtxAb * width,
          (j + 1) * nCtxAb * width,
        ),
        i * block + (1 + nCtx) * width,
      );
    }
  }
}

/**
 * Builds E for every prompt: start-token row, context rows, then the suffix
 * token rows shifted right.
 *
 * @param layout - Prompt layout.
 * @param table - Token embedding `[vocabSize, width]`.
 * @param context - C_n and C_a of that width.
 * @example
 * ```ts
 * const { embeddings, shape, eot } = assemblePromptEmbeddings(layout, table, context);
 * shape; // [16, 77, 640] for bottle with the default context sizes
 * ```
 */
export function assemblePromptEmbeddings(
  layout: PromptLayout,
  table: TokenEmbeddingTable,
  context: LearnableContext,
): AssembledPrompts {
  const width = tableShape(table)[1];
  checkContextShape(context, layout.config, width);
  const embeddings = embedFrozenTokens(layout, table);
  writeContextRows(layout, context, embeddings);
  return {
    embeddings,
    shape: [layout.count, layout.contextLength, width],
    eot: layout.eot.slice(),
  };
}

/**
 * Assembles E repeatedly for one layout: the frozen rows are looked up once.
 */
export class PromptAssembler {
  /** Layout the assembler was built for. */
  readonly layout: PromptLayout;
  /** Token embedding width. */
  readonly width: number;
  private readonly frozen: Float32Array;

  /**
   * @param layout - Prompt layout.
   * @param table - Token embedding `[vocabSize, width]`.
   */
  constructor(layout: PromptLayout, table: TokenEmbeddingTable) {
    this.layout = layout;
    this.width = tableShape(table)[1];
    this.frozen = embedFrozenTokens(layout, table);
  }

  /** Returns E for the given context (see {@link assemblePromptEmbeddings}). */
  assemble(context: LearnableContext): AssembledPrompts {
    checkContextShape(context, this.layout.config, this.width);
    const embeddings = this.frozen.slice();
    writeContextRows(this.layout, context, embeddings);
    return {
      embeddings,
      shape: [this.layout.count, this.layout.contextLength, this.width],
      eot: this.layout.eot.slice(),
    };
  }
}

function tableShape(table: TokenEmbeddingTable): [number, number] {
  const [vocabSize, width] = table.shape;
  if (
    table.shape.length !== 2 ||
    table.data.length !== vocabSize * width ||
    width < 1
  ) {
    throw new Error(
      `token embedding must be [vocabSize, width] with matching data, got shape ` +
        `[${table.shape.join(", ")}] and ${table.data.length} values`,
    );
  }
  return [vocabSize, width];
}

/** Throws unless `values` contains `[prompts, contextLength, width]` numbers. */
function checkLength(
  values: Float32Array,
  layout: PromptLayout,
  width: number,
  name: string,
): void {
  const expected = layout.count * layout.contextLength * width;
  if (values.length !== expected) {
    throw new Error(
      `${name} has ${values.length} values; expected ${layout.count} prompts × ` +
        `${layout.contextLength} tokens × ${width} = ${expected}`,
    );
  }
}
