// The timing loop of `npm run bench`, platform-free: the Node command (bench/bench.ts) and
// the site's benchmark page run these very functions, each handing in its own build of the
// library and its own way to read the data. A row's variants (the SIMD wasm kernel, the
// scalar wasm kernel, the pure-JS backend) are timed run by run, interleaved, and every loss
// and final parameter of every run is checked to agree bit for bit.
import type { CreateOptions, MLP } from '../src/browser.ts';
import { spread, runOrder, type Spread } from './stats.ts';
import { flopsPerSample, TARGETS, type BenchFiles, type Data, type RowOptions, type Target, type Workload } from './workloads.ts';

/** The part of the library the timing loop uses: Node's entry or the browser bundle. */
export interface BenchLibrary {
  MLP: Pick<typeof MLP, 'create'>;
}

/** Called after every timed fit of a variant (warm-up included): a page repaints its progress here. */
export type BenchProgress = (step: { workload: string; run: number; runs: number; variant: string }) => void | Promise<void>;

/**
 * One column: what it adds to every row's MLP.create options. A row's own options
 * (Workload.create) come first and the variant's last, so a column always means what it says.
 */
export interface Variant {
  name: string;
  create: Pick<CreateOptions, 'backend' | 'simd'>;
}

export const VARIANTS: readonly Variant[] = [
  { name: 'wasm', create: { backend: 'wasm', simd: true } },
  { name: 'wasm scalar', create: { backend: 'wasm', simd: false } },
  { name: 'js', create: { backend: 'js' } },
];

/** The ratios of every row, [numerator, denominator], when the row ran both variants. */
export const RATIOS: readonly (readonly [string, string])[] = [
  ['wasm', 'js'],
  ['wasm scalar', 'js'],
  ['wasm', 'wasm scalar'],
];

// ---------------------------------------------------------------------------------------------
// Measuring

interface Run {
  seconds: number;
  loss: number[];
  /** Every final weight and bias: checked too, since a saturated net's loss hardly moves. */
  params: Float64Array;
}

/** One timed run: w.fitsPerRun fits, each of a fresh net (created before the clock starts). */
async function timeRun(lib: BenchLibrary, w: Workload, data: Data, variant: Variant): Promise<Run> {
  // Fresh nets: every fit, on every variant, starts from the same seeded weights.
  const nets: MLP[] = [];
  try {
    for (let i = 0; i < w.fitsPerRun; i++) nets.push(await lib.MLP.create({ ...w.create, layers: w.layers, seed: w.seed, ...variant.create }));
    const inputs = { data: data.inputs, rows: data.rows };
    const targets = { data: data.targets, rows: data.rows };
    const fit = { epochs: w.epochs, learningRate: w.learningRate, batchSize: w.batchSize };
    const losses: number[][] = [];
    const start = performance.now();
    for (const net of nets) losses.push(net.fit(inputs, targets, fit).loss);
    const seconds = (performance.now() - start) / 1000;
    const runs = nets.map((net, i): Run => {
      const { weights, biases } = net.toJSON();
      return { seconds, loss: losses[i], params: Float64Array.from(weights.flatMap((wl, l) => [...wl, ...biases[l]])) };
    });
    for (let i = 1; i < runs.length; i++) checkSame(w, `${variant.name} fit ${i + 1} of a run`, runs[0], runs[i], ['first', 'later']);
    return runs[0];
  } finally {
    for (const net of nets) net.dispose();
  }
}

export const bits = (x: number) => {
  const v = new DataView(new ArrayBuffer(8));
  v.setFloat64(0, x);
  return `0x${v.getBigUint64(0).toString(16).padStart(16, '0')}`;
};

/** Two variants, or two runs of one, disagreed: the benchmark stops rather than time different work. */
export class MismatchError extends Error {}

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
        `${show(x)} vs ${show(y)}. The variants must agree bit for bit.`,
    );
  };
  const e = first(a.loss, b.loss);
  if (e >= 0) fail('losses at epoch', e + 1, a.loss[e], b.loss[e]);
  const p = first(a.params, b.params);
  if (p >= 0) fail('final parameters (weights then biases, layer by layer) at index', p, a.params[p], b.params[p]);
}

export interface VariantFigures {
  samplesPerSecond: Spread;
  gflops: Spread | null;
  seconds: number[];
}

export interface RatioFigures {
  /** Median samples/s of the numerator over that of the denominator: > 1, the numerator is faster. */
  median: number;
  /** The same ratio taken within each interleaved run. */
  pairs: Spread;
}

/** One row's figures: what --json prints per workload, and what the page shows. */
export interface BenchRecord {
  workload: string;
  about: string;
  layers: number[];
  create: RowOptions;
  samples: number;
  epochs: number;
  learningRate: number;
  batchSize: number;
  seed: number;
  flopsPerSample: number;
  runs: number;
  fitsPerRun: number;
  warmupRuns: number;
  variants: Record<string, VariantFigures>;
  /** Keyed "numerator/denominator", e.g. "wasm/js". */
  ratios: Record<string, RatioFigures>;
  finalLoss: number;
  finalLossBits: string;
  /** Losses and final parameters, on every run of every variant. */
  bitwiseEqual: true;
}

/** Times one row: a warm-up fit of each variant, then `runs` interleaved runs. */
export async function measure(lib: BenchLibrary, w: Workload, files: BenchFiles, runs: number, onProgress?: BenchProgress): Promise<BenchRecord> {
  const data = w.data(files);
  const variants = VARIANTS.filter((v) => !w.variants || w.variants.includes(v.name));
  const sampleEpochs = data.rows * w.epochs * w.fitsPerRun;
  const flops = flopsPerSample(w.layers);
  const names = (i: number, j: number) => [variants[i].name, variants[j].name];
  // Warm-up: compiles the kernels, lets the JS backend's loops reach the optimizing tier, and
  // is already checked for agreement, so a mismatch shows before minutes of timing.
  const warm: Run[] = [];
  for (const v of variants) {
    warm.push(await timeRun(lib, w, data, v));
    await onProgress?.({ workload: w.name, run: 0, runs, variant: v.name });
  }
  for (let i = 1; i < variants.length; i++) checkSame(w, 'warm-up', warm[0], warm[i], names(0, i));
  const seconds: number[][] = variants.map(() => []);
  for (let r = 0; r < runs; r++) {
    const got: Run[] = [];
    for (const i of runOrder(variants.length, r)) {
      got[i] = await timeRun(lib, w, data, variants[i]);
      seconds[i].push(got[i].seconds);
      await onProgress?.({ workload: w.name, run: r + 1, runs, variant: variants[i].name });
    }
    for (let i = 1; i < variants.length; i++) checkSame(w, `run ${r + 1}`, got[0], got[i], names(0, i));
    // A run that differs from the warm-up would mean the timing measured something else.
    checkSame(w, `run ${r + 1} vs warm-up`, got[0], warm[0], ['run', 'warm-up']);
  }
  const figures: Record<string, VariantFigures> = {};
  variants.forEach((v, i) => {
    const throughput = seconds[i].map((s) => sampleEpochs / s);
    figures[v.name] = {
      samplesPerSecond: spread(throughput),
      gflops: w.gflops ? spread(throughput.map((t) => (t * flops) / 1e9)) : null,
      seconds: seconds[i],
    };
  });
  const ratios: Record<string, RatioFigures> = {};
  for (const [over, under] of RATIOS) {
    const a = variants.findIndex((v) => v.name === over);
    const b = variants.findIndex((v) => v.name === under);
    if (a < 0 || b < 0) continue;
    ratios[`${over}/${under}`] = {
      median: figures[over].samplesPerSecond.median / figures[under].samplesPerSecond.median,
      pairs: spread(seconds[a].map((s, r) => seconds[b][r] / s)),
    };
  }
  const finalLoss = warm[0].loss[warm[0].loss.length - 1];
  return {
    workload: w.name,
    about: w.about,
    layers: w.layers,
    create: w.create,
    samples: data.rows,
    epochs: w.epochs,
    learningRate: w.learningRate,
    batchSize: w.batchSize,
    seed: w.seed,
    flopsPerSample: flops,
    runs,
    fitsPerRun: w.fitsPerRun,
    warmupRuns: 1,
    variants: figures,
    ratios,
    finalLoss,
    finalLossBits: bits(finalLoss),
    bitwiseEqual: true,
  };
}

// ---------------------------------------------------------------------------------------------
// Targets

export interface TargetResult extends Target {
  /** Null when a cell of the target was not measured (not selected by --only). */
  ratio: number | null;
  met: boolean | null;
}

/** The targets over the measured rows. */
export function judge(records: readonly BenchRecord[]): TargetResult[] {
  const median = (workload: string, variant: string) =>
    records.find((r) => r.workload === workload)?.variants[variant]?.samplesPerSecond.median;
  return TARGETS.map((t) => {
    const over = median(t.over.workload, t.over.variant);
    const under = median(t.under.workload, t.under.variant);
    const ratio = over === undefined || under === undefined ? null : over / under;
    return { ...t, ratio, met: ratio === null ? null : ratio >= t.min };
  });
}
