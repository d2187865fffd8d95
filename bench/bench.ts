// `npm run bench`: times the wasm and js backends side by side in one process on the
// workloads listed in WORKLOADS and prints one table (or, with --json, one JSON document).
// It also fails loudly if the two backends' losses or final parameters differ by a single bit.
//
//   npm run bench -- [--json] [--runs N] [--only seed,xor]
import { readFileSync, existsSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { parse } from 'csv-parse/sync';
import { MLP, type BackendName, type FitOptions } from '../src/index.ts';

/** Training data as the library takes it without copying row by row: flat row-major. */
interface Data {
  inputs: Float64Array;
  targets: Float64Array;
  rows: number;
}

/**
 * One row of the table. Later rows (mini-batches, threads, SIMD) are added here; each says
 * how to make its data, so the data of a workload that is not selected is never built.
 */
interface Workload {
  name: string;
  layers: number[];
  epochs: number;
  learningRate: number;
  /** Any further fit options of the row (a batchSize, say); epochs and learningRate win. */
  fit?: FitOptions;
  seed: number;
  /** False where exp and per-call overhead, not the matrix products, set the pace. */
  gflops: boolean;
  /** Timed runs per backend after the warm-up; never fewer than MIN_RUNS. */
  runs: number;
  /**
   * Fresh nets fitted back to back in one timed run, so that a run of a tiny workload lasts
   * milliseconds rather than microseconds and one GC pause or timer tick cannot dominate it.
   */
  fitsPerRun: number;
  about: string;
  data(): Data;
}

const MIN_RUNS = 5;
const BACKENDS: readonly BackendName[] = ['wasm', 'js'];

const WORKLOADS: Workload[] = [
  {
    name: 'seed',
    layers: [2, 2, 1],
    epochs: 10_000,
    learningRate: 0.1,
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
    epochs: 2_000,
    learningRate: 0.1,
    seed: 42,
    gflops: false,
    runs: 15,
    fitsPerRun: 20,
    about: 'the four XOR rows',
    data: () => ({ inputs: Float64Array.of(0, 0, 0, 1, 1, 0, 1, 1), targets: Float64Array.of(0, 1, 1, 0), rows: 4 }),
  },
  {
    name: 'mid',
    layers: [64, 128, 10],
    epochs: 1,
    learningRate: 0.1,
    seed: 42,
    gflops: true,
    runs: 9,
    fitsPerRun: 1,
    about: 'examples/data/digits.csv: pixels / 16, one-hot digit',
    data: digits,
  },
  {
    name: 'wide',
    layers: [784, 256, 10],
    epochs: 1,
    learningRate: 0.1,
    seed: 42,
    gflops: true,
    runs: 5,
    fitsPerRun: 1,
    about: '2,048 generated MNIST-sized samples (seeded)',
    data: () => generated(2048, 784, 10, 0x5eed),
  },
];

// ---------------------------------------------------------------------------------------------
// Data

/** The repo root, found by walking up from this file: the same code runs from bench/ and build/bench/. */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'examples', 'data', 'digits.csv'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`bench: examples/data/digits.csv not found above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

function digits(): Data {
  const records = parse(readFileSync(join(repoRoot(), 'examples', 'data', 'digits.csv')), {
    columns: true,
    cast: true,
    skip_empty_lines: true,
  }) as Record<string, unknown>[];
  const rows = records.length;
  const inputs = new Float64Array(rows * 64);
  const targets = new Float64Array(rows * 10);
  records.forEach((record, r) => {
    for (let p = 0; p < 64; p++) {
      const v = record[`pixel_${p}`];
      if (typeof v !== 'number' || !(v >= 0 && v <= 16)) throw new Error(`bench: digits.csv row ${r + 2}: pixel_${p} is ${String(v)}`);
      inputs[r * 64 + p] = v / 16;
    }
    const digit = record.digit;
    if (typeof digit !== 'number' || !Number.isInteger(digit) || digit < 0 || digit > 9) {
      throw new Error(`bench: digits.csv row ${r + 2}: digit is ${String(digit)}`);
    }
    targets[r * 10 + digit] = 1;
  });
  return { inputs, targets, rows };
}

/**
 * Inputs uniform in [0, 1) and a one-hot class, from a fixed-seed mulberry32: the same bytes
 * on every machine and run, without a dependency on the library's own generator.
 */
function generated(rows: number, width: number, classes: number, seed: number): Data {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const inputs = new Float64Array(rows * width);
  const targets = new Float64Array(rows * classes);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < width; c++) inputs[r * width + c] = next();
    targets[r * classes + Math.floor(next() * classes)] = 1;
  }
  return { inputs, targets, rows };
}

// ---------------------------------------------------------------------------------------------
// Measuring

/**
 * 2 x the multiply-adds of one sample's matrix products: forward W.a, update W -= lr.d.a^T,
 * and W^T.d for every layer but the first (nothing consumes the input's delta). That is the
 * usual ~6 flops per weight, exactly counted; the O(n) bias, sigmoid and exp work is left out.
 */
function flopsPerSample(layers: readonly number[]): number {
  let flops = 0;
  for (let l = 1; l < layers.length; l++) flops += (l === 1 ? 4 : 6) * layers[l - 1] * layers[l];
  return flops;
}

interface Run {
  seconds: number;
  loss: number[];
  /** Every final weight and bias: checked too, since a saturated net's loss hardly moves. */
  params: Float64Array;
}

/** One timed run: w.fitsPerRun fits, each of a fresh net (created before the clock starts). */
async function timeRun(w: Workload, data: Data, backend: BackendName): Promise<Run> {
  // Fresh nets: every fit, on either backend, starts from the same seeded weights.
  const nets: MLP[] = [];
  try {
    for (let i = 0; i < w.fitsPerRun; i++) nets.push(await MLP.create({ layers: w.layers, seed: w.seed, backend }));
    const inputs = { data: data.inputs, rows: data.rows };
    const targets = { data: data.targets, rows: data.rows };
    const fit = { ...w.fit, epochs: w.epochs, learningRate: w.learningRate };
    const losses: number[][] = [];
    const start = performance.now();
    for (const net of nets) losses.push(net.fit(inputs, targets, fit).loss);
    const seconds = (performance.now() - start) / 1000;
    const runs = nets.map((net, i): Run => {
      const { weights, biases } = net.toJSON();
      return { seconds, loss: losses[i], params: Float64Array.from(weights.flatMap((wl, l) => [...wl, ...biases[l]])) };
    });
    for (let i = 1; i < runs.length; i++) checkSame(w, `${backend} fit ${i + 1} of a run`, runs[0], runs[i], ['first', 'later']);
    return runs[0];
  } finally {
    for (const net of nets) net.dispose();
  }
}

const bits = (x: number) => {
  const v = new DataView(new ArrayBuffer(8));
  v.setFloat64(0, x);
  return `0x${v.getBigUint64(0).toString(16).padStart(16, '0')}`;
};

class MismatchError extends Error {}

/**
 * Every epoch's loss and every final parameter, compared as bits outside the timed region:
 * cheap next to the fit, and the message pins the first difference.
 */
function checkSame(w: Workload, label: string, a: Run, b: Run, names: readonly string[]): void {
  const first = (x: ArrayLike<number>, y: ArrayLike<number>) => {
    for (let i = 0; i < Math.max(x.length, y.length); i++) if (!Object.is(x[i], y[i])) return i;
    return -1;
  };
  const show = (x: number | undefined) => (x === undefined ? 'missing' : `${x} (${bits(x)})`);
  const fail = (what: string, i: number, x: number | undefined, y: number | undefined) => {
    throw new MismatchError(
      `bench: ${w.name} (${w.layers.join('-')}), ${label}: the ${names[0]} and ${names[1]} ${what} ${i} differ: ` +
        `${show(x)} vs ${show(y)}. The backends must agree bit for bit.`,
    );
  };
  const e = first(a.loss, b.loss);
  if (e >= 0) fail('losses at epoch', e + 1, a.loss[e], b.loss[e]);
  const p = first(a.params, b.params);
  if (p >= 0) fail('final parameters (weights then biases, layer by layer) at index', p, a.params[p], b.params[p]);
}

interface Spread {
  median: number;
  min: number;
  max: number;
}

function spread(values: number[]): Spread {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median, min: s[0], max: s[s.length - 1] };
}

interface BackendFigures {
  samplesPerSecond: Spread;
  gflops: Spread | null;
  seconds: number[];
}

interface Record_ {
  workload: string;
  about: string;
  layers: number[];
  samples: number;
  epochs: number;
  learningRate: number;
  /** The row's further fit options, when it has any. */
  fit?: FitOptions;
  seed: number;
  flopsPerSample: number;
  runs: number;
  fitsPerRun: number;
  warmupRuns: number;
  backends: Record<string, BackendFigures>;
  /** median wasm samples/s over median js samples/s: > 1 means wasm is faster. */
  ratio: number;
  /** The same ratio taken within each interleaved pair. */
  pairRatio: Spread;
  finalLoss: number;
  finalLossBits: string;
  /** Losses and final parameters, on every run. */
  bitwiseEqual: true;
}

async function measure(w: Workload, runs: number, progress: (line: string) => void): Promise<Record_> {
  const data = w.data();
  const sampleEpochs = data.rows * w.epochs * w.fitsPerRun;
  const flops = flopsPerSample(w.layers);
  // Warm-up: compiles the kernel, lets the JS backend's loops reach the optimizing tier, and
  // is already checked for agreement, so a mismatch shows before minutes of timing.
  const warm = [];
  for (const b of BACKENDS) warm.push(await timeRun(w, data, b));
  checkSame(w, 'warm-up', warm[0], warm[1], BACKENDS);
  const seconds: number[][] = BACKENDS.map(() => []);
  for (let r = 0; r < runs; r++) {
    // Alternate which backend goes first (ABBA...), so drift in machine speed and any
    // after-effect of one backend on the next (GC, cache, turbo) fall on both alike.
    const order = r % 2 === 0 ? [0, 1] : [1, 0];
    const got: Run[] = [];
    for (const i of order) {
      const run = await timeRun(w, data, BACKENDS[i]);
      got[i] = run;
      seconds[i].push(run.seconds);
    }
    checkSame(w, `run ${r + 1}`, got[0], got[1], BACKENDS);
    // A run that differs from the warm-up would mean the timing measured something else.
    checkSame(w, `run ${r + 1} vs warm-up`, got[0], warm[0], ['run', 'warm-up']);
    progress(`${w.name}: run ${r + 1}/${runs}`);
  }
  const backends: Record<string, BackendFigures> = {};
  BACKENDS.forEach((b, i) => {
    const throughput = seconds[i].map((s) => sampleEpochs / s);
    backends[b] = {
      samplesPerSecond: spread(throughput),
      gflops: w.gflops ? spread(throughput.map((t) => (t * flops) / 1e9)) : null,
      seconds: seconds[i],
    };
  });
  const finalLoss = warm[0].loss[warm[0].loss.length - 1];
  return {
    workload: w.name,
    about: w.about,
    layers: w.layers,
    samples: data.rows,
    epochs: w.epochs,
    learningRate: w.learningRate,
    fit: w.fit,
    seed: w.seed,
    flopsPerSample: flops,
    runs,
    fitsPerRun: w.fitsPerRun,
    warmupRuns: 1,
    backends,
    ratio: backends[BACKENDS[0]].samplesPerSecond.median / backends[BACKENDS[1]].samplesPerSecond.median,
    pairRatio: spread(seconds[0].map((s, r) => seconds[1][r] / s)),
    finalLoss,
    finalLossBits: bits(finalLoss),
    bitwiseEqual: true,
  };
}

// ---------------------------------------------------------------------------------------------
// Output

function si(x: number): string {
  if (x >= 1e9) return `${(x / 1e9).toPrecision(3)} G`;
  if (x >= 1e6) return `${(x / 1e6).toPrecision(3)} M`;
  if (x >= 1e3) return `${(x / 1e3).toPrecision(3)} k`;
  return x.toPrecision(3);
}

const fixed = (x: number) => (x >= 10 ? x.toFixed(1) : x.toFixed(2));

function table(records: Record_[], machine: Machine): string {
  const header = [
    'workload', 'layers', 'samples x epochs',
    ...BACKENDS.flatMap((b) => [`${b} samples/s`, `${b} min-max`]),
    ...BACKENDS.map((b) => `${b} GFLOP/s`),
    `${BACKENDS[0]}/${BACKENDS[1]}`, 'pairs min-max', 'runs',
  ];
  const rows = records.map((r) => [
    r.workload,
    r.layers.join('-'),
    `${r.samples} x ${r.epochs}`,
    ...BACKENDS.flatMap((b) => {
      const s = r.backends[b].samplesPerSecond;
      return [si(s.median), `${si(s.min)}-${si(s.max)}`];
    }),
    ...BACKENDS.map((b) => {
      const g = r.backends[b].gflops;
      return g ? fixed(g.median) : '-';
    }),
    `${r.ratio.toFixed(2)}x`,
    `${r.pairRatio.min.toFixed(2)}-${r.pairRatio.max.toFixed(2)}`,
    r.fitsPerRun === 1 ? String(r.runs) : `${r.runs} x ${r.fitsPerRun}`,
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  const left = new Set([0, 1]);
  const line = (cells: string[]) => cells.map((cell, c) => (left.has(c) ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ').trimEnd();
  return [
    `wasm-mlp bench: node ${machine.node}, ${machine.cpu}, ${machine.nproc} CPUs (${machine.platform}/${machine.arch})`,
    'median of interleaved runs per backend after 1 warm-up run each ("15 x 20": 15 runs, each fitting 20 fresh nets)',
    'samples/s = sample-epochs per second; GFLOP/s = 2 x multiply-adds (forward + backward + update) per sample',
    `${BACKENDS[0]}/${BACKENDS[1]} = ratio of the median samples/s (> 1: ${BACKENDS[0]} faster); pairs = its range over the interleaved pairs`,
    '',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    `every loss and final parameter bitwise equal on every run (${BACKENDS.join(' = ')}); final losses: ` +
      records.map((r) => `${r.workload} ${r.finalLoss.toPrecision(6)}`).join(', '),
  ].join('\n');
}

interface Machine {
  node: string;
  cpu: string;
  nproc: number;
  platform: string;
  arch: string;
}

function machine(): Machine {
  return {
    node: process.version,
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    nproc: availableParallelism(),
    platform: process.platform,
    arch: process.arch,
  };
}

// ---------------------------------------------------------------------------------------------
// Command line

function usage(message: string): never {
  process.stderr.write(`bench: ${message}\nusage: npm run bench -- [--json] [--runs N (>= ${MIN_RUNS})] [--only ${WORKLOADS.map((w) => w.name).join(',')}]\n`);
  process.exit(2);
}

function options(argv: string[]) {
  let json = false;
  let runs: number | undefined;
  let only: string[] | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => argv[++i] ?? usage(`${arg} needs a value`);
    if (arg === '--json') json = true;
    else if (arg === '--runs') {
      runs = Number(value());
      if (!Number.isInteger(runs) || runs < MIN_RUNS) usage(`--runs must be an integer >= ${MIN_RUNS}`);
    } else if (arg === '--only') {
      only = value().split(',');
      const unknown = only.filter((n) => !WORKLOADS.some((w) => w.name === n));
      if (unknown.length) usage(`unknown workload ${unknown.join(', ')}`);
    } else if (arg === '--help' || arg === '-h') usage('times the wasm and js backends');
    else usage(`unknown argument ${arg}`);
  }
  return { json, runs, only };
}

async function main(): Promise<void> {
  const opts = options(process.argv.slice(2));
  const selected = WORKLOADS.filter((w) => !opts.only || opts.only.includes(w.name));
  const m = machine();
  // Progress goes to stderr, and only to a terminal, so stdout stays the table or pure JSON.
  const progress = process.stderr.isTTY ? (line: string) => process.stderr.write(`\r\x1b[K${line}`) : () => {};
  const records: Record_[] = [];
  for (const w of selected) records.push(await measure(w, Math.max(MIN_RUNS, opts.runs ?? w.runs), progress));
  progress('');
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ bench: 'wasm-mlp', date: new Date().toISOString(), machine: m, records }, null, 2)}\n`);
  } else {
    process.stdout.write(`${table(records, m)}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`\n${error instanceof MismatchError ? 'BENCH FAILED: ' : ''}${error instanceof Error ? (error instanceof MismatchError ? error.message : error.stack) : String(error)}\n`);
  process.exit(1);
});
