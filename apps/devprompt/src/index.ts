/**
 * The `devprompt` command and the building blocks it composes: anomaly-map
 * maths, the optimiser and learning-rate schedule, run-directory files,
 * config files and console output.
 *
 * @packageDocumentation
 * @module @devprompt/devprompt
 */
export * from "./maps";
export * from "./train";
export * from "./io";
export {
  configureLogging,
  createLogger,
  currentVerbosity,
  repeatedWarningCounts,
} from "./log/logger";
export type { LogLevel, LogSink, Logger, Verbosity } from "./log/logger";
export { createProgress } from "./log/progress";
export type { Progress, ProgressOptions, ProgressStream } from "./log/progress";
export { loadConfigFile } from "./config/config-file";
export type { ConfigFile } from "./config/config-file";
export { resolveOptions } from "./config/resolve-options";
export type { OptionSource, ResolvedOptions } from "./config/resolve-options";
export { RUN_CONFIG_FILE, writeRunConfig } from "./config/run-config";
export type { RunConfig } from "./config/run-config";
export { NotWiredError } from "./cli/command-definition";
export type {
  CommandContext,
  CommandDefinition,
  CommandIo,
} from "./cli/command-definition";
export { camelCase, flagOf, kebabCase } from "./cli/option-spec";
export type { ArgumentSpec, OptionKind, OptionSpec } from "./cli/option-spec";
export { parseOptionValue } from "./cli/parse-option-value";
export type { OptionValue, ValueOrigin } from "./cli/parse-option-value";
export { GLOBAL_OPTIONS } from "./cli/global-options";
export { PROCESS_IO, buildProgram, runCli } from "./cli/program";
export { COMMANDS } from "./commands";
export { CREATED_BY, DEVPROMPT_VERSION } from "./version";
export { checkDataset } from "./check-data/check-dataset";
export type { CheckDatasetOptions } from "./check-data/check-dataset";
export { failedClassSummary, summariseClass } from "./check-data/class-summary";
export type {
  ClassSummary,
  DataProblem,
  DefectTypeCount,
} from "./check-data/class-summary";
export { formatDataReport } from "./check-data/data-report";
export type { DataReport } from "./check-data/data-report";
