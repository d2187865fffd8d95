// The messages between a worker net (WorkerMLP, on the caller's thread) and the worker that
// holds its MLP (worker-host.ts). Every call carries an id; the worker answers each with one
// `done` or `failed`, and a fit with onEpochEnd sends an `epoch` per report, to which the
// caller answers with an `epoch-answer` before the fit goes on. Errors travel as their code
// and message and are rebuilt as MLPErrors on the caller's side.
import { MLPError, type MLPErrorCode } from '../api/errors.ts';
import type { EpochStats } from '../api/options.ts';
import type { BackendName } from '../api/validate.ts';
import type { Dtype } from '../backends/layout.ts';
import type { KernelKind } from '../backends/wasm/kernel.ts';

/** How a worker's net comes to be: MLP.create, MLP.fromJSON or MLP.load, with their arguments. */
export type OpenMethod = 'create' | 'fromJSON' | 'load';

/** The net's methods a caller can call; each runs the MLP method of the same name in the worker. */
export type NetMethod = 'fit' | 'fitAsync' | 'predict' | 'predictInto' | 'predictClass' | 'evaluate' | 'toJSON' | 'save' | 'dispose';

/**
 * A fit's options that cannot be posted (functions, an AbortSignal): `at` is the argument
 * that holds the options; the worker puts its own stand-ins under the same keys.
 */
export interface FitHooks {
  at: number;
  /** The caller has an onEpochEnd: the worker asks it after each report. */
  onEpochEnd: boolean;
  /** The caller passed a signal: whether it was aborted already (later aborts send `abort`). */
  signal: boolean | undefined;
  /**
   * A streamed fit: the DataSources stay with the caller, which feeds their blocks on the
   * worker's `pull`s; args[0] and the options' validationSource hold SourceStandIns.
   */
  sources?: boolean;
}

/** Which of a fit's sources a pull reads: the one trained on, or validationSource. */
export type SourceName = 'source' | 'validationSource';

/** What the worker knows of a caller's DataSource: its name and what it says of its columns. */
export interface SourceStandIn {
  streamed: SourceName;
  classes?: unknown;
  features?: unknown;
  target?: unknown;
}

/** The caller's answer to a pull: the pass's next block, its end, or why it failed. */
export type BlockAnswer = { block: unknown } | { done: true } | { error: WireError } | { thrown: string };

/** What predictInto's `out` was, so that the worker checks a stand-in of the same kind. */
export type OutStandIn =
  | { kind: 'none' }
  | { kind: 'float64'; length: number }
  | { kind: 'shared'; out: Float64Array }
  | { kind: 'cloned'; value: unknown }
  | { kind: 'other'; type: string };

/**
 * The caller's answer to an epoch report: go on, stop (onEpochEnd returned false), or fail
 * the fit with the caller's error (onEpochEnd threw, or returned a promise to fit).
 */
export type EpochAnswer = 'continue' | 'stop' | 'threw';

export type ToWorker =
  | { type: 'open'; id: number; how: OpenMethod; args: unknown[]; modules: Partial<Record<KernelKind, WebAssembly.Module>> }
  | { type: 'call'; id: number; method: NetMethod; args: unknown[]; hooks?: FitHooks; out?: OutStandIn }
  | { type: 'epoch-answer'; id: number; answer: EpochAnswer }
  | { type: 'abort'; id: number }
  | ({ type: 'block'; id: number; source: SourceName; pass: number } & BlockAnswer);

/** What the caller shows of the net without asking the worker (MLP's read-only getters). */
export interface NetSnapshot {
  layers: number[];
  backend: BackendName;
  simd: boolean;
  threads: number;
  classes: string[] | null;
  seed: number | undefined;
  dtype: Dtype;
}

/** An error as it travels: an MLPError's code and message, or "the caller's own onEpochEnd threw". */
export type WireError = { code: MLPErrorCode; message: string } | { callback: true };

export type FromWorker =
  | { type: 'done'; id: number; value: unknown; classes?: string[] | null; snapshot?: NetSnapshot }
  | { type: 'failed'; id: number; error: WireError; classes?: string[] | null }
  | { type: 'epoch'; id: number; stats: EpochStats; classes: string[] | null }
  /** A streamed fit asks for pass `pass`'s next block of a source (the first pull of a pass starts it). */
  | { type: 'pull'; id: number; source: SourceName; pass: number }
  /** A streamed fit is done with a pass early: the caller closes its iterator. */
  | { type: 'close-pass'; id: number; source: SourceName; pass: number };

/** Any error thrown in the worker, as it travels: MLPErrors keep their code and message. */
export function toWire(error: unknown): WireError {
  if (error instanceof MLPError) return { code: error.code, message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message: `wasm-mlp internal error in a worker net: ${message}` };
}

export function fromWire(error: { code: MLPErrorCode; message: string }): MLPError {
  return new MLPError(error.code, error.message);
}
