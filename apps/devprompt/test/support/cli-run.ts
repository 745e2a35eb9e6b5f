import { runCli } from "../../src/cli/program";
import { COMMANDS } from "../../src/commands";
import { fakeIo } from "./fake-io";

/** Exit code and collected output of one command run. */
export interface CliResult {
  /** Exit code, 0 on success. */
  code: number;
  /** Everything written to stdout. */
  stdout: string;
  /** Everything written to stderr. */
  stderr: string;
}

/**
 * Runs a devprompt command line with collected output.
 *
 * @param argv - arguments after the program name
 * @returns exit code and output
 */
export async function runCommand(argv: string[]): Promise<CliResult> {
  const { out, err, io } = fakeIo();
  const code = await runCli(argv, COMMANDS, io);
  return { code, stdout: out.join(""), stderr: err.join("") };
}

/**
 * Runs `devprompt train --quiet` on a folder dataset.
 *
 * @param run - model, dataset root, class, run directory and epochs
 * @param extra - further flags
 * @returns exit code and output
 */
export function trainFolder(
  run: {
    model: string;
    root: string;
    category: string;
    out: string;
    epochs: number;
  },
  extra: string[] = [],
): Promise<CliResult> {
  return runCommand([
    "train",
    "--model",
    run.model,
    "--dataset",
    "folder",
    "--root",
    run.root,
    "--category",
    run.category,
    "--out",
    run.out,
    "--epochs",
    String(run.epochs),
    "--quiet",
    ...extra,
  ]);
}
