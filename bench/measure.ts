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
  /** Samples/s of each timed run, in round order. */
  perRun: number[];
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
  /** The rows timed in the same rounds as this one (itself included): measureTogether's. */
  measuredWith: string[];
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
  return (await measureTogether(lib, [w], files, runs, onProgress))[0];
}

/**
 * Times rows that targets compare with each other (a row and its twins: float32, threads) in
 * one loop: a warm-up fit of every cell (row and variant), then `runs` rounds that each time
 * every cell once, in an order rotated round by round. A ratio between two of these rows is
 * then taken round by round, under the same load, like wasm/js within a row. `afterRound`
 * runs after each round (the bench measures the parallel capacity there, for the same reason).
 */
export async function measureTogether(
  lib: BenchLibrary,
  rows: readonly Workload[],
  files: BenchFiles,
  runs: number,
  onProgress?: BenchProgress,
  afterRound?: (round: number) => Promise<void>,
): Promise<BenchRecord[]> {
  const cells = rows.flatMap((w) => {
    const data = w.data(files);
    return VARIANTS.filter((v) => !w.variants || w.variants.includes(v.name)).map((variant) => ({ w, data, variant }));
  });
  // Warm-up: compiles the kernels, lets the JS backend's loops reach the optimizing tier, and
  // is already checked for agreement, so a mismatch shows before minutes of timing.
  const warm: Run[] = [];
  for (const cell of cells) {
    warm.push(await timeRun(lib, cell.w, cell.data, cell.variant));
    await onProgress?.({ workload: cell.w.name, run: 0, runs, variant: cell.variant.name });
  }
  /** Each row's first cell and later cells agree (the row's variants): indices into cells. */
  const agree = (got: readonly Run[], label: string) => {
    cells.forEach((cell, i) => {
      const first = cells.findIndex((c) => c.w === cell.w);
      if (i !== first) checkSame(cell.w, label, got[first], got[i], [cells[first].variant.name, cell.variant.name]);
    });
  };
  agree(warm, 'warm-up');
  const seconds: number[][] = cells.map(() => []);
  for (let r = 0; r < runs; r++) {
    const got: Run[] = [];
    for (const i of runOrder(cells.length, r)) {
      const { w, data, variant } = cells[i];
      got[i] = await timeRun(lib, w, data, variant);
      seconds[i].push(got[i].seconds);
      await onProgress?.({ workload: w.name, run: r + 1, runs, variant: variant.name });
    }
    agree(got, `run ${r + 1}`);
    // A run that differs from the warm-up would mean the timing measured something else.
    cells.forEach((cell, i) => checkSame(cell.w, `${cell.variant.name} run ${r + 1} vs warm-up`, got[i], warm[i], ['run', 'warm-up']));
    await afterRound?.(r);
  }
  return rows.map((w) => {
    const mine = cells.map((cell, i) => ({ ...cell, i })).filter((cell) => cell.w === w);
    return record(w, mine[0].data.rows, runs, new Map(mine.map((cell) => [cell.variant.name, seconds[cell.i]])), warm[mine[0].i], rows.map((row) => row.name));
  });
}

/** A row's figures from its variants' run times (seconds per timed run, by variant name). */
function record(w: Workload, samples: number, runs: number, seconds: Map<string, number[]>, warm: Run, measuredWith: string[]): BenchRecord {
  const sampleEpochs = samples * w.epochs * w.fitsPerRun;
  const flops = flopsPerSample(w.layers);
  const figures: Record<string, VariantFigures> = {};
  for (const [name, times] of seconds) {
    const throughput = times.map((s) => sampleEpochs / s);
    figures[name] = {
      samplesPerSecond: spread(throughput),
      gflops: w.gflops ? spread(throughput.map((t) => (t * flops) / 1e9)) : null,
      seconds: times,
      perRun: throughput,
    };
  }
  const ratios: Record<string, RatioFigures> = {};
  for (const [over, under] of RATIOS) {
    const a = seconds.get(over);
    const b = seconds.get(under);
    if (!a || !b) continue;
    ratios[`${over}/${under}`] = {
      median: figures[over].samplesPerSecond.median / figures[under].samplesPerSecond.median,
      pairs: spread(a.map((s, r) => b[r] / s)),
    };
  }
  const finalLoss = warm.loss[warm.loss.length - 1];
  return {
    workload: w.name,
    about: w.about,
    layers: w.layers,
    create: w.create,
    samples,
    epochs: w.epochs,
    learningRate: w.learningRate,
    batchSize: w.batchSize,
    seed: w.seed,
    flopsPerSample: flops,
    runs,
    fitsPerRun: w.fitsPerRun,
    warmupRuns: 1,
    measuredWith,
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
  /**
   * True when the cells are in two rows timed in the same rounds (measureTogether): the ratio
   * is then the median of the round-by-round ratios; otherwise the ratio of the medians.
   */
  paired: boolean;
}

/** The targets over the measured rows. */
export function judge(records: readonly BenchRecord[]): TargetResult[] {
  const find = (cell: Target['over']) => {
    const r = records.find((record) => record.workload === cell.workload);
    const figures = r?.variants[cell.variant];
    return r && figures ? { r, figures } : undefined;
  };
  return TARGETS.map((t) => {
    const over = find(t.over);
    const under = find(t.under);
    if (!over || !under) return { ...t, ratio: null, met: null, paired: false };
    // Within a row, the ratio of the medians, as the row's own columns show it.
    const paired = over.r !== under.r && over.r.measuredWith.includes(under.r.workload);
    const ratio = paired
      ? spread(over.figures.perRun.map((x, round) => x / under.figures.perRun[round])).median
      : over.figures.samplesPerSecond.median / under.figures.samplesPerSecond.median;
    return { ...t, ratio, met: ratio >= t.min, paired };
  });
}
