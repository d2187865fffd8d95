// WorkerMLP: a net that lives in a dedicated worker (MLP.create/fromJSON/load with
// `worker: true`), on the caller's side. Its methods are MLP's and return promises; each
// posts the call to the worker (worker-host.ts), which runs it on its MLP, so the results
// are the in-thread net's to the bit. What cannot be posted stays here: onEpochEnd runs on
// this thread (the worker waits for its answer after each report), a signal's abort is
// forwarded, and the user's own error object is what a throwing callback rejects with.
// Disposal and BUSY are decided here, as MLP decides them, without asking the worker.
import { MLPError, oneLine } from '../api/errors.ts';
import type { Dataset, Evaluation } from '../api/net-types.ts';
import { checkDataset, checkFitOptions, type CreateSettings, type LoadSettings } from '../api/options.ts';
import type { CreateOptions, FitOptions, LoadOptions, SaveOptions } from '../api/options.generated.ts';
import type { Matrix } from '../api/rows.ts';
import { fitCannotAwait, type History } from '../api/training.ts';
import type { BackendName } from '../api/validate.ts';
import { kernelModule, simdSupported, type KernelKind } from '../backends/wasm/kernel.ts';
import { threadsUnavailable } from '../backends/wasm/threads.ts';
import type { ModelJSON } from '../io/model-json.ts';
import { CallFailure, WorkerChannel, type Answer } from './worker-channel.ts';
import type { EpochAnswer, FitHooks, NetMethod, NetSnapshot, OpenMethod, OutStandIn } from './worker-protocol.ts';
import { fromWire } from './worker-protocol.ts';

/** A worker net's worker ends when the net is collected without dispose(). */
const reclaim = new FinalizationRegistry<WorkerChannel>((channel) => channel.terminate());

/** WorkerMLP's constructor, for openWorkerNet only (the class has no public way to make one). */
let construct: (channel: WorkerChannel, snapshot: NetSnapshot) => WorkerMLP;

/** Starts a worker and makes its net there (MLP.create, fromJSON or load with these arguments). */
export async function openWorkerNet(how: OpenMethod, args: unknown[], kinds: readonly KernelKind[]): Promise<WorkerMLP> {
  // The worker instantiates the kernel this thread compiled: it never compiles bytes itself.
  const modules: Partial<Record<KernelKind, WebAssembly.Module>> = {};
  for (const kind of kinds) modules[kind] = await kernelModule(kind);
  const channel = new WorkerChannel();
  try {
    const { snapshot } = await post(channel, `MLP.${how}`, { type: 'open', how, args, modules }).answer;
    return construct(channel, snapshot!);
  } catch (error) {
    channel.terminate();
    throw error instanceof CallFailure ? failure(error) : error;
  }
}

/**
 * A net in a dedicated Worker (a worker_thread in Node): MLP's methods, each returning a
 * promise of what MLP's returns, bit for bit. Its getters are snapshots kept on this side.
 */
export class WorkerMLP {
  readonly #channel: WorkerChannel;
  readonly #snapshot: NetSnapshot;
  #disposed = false;
  /** A fit under way: only calls from its onEpochEnd may use the net meanwhile. */
  #training: 'fit' | 'fitAsync' | undefined;
  #inCallback = false;
  /** The seed the parameters were drawn with (undefined for a net loaded from JSON). */
  readonly seed: number | undefined;

  static {
    construct = (channel, snapshot) => new WorkerMLP(channel, snapshot);
  }

  private constructor(channel: WorkerChannel, snapshot: NetSnapshot) {
    this.#channel = channel;
    this.#snapshot = snapshot;
    this.seed = snapshot.seed;
    reclaim.register(this, channel, channel);
  }

  get layers(): number[] {
    return [...this.#alive('layers').layers];
  }

  get backend(): BackendName {
    return this.#alive('backend').backend;
  }

  get simd(): boolean {
    return this.#alive('simd').simd;
  }

  get threads(): number {
    return this.#alive('threads').threads;
  }

  get classes(): string[] | null {
    const { classes } = this.#alive('classes');
    return classes && [...classes];
  }

  /** MLP.fit in the worker: the same history and parameters, bit for bit. */
  fit(data: Matrix | Dataset, targets?: Matrix | FitOptions, options?: FitOptions): Promise<History> {
    return this.#fit('fit', data, targets, options);
  }

  /** As fit; onEpochEnd may also return a promise, which the fit waits for. */
  fitAsync(data: Matrix | Dataset, targets?: Matrix | FitOptions, options?: FitOptions): Promise<History> {
    return this.#fit('fitAsync', data, targets, options);
  }

  async predict(inputs: Matrix): Promise<number[][]> {
    this.#use('predict');
    const { value } = await this.#call('predict', [compact(inputs)]);
    const flat = value as Float64Array;
    const width = this.#snapshot.layers[this.#snapshot.layers.length - 1];
    const rows: number[][] = new Array(flat.length / width);
    for (let r = 0; r < rows.length; r++) rows[r] = Array.from(flat.subarray(r * width, (r + 1) * width));
    return rows;
  }

  /**
   * predictInto: the outputs arrive in a transferred buffer and are copied into `out` (or
   * are the returned array); an `out` on a SharedArrayBuffer is written by the worker itself.
   */
  async predictInto(inputs: Matrix, out?: Float64Array): Promise<Float64Array> {
    this.#use('predictInto');
    const standIn = outStandIn(out);
    const { value } = await this.#call('predictInto', [compact(inputs)], standIn);
    if (standIn.kind === 'shared') return out!;
    if (standIn.kind === 'float64') return out!.set(value as Float64Array), out!;
    return value as Float64Array;
  }

  async predictClass(inputs: Matrix): Promise<number[] | string[]> {
    this.#use('predictClass');
    return (await this.#call('predictClass', [compact(inputs)])).value as number[] | string[];
  }

  async evaluate(inputs: Matrix | Dataset, targets?: Matrix): Promise<Evaluation> {
    this.#use('evaluate');
    return (await this.#call('evaluate', [compact(inputs), compact(targets)])).value as Evaluation;
  }

  async toJSON(options?: SaveOptions | string): Promise<ModelJSON> {
    this.#use('toJSON');
    return (await this.#call('toJSON', [options])).value as ModelJSON;
  }

  /** Writes the model file from the worker (Node). */
  async save(path: string, options?: SaveOptions): Promise<void> {
    this.#use('toJSON');
    await this.#call('save', [path, options]);
  }

  /** Frees the net and ends its worker; any later use throws. A fit under way fails with DISPOSED. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    reclaim.unregister(this.#channel);
    try {
      await this.#call('dispose', []);
    } catch {
      // A worker that is gone has nothing left to free.
    } finally {
      this.#channel.close();
    }
  }

  async #fit(method: 'fit' | 'fitAsync', data: unknown, second: unknown, third: unknown): Promise<History> {
    this.#alive(method);
    if (this.#training !== undefined) throw new MLPError('BUSY', `net.${method} was called while net.${this.#training} is running; await it first`);
    let onEpochEnd: ((stats: never) => unknown) | undefined;
    let signal: AbortSignal | undefined;
    let userError: unknown;
    let hooks: FitHooks | undefined;
    const args = [compact(data), compact(second), compact(third)];
    let sent: { id: number; answer: Promise<Answer> };
    try {
      for (const at of [2, 1]) {
        const options = args[at];
        if (!isOptionsObject(options)) continue;
        const found = fitHooks(options, at);
        if (found === undefined) continue;
        args[at] = found.options;
        ({ onEpochEnd, signal, hooks } = found);
        break;
      }
      sent = this.#channel.request({ type: 'call', method, args, hooks }, undefined, (stats, classes, answer) => {
        this.#snapshot.classes = classes;
        // A net disposed meanwhile calls no more callbacks (its fit fails with DISPOSED).
        if (this.#disposed || onEpochEnd === undefined) return answer('continue');
        const settle = (result: EpochAnswer, error?: unknown) => {
          this.#inCallback = false;
          if (result === 'threw') userError = error;
          answer(result);
        };
        this.#inCallback = true;
        let result: unknown;
        try {
          result = onEpochEnd(stats as never);
        } catch (error) {
          return settle('threw', error);
        }
        if (!isThenable(result)) return settle(result === false ? 'stop' : 'continue');
        if (method === 'fit') {
          // As MLP.fit: the promise's outcome is ignored, and the fit fails (rolled back).
          Promise.resolve(result).catch(() => undefined);
          return settle('threw', fitCannotAwait());
        }
        result.then((value) => settle(value === false ? 'stop' : 'continue'), (error) => settle('threw', error));
      });
    } catch (error) {
      // The arguments could not be posted: MLP's own checks name what is wrong with them.
      throw unpostable(`net.${method}`, error, () => {
        const layers = this.#snapshot.layers;
        const dataset = checkDataset(data, layers[0], layers[layers.length - 1]);
        checkFitOptions(dataset ? second : third);
      });
    }
    const abort = () => this.#channel.notify({ type: 'abort', id: sent.id });
    if (hooks?.signal === false) signal!.addEventListener('abort', abort, { once: true });
    this.#training = method;
    try {
      const { value, classes } = await sent.answer;
      if (classes !== undefined) this.#snapshot.classes = classes;
      return value as History;
    } catch (error) {
      if (!(error instanceof CallFailure)) throw error;
      if (error.classes !== undefined) this.#snapshot.classes = error.classes;
      throw 'callback' in error.error ? userError : fromWire(error.error);
    } finally {
      this.#training = undefined;
      this.#inCallback = false;
      signal?.removeEventListener('abort', abort);
    }
  }

  async #call(method: NetMethod, args: unknown[], out?: OutStandIn): Promise<Answer> {
    try {
      return await post(this.#channel, `net.${method}`, { type: 'call', method, args, out }).answer;
    } catch (error) {
      throw error instanceof CallFailure ? failure(error) : error;
    }
  }

  #alive(what: string): NetSnapshot {
    if (this.#disposed) throw new MLPError('DISPOSED', `net.${what} was used after net.dispose(); create or load a new MLP`);
    return this.#snapshot;
  }

  #use(method: string): void {
    this.#alive(method);
    if (this.#training !== undefined && !this.#inCallback) {
      throw new MLPError('BUSY', `net.${method} was called while net.${this.#training} is running; await it first`);
    }
  }
}

/** Posts a call whose arguments need no checks of MLP's to explain why they cannot be posted. */
function post(channel: WorkerChannel, call: string, message: Parameters<WorkerChannel['request']>[0]) {
  try {
    return channel.request(message);
  } catch (error) {
    throw unpostable(call, error, () => {});
  }
}

/** The error for arguments that could not be posted: MLP's check's, else MLP's "could not be read". */
function unpostable(call: string, error: unknown, check: () => void): unknown {
  if (error instanceof MLPError) return error;
  try {
    check();
  } catch (checked) {
    if (checked instanceof MLPError) return checked;
  }
  const message = error instanceof Error ? error.message : String(error);
  return new MLPError('INVALID_ARGUMENT', `${call}: an argument could not be read (${oneLine(message).slice(0, 120)})`);
}

function failure(error: CallFailure): unknown {
  return 'callback' in error.error ? new MLPError('INTERNAL', 'wasm-mlp internal error: a worker net reported a callback failure outside a fit') : fromWire(error.error);
}

/** The options with onEpochEnd and signal replaced by placeholders the worker fills in; undefined when it has neither. */
function fitHooks(options: Record<string, unknown>, at: number) {
  const onEpochEnd = options.onEpochEnd;
  const signal = options.signal as AbortSignal | undefined;
  const hasCallback = typeof onEpochEnd === 'function';
  const hasSignal = signal !== null && typeof signal === 'object' && typeof signal.aborted === 'boolean' && typeof signal.addEventListener === 'function';
  if (!hasCallback && !hasSignal) return undefined;
  // Assigning to keys it has keeps their order, so the worker checks them in the caller's order.
  const copy = { ...options };
  if (hasCallback) copy.onEpochEnd = null;
  if (hasSignal) copy.signal = null;
  const hooks: FitHooks = { at, onEpochEnd: hasCallback, signal: hasSignal ? signal.aborted : undefined };
  return { options: copy, hooks, onEpochEnd: hasCallback ? (onEpochEnd as (stats: never) => unknown) : undefined, signal: hasSignal ? signal : undefined };
}

function isOptionsObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !ArrayBuffer.isView(value);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as PromiseLike<unknown>).then === 'function';
}

function isShared(array: Float64Array): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && array.buffer instanceof SharedArrayBuffer;
}

/**
 * Rows as they are posted: a Float64Array that views part of a larger buffer is sliced, since
 * posting a view copies its whole buffer; rows on a SharedArrayBuffer are shared, not copied.
 */
function compact<T>(value: T): T {
  if (value instanceof Float64Array && !isShared(value) && value.byteLength !== value.buffer.byteLength) return value.slice() as T;
  return value;
}

function outStandIn(out: unknown): OutStandIn {
  if (out === undefined) return { kind: 'none' };
  if (out instanceof Float64Array) return isShared(out) ? { kind: 'shared', out } : { kind: 'float64', length: out.length };
  return { kind: 'other', type: typeof out };
}

/** The kernel builds a worker net of these settings may instantiate. */
export function kernelKinds(s: { backend: BackendName; simd: boolean | undefined; threads: number }): KernelKind[] {
  if (s.backend === 'js') return [];
  const single: KernelKind = s.simd === false || !simdSupported ? 'scalar' : 'simd';
  return s.threads > 1 && threadsUnavailable() === undefined ? ['threads', single] : [single];
}

/** MLP.create's options for the worker, from the settings checked here (plain data; worker off). */
export function workerCreateOptions(s: CreateSettings): CreateOptions {
  return {
    layers: s.layers, activation: s.activations, alpha: s.alpha, loss: s.loss, init: s.init, seed: s.seed,
    backend: s.backend, simd: s.simd, threads: s.threads, classes: s.classes,
  };
}

/** MLP.fromJSON's and MLP.load's options for the worker (worker off). */
export function workerLoadOptions(s: LoadSettings): LoadOptions {
  return { backend: s.backend, simd: s.simd, threads: s.threads, seed: s.seed };
}
