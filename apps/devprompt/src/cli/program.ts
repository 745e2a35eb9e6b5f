import { Command, CommanderError, Option } from "commander";
import { loadConfigFile } from "../config/config-file";
import { resolveOptions } from "../config/resolve-options";
import {
  configureLogging,
  createLogger,
  repeatedWarningLines,
} from "../log/logger";
import { DEVPROMPT_VERSION } from "../version";
import type { CommandDefinition, CommandIo } from "./command-definition";
import { GLOBAL_OPTIONS } from "./global-options";
import { flagOf, kebabCase, type OptionSpec } from "./option-spec";

/** Exit status of a run that failed with an error. */
const EXIT_FAILURE = 1;
/** Exit status of a command line that could not be parsed. */
const EXIT_USAGE = 2;

/** Output channels of the real process. */
export const PROCESS_IO: CommandIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: { write: (text) => process.stderr.write(text) },
};

/**
 * Builds the commander program with one subcommand per definition. Every
 * subcommand also gets `--config FILE`, `--verbose` and `--quiet`.
 *
 * @param commands - subcommands to offer
 * @param io - output channels for help and errors
 * @param onRun - receives the definition, raw command-line values, config
 *   path and positional arguments when a subcommand is invoked
 * @returns the configured program
 */
export function buildProgram(
  commands: readonly CommandDefinition[],
  io: CommandIo,
  onRun: (
    definition: CommandDefinition,
    commandLineValues: Record<string, unknown>,
    configPath: string | undefined,
    args: string[],
  ) => Promise<void>,
): Command {
  const program = new Command("devprompt")
    .description(
      "Few-normal-shot industrial anomaly detection with learned CLIP prompts (DevPrompt on the PromptAD pipeline).",
    )
    .version(DEVPROMPT_VERSION)
    .exitOverride()
    .configureOutput({
      writeOut: io.stdout,
      writeErr: (text) => io.stderr.write(text),
    });

  for (const definition of commands) {
    const sub = program
      .command(definition.name)
      .summary(definition.summary)
      .description(definition.description)
      .exitOverride()
      .configureOutput({
        writeOut: io.stdout,
        writeErr: (text) => io.stderr.write(text),
      });

    for (const argument of definition.arguments ?? []) {
      const name = `${argument.name}${argument.variadic ? "..." : ""}`;
      sub.argument(
        argument.required ? `<${name}>` : `[${name}]`,
        argument.description,
      );
    }
    const specs = [...definition.options, ...GLOBAL_OPTIONS];
    for (const spec of specs) addOption(sub, spec);
    sub.addOption(
      new Option(
        "--config <file>",
        "read option values from a JSON or YAML file; command-line flags override them",
      ),
    );

    sub.action(async (...received: unknown[]) => {
      const command = received[received.length - 1] as Command;
      const commandLineValues: Record<string, unknown> = {};
      for (const spec of specs) {
        if (command.getOptionValueSource(spec.key) === "cli")
          commandLineValues[spec.key] = command.getOptionValue(spec.key);
      }
      const args = command.args.filter(
        (a): a is string => typeof a === "string",
      );
      const configPath = command.getOptionValue("config") as string | undefined;
      await onRun(definition, commandLineValues, configPath, args);
    });
  }
  return program;
}

function addOption(command: Command, spec: OptionSpec): void {
  let description = spec.description;
  if (spec.choices) description += ` (choices: ${spec.choices.join(", ")})`;
  if (spec.defaultValue !== undefined && spec.kind !== "boolean") {
    description += ` (default: ${Array.isArray(spec.defaultValue) ? spec.defaultValue.join(",") : spec.defaultValue})`;
  }
  if (spec.required) description += " (required)";
  command.addOption(new Option(flagOf(spec), description));
  if (spec.kind === "boolean") {
    // The negation lets the command line undo a `true` set in a config file.
    command.addOption(
      new Option(
        `--no-${kebabCase(spec.key)}`,
        `undo --${kebabCase(spec.key)}`,
      ).hideHelp(),
    );
  }
}

/**
 * Runs the devprompt command line: parses `argv`, merges the config file,
 * sets the verbosity and runs the chosen command.
 *
 * @param argv - arguments after the program name, e.g. `['train', '--epochs', '5']`
 * @param commands - subcommands to offer
 * @param io - output channels; the real stdout and stderr by default
 * @returns the exit status: 0 on success, 1 when the command failed, 2 for
 *   an invalid command line
 */
export async function runCli(
  argv: readonly string[],
  commands: readonly CommandDefinition[],
  io: CommandIo = PROCESS_IO,
): Promise<number> {
  let verbose = false;
  const program = buildProgram(
    commands,
    io,
    async (definition, commandLineValues, configPath, args) => {
      const config =
        configPath === undefined ? undefined : await loadConfigFile(configPath);
      const resolved = resolveOptions(
        [...definition.options, ...GLOBAL_OPTIONS],
        commandLineValues,
        config,
      );
      verbose = resolved.values.verbose === true;
      if (verbose && resolved.values.quiet === true) {
        throw new Error(
          "--verbose and --quiet cannot be used together; choose one",
        );
      }
      configureLogging(
        verbose
          ? "verbose"
          : resolved.values.quiet === true
            ? "quiet"
            : "normal",
        io.stderr,
      );

      const log = createLogger(definition.name);
      for (const [key, value] of Object.entries(resolved.values)) {
        log.debug(
          `option ${key} = ${JSON.stringify(value)} (${resolved.sources[key]})`,
        );
      }
      try {
        await definition.run({
          options: resolved.values,
          sources: resolved.sources,
          args,
          log,
          io,
        });
      } finally {
        for (const line of repeatedWarningLines()) log.warn(line);
      }
    },
  );

  try {
    await program.parseAsync([...argv], { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version requests end with exit code 0; commander has
      // already printed the usage error otherwise.
      return error.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`devprompt: error: ${message}\n`);
    if (verbose && error instanceof Error && error.stack)
      io.stderr.write(`${error.stack}\n`);
    return EXIT_FAILURE;
  }
}
