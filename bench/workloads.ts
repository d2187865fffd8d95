// The benchmark's workloads, their data and the speed targets: one list shared by
// `npm run bench` (bench/bench.ts), `npm run bench:peers` (bench/peers.ts) and the site's
// benchmark page, so that all time exactly the same nets, data, initial weights and
// hyperparameters. Platform-free: the one file a row reads comes through BenchFiles.
import type { CreateOptions } from '../src/browser.ts';
import { parseDigitsCSV } from './digits.ts';

/** Training data as the library takes it without copying row by row: flat row-major. */
export interface Data {
  inputs: Float64Array;
  targets: Float64Array;
  rows: number;
}

/** The files rows read, as text: Node reads them from the repo (node-files.ts), a page fetches them. */
export interface BenchFiles {
  /** examples/data/digits.csv */
  digitsCSV(): string;
}

/**
 * What a row adds to MLP.create for every variant that runs it: the architecture and init.
 * Typed from CreateOptions, so any option the library gains (a thread count, say) can be set
 * per row without touching the measuring code.
 */
export type RowOptions = Omit<CreateOptions, 'layers' | 'seed' | 'backend' | 'simd'>;

/**
 * One row of the tables. Each says how to make its data, so the data of a row that is not
 * selected is never built.
 */
export interface Workload {
  /** Used by --only: no spaces. */
  name: string;
  layers: number[];
  create: RowOptions;
  epochs: number;
  learningRate: number;
  /** 1: per-sample SGD (the kernel's fused pass); more: mini-batch SGD, gradients averaged. */
  batchSize: number;
  seed: number;
  /** False where exp and per-call overhead, not the matrix products, set the pace. */
  gflops: boolean;
  /** Timed runs per variant after the warm-up (bench.ts; never fewer than its minimum). */
  runs: number;
  /**
   * Fresh nets fitted back to back in one timed run, so that a run of a tiny workload lasts
   * tens of milliseconds rather than one, and one GC pause or timer tick cannot dominate it.
   */
  fitsPerRun: number;
  /**
   * The variants (bench.ts's columns) that run this row, when not all can: a row whose
   * `create` asks for something only the wasm kernel has lists just the wasm variants.
   */
  variants?: readonly string[];
  /**
   * The row this one is held against by a target (its float32 or threads twin): the bench
   * times the two in the same rounds, so that the ratio is taken under the same load.
   */
  twinOf?: string;
  about: string;
  data(files: BenchFiles): Data;
}

/** Hidden relu, softmax output, cross-entropy, He init: a net that learns instead of saturating. */
const CLASSIFIER: RowOptions = { activation: ['relu', 'softmax'], loss: 'cross-entropy', init: 'he' };

/** The notebook's net: sigmoid everywhere, mse, the default uniform init. */
const NOTEBOOK: RowOptions = { activation: 'sigmoid', loss: 'mse', init: 'uniform' };

const DIGITS_ABOUT = 'examples/data/digits.csv (1,797 rows): pixels / 16, one-hot digit';
const WIDE_ABOUT = '2,048 generated MNIST-sized rows (seeded), each a noisy copy of its class prototype';

/** mid-b32: digits through 64-128-10, batch 32; its variants below change only what they name. */
const MID_B32: Workload = {
  name: 'mid-b32',
  layers: [64, 128, 10],
  create: CLASSIFIER,
  epochs: 1,
  // 56 averaged steps instead of 1,797 single ones: a larger rate to learn in one epoch.
  learningRate: 0.5,
  batchSize: 32,
  seed: 42,
  gflops: true,
  // ~6 ms a fit on wasm: 10 fits per run, or one GC pause swings the ratio.
  runs: 9,
  fitsPerRun: 10,
  about: DIGITS_ABOUT,
  data: digits,
};

const BASE_WORKLOADS: Workload[] = [
  {
    name: 'seed',
    layers: [2, 2, 1],
    create: NOTEBOOK,
    epochs: 10_000,
    learningRate: 0.1,
    batchSize: 1,
    seed: 42,
    gflops: false,
    // A fit takes about a millisecond; 20 per run make each timed interval ~20 ms.
    runs: 15,
    fitsPerRun: 20,
    about: "the notebook's: [[0, 1]] -> [[1]]",
    data: () => ({ inputs: Float64Array.of(0, 1), targets: Float64Array.of(1), rows: 1 }),
  },
  {
    name: 'xor',
    layers: [2, 8, 1],
    create: NOTEBOOK,
    epochs: 2_000,
    learningRate: 0.1,
    batchSize: 1,
    seed: 42,
    gflops: false,
    runs: 15,
    fitsPerRun: 20,
    about: 'the four XOR rows',
    data: () => ({ inputs: Float64Array.of(0, 0, 0, 1, 1, 0, 1, 1), targets: Float64Array.of(0, 1, 1, 0), rows: 4 }),
  },
  {
    name: 'mid-b1',
    layers: [64, 128, 10],
    create: CLASSIFIER,
    epochs: 1,
    // Per-sample steps: 0.05 reaches ~89% training accuracy in the one epoch; 0.1 overshoots.
    learningRate: 0.05,
    batchSize: 1,
    seed: 42,
    gflops: true,
    // ~10 ms a fit on wasm: 5 fits make a run long enough to time.
    runs: 9,
    fitsPerRun: 5,
    about: DIGITS_ABOUT,
    data: digits,
  },
  MID_B32,
  {
    ...MID_B32,
    // mid-b32 with threads: 2: no product of a batch of 32 is large enough to split, so the
    // fit runs on the calling thread alone (src/backends/wasm/thread-choice.ts) and must be
    // as fast as mid-b32 itself.
    name: 'mid-b32-t2',
    twinOf: 'mid-b32',
    create: { ...CLASSIFIER, threads: 2 },
    variants: ['wasm'],
    about: `${DIGITS_ABOUT}; threads: 2`,
  },
  {
    ...MID_B32,
    // mid-b32 with the default activation and loss (sigmoid everywhere, mse): exp on every
    // unit. Xavier init: the default uniform one saturates this net (its loss stays at 0.9).
    name: 'mid-b32-sigmoid',
    create: { activation: 'sigmoid', loss: 'mse', init: 'xavier' },
  },
  {
    ...MID_B32,
    // mid-b32 with a tanh hidden layer: tanh's exp form and rational form side by side.
    name: 'mid-b32-tanh',
    create: { activation: ['tanh', 'softmax'], loss: 'cross-entropy', init: 'xavier' },
  },
  {
    name: 'wide-b64',
    layers: [784, 256, 10],
    create: CLASSIFIER,
    epochs: 1,
    // 32 averaged steps: 0.1 reaches ~70% training accuracy in the epoch; 0.3 no longer learns.
    learningRate: 0.1,
    batchSize: 64,
    seed: 42,
    gflops: true,
    runs: 7,
    fitsPerRun: 1,
    about: WIDE_ABOUT,
    data: wide,
  },
  {
    // The same fit on two threads (worker_threads; the net and its workers are made before
    // the clock starts). Only the wasm kernel has threads.
    name: 'wide-b64-t2',
    twinOf: 'wide-b64',
    layers: [784, 256, 10],
    create: { ...CLASSIFIER, threads: 2 },
    epochs: 1,
    learningRate: 0.1,
    batchSize: 64,
    seed: 42,
    gflops: true,
    runs: 7,
    fitsPerRun: 1,
    variants: ['wasm'],
    about: `${WIDE_ABOUT}; threads: 2`,
    data: wide,
  },
  {
    name: 'wide-b1',
    layers: [784, 256, 10],
    create: CLASSIFIER,
    epochs: 1,
    // ~96% training accuracy in the epoch; the loss keeps falling at 0.02 too, so not saturated.
    learningRate: 0.01,
    batchSize: 1,
    seed: 42,
    gflops: true,
    runs: 5,
    fitsPerRun: 1,
    about: WIDE_ABOUT,
    data: wide,
  },
];

/** A row's float32 twin: the same net, data, initial draws and hyperparameters, dtype 'float32'. */
function float32(w: Workload): Workload {
  return { ...w, name: `${w.name}-f32`, twinOf: w.name, create: { ...w.create, dtype: 'float32' }, about: `${w.about}; dtype: 'float32'` };
}

/** The rows whose float32 twins the bench times beside them (the float32 / float64 targets). */
const FLOAT32_ROWS = ['mid-b1', 'mid-b32', 'wide-b64', 'wide-b1'];

export const WORKLOADS: Workload[] = [...BASE_WORKLOADS, ...BASE_WORKLOADS.filter((w) => FLOAT32_ROWS.includes(w.name)).map(float32)];

/** One cell of bench.ts's table: a row and a variant. */
export interface Cell {
  workload: string;
  variant: string;
}

/**
 * A target of the issue: samples/s of `over` divided by samples/s of `under`, at least `min`.
 * The two cells may be in different rows (threads 2 against threads 1 will be), which is
 * why a target names both rather than assuming wasm and js of one row.
 */
export interface Target {
  label: string;
  over: Cell;
  under: Cell;
  min: number;
}

const wasmOverJs = (workload: string, min: number): Target => ({
  label: `${workload}: wasm / js`,
  over: { workload, variant: 'wasm' },
  under: { workload, variant: 'js' },
  min,
});

const float32OverFloat64 = (workload: string, min: number): Target => ({
  label: `${workload}: float32 / float64 (wasm)`,
  over: { workload: `${workload}-f32`, variant: 'wasm' },
  under: { workload, variant: 'wasm' },
  min,
});

/** The table, on the 2-core machine, single thread. */
export const TARGETS: Target[] = [
  wasmOverJs('seed', 1.5),
  wasmOverJs('xor', 2),
  wasmOverJs('mid-b1', 4),
  wasmOverJs('mid-b32', 8),
  // Sigmoid and tanh nets as fast against js as the relu one.
  wasmOverJs('mid-b32-sigmoid', 8),
  wasmOverJs('mid-b32-tanh', 8),
  wasmOverJs('wide-b64', 8),
  wasmOverJs('wide-b1', 4),
  { label: 'wide-b64: threads 2 / threads 1', over: { workload: 'wide-b64-t2', variant: 'wasm' }, under: { workload: 'wide-b64', variant: 'wasm' }, min: 1.7 },
  float32OverFloat64('wide-b64', 1.8),
  float32OverFloat64('mid-b32', 1.6),
  float32OverFloat64('wide-b1', 1.4),
  // Threads never slow a net down: this one's batches run on one thread (a ratio of 1 but for noise).
  { label: 'mid-b32: threads 2 / threads 1', over: { workload: 'mid-b32-t2', variant: 'wasm' }, under: { workload: 'mid-b32', variant: 'wasm' }, min: 0.95 },
];

/**
 * 2 x the multiply-adds of one sample's matrix products: forward W.a, the weight gradient
 * d.a^T (applied at once per sample, or summed over the batch), and W^T.d for every layer but
 * the first (nothing consumes the input's delta). That is the usual ~6 flops per weight,
 * exactly counted; the O(n) bias, activation and exp work and the once-per-batch update of a
 * mini-batch (2 flops per weight per batch) are left out.
 */
export function flopsPerSample(layers: readonly number[]): number {
  let flops = 0;
  for (let l = 1; l < layers.length; l++) flops += (l === 1 ? 4 : 6) * layers[l - 1] * layers[l];
  return flops;
}

// ---------------------------------------------------------------------------------------------
// Data

/** Parsed once per text: mid-b1 and mid-b32 share it. */
let digitsData: { text: string; data: Data } | undefined;

function digits(files: BenchFiles): Data {
  const text = files.digitsCSV();
  if (digitsData?.text !== text) {
    const { inputs, targets, rows } = parseDigitsCSV(text);
    digitsData = { text, data: { inputs, targets, rows } };
  }
  return digitsData.data;
}

let wideData: Data | undefined;

function wide(): Data {
  wideData ??= generated(2048, 784, 10, 0x5eed);
  return wideData;
}

/**
 * MNIST-sized rows from a fixed-seed mulberry32 (the same bytes on every machine and run,
 * without a dependency on the library's own generator): each row is half its class's fixed
 * random prototype and half uniform noise, all in [0, 1), with the class drawn uniformly.
 * Clustered like real images, so a net learns them in one epoch and its loss falls as it
 * would on real data; random labels on random pixels could only be memorised.
 */
export function generated(rows: number, width: number, classes: number, seed: number): Data {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const prototypes = Float64Array.from({ length: classes * width }, next);
  const inputs = new Float64Array(rows * width);
  const targets = new Float64Array(rows * classes);
  for (let r = 0; r < rows; r++) {
    const k = Math.floor(next() * classes);
    targets[r * classes + k] = 1;
    for (let c = 0; c < width; c++) inputs[r * width + c] = 0.5 * prototypes[k * width + c] + 0.5 * next();
  }
  return { inputs, targets, rows };
}
