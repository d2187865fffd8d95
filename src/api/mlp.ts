// The public MLP class: what users call. Each method checks its arguments, then hands the
// work to the module that owns it: training.ts (the fit loop), inference.ts (rows forward),
// model-state.ts (memory <-> JSON), fit-transaction.ts (what a failed fit puts back).
// Every call is a transaction: a call that throws leaves the net exactly as it was.
import type { Backend } from '../backends/backend.ts';
import { createBackend, loadThreadPool } from '../backends/create-backend.ts';
import { S_ALPHA, type Dtype } from '../backends/layout.ts';
import { simdSupported } from '../backends/wasm/kernel.ts';
import type { ModelJSON } from '../io/model-json.ts';
import { loadPiece, modelStore } from './load-piece.ts';
import { onnxEncoder } from '../io/onnx-plugin.ts';
import { classColumnTargets } from '../data/class-column.ts';
import { RandomState } from '../math/random.ts';
import { invalidArgument, MLPError, oneLine } from './errors.ts';
import { FitTransaction } from './fit-transaction.ts';
import { forwardRows, scoreRows } from './inference.ts';
import { FRESH, readModel, writeCounters, type NetInfo } from './model-state.ts';
import { NetMemory } from './net-memory.ts';
import { checkCreateOptions, checkDataset, checkFitOptions, checkLoadOptions, checkSaveOptions, type Architecture, type DatasetFields, type FitSettings, type Init } from './options.ts';
import type { CreateOptions, FitOptions, LoadOptions, SaveOptions } from './options.generated.ts';
import { checkSameRows, rowShape, type Matrix } from './rows.ts';
import { fitCannotAwait, loadFitAsync, trainingSteps, type FitData, type FitHost, type History } from './training.ts';
import type { Resume } from './fit-async.ts';
import type { FitPause } from './fit-pause.ts';
import type { checkStreamedFit } from './stream-fit-start.ts';
import { isDataSource, type DataSource } from '../data/data-source.ts';
import type { BackendName } from './validate.ts';
import type { Dataset, Evaluation } from './net-types.ts';
import { openWorkerNet, type WorkerMLP } from '../worker/worker-mlp.ts';

export type { EpochStats } from './options.ts';
export type { History, StopReason } from './training.ts';
export type { Matrix } from './rows.ts';
export type { Dataset, Evaluation } from './net-types.ts';
export type { DataSource, RowBlock } from '../data/data-source.ts';

export type { CreateOptions, FitOptions, LoadOptions, SaveOptions } from './options.generated.ts';

/** Options with `worker` as any boolean: MLP.create and friends then give an MLP or a WorkerMLP. */
export type WithWorker<O> = Omit<O, 'worker'> & { worker: boolean };
/** MLP.create's options for a net in a dedicated worker. */
export type WorkerCreateOptions = Omit<CreateOptions, 'worker'> & { worker: true };
/** MLP.fromJSON's and MLP.load's options for a net in a dedicated worker. */
export type WorkerLoadOptions = Omit<LoadOptions, 'worker'> & { worker: true };

/** Rows the scratch holds at least (predict and evaluate run in chunks of it). */
const EVAL_ROWS = 64;

/** A user callback's own error, carried through the fit unchanged. */
class CallbackFailure {
  constructor(readonly error: unknown) {}
}

export class MLP {
  #memory: NetMemory | undefined;
  readonly #architecture: Architecture;
  #random: RandomState;
  #info: NetInfo;
  /** A fit under way: calls from its onEpochEnd may read the net, nothing else may use it. */
  #training: 'fit' | 'fitAsync' | undefined;
  #inCallback = false;
  /** Ends fitAsync's wait for onEpochEnd's promise (dispose calls it). */
  #endWait: (() => void) | undefined;
  #fitHost: FitHost | undefined;
  /** The seed the parameters were drawn with (undefined for a net loaded from JSON). */
  readonly seed: number | undefined;

  private constructor(backend: Backend, architecture: Architecture, random: RandomState, seed: number | undefined, info: NetInfo) {
    this.#memory = new NetMemory(backend, architecture, EVAL_ROWS);
    // The settings block's lasting parts: the leaky-relu slope, and fresh optimizer counters.
    this.#memory.doubles()[this.#memory.layout.double(this.#memory.layout.settings) + S_ALPHA] = architecture.alpha;
    writeCounters(this.#memory, { step: 0, beta1Power: 1, beta2Power: 1 });
    this.#architecture = architecture;
    this.#random = random;
    this.#info = info;
    this.seed = seed;
  }

  /**
   * Creates a net; with the default init, the notebook's: per layer W = rand(out, in), then b = rand(out, 1).
   * With `worker: true`, the net lives in a dedicated worker (a WorkerMLP).
   */
  static create(options: CreateOptions): Promise<MLP>;
  static create(options: WorkerCreateOptions): Promise<WorkerMLP>;
  static create(options: WithWorker<CreateOptions>): Promise<MLP | WorkerMLP>;
  // Again last, so that Parameters<typeof MLP.create> is an MLP's options.
  static create(options: CreateOptions): Promise<MLP>;
  static async create(options: CreateOptions | WithWorker<CreateOptions>): Promise<MLP | WorkerMLP> {
    const s = guard('MLP.create', () => checkCreateOptions(options));
    if (s.worker) return openWorkerNet('create', s);
    const seed = s.seed ?? randomSeed();
    const backend = await createBackend(s.backend, s.simd, await usableThreads(s.threads, s.backend), s.dtype);
    const net = new MLP(backend, s, new RandomState(seed), seed, { ...FRESH, classes: s.classes });
    net.#initialize(s.init);
    await net.#start();
    return net;
  }

  /** Rebuilds a net from toJSON()'s output (an object or JSON text), bit for bit; `worker: true` as for create. */
  static fromJSON(json: unknown, options?: LoadOptions): Promise<MLP>;
  static fromJSON(json: unknown, options: WorkerLoadOptions): Promise<WorkerMLP>;
  static fromJSON(json: unknown, options: WithWorker<LoadOptions>): Promise<MLP | WorkerMLP>;
  static fromJSON(json: unknown, options?: LoadOptions): Promise<MLP>;
  static async fromJSON(json: unknown, options?: LoadOptions | WithWorker<LoadOptions>): Promise<MLP | WorkerMLP> {
    const loadOptions = guard('MLP.fromJSON', () => checkLoadOptions(options));
    if (loadOptions.worker) return openWorkerNet('fromJSON', loadOptions, json);
    // Reading a model and writing it into a net is a lazy piece of the browser bundle: toJSON and save never need it.
    const { parseModel, modelInfo, writeModel } = await loadPiece('model reader', () => import('../io/model-reader.ts'));
    const { o, model } = guard('MLP.fromJSON', () => ({ o: loadOptions, model: parseModel(json) }));
    const backend = await createBackend(o.backend, o.simd, await usableThreads(o.threads, o.backend), model.dtype ?? 'float64');
    // A saved stream wins: resuming must continue it exactly.
    const random = model.training ? RandomState.fromState(model.training.random) : new RandomState(o.seed ?? randomSeed());
    const net = new MLP(backend, model, random, undefined, modelInfo(model));
    writeModel(net.#memory!, model);
    await net.#start();
    return net;
  }

  /**
   * Reads a model save() wrote: a file (Node), or in a browser 'indexeddb://NAME' or
   * 'localstorage://NAME'; `worker: true` as for create (the worker reads a file).
   */
  static load(path: string, options?: LoadOptions): Promise<MLP>;
  static load(path: string, options: WorkerLoadOptions): Promise<WorkerMLP>;
  static load(path: string, options: WithWorker<LoadOptions>): Promise<MLP | WorkerMLP>;
  static load(path: string, options?: LoadOptions): Promise<MLP>;
  static async load(path: string, options?: LoadOptions | WithWorker<LoadOptions>): Promise<MLP | WorkerMLP> {
    return (await modelStore()).loadModel(path, options);
  }

  /** Sizes of every layer, input and output included. */
  get layers(): number[] {
    this.#alive('layers');
    return [...this.#architecture.layers];
  }

  get backend(): BackendName {
    return this.#alive('backend').backend.name;
  }

  /** The type of the net's parameters and arithmetic: 'float64' or 'float32'. */
  get dtype(): Dtype {
    this.#alive('dtype');
    return this.#architecture.dtype ?? 'float64';
  }

  /** Whether the net runs the SIMD kernel (false for the scalar wasm kernel and for js). */
  get simd(): boolean {
    return this.#alive('simd').backend.simd;
  }

  /** Threads the net computes with (1 for js, and where shared memory is unavailable). */
  get threads(): number {
    return this.#alive('threads').backend.threads;
  }

  /** Class labels, when the net knows them. */
  get classes(): string[] | null {
    this.#alive('classes');
    return this.#info.classes && [...this.#info.classes];
  }

  /**
   * Trains on the rows (or a Dataset from loadCSV) with the options of docs/training.md;
   * returns the history. The kernel runs the epochs between host decisions in one call.
   */
  fit(data: Matrix | Dataset, targets?: Matrix | FitOptions, options?: FitOptions): History {
    if (isDataSource(data)) throw new MLPError('INVALID_ARGUMENT', 'net.fit cannot train on a DataSource: its blocks arrive asynchronously; use await net.fitAsync(source, options)');
    const run = this.#beginFit('fit', data, targets, options, false);
    try {
      for (;;) {
        const step = run.steps.next();
        if (step.done) return step.value;
        if (step.value instanceof Promise) run.steps.throw(cannotAwait(step.value));
      }
    } catch (error) {
      throw this.#failFit(run.transaction, error);
    } finally {
      this.#training = undefined;
    }
  }

  /**
   * fit, yielding to the event loop every few milliseconds so a page stays responsive; an
   * onEpochEnd that returns a promise is awaited before the next epoch. Given a DataSource
   * (and the options), trains on its blocks, a pass per epoch, never holding all its rows
   * (docs/training.md, Streamed training).
   */
  fitAsync(source: DataSource, options?: FitOptions): Promise<History>;
  fitAsync(data: Matrix | Dataset, targets?: Matrix | FitOptions, options?: FitOptions): Promise<History>;
  async fitAsync(data: Matrix | Dataset | DataSource, targets?: Matrix | FitOptions, options?: FitOptions): Promise<History> {
    const run = isDataSource(data) ? await this.#beginStreamedFit(data, targets) : this.#beginFit('fitAsync', data, targets, options, true);
    try {
      return await (await loadFitAsync()).driveFitAsync(run.steps, (answer) => this.#awaitAnswer(answer));
    } catch (error) {
      throw this.#failFit(run.transaction, error);
    } finally {
      this.#training = undefined;
    }
  }

  /** The network's outputs a_L, one row per input row (raw inputs: the stored normalisation is applied). */
  predict(inputs: Matrix): number[][] {
    return guard('net.predict', () => {
      const memory = this.#use('predict');
      const shape = rowShape(inputs, 'inputs', memory.layout.inputSize, 'input');
      const width = memory.layout.outputSize;
      const result: number[][] = new Array(shape.rows);
      forwardRows(memory, shape, this.#info.normalization, (m, out, first, count) => {
        for (let r = 0; r < count; r++) {
          const row: number[] = new Array(width);
          for (let k = 0; k < width; k++) row[k] = m[out + r * width + k];
          result[first + r] = row;
        }
      });
      return result;
    });
  }

  /**
   * predict without allocating: the outputs of every row, row-major, written into `out`
   * (rows x outputs doubles; a new array when left out) and returned.
   */
  predictInto(inputs: Matrix, out?: Float64Array): Float64Array {
    return guard('net.predictInto', () => {
      const memory = this.#use('predictInto');
      const shape = rowShape(inputs, 'inputs', memory.layout.inputSize, 'input');
      const width = memory.layout.outputSize;
      const size = shape.rows * width;
      if (out !== undefined && !(out instanceof Float64Array && out.length === size)) {
        throw invalidArgument('out', out, `a Float64Array of ${shape.rows} rows x ${width} outputs = ${size} numbers`);
      }
      const target = out ?? new Float64Array(size);
      forwardRows(memory, shape, this.#info.normalization, (m, at, first, count) => {
        target.set(m.subarray(at, at + count * width), first * width);
      });
      return target;
    });
  }

  /** The predicted class of each row: its label when the net knows them, else its index. */
  predictClass(inputs: Matrix): number[] | string[] {
    return guard('net.predictClass', () => {
      const memory = this.#use('predictClass');
      const shape = rowShape(inputs, 'inputs', memory.layout.inputSize, 'input');
      const width = memory.layout.outputSize;
      const indices: number[] = new Array(shape.rows);
      forwardRows(memory, shape, this.#info.normalization, (m, out, first, count) => {
        for (let r = 0; r < count; r++) indices[first + r] = classOf(m, out + r * width, width);
      });
      const classes = this.#info.classes;
      return classes ? indices.map((i) => classes[i]) : indices;
    });
  }

  /** Loss, accuracy and confusion matrix on labelled rows. */
  evaluate(inputs: Matrix | Dataset, targets?: Matrix): Evaluation {
    return guard('net.evaluate', () => {
      const memory = this.#use('evaluate');
      const dataset = withClassColumn(checkDataset(inputs, memory.layout.inputSize, memory.layout.outputSize, 'inputs'), memory.layout.outputSize);
      const x = rowShape(dataset ? dataset.inputs : inputs, 'inputs', memory.layout.inputSize, 'input');
      const y = rowShape(dataset ? dataset.targets : targets, 'targets', memory.layout.outputSize, 'output');
      checkSameRows(x, y);
      const width = memory.layout.outputSize;
      const classes = width === 1 ? 2 : width;
      const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
      let binary = true;
      const scores = scoreRows(memory, x, y, this.#info.normalization, (m, out, at, _first, count) => {
        for (let r = 0; r < count; r++) {
          confusion[classOf(m, at + r * width, width)][classOf(m, out + r * width, width)]++;
          for (let k = 0; k < width; k++) if (m[at + r * width + k] !== 0 && m[at + r * width + k] !== 1) binary = false;
        }
      });
      const loss = scores.lossSum / x.rows;
      if (!(loss - loss === 0)) throw new MLPError('OVERFLOW', `the loss over these rows is ${loss}: the net's outputs are finite but too far from the targets for float64 (the net is unchanged)`);
      if (!this.#classifiesWith(binary)) return { loss, accuracy: null, confusion: null };
      return { loss, accuracy: scores.correct / x.rows, confusion };
    });
  }

  /** A plain-JSON snapshot, exact under JSON round trip; with includeOptimizer, training resumes exactly. */
  toJSON(options?: SaveOptions | string): ModelJSON {
    return guard('net.toJSON', () => {
      const memory = this.#use('toJSON');
      return readModel(memory, this.#architecture, this.#info, this.#random, checkSaveOptions(options).includeOptimizer);
    });
  }

  /**
   * The net as an ONNX model (the bytes of an .onnx file) whose output is predict's, float64
   * unless `float32`; docs/interop.md describes the graph. Node only (the browser bundle
   * leaves the encoder out).
   */
  toONNX(options?: { float32?: boolean }): Uint8Array {
    return guard('net.toONNX', () => {
      const memory = this.#use('toONNX');
      return onnxEncoder()(readModel(memory, this.#architecture, this.#info, this.#random, false), options);
    });
  }

  /**
   * Writes the model file atomically (temp file, fsync, rename) in Node; in a browser, to
   * 'indexeddb://NAME' or 'localstorage://NAME' (the same text, replaced all at once).
   */
  async save(path: string, options?: SaveOptions): Promise<void> {
    this.#use('save');
    // The model is taken now, as the call finds the net (toJSON is a snapshot); writing it may wait for the store's code.
    const model = this.toJSON(options ?? {});
    await (await modelStore()).writeModel(path, model);
  }

  /** Frees the net's memory (its WebAssembly instance); any later use throws. */
  dispose(): void {
    // A fit under way notices at its next step and throws DISPOSED.
    this.#memory?.backend.dispose();
    this.#memory = undefined;
    this.#endWait?.();
  }

  /**
   * Waits for onEpochEnd's promise as if still inside the callback: the net answers reads
   * with that epoch's parameters, and a dispose ends the wait (the fit then throws DISPOSED).
   */
  async #awaitAnswer(answer: Promise<unknown>): Promise<Resume> {
    this.#inCallback = true;
    try {
      const disposed = new Promise<undefined>((resolve) => (this.#endWait = () => resolve(undefined)));
      return { answer: await Promise.race([answer, disposed]) };
    } catch (error) {
      return { failure: { thrown: new CallbackFailure(error) } };
    } finally {
      this.#inCallback = false;
      this.#endWait = undefined;
    }
  }

  /** Starts the backend's worker threads, if any, now that the descriptor is in memory. */
  async #start(): Promise<void> {
    const { backend, layout } = this.#memory!;
    try {
      await backend.start(layout.net, layout.sync);
    } catch (error) {
      this.dispose();
      throw error instanceof MLPError ? error : new MLPError('INTERNAL', `wasm-mlp could not start its worker threads: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  #initialize(init: Init): void {
    const memory = this.#memory!.floats();
    for (const slot of this.#memory!.layout.slots) {
      const count = slot.outSize * slot.inSize;
      if (init === 'uniform') {
        this.#random.fill(memory, slot.weights, count);
        this.#random.fill(memory, slot.biases, slot.outSize);
        continue;
      }
      const scale = Math.sqrt(6 / (init === 'xavier' ? slot.inSize + slot.outSize : slot.inSize));
      for (let i = 0; i < count; i++) memory[slot.weights + i] = (2 * this.#random.randomSample() - 1) * scale;
      memory.fill(0, slot.biases, slot.biases + slot.outSize);
    }
  }

  /** Checks a fit's arguments and sets it up; nothing has changed when this throws. */
  #beginFit(method: 'fit' | 'fitAsync', data: Matrix | Dataset, second: unknown, third: unknown, sliced: boolean) {
    const prepared = guard(`net.${method}`, () => {
      const memory = this.#idle(method);
      const dataset = withClassColumn(checkDataset(data, memory.layout.inputSize, memory.layout.outputSize), memory.layout.outputSize);
      const o = checkFitOptions(dataset ? second : third);
      if (o.validationSource !== undefined) throw new MLPError('INVALID_ARGUMENT', 'validationSource validates a fit on a DataSource (net.fitAsync(source, options)); with arrays, use validationData');
      if (o.shuffleBuffer !== undefined) throw new MLPError('INVALID_ARGUMENT', `shuffleBuffer ${o.shuffleBuffer} is for a fit on a DataSource; with arrays, shuffle permutes all the rows`);
      const { layout } = memory;
      const inputs = rowShape(dataset ? dataset.inputs : data, 'inputs', layout.inputSize, 'input');
      const targets = rowShape(dataset ? dataset.targets : second, 'targets', layout.outputSize, 'output');
      checkSameRows(inputs, targets);
      const fitData: FitData = { inputs, targets, trainRows: inputs.rows, validation: undefined };
      if (o.validationSplit > 0) {
        const train = Math.floor(inputs.rows * (1 - o.validationSplit));
        if (train < 1 || train >= inputs.rows) {
          throw new MLPError('INVALID_ARGUMENT', `validationSplit ${o.validationSplit} of ${inputs.rows} rows leaves ${train} to train and ${inputs.rows - train} to validate; each side needs at least one row`);
        }
        fitData.trainRows = train;
      } else if (o.validationData) {
        const v = { inputs: rowShape(o.validationData.inputs, 'validationData.inputs', layout.inputSize, 'input'), targets: rowShape(o.validationData.targets, 'validationData.targets', layout.outputSize, 'output') };
        checkSameRows(v.inputs, v.targets);
        fitData.validation = v;
      }
      // Scratch for a batch, which never holds more than the training rows (batchSize 1e9
      // means the whole set); memory first, so that a fit it fails leaves nothing to undo.
      memory.ensureCapacity(Math.min(o.batchSize, fitData.trainRows));
      return { memory, dataset, o, fitData };
    });
    const { memory, dataset, o, fitData } = prepared;
    return this.#launch(method, memory, o, dataset, (host, transaction) => trainingSteps(host, transaction, fitData, o, o.normalize ?? dataset?.normalize, sliced));
  }

  /**
   * #beginFit for fitAsync(source, options): the options checked, nothing read from the source
   * yet. The net is taken at once (BUSY to other calls) while the streamed-training piece, which
   * holds the checks and the loop, loads.
   */
  async #beginStreamedFit(source: DataSource, options: unknown) {
    guard('net.fitAsync', () => this.#idle('fitAsync'));
    this.#training = 'fitAsync';
    let piece: typeof import('./stream-training.ts');
    let prepared: ReturnType<typeof checkStreamedFit> & { memory: NetMemory };
    try {
      piece = await loadPiece('streamed training', () => import('./stream-training.ts'));
      prepared = guard('net.fitAsync', () => {
        const memory = this.#alive('fitAsync');
        return { memory, ...piece.checkStreamedFit(source, options, memory) };
      });
    } catch (error) {
      this.#training = undefined;
      throw error;
    }
    const { memory, o, validation, described } = prepared;
    return this.#launch('fitAsync', memory, o, described, (host, transaction) => piece.streamedTrainingSteps(host, transaction, { source, validation }, o, o.normalize));
  }

  /**
   * Takes the net for a checked fit (its batch's scratch reserved) and makes its steps; a
   * failure here puts the net back and frees it.
   */
  #launch(method: 'fit' | 'fitAsync', memory: NetMemory, o: FitSettings, described: DatasetFields | undefined, makeSteps: (host: FitHost, transaction: FitTransaction) => Generator<FitPause, History, unknown>) {
    this.#training = method;
    let transaction: FitTransaction | undefined;
    try {
      transaction = new FitTransaction(memory, this.#info, o.shuffle ? this.#random.clone() : undefined);
      return { steps: makeSteps(this.#startFit(memory, transaction, described, o), transaction), transaction };
    } catch (error) {
      this.#training = undefined;
      throw transaction ? this.#failFit(transaction, error) : error;
    }
  }

  /** The fit's changes to the host's info (the columns its data describes, the optimizer); what its steps see of the net. */
  #startFit(memory: NetMemory, transaction: FitTransaction, dataset: DatasetFields | undefined, o: FitSettings): FitHost {
    let info = this.#info;
    if (dataset) {
      if (dataset.classes && info.classes === null) info = { ...info, classes: [...dataset.classes] };
      if (dataset.features) info = { ...info, features: [...dataset.features] };
      if (dataset.target !== undefined) info = { ...info, target: dataset.target };
    }
    if (info.optimizer !== o.optimizer) {
      transaction.switchOptimizer(info.optimizer, o.optimizer);
      info = { ...info, optimizer: o.optimizer };
    }
    this.#info = info;
    return (this.#fitHost ??= this.#makeFitHost(memory));
  }

  /** What the training loop sees of this net: made once, since small fits are many. */
  #makeFitHost(memory: NetMemory): FitHost {
    const net = this;
    return {
      memory,
      architecture: this.#architecture,
      get random() {
        return net.#random;
      },
      setNormalization: (normalization) => {
        if (normalization !== this.#info.normalization) this.#info = { ...this.#info, normalization };
      },
      alive: () => void this.#alive(this.#training ?? 'fit'),
      classifies: (targets) => this.#classifiesWith(isBinary(targets)),
      callback: (stats, onEpochEnd) => {
        this.#inCallback = true;
        try {
          const answer = onEpochEnd(stats);
          return isThenable(answer) ? Promise.resolve(answer) : answer;
        } catch (error) {
          throw new CallbackFailure(error);
        } finally {
          this.#inCallback = false;
        }
      },
    };
  }

  /** Puts the net back as it was before the fit; returns what to throw. */
  #failFit(transaction: FitTransaction, error: unknown): unknown {
    // A net disposed under its fit has nothing left to put back.
    const call = `net.${this.#training ?? 'fit'}`;
    if (this.#memory === undefined) return asMLPError(error, call);
    const { info, random } = transaction.rollback();
    this.#info = info;
    if (random) this.#random = random;
    if (error instanceof CallbackFailure) return error.error;
    return asMLPError(error, call);
  }

  /** Whether accuracy means something: a classification loss, class labels, or 0/1 targets. */
  #classifiesWith(binaryTargets: boolean): boolean {
    return this.#architecture.loss !== 'mse' || this.#info.classes !== null || binaryTargets;
  }

  #alive(what: string): NetMemory {
    if (this.#memory === undefined) throw new MLPError('DISPOSED', `net.${what} was used after net.dispose(); create or load a new MLP`);
    return this.#memory;
  }

  #use(method: string): NetMemory {
    return this.#inCallback ? this.#alive(method) : this.#idle(method);
  }

  /** The net's memory when no fit is under way (not even one whose callback is calling). */
  #idle(method: string): NetMemory {
    const memory = this.#alive(method);
    if (this.#training !== undefined) throw new MLPError('BUSY', `net.${method} was called while net.${this.#training} is running; await it first`);
    return memory;
  }
}

/**
 * Runs `read`, which reads values the user handed in: a proxy, a getter or an odd object
 * can make the engine throw there; that becomes an MLPError naming the call.
 */
function guard<T>(call: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw asMLPError(error, call);
  }
}

function asMLPError(error: unknown, call: string): unknown {
  if (error instanceof MLPError) return error;
  if (error instanceof CallbackFailure) return error.error;
  const message = error instanceof Error ? error.message : String(error);
  return new MLPError('INVALID_ARGUMENT', `${call}: an argument could not be read (${oneLine(message).slice(0, 120)})`);
}

/** The threads a net gets: 1 for js; 1, with a warning, where shared memory or SIMD is missing. */
async function usableThreads(threads: number, backend: BackendName): Promise<number> {
  if (threads === 1 || backend === 'js') return 1;
  // The thread pool's piece says whether threads can run (the net loads it to use them anyway).
  const why = (await loadThreadPool()).threadsUnavailable() ?? (simdSupported ? undefined : 'this engine does not run WebAssembly SIMD');
  if (why === undefined) return threads;
  console.warn(`wasm-mlp: running on one thread instead of ${threads}: ${why}`);
  return 1;
}

/** A dataset whose class column loadCSV read as numbers, with its classes one-hot (see class-column.ts). */
function withClassColumn(dataset: DatasetFields | undefined, outputs: number): DatasetFields | undefined {
  const hot = dataset && classColumnTargets(dataset.targets, outputs);
  return hot ? { ...dataset!, targets: hot.targets, classes: dataset!.classes ?? hot.classes } : dataset;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/** fit met a promise from onEpochEnd: it cannot wait, so the fit fails (the promise's outcome is ignored). */
function cannotAwait(answer: Promise<unknown>): MLPError {
  answer.catch(() => undefined);
  return fitCannotAwait();
}

function isBinary(data: ArrayLike<number>): boolean {
  for (let i = 0; i < data.length; i++) if (data[i] !== 0 && data[i] !== 1) return false;
  return true;
}

/** argmax (first maximum) of a row, or for one output whether it is >= 0.5. */
function classOf(data: ArrayLike<number>, at: number, width: number): number {
  if (width === 1) return data[at] >= 0.5 ? 1 : 0;
  let best = 0;
  for (let k = 1; k < width; k++) if (data[at + k] > data[at + best]) best = k;
  return best;
}

function randomSeed(): number {
  return globalThis.crypto.getRandomValues(new Uint32Array(1))[0];
}

