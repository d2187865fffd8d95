// WorkerMLP: a net that lives in a dedicated worker (MLP.create/fromJSON/load with
// `worker: true`), on the caller's side. This file is what every page carries: the class's
// declaration (for its types and instanceof). The methods' code, the settings a worker net is
// opened with (worker-open.ts), the channel to the worker and the worker's own library are in
// worker-net.ts, which the first worker net loads (the browser bundle's lazy chunk).
import { loadPiece } from '../api/load-piece.ts';
import type { Dataset, Evaluation } from '../api/net-types.ts';
import type { CreateSettings, LoadSettings } from '../api/options.ts';
import type { FitOptions, SaveOptions } from '../api/options.generated.ts';
import type { Matrix } from '../api/rows.ts';
import type { History } from '../api/training.ts';
import type { BackendName } from '../api/validate.ts';
import type { Dtype } from '../backends/layout.ts';
import type { DataSource } from '../data/data-source.ts';
import type { ModelJSON } from '../io/model-json.ts';
import type { OpenMethod } from './worker-protocol.ts';

/**
 * A net in a dedicated Worker (a worker_thread in Node): MLP's methods, each returning a
 * promise of what MLP's returns, bit for bit. Its getters are snapshots kept on this side.
 * Only MLP.create, fromJSON and load make one.
 */
export abstract class WorkerMLP {
  /** The seed the parameters were drawn with (undefined for a net loaded from JSON). */
  abstract readonly seed: number | undefined;
  abstract get layers(): number[];
  abstract get backend(): BackendName;
  abstract get simd(): boolean;
  abstract get threads(): number;
  abstract get dtype(): Dtype;
  abstract get classes(): string[] | null;
  /** MLP.fit in the worker: the same history and parameters, bit for bit. */
  abstract fit(data: Matrix | Dataset, targets?: Matrix | FitOptions, options?: FitOptions): Promise<History>;
  /**
   * As fit; onEpochEnd may also return a promise, which the fit waits for. Given a
   * DataSource, the source stays on this thread and its blocks are moved to the worker as
   * the fit asks for them (one block read ahead).
   */
  abstract fitAsync(source: DataSource, options?: FitOptions): Promise<History>;
  abstract fitAsync(data: Matrix | Dataset, targets?: Matrix | FitOptions, options?: FitOptions): Promise<History>;
  abstract predict(inputs: Matrix): Promise<number[][]>;
  /**
   * predictInto: the outputs arrive in a transferred buffer and are copied into `out` (or
   * are the returned array); an `out` on a SharedArrayBuffer is written by the worker itself.
   */
  abstract predictInto(inputs: Matrix, out?: Float64Array): Promise<Float64Array>;
  abstract predictClass(inputs: Matrix): Promise<number[] | string[]>;
  abstract evaluate(inputs: Matrix | Dataset, targets?: Matrix): Promise<Evaluation>;
  abstract toJSON(options?: SaveOptions | string): Promise<ModelJSON>;
  /** net.toONNX: the model read from the worker, encoded on this thread (Node only). */
  abstract toONNX(options?: { float32?: boolean }): Promise<Uint8Array>;
  /** Writes the model file from the worker (Node); a browser store from this thread (a worker has no localStorage). */
  abstract save(path: string, options?: SaveOptions): Promise<void>;
  /** Frees the net and ends its worker; any later use throws. A fit under way fails with DISPOSED. */
  abstract dispose(): Promise<void>;
}

/**
 * Starts a worker and makes its net there: MLP.create with these settings, or MLP.fromJSON
 * or MLP.load of `subject` (a model, a path) with them.
 */
export async function openWorkerNet(how: OpenMethod, settings: CreateSettings | LoadSettings, subject?: unknown): Promise<WorkerMLP> {
  return (await loadPiece('worker nets', () => import('./worker-net.ts'))).openWorkerNet(how, settings, subject);
}
