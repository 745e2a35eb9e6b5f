import type {
  ClipArchitecture,
  PreprocessConfig,
  TextConfig,
  VisionConfig,
} from "./types";

/**
 * Lists every rule a CLIP architecture breaks, as readable sentences; an empty
 * list means the architecture is usable.
 *
 * @param arch - Architecture to check.
 * @returns One message per broken rule.
 */
export function findArchitectureProblems(arch: ClipArchitecture): string[] {
  const problems: string[] = [];

  const positiveInteger = (label: string, value: unknown): void => {
    if (typeof value !== "number" || !Number.isInteger(value) || value <= 0) {
      problems.push(
        `${label} must be a positive integer, got ${String(value)}`,
      );
    }
  };

  if (typeof arch.name !== "string" || arch.name.length === 0) {
    problems.push(`name must be a non-empty string, got ${String(arch.name)}`);
  }

  positiveInteger("embedDim", arch.embedDim);

  if (arch.activation !== "gelu" && arch.activation !== "quick_gelu") {
    problems.push(
      `activation must be 'gelu' or 'quick_gelu', got ${String(arch.activation)}`,
    );
  }

  const vision: Partial<VisionConfig> = arch.vision ?? {};
  for (const key of [
    "imageSize",
    "patchSize",
    "width",
    "layers",
    "heads",
    "mlpRatio",
  ] as const) {
    positiveInteger(`vision.${key}`, vision[key]);
  }

  const visionOk = problems.length === 0;
  const imageSize = vision.imageSize ?? 0;
  const patchSize = vision.patchSize ?? 1;
  if (visionOk && imageSize % patchSize !== 0) {
    problems.push(
      `vision.imageSize ${imageSize} must be a multiple of vision.patchSize ${patchSize}`,
    );
  }

  const visionWidth = vision.width ?? 0;
  const visionHeads = vision.heads ?? 1;
  if (visionOk && visionWidth % visionHeads !== 0) {
    problems.push(
      `vision.width ${visionWidth} must be divisible by vision.heads ${visionHeads}`,
    );
  }

  const text: Partial<TextConfig> = arch.text ?? {};
  for (const key of [
    "contextLength",
    "vocabSize",
    "width",
    "heads",
    "layers",
    "mlpRatio",
  ] as const) {
    positiveInteger(`text.${key}`, text[key]);
  }

  const textWidth = text.width ?? 0;
  const textHeads = text.heads ?? 0;
  const textShapeOk =
    Number.isInteger(textWidth) && Number.isInteger(textHeads);
  if (textShapeOk && textHeads > 0 && textWidth % textHeads !== 0) {
    problems.push(
      `text.width ${textWidth} must be divisible by text.heads ${textHeads}`,
    );
  }

  return problems;
}

/**
 * Throws when an architecture breaks a rule, listing every broken rule.
 *
 * @param arch - Architecture to check.
 * @throws Error naming the architecture and each problem.
 */
export function validateArchitecture(arch: ClipArchitecture): void {
  const problems = findArchitectureProblems(arch);
  if (problems.length > 0) {
    throw new Error(
      `invalid CLIP architecture '${String(arch.name)}': ${problems.join("; ")}`,
    );
  }
}

/**
 * Throws when a preprocessing record is unusable, listing every problem.
 *
 * @param preprocess - Record to check.
 * @param label - Where the record came from, used in the message.
 * @throws Error naming `label` and each problem.
 */
export function validatePreprocess(
  preprocess: PreprocessConfig,
  label: string,
): void {
  const problems: string[] = [];

  if (!Number.isInteger(preprocess.size) || preprocess.size <= 0) {
    problems.push(`size must be a positive integer, got ${preprocess.size}`);
  }

  const triple = (key: "mean" | "std", positive: boolean): void => {
    const value = preprocess[key];
    const ok =
      Array.isArray(value) &&
      value.length === 3 &&
      value.every(
        (v) =>
          typeof v === "number" && Number.isFinite(v) && (!positive || v > 0),
      );
    if (!ok) {
      const rule = positive ? "three positive numbers" : "three finite numbers";
      problems.push(`${key} must be ${rule}, got ${JSON.stringify(value)}`);
    }
  };
  triple("mean", false);
  triple("std", true);

  if (!["bicubic", "bilinear", "nearest"].includes(preprocess.interpolation)) {
    problems.push(
      `interpolation must be bicubic, bilinear or nearest, got ${String(preprocess.interpolation)}`,
    );
  }

  if (!["shortest", "squash"].includes(preprocess.resizeMode)) {
    problems.push(
      `resizeMode must be shortest or squash, got ${String(preprocess.resizeMode)}`,
    );
  }

  if (problems.length > 0) {
    throw new Error(
      `invalid preprocessing in ${label}: ${problems.join("; ")}`,
    );
  }
}
