import { currentVerbosity } from "./logger";

/** Stream a progress bar draws on; `process.stderr` by default. */
export interface ProgressStream {
  /** Writes text without adding a newline. */
  write(text: string): unknown;
  /** True when the stream is an interactive terminal. */
  isTTY?: boolean;
  /** Terminal width in characters, when known. */
  columns?: number;
}

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** Output stream, `process.stderr` by default. */
  stream?: ProgressStream;
  /** Clock in milliseconds; `Date.now` by default (tests pass a fake one). */
  now?: () => number;
  /** Draw even when the verbosity is quiet; false by default. */
  force?: boolean;
}

/** Progress of one stage of work. */
export interface Progress {
  /** Marks `count` more items as done (1 by default) and redraws. */
  tick(count?: number): void;
  /** Finishes the stage and prints its summary line. */
  done(): void;
}

/** Minimum time between two redraws of a terminal bar, in milliseconds. */
const REDRAW_INTERVAL_MS = 100;

/**
 * Starts a progress report for one stage. On a terminal it draws a bar on
 * one line, redrawn at most ten times a second, and replaces it by a
 * summary line when done. On anything else (a pipe, a log file) it prints
 * only the summary line when the stage ends. Nothing is printed with
 * --quiet.
 *
 * @param label - name of the stage, e.g. `extract features`
 * @param total - number of items of the stage, ≥ 0
 * @param options - stream, clock, force
 * @returns the progress handle
 * @example
 * ```ts
 * const bar = createProgress('train', 100);
 * for (let epoch = 0; epoch < 100; epoch++) { step(); bar.tick(); }
 * bar.done(); // "train: 100/100 in 41.2 s"
 * ```
 */
export function createProgress(
  label: string,
  total: number,
  options: ProgressOptions = {},
): Progress {
  const stream = options.stream ?? process.stderr;
  const now = options.now ?? Date.now;
  const enabled = options.force === true || currentVerbosity() !== "quiet";
  const terminal = stream.isTTY === true;
  const start = now();
  let completed = 0;
  let lastDraw = -Infinity;
  let finished = false;

  const draw = (): void => {
    const width = Math.max(
      10,
      Math.min(40, (stream.columns ?? 80) - label.length - 30),
    );
    const fraction = total > 0 ? Math.min(1, completed / total) : 1;
    const filled = Math.round(fraction * width);
    const bar = `${"#".repeat(filled)}${".".repeat(width - filled)}`;
    const elapsed = formatSeconds(now() - start);
    stream.write(`\r${label} [${bar}] ${completed}/${total} ${elapsed}\x1b[K`);
  };

  return {
    tick(count = 1) {
      completed += count;
      if (!enabled || !terminal || finished) return;
      const t = now();
      if (t - lastDraw >= REDRAW_INTERVAL_MS) {
        lastDraw = t;
        draw();
      }
    },
    done() {
      if (finished) return;
      finished = true;
      if (!enabled) return;
      const summary = `${label}: ${completed}/${total} in ${formatSeconds(now() - start)}`;
      stream.write(terminal ? `\r${summary}\x1b[K\n` : `${summary}\n`);
    },
  };
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
