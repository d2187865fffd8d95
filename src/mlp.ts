// The public MLP class: creation with numpy-compatible seeded initialisation, fit, predict,
// toJSON/fromJSON and dispose. It validates, lays data out in the backend's flat memory
// once per call, and leaves every loop to the backend.
import { createBackend, type Backend } from './backend.ts';
import { invalidArgument, MLPError } from './errors.ts';
import { MODEL_FORMAT, MODEL_VERSION, parseModel, type ModelJSON } from './model-json.ts';
import { RandomState } from './random.ts';
import {
  checkBackend, checkEpochs, checkLayers, checkLearningRate, checkOptions, checkSeed, toRows,
  type BackendName, type Matrix, type Rows,
} from './validate.ts';

export interface CreateOptions {
  /** Sizes of every layer, input and output included, e.g. [2, 2, 1]. */
  layers: readonly number[];
  /** Seed of the numpy-compatible stream (`np.random.seed`); random when omitted. */
  seed?: number;
  /** 'wasm' (default) or 'js': the same results, bit for bit. */
  backend?: BackendName;
}

export interface FitOptions {
  /** Passes over the data (default 1). */
  epochs?: number;
  /** SGD step size (default 0.1, the notebook's). */
  learningRate?: number;
}

export interface FitResult {
  /** Per epoch: the mean over its samples of mean((y - output)^2), each before its update. */
  loss: number[];
}

export interface LoadOptions {
  backend?: BackendName;
}

/** Epochs the kernel runs per call; bounds the loss buffer however long the fit. */
const EPOCHS_PER_CALL = 1 << 16;

export class MLP {
  #backend: Backend | undefined;
  /** The seed the parameters were drawn with (undefined for a net loaded from JSON). */
  readonly seed: number | undefined;

  private constructor(backend: Backend, seed: number | undefined) {
    this.#backend = backend;
    this.seed = seed;
  }

  /** Creates a net with the notebook's initialisation: per layer W = rand(out, in), then b = rand(out, 1). */
  static async create(options: CreateOptions): Promise<MLP> {
    const o = checkOptions(options, 'options', ['layers', 'seed', 'backend']);
    if (options === undefined) throw invalidArgument('options', options, 'an object with at least { layers }');
    const layers = checkLayers(o.layers);
    const seed = o.seed === undefined ? randomSeed() : checkSeed(o.seed);
    const backend = await createBackend(o.backend === undefined ? 'wasm' : checkBackend(o.backend), layers);
    const random = new RandomState(seed);
    const memory = backend.memory();
    for (const slot of backend.layout.slots) {
      random.fill(memory, slot.weights, slot.outSize * slot.inSize);
      random.fill(memory, slot.biases, slot.outSize);
    }
    return new MLP(backend, seed);
  }

  /** Rebuilds a net from toJSON()'s output (an object or JSON text), bit for bit. */
  static async fromJSON(json: unknown, options?: LoadOptions): Promise<MLP> {
    const o = checkOptions(options, 'options', ['backend']);
    const model = parseModel(json);
    const backend = await createBackend(o.backend === undefined ? 'wasm' : checkBackend(o.backend), model.layers);
    const memory = backend.memory();
    backend.layout.slots.forEach((slot, l) => {
      memory.set(model.weights[l], slot.weights);
      memory.set(model.biases[l], slot.biases);
    });
    return new MLP(backend, undefined);
  }

  /** Sizes of every layer, input and output included. */
  get layers(): number[] {
    return [...this.#use('layers').layout.layers];
  }

  get backend(): BackendName {
    return this.#use('backend').name;
  }

  /** Per-sample SGD over the rows in order, `epochs` times; returns the loss of each epoch. */
  fit(inputs: Matrix, targets: Matrix, options?: FitOptions): FitResult {
    const backend = this.#use('fit');
    const o = checkOptions(options, 'options', ['epochs', 'learningRate']);
    const epochs = o.epochs === undefined ? 1 : checkEpochs(o.epochs);
    const learningRate = o.learningRate === undefined ? 0.1 : checkLearningRate(o.learningRate);
    const { layout } = backend;
    const x = toRows(inputs, 'inputs', layout.inputSize);
    const y = toRows(targets, 'targets', layout.outputSize);
    if (x.rows !== y.rows) {
      throw new MLPError('INVALID_ARGUMENT', `targets must have one row per input row (${x.rows}); got ${y.rows} rows`);
    }
    const xAt = layout.end;
    const yAt = xAt + x.data.length;
    const lossAt = yAt + y.data.length;
    backend.reserve(lossAt + Math.min(epochs, EPOCHS_PER_CALL));
    const memory = backend.memory();
    memory.set(x.data, xAt);
    memory.set(y.data, yAt);
    const params = () => backend.memory().subarray(layout.paramsStart, layout.paramsStart + layout.paramCount);
    const before = params().slice();
    const loss: number[] = new Array(epochs);
    for (let done = 0; done < epochs; ) {
      const count = Math.min(EPOCHS_PER_CALL, epochs - done);
      backend.train(xAt, yAt, x.rows, count, learningRate, lossAt);
      const losses = backend.memory();
      let bad = -1;
      for (let e = 0; e < count; e++) {
        loss[done + e] = losses[lossAt + e];
        if (bad < 0 && !Number.isFinite(loss[done + e])) bad = done + e;
      }
      done += count;
      if (bad >= 0 || !params().every(Number.isFinite)) {
        // A failed fit leaves the net as it was, not holding NaN or Infinity.
        params().set(before);
        const what = bad >= 0 ? `the loss of epoch ${bad + 1} is ${loss[bad]}` : `a parameter overflowed by epoch ${done}`;
        throw new MLPError('TRAINING_DIVERGED', `training diverged: ${what}; try a smaller learningRate than ${learningRate} (the net is left as it was before fit)`);
      }
    }
    return { loss };
  }

  /** The network's outputs a_L, one row per input row. */
  predict(inputs: Matrix): number[][] {
    const backend = this.#use('predict');
    const { layout } = backend;
    const x = toRows(inputs, 'inputs', layout.inputSize);
    const out = this.#run(backend, x);
    const width = layout.outputSize;
    const memory = backend.memory();
    return Array.from({ length: x.rows }, (_, r) => Array.from(memory.subarray(out + r * width, out + (r + 1) * width)));
  }

  /** A plain-JSON snapshot: shape and every parameter, exact under JSON round trip. */
  toJSON(): ModelJSON {
    const backend = this.#use('toJSON');
    const memory = backend.memory();
    const { layout } = backend;
    return {
      format: MODEL_FORMAT,
      version: MODEL_VERSION,
      layers: [...layout.layers],
      activation: 'sigmoid',
      weights: layout.slots.map((s) => Array.from(memory.subarray(s.weights, s.weights + s.outSize * s.inSize))),
      biases: layout.slots.map((s) => Array.from(memory.subarray(s.biases, s.biases + s.outSize))),
    };
  }

  /** Frees the net's memory (its WebAssembly instance); any later use throws. */
  dispose(): void {
    this.#backend?.dispose();
    this.#backend = undefined;
  }

  #run(backend: Backend, x: Rows): number {
    const { layout } = backend;
    const xAt = layout.end;
    const outAt = xAt + x.data.length;
    backend.reserve(outAt + x.rows * layout.outputSize);
    backend.memory().set(x.data, xAt);
    backend.predict(xAt, x.rows, outAt);
    return outAt;
  }

  #use(method: string): Backend {
    if (this.#backend === undefined) {
      throw new MLPError('DISPOSED', `net.${method} was used after net.dispose(); create or load a new MLP`);
    }
    return this.#backend;
  }
}

function randomSeed(): number {
  return globalThis.crypto.getRandomValues(new Uint32Array(1))[0];
}
