import type { Logger } from "../../src/index";

/** Creates a logger that records warnings for assertions. */
export function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, warn: (message: string) => warnings.push(message) };
}
