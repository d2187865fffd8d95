// A worker net's caller side (loaded on first use of `worker: true`, see worker-mlp.ts): the
// WorkerMLP its methods run on. Each posts the call to the worker (worker-host.ts), which runs
// it on its MLP, so the results are the in-thread net's to the bit. What cannot be posted
// stays here: onEpochEnd runs on this thread (the worker waits for its answer after each
// report), a signal's abort is forwarded, a DataSource's blocks are fed to the worker as it
// pulls them, and the user's own error object is what a throwing callback rejects with.
// Disposal and BUSY are decided here, as MLP decides them, without asking the worker.
import type { Dtype } from '../backends/layout.ts';
import { MLPError, oneLine } from '../api/errors.ts';
import type { Dataset, Evaluation } from '../api/net-types.ts';
import { checkDataset, checkFitOptions, type CreateSettings, type LoadSettings } from '../api/options.ts';
import type { FitOptions, SaveOptions } from '../api/options.generated.ts';
import type { Matrix } from '../api/rows.ts';
import { fitCannotAwait, type History } from '../api/training.ts';
import type { BackendName } from '../api/validate.ts';
import { kernelModule, type KernelKind } from '../backends/wasm/kernel.ts';
import { loadThreadPool } from '../backends/create-backend.ts';
import type { ModelJSON } from '../io/model-json.ts';
import { onnxEncoder } from '../io/onnx-plugin.ts';
import { loadPiece, modelStore } from '../api/load-piece.ts';
import { WorkerMLP } from './worker-mlp.ts';
import { CallFailure, WorkerChannel, type Answer } from './worker-channel.ts';
import { isShared, packRows } from './pack-rows.ts';
import { SourceFeed } from './source-feed.ts';
import { isDataSource, type DataSource } from '../data/data-source.ts';
import type { EpochAnswer, FitHooks, NetMethod, NetSnapshot, OpenMethod, OutStandIn, SourceStandIn } from './worker-protocol.ts';
import { fromWire } from './worker-protocol.ts';
import { openArguments } from './worker-open.ts';

/** A worker net's worker ends when the net is collected without dispose(). */
const reclaim = new FinalizationRegistry<WorkerChannel>((channel) => channel.terminate());

/** Starts a worker and makes its net there (see worker-mlp.ts openWorkerNet). */
export async function openWorkerNet(how: OpenMethod, settings: CreateSettings | LoadSettings, subject?: unknown): Promise<WorkerMLP> {
  // Whether threads can run here is the thread pool's piece's to say (fetched only for threads).
  const threadsUnavailable = settings.threads > 1 && settings.backend === 'wasm' ? (await loadThreadPool()).threadsUnavailable() : undefined;
  const { args, kinds } = openArguments(how, settings, subject, threadsUnavailable);
  // The worker instantiates the kernel this thread compiled: it never compiles bytes itself.
  const modules: Partial<Record<KernelKind, WebAssembly.Module>> = {};
  for (const kind of kinds) modules[kind] = await kernelModule(kind);
  // What MLP would say about arguments that cannot be posted: a path, or a model, it cannot read.
  const parseModel = how === 'fromJSON' ? (await loadPiece('model reader', () => import('../io/model-reader.ts'))).parseModel : undefined;
  const channel = new WorkerChannel();
  try {
    // A path's checks are the model store's (a lazy piece), as for MLP.load.
    const files = how === 'load' ? await modelStore() : undefined;
    const check = files ? () => (files.storage(), files.checkPath(args[0])) : parseModel ? () => parseModel(args[0]) : () => {};
    const { snapshot } = await post(channel, `MLP.${how}`, { type: 'open', how, args, modules }, [], check).answer;
    return new WorkerNet(channel, snapshot!);
  } catch (error) {
    channel.terminate();
    throw error instanceof CallFailure ? failure(error) : error;
  }
}

/** WorkerMLP's methods: its getters are snapshots kept on this side. */
class WorkerNet extends WorkerMLP {
  readonly #channel: WorkerChannel;
  readonly #snapshot: NetSnapshot;
  #disposed = false;
  /** A fit under way: only calls from its onEpochEnd may use the net meanwhile. */
  #training: 'fit' | 'fitAsync' | undefined;
  #inCallback = false;
  readonly seed: number | undefined;

  constructor(channel: WorkerChannel, snapshot: NetSnapshot) {
    super();
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

  get dtype(): Dtype {
    return this.#alive('dtype').dtype;
  }

  get classes(): string[] | null {
    const { classes } = this.#alive('classes');
    return classes && [...classes];
  }

  fit(data: Matrix | Dataset, targets?: Matrix | FitOptions, options?: FitOptions): Promise<History> {
    return this.#fit('fit', data, targets, options);
  }

  fitAsync(source: DataSource, options?: FitOptions): Promise<History>;
  fitAsync(data: Matrix | Dataset, targets?: Matrix | FitOptions, options?: FitOptions): Promise<History>;
  fitAsync(data: Matrix | Dataset | DataSource, targets?: Matrix | FitOptions, options?: FitOptions): Promise<History> {
    return this.#fit('fitAsync', data, targets, options);
  }

  async predict(inputs: Matrix): Promise<number[][]> {
    this.#use('predict');
    const { value } = await this.#call('predict', (transfer) => [this.#rows(inputs, 'input', transfer)]);
    const flat = value as Float64Array;
    const width = this.#snapshot.layers[this.#snapshot.layers.length - 1];
    const rows: number[][] = new Array(flat.length / width);
    for (let r = 0; r < rows.length; r++) rows[r] = Array.from(flat.subarray(r * width, (r + 1) * width));
    return rows;
  }

  async predictInto(inputs: Matrix, out?: Float64Array): Promise<Float64Array> {
    this.#use('predictInto');
    const standIn = outStandIn(out);
    const { value } = await this.#call('predictInto', (transfer) => [this.#rows(inputs, 'input', transfer)], standIn);
    if (standIn.kind === 'shared') return out!;
    if (standIn.kind === 'float64') return out!.set(value as Float64Array), out!;
    return value as Float64Array;
  }

  async predictClass(inputs: Matrix): Promise<number[] | string[]> {
    this.#use('predictClass');
    return (await this.#call('predictClass', (transfer) => [this.#rows(inputs, 'input', transfer)])).value as number[] | string[];
  }

  async evaluate(inputs: Matrix | Dataset, targets?: Matrix): Promise<Evaluation> {
    this.#use('evaluate');
    return (await this.#call('evaluate', (transfer) => this.#labelled(inputs, targets, transfer))).value as Evaluation;
  }

  async toJSON(options?: SaveOptions | string): Promise<ModelJSON> {
    this.#use('toJSON');
    return (await this.#call('toJSON', () => [options])).value as ModelJSON;
  }

  async toONNX(options?: { float32?: boolean }): Promise<Uint8Array> {
    this.#use('toONNX');
    const encode = onnxEncoder();
    return encode(await this.toJSON(), options);
  }

  async save(path: string, options?: SaveOptions): Promise<void> {
    this.#use('save');
    const store = await modelStore();
    if (store.browserLocation(path)) return store.writeModel(path, await this.toJSON(options ?? {}));
    await this.#call('save', () => [path, options]);
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    reclaim.unregister(this.#channel);
    try {
      await this.#call('dispose', () => []);
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
    let sent: { id: number; answer: Promise<Answer> };
    let feed: SourceFeed | undefined;
    let sources: { source: DataSource; validationSource?: DataSource } | undefined;
    if (isDataSource(data) && method === 'fit') throw new MLPError('INVALID_ARGUMENT', 'net.fit cannot train on a DataSource: its blocks arrive asynchronously; use await net.fitAsync(source, options)');
    try {
      const transfer: Transferable[] = [];
      let args: unknown[];
      if (isDataSource(data)) {
        // The sources stay here; the worker gets stand-ins, and pulls their blocks.
        const options = isOptionsObject(second) ? { ...second } : second;
        sources = { source: data };
        if (isOptionsObject(options) && isDataSource(options.validationSource)) {
          sources.validationSource = options.validationSource;
          options.validationSource = sourceStandIn('validationSource', options.validationSource);
        }
        args = [sourceStandIn('source', data), options];
      } else {
        args = [...this.#labelled(data, second, transfer), third];
      }
      for (const at of [2, 1]) {
        const options = args[at];
        if (!isOptionsObject(options)) continue;
        const found = fitHooks(options, at);
        if (found === undefined) continue;
        args[at] = found.options;
        ({ onEpochEnd, signal, hooks } = found);
        break;
      }
      if (sources) hooks = { ...(hooks ?? { at: 1, onEpochEnd: false, signal: undefined }), sources: true };
      const onSource = sources && ((message: Parameters<SourceFeed['handle']>[0]) => feed?.handle(message));
      sent = this.#channel.request({ type: 'call', method, args, hooks }, transfer, (stats, classes, answer) => {
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
      }, onSource);
      if (sources) {
        const layers = this.#snapshot.layers;
        feed = new SourceFeed(sent.id, sources, [layers[0], layers[layers.length - 1]], (message, moved) => this.#channel.notify(message, moved));
      }
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
      if ('callback' in error.error) throw userError;
      // The worker runs every fit as fitAsync: one that dispose() ended names the caller's call, as in-thread.
      if (error.error.code === 'DISPOSED' && this.#disposed) this.#alive(method);
      throw fromWire(error.error);
    } finally {
      this.#training = undefined;
      this.#inCallback = false;
      signal?.removeEventListener('abort', abort);
      feed?.closeAll();
    }
  }

  /** Posts a call; `args` makes its arguments, listing what it moves in `transfer`. */
  async #call(method: NetMethod, args: (transfer: Transferable[]) => unknown[], out?: OutStandIn): Promise<Answer> {
    try {
      const transfer: Transferable[] = [];
      return await post(this.#channel, `net.${method}`, { type: 'call', method, args: args(transfer), out }, transfer).answer;
    } catch (error) {
      throw error instanceof CallFailure ? failure(error) : error;
    }
  }

  /** Rows of inputs or outputs as they are posted (see packRows). */
  #rows(value: unknown, side: 'input' | 'output', transfer: Transferable[]): unknown {
    const layers = this.#snapshot.layers;
    return packRows(value, side === 'input' ? layers[0] : layers[layers.length - 1], transfer);
  }

  /** A Dataset's rows, or inputs and targets, as they are posted. */
  #labelled(data: unknown, targets: unknown, transfer: Transferable[]): [unknown, unknown] {
    try {
      if (isOptionsObject(data) && 'inputs' in data && 'targets' in data) {
        return [{ ...data, inputs: this.#rows(data.inputs, 'input', transfer), targets: this.#rows(data.targets, 'output', transfer) }, targets];
      }
    } catch {
      // An unreadable dataset travels as it is: posting it fails, and MLP's checks say why.
      return [data, targets];
    }
    return [this.#rows(data, 'input', transfer), this.#rows(targets, 'output', transfer)];
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

/** Posts a call; if its arguments cannot be posted, `check` (MLP's own check of them) says why. */
function post(channel: WorkerChannel, call: string, message: Parameters<WorkerChannel['request']>[0], transfer: Transferable[], check: () => void = () => {}) {
  try {
    return channel.request(message, transfer);
  } catch (error) {
    throw unpostable(call, error, check);
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

/** What the worker gets for a DataSource: its name in the fit and what it says of its columns (copies). */
function sourceStandIn(name: SourceStandIn['streamed'], source: DataSource): SourceStandIn {
  const copy = (value: unknown) => (Array.isArray(value) ? [...value] : value);
  return { streamed: name, classes: copy(source.classes), features: copy(source.features), target: source.target };
}

/**
 * predictInto's `out` as the worker gets it. Any other value fails the worker's check, whose
 * message describes it: the value itself travels when it can be cloned, else its type.
 */
function outStandIn(out: unknown): OutStandIn {
  if (out === undefined) return { kind: 'none' };
  if (out instanceof Float64Array) return isShared(out) ? { kind: 'shared', out } : { kind: 'float64', length: out.length };
  try {
    return { kind: 'cloned', value: structuredClone(out) };
  } catch {
    return { kind: 'other', type: typeof out };
  }
}
