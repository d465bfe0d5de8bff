/**
 * Progress display for the long steps of live verification (indexing,
 * waiting for Kibana, waiting for rule runs), written to stderr. On a
 * terminal one line is redrawn in place. Elsewhere (CI logs, files) a line
 * is written when a step starts, at most every `quietIntervalMs` while it
 * runs, and when it ends.
 */

export interface ProgressOptions {
  /** Writes text to stderr as is, without adding a line break. */
  write: (text: string) => void;
  /** Whether stderr is a terminal, so a line can be redrawn. */
  isTTY: boolean;
  /** Milliseconds since some fixed point; tests pass a fake clock. */
  now?: () => number;
  /** Minimum time between progress lines when not on a terminal. */
  quietIntervalMs?: number;
}

/** One long step: start it, report as it advances, then end it. */
export interface ProgressStep {
  /** Reports a short status, such as "2 of 4 rules ran". */
  update(status: string): void;
  /** Ends the step with a final status; prints the elapsed time. */
  finish(status: string): void;
  /** Ends the step as failed. */
  fail(status: string): void;
}

export interface Progress {
  start(label: string): ProgressStep;
}

/** Creates a progress display. */
export function createProgress(options: ProgressOptions): Progress {
  const now = options.now ?? (() => Date.now());
  const quietIntervalMs = options.quietIntervalMs ?? 10_000;
  return {
    start(label: string): ProgressStep {
      const startedAt = now();
      let lastPrinted = startedAt;
      let open = true;
      const elapsed = (): string => formatElapsed(now() - startedAt);
      const line = (status: string): string =>
        `${label}: ${status} (${elapsed()})`;

      if (options.isTTY) options.write(`${label}...`);
      else options.write(`${label}...\n`);

      const end = (status: string): void => {
        if (!open) return;
        open = false;
        options.write(
          options.isTTY ? `\r\x1b[2K${line(status)}\n` : `${line(status)}\n`,
        );
      };
      return {
        update(status: string): void {
          if (!open) return;
          if (options.isTTY) {
            options.write(`\r\x1b[2K${line(status)}`);
            return;
          }
          if (now() - lastPrinted < quietIntervalMs) return;
          lastPrinted = now();
          options.write(`${line(status)}\n`);
        },
        finish: end,
        fail: (status: string) => end(`failed: ${status}`),
      };
    },
  };
}

/** Formats milliseconds as "0.4 s", "12 s" or "3 min 05 s". */
export function formatElapsed(ms: number): string {
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${String(seconds % 60).padStart(2, "0")} s`;
}

/** A progress display that writes nothing, for library callers and tests. */
export const silentProgress: Progress = {
  start: () => ({ update: () => {}, finish: () => {}, fail: () => {} }),
};
