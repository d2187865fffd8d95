// `npm run bench:peers`: times the workloads of bench/workloads.ts through wasm-mlp (wasm and
// js backends) and through the peers a user would compare it with, brain.js and TensorFlow.js
// (cpu and wasm backends), all from the same data, the same initial weights and the same
// hyperparameters, interleaved run by run, and prints one table of samples/s with each
// contender's ratio to wasm-mlp's wasm backend (or, with --json, one JSON document).
// The peers are devDependencies used here only; nothing of the library depends on them.
//
//   npm run bench:peers -- [--json] [--runs N] [--only seed,xor,mid-b1,mid-b32,wide-b64,wide-b1]
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import brain from 'brain.js';
import { MLP, type History } from '../src/index.ts';
import { renderTable, si, times } from './format.ts';
import { nodeFiles } from './node-files.ts';
import { machine, machineLine, parseArgs, progress, type Machine } from './report.ts';
import { runOrder, spread, type Spread } from './stats.ts';
import { generated, WORKLOADS, type Data, type RowOptions, type Workload } from './workloads.ts';
import { timeInterleaved, type Timer } from './calls.ts';

/** The initial parameters of a row, as MLP.toJSON gives them: per layer W row-major [out][in], and b. */
interface Params {
  weights: number[][];
  biases: number[][];
}

/** One prepared fit: everything but the training itself is done before the clock starts. */
interface Trainer {
  fit(): void;
  /** After the clock: the last epoch's training loss and the epochs run. */
  result(): { loss: number; epochs: number };
  dispose(): void;
}

interface Contender {
  name: string;
  /** Why the contender cannot run the row ("n/a: ..."), or null. */
  cannot(w: Workload): string | null;
  /** What the contender runs differently from the row, for the footer, or null. */
  differs(w: Workload): string | null;
  prepare(w: Workload, data: Data, init: Params): Promise<Trainer>;
}

const DEFAULT_RUNS = 3;
const MIN_RUNS = 1;
/** Fits per timed run are chosen so that a run lasts at least this long (up to MAX_FITS_PER_RUN). */
const RUN_SECONDS = 0.05;
const MAX_FITS_PER_RUN = 20;
const WARM_SECONDS = 0.25;
const MAX_WARM_FITS = 100;

/** The row options a peer can mirror; any other (a thread count, say) makes its cell n/a. */
// dtype too: the peers train in float32 whatever it says, from our (then float32) initial weights.
const PEER_OPTIONS: ReadonlySet<string> = new Set(['activation', 'loss', 'init', 'dtype']);

function unmirrored(w: Workload): string | null {
  const extra = Object.keys(w.create).filter((k) => !PEER_OPTIONS.has(k));
  return extra.length ? `n/a: no ${extra.join(', ')} option` : null;
}

const activations = (w: Workload) => {
  const a = w.create.activation ?? 'sigmoid';
  return typeof a === 'string' ? w.layers.slice(1).map(() => a) : [...a];
};

/** rows of the data in batches of w.batchSize, in order (every contender trains unshuffled). */
function batches(w: Workload, data: Data): { first: number; rows: number }[] {
  const out = [];
  for (let first = 0; first < data.rows; first += w.batchSize) out.push({ first, rows: Math.min(w.batchSize, data.rows - first) });
  return out;
}

// ---------------------------------------------------------------------------------------------
// wasm-mlp

function wasmMlp(name: string, backend: 'wasm' | 'js'): Contender {
  return {
    name,
    cannot: (w) => (w.variants && !w.variants.includes(backend) ? `n/a: not a ${backend} row` : null),
    differs: () => null,
    async prepare(w, data) {
      // The same seed and options as the row's params: the very weights the peers copy.
      const net = await MLP.create({ ...w.create, layers: w.layers, seed: w.seed, backend });
      let history: History | undefined;
      return {
        fit() {
          history = net.fit({ data: data.inputs, rows: data.rows }, { data: data.targets, rows: data.rows }, {
            epochs: w.epochs,
            learningRate: w.learningRate,
            batchSize: w.batchSize,
          });
        },
        result: () => ({ loss: history!.loss[history!.loss.length - 1], epochs: history!.epochs }),
        dispose: () => net.dispose(),
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// brain.js 1.6.1

type BrainActivation = 'sigmoid' | 'relu' | 'leaky-relu' | 'tanh';

/** The parts of brain.js's NeuralNetwork that its typings leave out and this file uses. */
interface BrainInternals {
  sizes: number[];
  initialize(): void;
  /** weights[layer][node][input] and biases[layer][node], layer 0 being the input: Float32Arrays. */
  weights: Float32Array[][];
  biases: Float32Array[];
  validateTrainingOptions(options: Record<string, unknown>): void;
}

/**
 * brain.js has one activation for every layer and always backpropagates (target - output)
 * through it (an mse error): a row of ours with a softmax + cross-entropy output runs with its
 * hidden activation on every layer instead, the same products of the same sizes.
 */
function brainActivation(w: Workload): BrainActivation {
  const hidden = activations(w)[0];
  if (hidden === 'sigmoid' || hidden === 'relu' || hidden === 'tanh' || hidden === 'leaky-relu') return hidden;
  throw new Error(`bench:peers: brain.js has no ${hidden} activation`);
}

function brainExact(w: Workload): boolean {
  const all = activations(w);
  return (w.create.loss ?? 'mse') === 'mse' && all.every((a) => a === all[0]);
}

const brainJs: Contender = {
  name: 'brain.js',
  cannot(w) {
    if (w.batchSize > 1) return 'n/a: no mini-batches';
    const hidden = activations(w)[0];
    if (!['sigmoid', 'relu', 'tanh', 'leaky-relu'].includes(hidden)) return `n/a: no ${hidden}`;
    return unmirrored(w);
  },
  differs: (w) => (brainExact(w) ? null : `${brainActivation(w)} on every layer, mse output error`),
  async prepare(w, data, init) {
    const net = new brain.NeuralNetwork({ activation: brainActivation(w), hiddenLayers: w.layers.slice(1, -1) });
    const internals = net as unknown as BrainInternals;
    internals.sizes = [...w.layers];
    internals.initialize();
    // Our initial parameters, rounded to the float32 brain.js stores them in.
    init.weights.forEach((weights, l) => {
      const nIn = w.layers[l];
      internals.weights[l + 1].forEach((row, j) => row.set(weights.slice(j * nIn, (j + 1) * nIn)));
      internals.biases[l + 1].set(init.biases[l]);
    });
    // brain.js rejects momentum 0 and errorThresh 0 as "out of normal training range", though
    // its update does plain SGD with momentum 0 and errorThresh 0 just never stops early:
    // validate every other option, with those two replaced by values it accepts.
    const validate = internals.validateTrainingOptions.bind(net);
    internals.validateTrainingOptions = (options) => validate({ ...options, momentum: 0.1, errorThresh: 0.005 });
    const nIn = w.layers[0];
    const nOut = w.layers[w.layers.length - 1];
    // Float64Array rows pass through its formatData untouched (no copy, no float32 rounding).
    const samples = Array.from({ length: data.rows }, (_, r) => ({
      input: data.inputs.subarray(r * nIn, (r + 1) * nIn),
      output: data.targets.subarray(r * nOut, (r + 1) * nOut),
    }));
    let status: { error: number; iterations: number } | undefined;
    return {
      fit() {
        status = net.train(samples, { iterations: w.epochs, errorThresh: 0, learningRate: w.learningRate, momentum: 0, log: false });
      },
      // Its error is the mean over the samples of the mean squared output error, as our mse.
      result: () => ({ loss: status!.error, epochs: status!.iterations }),
      dispose() {},
    };
  },
};

// ---------------------------------------------------------------------------------------------
// TensorFlow.js

/**
 * tfjs's fastest training path for a plain MLP: tf.variable weights, a loss closure and
 * tf.train.sgd().minimize per batch, with fused matMul + bias + relu where it has a gradient
 * for it (what tf.layers.dense uses too); model.fit would add per-batch callbacks on top.
 */
function tfjs(backend: 'cpu' | 'wasm'): Contender {
  return {
    name: `tfjs-${backend}`,
    // Mirrored here: sigmoid, relu and tanh layers under mse, or those hidden and a softmax
    // output under cross-entropy; anything else would need its own loss code below.
    cannot: (w) => {
      const all = activations(w);
      const loss = w.create.loss ?? 'mse';
      const hidden = loss === 'cross-entropy' ? all.slice(0, -1) : all;
      const bad = hidden.find((a) => !['sigmoid', 'relu', 'tanh'].includes(a));
      if (bad) return `n/a: ${bad} not mirrored`;
      if (loss !== 'mse' && loss !== 'cross-entropy') return `n/a: ${loss} not mirrored`;
      return unmirrored(w);
    },
    differs: () => null,
    async prepare(w, data, init) {
      if (tf.getBackend() !== backend) await tf.setBackend(backend);
      const kinds = activations(w);
      const last = kinds.length - 1;
      const crossEntropy = w.create.loss === 'cross-entropy';
      // tfjs's dense kernel is [in, out]: ours is [out][in], so transposed.
      const W = init.weights.map((weights, l) => {
        const nIn = w.layers[l];
        const nOut = w.layers[l + 1];
        const t = new Float32Array(nIn * nOut);
        for (let j = 0; j < nOut; j++) for (let i = 0; i < nIn; i++) t[i * nOut + j] = weights[j * nIn + i];
        // tidy: the variable keeps its own reference to the data; the initial tensor goes.
        return tf.tidy(() => tf.variable(tf.tensor2d(t, [nIn, nOut])));
      });
      const b = init.biases.map((biases) => tf.tidy(() => tf.variable(tf.tensor1d(biases))));
      const nIn = w.layers[0];
      const nOut = w.layers[w.layers.length - 1];
      const parts = batches(w, data);
      // tfjs holds float32 only: the rounding is made explicit here rather than left to it.
      const xs = parts.map((p) => tf.tensor2d(Float32Array.from(data.inputs.subarray(p.first * nIn, (p.first + p.rows) * nIn)), [p.rows, nIn]));
      const ys = parts.map((p) => tf.tensor2d(Float32Array.from(data.targets.subarray(p.first * nOut, (p.first + p.rows) * nOut)), [p.rows, nOut]));
      const optimizer = tf.train.sgd(w.learningRate);
      // The scalar each batch minimises has our gradient: the batch mean of cross-entropy on the
      // logits, or of half the summed squared error (our mse delta is (a - y) f'(z), no 2/n).
      const loss = (k: number): tf.Scalar => {
        let a: tf.Tensor = xs[k];
        for (let l = 0; l <= last; l++) {
          const kind = kinds[l];
          if (kind === 'relu' || (l === last && crossEntropy)) {
            a = tf.fused.matMul({ a: a as tf.Tensor2D, b: W[l], bias: b[l], activation: kind === 'relu' ? 'relu' : 'linear' });
          } else {
            const z = tf.add(tf.matMul(a, W[l]), b[l]);
            a = kind === 'sigmoid' ? tf.sigmoid(z) : tf.tanh(z);
          }
        }
        if (crossEntropy) return tf.losses.softmaxCrossEntropy(ys[k], a);
        return tf.mul(tf.sum(tf.squaredDifference(a, ys[k])), 0.5 / parts[k].rows);
      };
      let costs: tf.Scalar[] = [];
      return {
        fit() {
          for (let e = 0; e < w.epochs; e++) {
            const keep = e === w.epochs - 1;
            for (let k = 0; k < parts.length; k++) {
              const cost = optimizer.minimize(() => loss(k), keep);
              if (cost) costs.push(cost);
            }
          }
          // The cpu and wasm backends run every op synchronously; reading one weight back is
          // cheap and makes sure nothing is left pending when the clock stops.
          W[0].dataSync();
        },
        result() {
          // Our loss of the last epoch: the mean over samples of cross-entropy, or of squares / n.
          let sum = 0;
          costs.forEach((cost, k) => {
            const c = cost.dataSync()[0];
            sum += (crossEntropy ? c : (2 * c) / nOut) * parts[k].rows;
          });
          return { loss: sum / data.rows, epochs: w.epochs };
        },
        dispose() {
          tf.dispose([...W, ...b, ...xs, ...ys, ...costs]);
          costs = [];
          optimizer.dispose();
        },
      };
    },
  };
}

const CONTENDERS: readonly Contender[] = [wasmMlp('wasm-mlp wasm', 'wasm'), wasmMlp('wasm-mlp js', 'js'), brainJs, tfjs('cpu'), tfjs('wasm')];
const OURS = CONTENDERS[0].name;

// ---------------------------------------------------------------------------------------------
// Measuring

interface Figures {
  samplesPerSecond: Spread;
  seconds: number[];
  fitsPerRun: number;
  finalLoss: number;
  /** What it ran differently from the row, or null. */
  differs: string | null;
}

interface Record_ {
  workload: string;
  layers: number[];
  create: RowOptions;
  samples: number;
  epochs: number;
  learningRate: number;
  batchSize: number;
  seed: number;
  runs: number;
  /** Per contender: its figures, or why it cannot run the row. */
  contenders: Record<string, Figures | { na: string }>;
  /** Median samples/s of wasm-mlp's wasm backend over each other contender's. */
  ratios: Record<string, number>;
}

/** `count` fresh trainers fitted back to back; returns the seconds and the first one's result. */
async function timeRun(c: Contender, w: Workload, data: Data, init: Params, count: number) {
  const trainers: Trainer[] = [];
  // A tensor left behind by a run would burden every later run's memory and GC: none may be.
  const tensors = tf.memory().numTensors;
  try {
    for (let i = 0; i < count; i++) trainers.push(await c.prepare(w, data, init));
    const start = performance.now();
    for (const t of trainers) t.fit();
    const seconds = (performance.now() - start) / 1000;
    const result = trainers[0].result();
    if (result.epochs !== w.epochs) throw new Error(`bench:peers: ${c.name} ran ${result.epochs} epochs of ${w.name}, not ${w.epochs}`);
    return { seconds, result };
  } finally {
    for (const t of trainers) t.dispose();
    const left = tf.memory().numTensors - tensors;
    if (left !== 0) throw new Error(`bench:peers: a ${c.name} run of ${w.name} left ${left} tensors behind`);
  }
}

async function measure(w: Workload, runs: number): Promise<Record_> {
  const data = w.data(nodeFiles);
  // The row's initial parameters, from the library itself: every contender starts from them.
  const seedNet = await MLP.create({ ...w.create, layers: w.layers, seed: w.seed });
  const init: Params = seedNet.toJSON();
  seedNet.dispose();
  const able = CONTENDERS.filter((c) => c.cannot(w) === null);
  // Warm-up: fits one at a time for WARM_SECONDS (a single fit of a slow contender), so the
  // JIT has reached its top tier before any timed run; the last one's time sets how many
  // fits make a timed run long enough.
  const counts: number[] = [];
  for (const c of able) {
    let spent = 0;
    let last = 0;
    for (let fits = 0; spent < WARM_SECONDS && fits < MAX_WARM_FITS; fits++) {
      last = (await timeRun(c, w, data, init, 1)).seconds;
      spent += last;
    }
    counts.push(Math.min(MAX_FITS_PER_RUN, Math.max(1, Math.ceil(RUN_SECONDS / last))));
    progress(`${w.name}: warm-up ${c.name}`);
  }
  const seconds: number[][] = able.map(() => []);
  const losses: number[] = [];
  for (let r = 0; r < runs; r++) {
    for (const i of runOrder(able.length, r)) {
      const run = await timeRun(able[i], w, data, init, counts[i]);
      seconds[i].push(run.seconds);
      losses[i] = run.result.loss;
      progress(`${w.name}: run ${r + 1}/${runs} ${able[i].name}`);
    }
  }
  const contenders: Record_['contenders'] = {};
  for (const c of CONTENDERS) {
    const i = able.indexOf(c);
    if (i < 0) {
      contenders[c.name] = { na: c.cannot(w)! };
      continue;
    }
    const sampleEpochs = data.rows * w.epochs * counts[i];
    contenders[c.name] = {
      samplesPerSecond: spread(seconds[i].map((s) => sampleEpochs / s)),
      seconds: seconds[i],
      fitsPerRun: counts[i],
      finalLoss: losses[i],
      differs: c.differs(w),
    };
  }
  const ours = contenders[OURS];
  const ratios: Record<string, number> = {};
  for (const c of CONTENDERS.slice(1)) {
    const f = contenders[c.name];
    if ('samplesPerSecond' in f && 'samplesPerSecond' in ours) ratios[c.name] = ours.samplesPerSecond.median / f.samplesPerSecond.median;
  }
  return {
    workload: w.name,
    layers: w.layers,
    create: w.create,
    samples: data.rows,
    epochs: w.epochs,
    learningRate: w.learningRate,
    batchSize: w.batchSize,
    seed: w.seed,
    runs,
    contenders,
    ratios,
  };
}

// ---------------------------------------------------------------------------------------------
// Output

function table(records: readonly Record_[], m: Machine, versions: Record<string, string>): string {
  const others = CONTENDERS.slice(1).map((c) => c.name);
  const header = ['workload', 'layers', 'batch', ...CONTENDERS.map((c) => c.name), ...others.map((o) => `wasm/${o.replace('wasm-mlp ', '')}`)];
  // One mark per distinct difference, so a peer that differs alike on several rows is explained once.
  const marks = new Map<string, string>();
  const mark = (text: string) => {
    if (!marks.has(text)) marks.set(text, '*'.repeat(marks.size + 1));
    return marks.get(text)!;
  };
  const rows = records.map((r) => [
    r.workload,
    r.layers.join('-'),
    String(r.batchSize),
    ...CONTENDERS.map((c) => {
      const f = r.contenders[c.name];
      if ('na' in f) return f.na;
      return f.differs === null ? si(f.samplesPerSecond.median) : `${si(f.samplesPerSecond.median)} ${mark(`${c.name}: ${f.differs}`)}`;
    }),
    ...others.map((o) => (r.ratios[o] === undefined ? '-' : times(r.ratios[o]))),
  ]);
  const losses = records.map((r) => {
    const cells = CONTENDERS.flatMap((c) => {
      const f = r.contenders[c.name];
      return 'na' in f ? [] : [`${c.name.replace('wasm-mlp ', '')} ${f.finalLoss.toPrecision(4)}`];
    });
    return `  ${r.workload}: ${cells.join(', ')}`;
  });
  return [
    `wasm-mlp vs peers: ${machineLine(m)}; ${Object.entries(versions).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `samples/s (sample-epochs per second): median of ${records[0]?.runs ?? DEFAULT_RUNS} interleaved runs per contender after >= ${WARM_SECONDS} s of warm-up fits; a run fits fresh nets back to back, as many as make it last >= ${RUN_SECONDS * 1000} ms`,
    'wasm/X = wasm-mlp wasm (its SIMD kernel) samples/s over X samples/s (> 1: wasm-mlp faster); everything single-threaded',
    '',
    ...renderTable(header, rows, new Set([0, 1])),
    ...[...marks].map(([text, m]) => `${m} ${text}`),
    '',
    'Same work for every contender: the same data, the initial weights and biases of MLP.create with the row\'s seed and init',
    '(copied into brain.js and transposed into tfjs), rows in order without shuffling, plain SGD at the row\'s learning rate:',
    'one update per sample for batch 1, the batch-mean gradient otherwise.',
    'tfjs works in float32 throughout (weights, data, arithmetic): its losses match ours only to ~float32 precision.',
    'tfjs: tf.variable weights and tf.train.sgd().minimize per batch, fused matMul+bias(+relu), batches made into tensors',
    '  before the clock, prod mode; the wasm backend runs its SIMD build on 1 thread (Node gets no multithreaded build).',
    'brain.js: weights and biases stored as float32 (arithmetic in float64; inputs as given); no mini-batches;',
    '  momentum 0 (plain SGD) and errorThresh 0 (no early stop) pass by its option check, which rejects both as',
    '  "out of normal training range"; only one activation for all layers and an mse output error, so no softmax +',
    '  cross-entropy (cells marked *: relu on every layer there, the same products of the same sizes).',
    'final training losses (last epoch; our mse is the mean of squares / outputs, as brain.js\'s error; cross-entropy for tfjs',
    '  where ours is; brain.js\'s mse where marked *):',
    ...losses,
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Calls: one predict or one single-sample fit per call, wasm-mlp beside brain.js

interface PeerCall {
  name: string;
  layers: number[];
  kind: 'predict' | 'fit';
  /** The target: wasm-mlp wasm's time per call at most this many times brain.js's (null: none). */
  maxOverBrain: number | null;
}

const PEER_CALLS: PeerCall[] = [
  { name: 'predict 2-2-1', layers: [2, 2, 1], kind: 'predict', maxOverBrain: 1 },
  { name: 'fit 2-2-1', layers: [2, 2, 1], kind: 'fit', maxOverBrain: 1 },
  { name: 'predict 784-256-10', layers: [784, 256, 10], kind: 'predict', maxOverBrain: null },
  { name: 'fit 784-256-10', layers: [784, 256, 10], kind: 'fit', maxOverBrain: null },
];

interface PeerCallRecord extends PeerCall {
  /** Median microseconds per call. */
  us: Record<string, number>;
}

/** Sigmoid nets with the same sizes and initial weights; one row (or sample) per call, rows cycling. */
async function peerCallTimers(c: PeerCall): Promise<{ timers: Timer[]; names: string[]; dispose(): void }> {
  const rows = 64;
  const data = generated(rows, c.layers[0], c.layers[c.layers.length - 1], 7);
  const nIn = c.layers[0];
  const nOut = c.layers[c.layers.length - 1];
  const ours = await Promise.all((['wasm', 'js'] as const).map((backend) => MLP.create({ layers: c.layers, seed: 42, backend })));
  const brainNet = new brain.NeuralNetwork({ activation: 'sigmoid', hiddenLayers: c.layers.slice(1, -1) });
  const internals = brainNet as unknown as BrainInternals;
  internals.sizes = [...c.layers];
  internals.initialize();
  const validate = internals.validateTrainingOptions.bind(brainNet);
  internals.validateTrainingOptions = (options) => validate({ ...options, momentum: 0.1, errorThresh: 0.005 });
  const inputs = Array.from({ length: rows }, (_, r) => data.inputs.subarray(r * nIn, (r + 1) * nIn));
  const targets = Array.from({ length: rows }, (_, r) => data.targets.subarray(r * nOut, (r + 1) * nOut));
  const nested = inputs.map((row) => [Array.from(row)]);
  const nestedTargets = targets.map((row) => [Array.from(row)]);
  const samples = inputs.map((input, r) => [{ input, output: targets[r] }]);
  const fitOptions = { epochs: 1, learningRate: 0.1 };
  const brainOptions = { iterations: 1, errorThresh: 0, learningRate: 0.1, momentum: 0, log: false };
  let i = 0;
  const loop = (body: (r: number) => void): Timer => ({
    run: (k) => {
      for (let n = 0; n < k; n++) body(i++ % rows);
      return k;
    },
  });
  const timers =
    c.kind === 'predict'
      ? [...ours.map((net) => loop((r) => net.predict(nested[r]))), loop((r) => brainNet.run(inputs[r]))]
      : [...ours.map((net) => loop((r) => net.fit(nested[r], nestedTargets[r], fitOptions))), loop((r) => brainNet.train(samples[r], brainOptions))];
  return { timers, names: ['wasm-mlp wasm', 'wasm-mlp js', 'brain.js'], dispose: () => ours.forEach((n) => n.dispose()) };
}

async function measurePeerCalls(): Promise<PeerCallRecord[]> {
  const records: PeerCallRecord[] = [];
  for (const c of PEER_CALLS) {
    progress(`calls: ${c.name}`);
    const { timers, names, dispose } = await peerCallTimers(c);
    try {
      const medians = timeInterleaved(timers, 15);
      records.push({ ...c, us: Object.fromEntries(names.map((n, i) => [n, medians[i]])) });
    } finally {
      dispose();
    }
  }
  return records;
}

function peerCallsTable(records: readonly PeerCallRecord[]): string {
  const names = ['wasm-mlp wasm', 'wasm-mlp js', 'brain.js'];
  const us = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toFixed(3));
  const rows = records.map((r) => [
    r.name, ...names.map((n) => us(r.us[n])), times(r.us['brain.js'] / r.us['wasm-mlp wasm']),
    r.maxOverBrain === null ? '-' : r.us['wasm-mlp wasm'] <= r.maxOverBrain * r.us['brain.js'] ? 'met (<= brain.js)' : 'NOT MET (<= brain.js)',
  ]);
  return [
    'calls: one call at a time (predict of one row as number[][]; fit of one sample, one epoch / brain.js train of one item, one iteration),',
    'sigmoid nets, median us per call over interleaved ~10 ms blocks after warm-up; brain.js/wasm > 1: wasm-mlp faster',
    '',
    ...renderTable(['call', ...names.map((n) => `${n} us`), 'brain.js/wasm', 'target'], rows, new Set([0, 5])),
  ].join('\n');
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), 'npm run bench:peers', 'times wasm-mlp against brain.js and TensorFlow.js', WORKLOADS, MIN_RUNS, ['calls']);
  tf.enableProdMode();
  // Each backend is set up once here, so no timed run pays for loading tfjs-wasm's module.
  for (const backend of ['wasm', 'cpu']) {
    if (!(await tf.setBackend(backend))) throw new Error(`bench:peers: tfjs backend ${backend} failed to initialise`);
  }
  const m = machine();
  const records: Record_[] = [];
  for (const w of args.only) records.push(await measure(w, args.runs ?? DEFAULT_RUNS));
  const calls = args.sections.includes('calls') ? await measurePeerCalls() : [];
  progress('');
  const peers = versions();
  if (args.json) {
    process.stdout.write(`${JSON.stringify({ bench: 'wasm-mlp peers', date: new Date().toISOString(), machine: m, versions: peers, records, calls }, null, 2)}\n`);
  } else {
    const sections = [...(records.length ? [table(records, m, peers)] : []), ...(calls.length ? [peerCallsTable(calls)] : [])];
    process.stdout.write(`${sections.join('\n\n')}\n`);
  }
}

/** The installed peers' versions, from their package.json (brain.js 1.x exports none). */
function versions(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const names = ['brain.js', '@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm'];
  return Object.fromEntries(names.map((n) => [n, (require(`${n}/package.json`) as { version: string }).version]));
}

main().catch((error: unknown) => {
  process.stderr.write(`\n${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
