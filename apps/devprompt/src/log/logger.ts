/** Severity of a log message, from most to least detailed. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/**
 * How much the command prints on stderr: `quiet` shows errors only,
 * `normal` warnings, errors and progress, `verbose` everything.
 */
export type Verbosity = "quiet" | "normal" | "verbose";

/** Destination of log lines; stderr by default. */
export interface LogSink {
  /** Writes one line; the sink adds no newline of its own. */
  write(text: string): void;
}

/** A named logger. */
export interface Logger {
  /** Name shown in front of each message, e.g. `train`. */
  readonly name: string;
  /** Logs detail shown only with --verbose. */
  debug(message: string): void;
  /** Logs a step shown only with --verbose. */
  info(message: string): void;
  /** Logs a problem the run survives. */
  warn(message: string): void;
  /**
   * Logs a warning the first time `key` is seen and counts later repeats,
   * so that a warning raised per image is printed once.
   */
  warnOnce(key: string, message: string): void;
  /** Logs an error. */
  error(message: string): void;
}

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

const LOWEST_LEVEL: Record<Verbosity, LogLevel> = {
  quiet: "error",
  normal: "warn",
  verbose: "debug",
};

interface LogSettings {
  verbosity: Verbosity;
  sink: LogSink;
  seenWarnings: Map<string, number>;
  firstWarnings: Map<string, string>;
}

const settings: LogSettings = {
  verbosity: "normal",
  sink: { write: (text) => process.stderr.write(text) },
  seenWarnings: new Map(),
  firstWarnings: new Map(),
};

/**
 * Sets the verbosity and, optionally, the sink of every logger. Loggers
 * created earlier follow the new settings.
 *
 * @param verbosity - quiet, normal or verbose
 * @param sink - destination of log lines; unchanged when omitted
 */
export function configureLogging(verbosity: Verbosity, sink?: LogSink): void {
  settings.verbosity = verbosity;
  if (sink) settings.sink = sink;
  settings.seenWarnings.clear();
  settings.firstWarnings.clear();
}

/**
 * Returns the current verbosity.
 *
 * @returns the value last passed to {@link configureLogging}, `normal` by default
 */
export function currentVerbosity(): Verbosity {
  return settings.verbosity;
}

/**
 * Returns how many times each `warnOnce` key was raised since logging was
 * last configured, for a summary at the end of a run.
 *
 * @returns a copy of the counts by key
 */
export function repeatedWarningCounts(): Map<string, number> {
  return new Map(settings.seenWarnings);
}

/**
 * Describes each `warnOnce` warning that was raised more than once since
 * logging was last configured, for the end of a command.
 *
 * @returns one line per repeated warning, e.g. `3 more like: ...`
 */
export function repeatedWarningLines(): string[] {
  const lines: string[] = [];
  for (const [key, count] of settings.seenWarnings) {
    if (count > 1) {
      lines.push(
        `${count - 1} more like: ${settings.firstWarnings.get(key) ?? key}`,
      );
    }
  }
  return lines;
}

/**
 * Creates a logger that prefixes its lines with `name` and writes to the
 * shared sink. Messages below the current verbosity are dropped.
 *
 * @param name - module or command name
 * @returns the logger
 * @example
 * ```ts
 * const log = createLogger('eval');
 * log.warn('mask missing for test/crack/017.png; pixel metrics skip it');
 * // stderr: "devprompt eval: warning: mask missing for ..."
 * ```
 */
export function createLogger(name: string): Logger {
  const emit = (level: LogLevel, message: string): void => {
    if (RANK[level] < RANK[LOWEST_LEVEL[settings.verbosity]]) return;
    const tag = level === "warn" ? "warning" : level;
    settings.sink.write(`devprompt ${name}: ${tag}: ${message}\n`);
  };

  return {
    name,
    debug: (message) => emit("debug", message),
    info: (message) => emit("info", message),
    warn: (message) => emit("warn", message),
    warnOnce: (key, message) => {
      const count = settings.seenWarnings.get(key) ?? 0;
      settings.seenWarnings.set(key, count + 1);
      if (count === 0) {
        settings.firstWarnings.set(key, message);
        emit(
          "warn",
          `${message} (repeats are not printed; their count follows at the end)`,
        );
      }
    },
    error: (message) => emit("error", message),
  };
}
