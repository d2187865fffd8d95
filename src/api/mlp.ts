// The public MLP class: creation with numpy-compatible seeded initialisation, fit/fitAsync
// with every option of docs/training.md, evaluate, predict, predictClass, toJSON/fromJSON,
// save/load and dispose. It validates, lays data out in the backend's flat memory once per
// call, drives the kernel a chunk of epochs at a time, and leaves every loop to the backend.
import type { Backend } from '../backends/backend.ts';
import { createBackend } from '../backends/create-backend.ts';
import { MLPError, systemReason } from './errors.ts';
import {
  NetLayout, SETTINGS_SIZE, S_ALPHA, S_BETA1, S_BETA1_POWER, S_BETA2, S_BETA2_POWER, S_EPSILON, S_ERROR_THRESHOLD, S_LEARNING_RATE,
  S_MOMENTUM, S_STEP, S_WEIGHT_DECAY, type Activation, type Loss, type Optimizer,
} from '../backends/layout.ts';
import { MODEL_FORMAT, MODEL_VERSION, modelText, parseModel, type ModelJSON } from '../io/model-json.ts';
import { applyNormalization, fitNormalization, type Normalization } from '../data/normalize.ts';
import { checkCreateOptions, checkFitOptions, checkSimd, checkThreads, type Architecture, type EpochStats, type FitSettings, type Init } from './options.ts';
import { simdSupported } from '../backends/wasm/kernel.ts';
import { RandomState } from '../math/random.ts';
import { storage } from '../io/storage.ts';
import { canBlock, threadsUnavailable } from '../backends/wasm/threads.ts';
import { checkBackend, checkOptions, checkSeed, toRows, type BackendName, type Matrix, type Rows } from './validate.ts';

export type { EpochStats } from './options.ts';

export interface CreateOptions {
  /** Sizes of every layer, input and output included, e.g. [2, 2, 1]. */
  layers: readonly number[];
  /** One activation for every layer, or one per weight layer (default 'sigmoid'). */
  activation?: Activation | readonly Activation[];
  /** The leaky-relu slope (default 0.01). */
  alpha?: number;
  /** 'mse' (default), 'cross-entropy' (softmax output) or 'binary-cross-entropy' (sigmoid output). */
  loss?: Loss;
  /** 'uniform' (default, the notebook's rand), 'xavier' or 'he'. */
  init?: Init;
  /** Seed of the numpy-compatible stream (`np.random.seed`); random when omitted. */
  seed?: number;
  /** 'wasm' (default) or 'js': the same results, bit for bit. */
  backend?: BackendName;
  /** wasm: false forces the scalar kernel (the same bits); default SIMD where the engine has it. */
  simd?: boolean;
  /**
   * wasm: threads sharing each mini-batch's products (default 1; the same bits for any
   * count). Pays off for batches of wide layers; per-sample training runs on one thread.
   */
  threads?: number;
  /** Class labels, one per output (two for a single sigmoid output), for predictClass. */
  classes?: readonly string[];
}

export interface FitOptions {
  epochs?: number;
  learningRate?: number;
  batchSize?: number;
  optimizer?: Optimizer;
  momentum?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  weightDecay?: number;
  shuffle?: boolean;
  validationSplit?: number;
  validationData?: { inputs: Matrix; targets: Matrix };
  errorThreshold?: number;
  patience?: number;
  restoreBestWeights?: boolean;
  onEpochEnd?: (stats: EpochStats) => boolean | void;
  callbackEvery?: number;
  signal?: AbortSignal;
  normalize?: 'none' | 'zscore' | 'minmax';
}

/** Rows with their targets, as loadCSV returns them. */
export interface Dataset {
  inputs: Matrix;
  targets: Matrix;
  features?: readonly string[];
  target?: string;
  classes?: readonly string[] | null;
  normalize?: 'none' | 'zscore' | 'minmax';
}

export type StopReason = 'completed' | 'errorThreshold' | 'earlyStopping' | 'callback' | 'aborted';

export interface History {
  /** Per epoch: the mean loss over the training samples, each before its batch's update. */
  loss: number[];
  /** Per epoch, with validation data: the mean loss over the validation rows after the epoch. */
  valLoss: number[];
  /** Per epoch, for classification: the fraction of training samples classified right. */
  accuracy: number[];
  valAccuracy: number[];
  /** Epochs this call ran. */
  epochs: number;
  stopReason: StopReason;
}

export interface Evaluation {
  loss: number;
  /** For classification (docs/training.md, Accuracy), else null. */
  accuracy: number | null;
  /** confusion[true class][predicted class] counts, for classification; else null. */
  confusion: number[][] | null;
}

export interface LoadOptions {
  backend?: BackendName;
  simd?: boolean;
  threads?: number;
  /** Seeds the shuffling stream of a model saved without its training state (a saved stream wins). */
  seed?: number;
}

/** Epochs the kernel runs per call when nothing needs the host in between. */
const EPOCHS_PER_CALL = 1 << 16;
/** Rows the scratch holds for predict and evaluate (more run in chunks of this). */
const EVAL_ROWS = 64;
/** i32 slots for the epochs' permutations of one call. */
const ORDER_LIMIT = 1 << 22;
/** Multiply-adds per fitAsync slice before it yields to the event loop (a few ms). */
const WORK_PER_SLICE = 4e6;

export class MLP {
  #backend: Backend | undefined;
  #layout: NetLayout;
  #architecture: Architecture;
  #random: RandomState;
  #normalization: Normalization | null = null;
  #classes: string[] | null = null;
  #features: string[] | null = null;
  #target: string | null = null;
  /** The optimizer whose state the buffers hold (undefined: fresh). */
  #optimizer: Optimizer | undefined;
  #busy = false;
  /** The seed the parameters were drawn with (undefined for a net loaded from JSON). */
  readonly seed: number | undefined;

  private constructor(backend: Backend, architecture: Architecture, random: RandomState, seed: number | undefined) {
    this.#backend = backend;
    this.#architecture = architecture;
    this.#random = random;
    this.seed = seed;
    this.#layout = new NetLayout(architecture, backend.base, EVAL_ROWS);
    backend.reserve(this.#layout.end);
    this.#layout.writeDescriptor(backend.ints(), 'sgd', 1, backend.threads, canBlock());
    this.#resetOptimizer(undefined);
  }

  /** Starts the backend's worker threads, if any, now that the descriptor is in memory. */
  async #start(): Promise<void> {
    try {
      await this.#backend!.start(this.#layout.net, this.#layout.sync);
    } catch (error) {
      this.dispose();
      throw error instanceof MLPError ? error : new MLPError('INTERNAL', `wasm-mlp could not start its worker threads: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Creates a net; with the default init, the notebook's: per layer W = rand(out, in), then b = rand(out, 1). */
  static async create(options: CreateOptions): Promise<MLP> {
    const s = checkCreateOptions(options);
    const seed = s.seed ?? randomSeed();
    const net = new MLP(await createBackend(s.backend, s.simd, usableThreads(s.threads, s.backend)), s, new RandomState(seed), seed);
    net.#classes = s.classes;
    net.#initialize(s.init);
    await net.#start();
    return net;
  }

  /** Rebuilds a net from toJSON()'s output (an object or JSON text), bit for bit. */
  static async fromJSON(json: unknown, options?: LoadOptions): Promise<MLP> {
    const o = checkOptions(options, 'options', ['backend', 'simd', 'threads', 'seed']);
    const seed = o.seed === undefined ? undefined : checkSeed(o.seed);
    const model = parseModel(json);
    const name = o.backend === undefined ? 'wasm' : checkBackend(o.backend);
    const backend = await createBackend(name, checkSimd(o.simd), usableThreads(checkThreads(o.threads, o.simd), name));
    // A saved stream wins: resuming must continue it exactly.
    const random = model.training ? RandomState.fromState(model.training.random) : new RandomState(seed ?? randomSeed());
    const net = new MLP(backend, model, random, undefined);
    const memory = backend.memory();
    net.#layout.slots.forEach((slot, l) => {
      memory.set(model.weights[l], slot.weights);
      memory.set(model.biases[l], slot.biases);
    });
    net.#normalization = model.normalization;
    net.#classes = model.classes;
    net.#features = model.features;
    net.#target = model.target;
    if (model.training) {
      const t = model.training;
      const { state1, state2, settings } = net.#layout;
      memory.set(t.state1, state1);
      memory.set(t.state2, state2);
      memory[settings + S_STEP] = t.step;
      memory[settings + S_BETA1_POWER] = t.beta1Power;
      memory[settings + S_BETA2_POWER] = t.beta2Power;
      net.#optimizer = t.optimizer;
    }
    await net.#start();
    return net;
  }

  /** Reads a model file written by save() (Node). */
  static async load(path: string, options?: LoadOptions): Promise<MLP> {
    let text: string;
    try {
      text = storage().read(path);
    } catch (error) {
      throw error instanceof MLPError ? error : new MLPError('IO', `cannot read ${path}: ${systemReason(error)}`);
    }
    return MLP.fromJSON(text, options);
  }

  /** Sizes of every layer, input and output included. */
  get layers(): number[] {
    this.#use('layers');
    return [...this.#architecture.layers];
  }

  get backend(): BackendName {
    return this.#use('backend').name;
  }

  /** Whether the net runs the SIMD kernel (false for the scalar wasm kernel and for js). */
  get simd(): boolean {
    return this.#use('simd').simd;
  }

  /** Threads the net computes with (1 for js, and where shared memory is unavailable). */
  get threads(): number {
    return this.#use('threads').threads;
  }

  /** Class labels, when the net knows them. */
  get classes(): string[] | null {
    this.#use('classes');
    return this.#classes && [...this.#classes];
  }

  /**
   * Trains on the rows (or a Dataset from loadCSV) with the options of docs/training.md;
   * returns the history. The kernel runs the epochs between host decisions in one call.
   */
  fit(data: Matrix | Dataset, targets?: Matrix | FitOptions, options?: FitOptions): History {
    const steps = this.#fitSteps(data, targets, options, false);
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
    }
  }

  /** fit, yielding to the event loop every few milliseconds so a page stays responsive. */
  async fitAsync(data: Matrix | Dataset, targets?: Matrix | FitOptions, options?: FitOptions): Promise<History> {
    if (this.#busy) throw new MLPError('BUSY', 'net.fitAsync was called while net.fitAsync is running; await it first');
    const steps = this.#fitSteps(data, targets, options, true);
    this.#busy = true;
    try {
      for (;;) {
        const step = steps.next();
        if (step.done) return step.value;
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    } finally {
      this.#busy = false;
    }
  }

  /** The network's outputs a_L, one row per input row (raw inputs: the stored normalisation is applied). */
  predict(inputs: Matrix): number[][] {
    const backend = this.#use('predict');
    const { rows, outputs } = this.#run(backend, inputs, undefined);
    const width = this.#layout.outputSize;
    return Array.from({ length: rows }, (_, r) => Array.from(outputs.subarray(r * width, (r + 1) * width)));
  }

  /** The predicted class of each row: its label when the net knows them, else its index. */
  predictClass(inputs: Matrix): number[] | string[] {
    const backend = this.#use('predictClass');
    const { rows, outputs } = this.#run(backend, inputs, undefined);
    const width = this.#layout.outputSize;
    const indices = Array.from({ length: rows }, (_, r) => classOf(outputs, r * width, width));
    return this.#classes ? indices.map((i) => this.#classes![i]) : indices;
  }

  /** Loss, accuracy and confusion matrix on labelled rows. */
  evaluate(inputs: Matrix | Dataset, targets?: Matrix): Evaluation {
    const backend = this.#use('evaluate');
    if (isDataset(inputs)) return this.evaluate(inputs.inputs, inputs.targets);
    const y = toRows(targets, 'targets', this.#layout.outputSize);
    const { rows, outputs, loss } = this.#run(backend, inputs, y);
    if (!this.#classifies(y.data)) return { loss, accuracy: null, confusion: null };
    const width = this.#layout.outputSize;
    const classes = width === 1 ? 2 : width;
    const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
    let correct = 0;
    for (let r = 0; r < rows; r++) {
      const truth = classOf(y.data, r * width, width);
      const predicted = classOf(outputs, r * width, width);
      confusion[truth][predicted]++;
      if (truth === predicted) correct++;
    }
    return { loss, accuracy: correct / rows, confusion };
  }

  /** A plain-JSON snapshot, exact under JSON round trip; with includeOptimizer, training resumes exactly. */
  toJSON(options?: { includeOptimizer?: boolean } | string): ModelJSON {
    const backend = this.#use('toJSON');
    // JSON.stringify calls toJSON(key) with a string key.
    const o = typeof options === 'object' ? checkOptions(options, 'options', ['includeOptimizer']) : {};
    const memory = backend.memory();
    const layout = this.#layout;
    const a = this.#architecture;
    const model: ModelJSON = {
      format: MODEL_FORMAT,
      version: MODEL_VERSION,
      layers: [...a.layers],
      activations: [...a.activations],
      alpha: a.alpha,
      loss: a.loss,
      normalization: this.#normalization && structuredClone(this.#normalization),
      classes: this.#classes && [...this.#classes],
      features: this.#features && [...this.#features],
      target: this.#target,
      weights: layout.slots.map((s) => Array.from(memory.subarray(s.weights, s.weights + s.outSize * s.inSize))),
      biases: layout.slots.map((s) => Array.from(memory.subarray(s.biases, s.biases + s.outSize))),
    };
    if (o.includeOptimizer === true) {
      const { settings, state1, state2, paramCount } = layout;
      model.training = {
        optimizer: this.#optimizer ?? 'sgd',
        step: memory[settings + S_STEP],
        beta1Power: memory[settings + S_BETA1_POWER],
        beta2Power: memory[settings + S_BETA2_POWER],
        state1: Array.from(memory.subarray(state1, state1 + paramCount)),
        state2: Array.from(memory.subarray(state2, state2 + paramCount)),
        random: this.#random.getState(),
      };
    } else if (o.includeOptimizer !== undefined && o.includeOptimizer !== false) {
      throw new MLPError('INVALID_ARGUMENT', `includeOptimizer must be true or false; got ${String(o.includeOptimizer)}`);
    }
    return model;
  }

  /** Writes the model file atomically (temp file, fsync, rename). Node only. */
  async save(path: string, options?: { includeOptimizer?: boolean }): Promise<void> {
    const text = modelText(this.toJSON(options ?? {}));
    try {
      storage().writeAtomic(path, text);
    } catch (error) {
      throw error instanceof MLPError ? error : new MLPError('IO', `cannot write ${path}: ${systemReason(error)}`);
    }
  }

  /** Frees the net's memory (its WebAssembly instance); any later use throws. */
  dispose(): void {
    this.#backend?.dispose();
    this.#backend = undefined;
  }

  #initialize(init: Init): void {
    const memory = this.#backend!.memory();
    for (const slot of this.#layout.slots) {
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

  /** Whether accuracy means something: a classification loss, class labels, or 0/1 targets. */
  #classifies(targets: Float64Array): boolean {
    return this.#architecture.loss !== 'mse' || this.#classes !== null || isBinary(targets);
  }

  /** Zeroes the optimizer state for a new optimizer (t = 0, powers 1). */
  #resetOptimizer(optimizer: Optimizer | undefined): void {
    const memory = this.#backend!.memory();
    const { state1, state2, paramCount, settings } = this.#layout;
    memory.fill(0, state1, state1 + paramCount);
    memory.fill(0, state2, state2 + paramCount);
    memory[settings + S_STEP] = 0;
    memory[settings + S_BETA1_POWER] = 1;
    memory[settings + S_BETA2_POWER] = 1;
    memory[settings + S_ALPHA] = this.#architecture.alpha;
    this.#optimizer = optimizer;
  }

  /** Scratch for `capacity` rows; parameters and state stay where they are. */
  #useCapacity(backend: Backend, capacity: number, optimizer: Optimizer, batchSize: number): NetLayout {
    this.#layout = this.#layout.withCapacity(capacity);
    backend.reserve(this.#layout.end);
    this.#layout.writeDescriptor(backend.ints(), optimizer, batchSize, backend.threads, canBlock());
    return this.#layout;
  }

  /** Runs rows forward (and scores them when targets are given); returns a copy of the outputs. */
  #run(backend: Backend, inputs: Matrix, y: Rows | undefined): { rows: number; outputs: Float64Array; loss: number } {
    const layout = this.#useCapacity(backend, EVAL_ROWS, this.#optimizer ?? 'sgd', 1);
    const x = toRows(inputs, 'inputs', layout.inputSize);
    if (y !== undefined && y.rows !== x.rows) {
      throw new MLPError('INVALID_ARGUMENT', `targets must have one row per input row (${x.rows}); got ${y.rows} rows`);
    }
    const xAt = layout.end;
    const yAt = xAt + x.data.length;
    const outAt = yAt + (y ? y.data.length : 0);
    const statsAt = outAt + x.rows * layout.outputSize;
    backend.reserve(statsAt + 2);
    const memory = backend.memory();
    memory.set(applyNormalization(this.#normalization, x.data, layout.inputSize), xAt);
    if (y) memory.set(y.data, yAt);
    backend.evaluate(layout.net, xAt, y ? yAt : -1, x.rows, outAt, statsAt, 0);
    const after = backend.memory();
    return { rows: x.rows, outputs: after.slice(outAt, statsAt), loss: y ? after[statsAt] / x.rows : 0 };
  }

  *#fitSteps(data: Matrix | Dataset, second: unknown, third: unknown, sliced: boolean): Generator<void, History> {
    const backend = this.#use('fit');
    const dataset = isDataset(data) ? data : undefined;
    const o: FitSettings = checkFitOptions(dataset ? second : third);
    const a = this.#architecture;
    const n0 = a.layers[0];
    const nL = a.layers[a.layers.length - 1];
    let x = toRows(dataset ? dataset.inputs : data, 'inputs', n0);
    let y = toRows(dataset ? dataset.targets : second, 'targets', nL);
    if (x.rows !== y.rows) throw new MLPError('INVALID_ARGUMENT', `targets must have one row per input row (${x.rows}); got ${y.rows} rows`);
    let val: { x: Rows; y: Rows } | undefined;
    if (o.validationSplit > 0) {
      const train = Math.floor(x.rows * (1 - o.validationSplit));
      if (train < 1 || train >= x.rows) {
        throw new MLPError('INVALID_ARGUMENT', `validationSplit ${o.validationSplit} of ${x.rows} rows leaves ${train} to train and ${x.rows - train} to validate; each side needs at least one row`);
      }
      val = { x: sliceRows(x, train, n0), y: sliceRows(y, train, nL) };
      x = sliceRows(x, 0, n0, train);
      y = sliceRows(y, 0, nL, train);
    } else if (o.validationData) {
      val = { x: toRows(o.validationData.inputs, 'validationData.inputs', n0), y: toRows(o.validationData.targets, 'validationData.targets', nL) };
      if (val.x.rows !== val.y.rows) {
        throw new MLPError('INVALID_ARGUMENT', `validationData.targets must have one row per input row (${val.x.rows}); got ${val.y.rows} rows`);
      }
    }
    const normalize = o.normalize ?? dataset?.normalize;
    if (this.#busy && !sliced) throw new MLPError('BUSY', 'net.fit was called while net.fitAsync is running; await it first');
    // Everything is valid: from here on the net changes. What a failed fit must put back:
    // Settings and parameters always; the optimizer state only where this fit can change it
    // (sgd never touches it, a new optimizer zeroes it). Gradients are scratch.
    const { settings, params: first, paramCount, state1, state2 } = this.#layout;
    const stateful = o.optimizer !== 'sgd' || this.#optimizer !== o.optimizer;
    // Not the job block between them: its counters must only ever move forward.
    const settingsBefore = backend.memory().slice(settings, settings + SETTINGS_SIZE);
    const paramsBefore = backend.memory().slice(first, first + paramCount);
    const stateBefore = stateful ? [backend.memory().slice(state1, state1 + paramCount), backend.memory().slice(state2, state2 + paramCount)] : [];
    const hostBefore = {
      normalization: this.#normalization, classes: this.#classes, features: this.#features, target: this.#target,
      optimizer: this.#optimizer, random: this.#random.getState(),
    };
    const restore = () => {
      const memory = backend.memory();
      memory.set(settingsBefore, settings);
      memory.set(paramsBefore, first);
      if (stateful) {
        memory.set(stateBefore[0], state1);
        memory.set(stateBefore[1], state2);
      }
      ({ normalization: this.#normalization, classes: this.#classes, features: this.#features, target: this.#target, optimizer: this.#optimizer } = hostBefore);
      this.#random = RandomState.fromState(hostBefore.random);
    };
    if (dataset) {
      if (dataset.classes && this.#classes === null) this.#classes = [...dataset.classes];
      if (dataset.features) this.#features = [...dataset.features];
      if (dataset.target !== undefined) this.#target = dataset.target;
    }
    if (normalize !== undefined) this.#normalization = normalize === 'none' ? null : fitNormalization(normalize, x.data, x.rows, n0);
    const trainX = applyNormalization(this.#normalization, x.data, n0);
    const classify = this.#classifies(y.data);
    if (this.#optimizer !== o.optimizer) this.#resetOptimizer(o.optimizer);

    const rows = x.rows;
    const valRows = val ? val.x.rows : 0;
    let chunk = EPOCHS_PER_CALL;
    if (o.patience > 0 || (o.shuffle && o.errorThreshold > -Infinity)) chunk = 1; // decisions after every epoch
    if (o.onEpochEnd) chunk = Math.min(chunk, o.callbackEvery);
    if (o.shuffle) chunk = Math.min(chunk, Math.max(1, Math.floor(ORDER_LIMIT / rows)));
    if (sliced) chunk = Math.min(chunk, Math.max(1, Math.floor(WORK_PER_SLICE / ((rows + valRows) * this.#layout.paramCount))));
    chunk = Math.max(1, Math.min(chunk, o.epochs));

    const layout = this.#useCapacity(backend, Math.max(o.batchSize, EVAL_ROWS), o.optimizer, o.batchSize);
    const xAt = layout.end;
    const yAt = xAt + rows * n0;
    const vxAt = yAt + rows * nL;
    const vyAt = vxAt + valRows * n0;
    const orderAt = vyAt + valRows * nL;
    const statsAt = orderAt + (o.shuffle ? Math.ceil((chunk * rows) / 2) : 0);
    backend.reserve(statsAt + chunk * 4);
    const memory = backend.memory();
    memory.set(trainX, xAt);
    memory.set(y.data, yAt);
    if (val) {
      memory.set(applyNormalization(this.#normalization, val.x.data, n0), vxAt);
      memory.set(val.y.data, vyAt);
    }
    const s = layout.settings;
    memory[s + S_LEARNING_RATE] = o.learningRate;
    memory[s + S_MOMENTUM] = o.momentum;
    memory[s + S_BETA1] = o.beta1;
    memory[s + S_BETA2] = o.beta2;
    memory[s + S_EPSILON] = o.epsilon;
    memory[s + S_WEIGHT_DECAY] = o.weightDecay;
    memory[s + S_ALPHA] = a.alpha;
    memory[s + S_ERROR_THRESHOLD] = o.errorThreshold;

    const params = () => backend.memory().subarray(layout.params, layout.params + layout.paramCount);
    let best: Float64Array | undefined;
    let bestLoss = Infinity;
    let waited = 0;
    const history: History = { loss: [], valLoss: [], accuracy: [], valAccuracy: [], epochs: 0, stopReason: 'completed' };
    const started = now();
    let lastCallback = { time: started, epochs: 0 };
    while (history.epochs < o.epochs) {
      if (o.signal?.aborted) {
        history.stopReason = 'aborted';
        break;
      }
      this.#use('fit');
      const count = Math.min(chunk, o.epochs - history.epochs);
      if (o.shuffle) {
        const ints = backend.ints();
        for (let e = 0; e < count; e++) ints.set(this.#random.permutation(rows), orderAt * 2 + e * rows);
      }
      const ran = backend.train(layout.net, xAt, yAt, rows, o.shuffle ? orderAt : -1, count, statsAt, vxAt, vyAt, valRows);
      const stats = backend.memory();
      const first = history.epochs;
      for (let e = 0; e < ran; e++) {
        const at = statsAt + e * 4;
        const loss = stats[at];
        if (!Number.isFinite(loss) || (valRows > 0 && !Number.isFinite(stats[at + 2]))) {
          restore();
          throw diverged(`the ${Number.isFinite(loss) ? 'validation ' : ''}loss of epoch ${first + e + 1} is ${Number.isFinite(loss) ? stats[at + 2] : loss}`, o.learningRate);
        }
        history.loss.push(loss);
        if (classify) history.accuracy.push(stats[at + 1] / rows);
        if (valRows > 0) {
          history.valLoss.push(stats[at + 2]);
          if (classify) history.valAccuracy.push(stats[at + 3] / valRows);
        }
      }
      if (!params().every(Number.isFinite)) {
        restore();
        throw diverged(`a parameter overflowed by epoch ${first + ran}`, o.learningRate);
      }
      history.epochs += ran;
      // The kernel stops right after an epoch below the threshold, so only the last can be.
      if (ran > 0 && history.loss[history.epochs - 1] < o.errorThreshold) history.stopReason = 'errorThreshold';
      else if (o.patience > 0) {
        const valLoss = history.valLoss[history.valLoss.length - 1];
        if (valLoss < bestLoss) {
          bestLoss = valLoss;
          waited = 0;
          if (o.restoreBestWeights) best = params().slice();
        } else if (++waited >= o.patience) {
          history.stopReason = 'earlyStopping';
          if (best) params().set(best);
        }
      }
      const last = history.epochs === o.epochs || history.stopReason !== 'completed';
      if (o.onEpochEnd && (history.epochs % o.callbackEvery === 0 || last)) {
        const time = now();
        const e = history.epochs - 1;
        const stats: EpochStats = {
          epoch: history.epochs,
          epochs: o.epochs,
          loss: history.loss[e],
          samplesPerSecond: ((history.epochs - lastCallback.epochs) * rows * 1000) / Math.max(time - lastCallback.time, 1e-3),
          elapsed: time - started,
        };
        if (classify) stats.accuracy = history.accuracy[e];
        if (valRows > 0) stats.valLoss = history.valLoss[e];
        if (valRows > 0 && classify) stats.valAccuracy = history.valAccuracy[e];
        lastCallback = { time, epochs: history.epochs };
        if (o.onEpochEnd(stats) === false && history.stopReason === 'completed') history.stopReason = 'callback';
      }
      if (history.stopReason !== 'completed') break;
      yield;
    }
    return history;
  }

  #use(method: string): Backend {
    if (this.#backend === undefined) {
      throw new MLPError('DISPOSED', `net.${method} was used after net.dispose(); create or load a new MLP`);
    }
    if (this.#busy && method !== 'fit') {
      throw new MLPError('BUSY', `net.${method} was called while net.fitAsync is running; await it first`);
    }
    return this.#backend;
  }
}

/** The threads a net gets: 1 for js; 1, with a warning, where shared memory or SIMD is missing. */
function usableThreads(threads: number, backend: BackendName): number {
  if (threads === 1 || backend === 'js') return 1;
  const why = threadsUnavailable() ?? (simdSupported ? undefined : 'this engine does not run WebAssembly SIMD');
  if (why === undefined) return threads;
  console.warn(`wasm-mlp: running on one thread instead of ${threads}: ${why}`);
  return 1;
}

function diverged(what: string, learningRate: number): MLPError {
  return new MLPError('TRAINING_DIVERGED', `training diverged: ${what}; try a smaller learningRate than ${learningRate} (the net is left as it was before fit)`);
}

function isDataset(value: unknown): value is Dataset {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !ArrayBuffer.isView(value) && 'inputs' in value && 'targets' in value;
}

/** Rows [from, to) of a validated matrix. */
function sliceRows(m: Rows, from: number, width: number, to = m.rows): Rows {
  return { data: m.data.slice(from * width, to * width), rows: to - from };
}

function isBinary(data: Float64Array): boolean {
  for (let i = 0; i < data.length; i++) if (data[i] !== 0 && data[i] !== 1) return false;
  return true;
}

/** argmax (first maximum) of a row, or for one output whether it is >= 0.5. */
function classOf(data: Float64Array, at: number, width: number): number {
  if (width === 1) return data[at] >= 0.5 ? 1 : 0;
  let best = 0;
  for (let k = 1; k < width; k++) if (data[at + k] > data[at + best]) best = k;
  return best;
}

function now(): number {
  return globalThis.performance.now();
}

function randomSeed(): number {
  return globalThis.crypto.getRandomValues(new Uint32Array(1))[0];
}
