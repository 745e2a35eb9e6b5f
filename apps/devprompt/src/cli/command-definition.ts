import type { Logger, LogSink } from "../log/logger";
import type { OptionSource } from "../config/resolve-options";
import type { ArgumentSpec, OptionSpec } from "./option-spec";
import type { OptionValue } from "./parse-option-value";

/** Output channels of the command line program. */
export interface CommandIo {
  /** Results: tables, JSON, final metrics. Printed whatever the verbosity. */
  stdout: (text: string) => void;
  /** Logs, warnings, errors and progress. */
  stderr: LogSink;
}

/** Inputs of a running command. */
export interface CommandContext {
  /** Option values after merging command line, config file and defaults. */
  options: Record<string, OptionValue>;
  /** Source of each option value. */
  sources: Record<string, OptionSource>;
  /** Positional arguments, e.g. image paths. */
  args: string[];
  /** Logger named after the command. */
  log: Logger;
  /** Output channels. */
  io: CommandIo;
}

/** One subcommand of `devprompt`, described as data plus a run function. */
export interface CommandDefinition {
  /** Subcommand name, e.g. `train`. */
  name: string;
  /** One-line summary for the command list. */
  summary: string;
  /** Longer help text shown by `devprompt NAME --help`. */
  description: string;
  /** Options of the command, without the global ones. */
  options: readonly OptionSpec[];
  /** Positional arguments. */
  arguments?: readonly ArgumentSpec[];
  /** Runs the command; rejects with an Error whose message is shown to the user. */
  run(context: CommandContext): Promise<void>;
}

/**
 * Error of a command whose pipeline is not connected to the packages it
 * needs in this build.
 */
export class NotWiredError extends Error {
  /**
   * @param command - subcommand name
   * @param needs - what is missing, e.g. package names
   */
  constructor(command: string, needs: string) {
    super(
      `devprompt ${command} is not available in this build yet: it needs ${needs}, ` +
        "which this version of the command does not use yet",
    );
    this.name = "NotWiredError";
  }
}
