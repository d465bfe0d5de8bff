/**
 * Context every command receives from the CLI entry point: the writers for
 * results and diagnostics, and the project root for relative defaults.
 */
export interface CommandContext {
  /** Writes one line of results to stdout. */
  out: (line: string) => void;
  /** Writes one line of progress or diagnostics to stderr. */
  log: (line: string) => void;
  /** Directory that contains `rules/`, `kibana/` and `test/fixtures/`. */
  root: string;
  /** True with `--debug`: stack traces and redacted request lines. */
  debug: boolean;
  /** Sets the process exit code without exiting, so output is flushed. */
  setExitCode: (code: ExitCode) => void;
}

/** Exit codes of the `detections` command. */
export const ExitCode = {
  ok: 0,
  /** A check found differences: verify mismatches, a stale build, drift. */
  checkFailed: 1,
  /** Invalid input or usage: a bad rule, file, option or value. */
  invalidInput: 2,
  /** Kibana or Elasticsearch failed, refused or could not be reached. */
  remoteFailed: 3,
  /** A bug in this tool. */
  internal: 70,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
