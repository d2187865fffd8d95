// Where a command line's output goes: the process's standard streams for the wasm-mlp binary
// (src/cli/bin.ts), or anything else that collects text (a test running commands in-process).
export interface CliIO {
  /** The result: a model with `--out -`, predictions, the summary. */
  stdout(text: string): void;
  /** Progress, warnings moved off standard output, and the one-line error. */
  stderr(text: string): void;
  /** Whether stderr is a terminal: training progress is then a bar redrawn in place. */
  readonly isTTY: boolean;
  /** The terminal's width for the bar, when known. */
  readonly columns?: number;
}
