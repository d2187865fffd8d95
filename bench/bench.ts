// `npm run bench`: times the workloads of bench/workloads.ts on three variants of the library
// side by side in one process (the SIMD wasm kernel, the scalar wasm kernel, the pure-JS
// backend), interleaved run by run, and prints one table with the targets beside the
// ratios (or, with --json, one JSON document). It fails loudly if any two variants' losses or
// final parameters differ by a single bit.
//
//   npm run bench -- [--json] [--runs N] [--only seed,xor,mid-b1,mid-b32,wide-b64,wide-b1]
import { performance } from 'node:perf_hooks';
import { MLP, type CreateOptions } from '../src/index.ts';
import { fixed, machine, machineLine, parseArgs, progress, renderTable, runOrder, si, spread, times, type Machine, type Spread } from './report.ts';
import { CALL_CASES, measureCalls, type CallRecord } from './calls.ts';
import { flopsPerSample, TARGETS, WORKLOADS, type Data, type RowOptions, type Target, type Workload } from './workloads.ts';

/**
 * One column: what it adds to every row's MLP.create options. A row's own options
 * (Workload.create) come first and the variant's last, so a column always means what it says.
 */
interface Variant {
  name: string;
  create: Pick<CreateOptions, 'backend' | 'simd'>;
}

const VARIANTS: readonly Variant[] = [
  { name: 'wasm', create: { backend: 'wasm', simd: true } },
  { name: 'wasm scalar', create: { backend: 'wasm', simd: false } },
  { name: 'js', create: { backend: 'js' } },
];

/** The ratios of every row, [numerator, denominator], when the row ran both variants. */
const RATIOS: readonly (readonly [string, string])[] = [
  ['wasm', 'js'],
  ['wasm scalar', 'js'],
  ['wasm', 'wasm scalar'],
];

const MIN_RUNS = 5;

// ---------------------------------------------------------------------------------------------
// Measuring

interface Run {
  seconds: number;
  loss: number[];
  /** Every final weight and bias: checked too, since a saturated net's loss hardly moves. */
  params: Float64Array;
}

/** One timed run: w.fitsPerRun fits, each of a fresh net (created before the clock starts). */
async function timeRun(w: Workload, data: Data, variant: Variant): Promise<Run> {
  // Fresh nets: every fit, on every variant, starts from the same seeded weights.
  const nets: MLP[] = [];
  try {
    for (let i = 0; i < w.fitsPerRun; i++) nets.push(await MLP.create({ ...w.create, layers: w.layers, seed: w.seed, ...variant.create }));
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
        `${show(x)} vs ${show(y)}. The variants must agree bit for bit.`,
    );
  };
  const e = first(a.loss, b.loss);
  if (e >= 0) fail('losses at epoch', e + 1, a.loss[e], b.loss[e]);
  const p = first(a.params, b.params);
  if (p >= 0) fail('final parameters (weights then biases, layer by layer) at index', p, a.params[p], b.params[p]);
}

interface VariantFigures {
  samplesPerSecond: Spread;
  gflops: Spread | null;
  seconds: number[];
}

interface RatioFigures {
  /** Median samples/s of the numerator over that of the denominator: > 1, the numerator is faster. */
  median: number;
  /** The same ratio taken within each interleaved run. */
  pairs: Spread;
}

interface Record_ {
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

async function measure(w: Workload, runs: number): Promise<Record_> {
  const data = w.data();
  const variants = VARIANTS.filter((v) => !w.variants || w.variants.includes(v.name));
  const sampleEpochs = data.rows * w.epochs * w.fitsPerRun;
  const flops = flopsPerSample(w.layers);
  const names = (i: number, j: number) => [variants[i].name, variants[j].name];
  // Warm-up: compiles the kernels, lets the JS backend's loops reach the optimizing tier, and
  // is already checked for agreement, so a mismatch shows before minutes of timing.
  const warm: Run[] = [];
  for (const v of variants) warm.push(await timeRun(w, data, v));
  for (let i = 1; i < variants.length; i++) checkSame(w, 'warm-up', warm[0], warm[i], names(0, i));
  const seconds: number[][] = variants.map(() => []);
  for (let r = 0; r < runs; r++) {
    const got: Run[] = [];
    for (const i of runOrder(variants.length, r)) {
      got[i] = await timeRun(w, data, variants[i]);
      seconds[i].push(got[i].seconds);
    }
    for (let i = 1; i < variants.length; i++) checkSame(w, `run ${r + 1}`, got[0], got[i], names(0, i));
    // A run that differs from the warm-up would mean the timing measured something else.
    checkSame(w, `run ${r + 1} vs warm-up`, got[0], warm[0], ['run', 'warm-up']);
    progress(`${w.name}: run ${r + 1}/${runs}`);
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

interface TargetResult extends Target {
  /** Null when a cell of the target was not measured (not selected by --only). */
  ratio: number | null;
  met: boolean | null;
}

function judge(records: readonly Record_[]): TargetResult[] {
  const median = (workload: string, variant: string) =>
    records.find((r) => r.workload === workload)?.variants[variant]?.samplesPerSecond.median;
  return TARGETS.map((t) => {
    const over = median(t.over.workload, t.over.variant);
    const under = median(t.under.workload, t.under.variant);
    const ratio = over === undefined || under === undefined ? null : over / under;
    return { ...t, ratio, met: ratio === null ? null : ratio >= t.min };
  });
}

const verdict = (t: TargetResult) => `>= ${t.min}x ${t.met ? 'met' : 'NOT MET'}`;

// ---------------------------------------------------------------------------------------------
// Output

const short = (name: string) => (name === 'wasm scalar' ? 'scalar' : name);

function table(records: readonly Record_[], targets: readonly TargetResult[], m: Machine): string {
  const header = [
    'workload', 'layers', 'batch', 'samples x epochs',
    ...VARIANTS.map((v) => `${v.name} samples/s`),
    ...VARIANTS.map((v) => `${short(v.name)} GFLOP/s`),
    'wasm/js', 'pairs min-max', 'target', ...RATIOS.slice(1).map(([a, b]) => `${short(a)}/${short(b)}`), 'runs',
  ];
  const rows = records.map((r) => {
    const local = targets.find((t) => t.over.workload === r.workload && t.under.workload === r.workload && t.ratio !== null);
    const ratio = (key: string) => (r.ratios[key] ? times(r.ratios[key].median) : '-');
    const wasmJs = r.ratios['wasm/js'];
    return [
      r.workload,
      r.layers.join('-'),
      String(r.batchSize),
      `${r.samples} x ${r.epochs}`,
      ...VARIANTS.map((v) => (r.variants[v.name] ? si(r.variants[v.name].samplesPerSecond.median) : '-')),
      ...VARIANTS.map((v) => {
        const g = r.variants[v.name]?.gflops;
        return g ? fixed(g.median) : '-';
      }),
      ratio('wasm/js'),
      wasmJs ? `${wasmJs.pairs.min.toFixed(2)}-${wasmJs.pairs.max.toFixed(2)}` : '-',
      local ? verdict(local) : '-',
      ...RATIOS.slice(1).map(([a, b]) => ratio(`${a}/${b}`)),
      r.fitsPerRun === 1 ? String(r.runs) : `${r.runs} x ${r.fitsPerRun}`,
    ];
  });
  const judged = targets.filter((t) => t.ratio !== null);
  const missed = judged.filter((t) => !t.met).length;
  return [
    `wasm-mlp bench: ${machineLine(m)}`,
    'variants: wasm = SIMD kernel, wasm scalar = the same kernel built without SIMD (simd: false), js = the pure-JS backend; one thread',
    'median of interleaved runs per variant after 1 warm-up run each ("9 x 5": 9 runs, each fitting 5 fresh nets)',
    'samples/s = sample-epochs per second; GFLOP/s = 2 x multiply-adds (forward + backward + weight gradient) per sample',
    'a/b = ratio of the median samples/s (> 1: a faster); pairs = the range of wasm/js over the interleaved runs',
    '',
    ...renderTable(header, rows, new Set([0, 1, header.indexOf('target')])),
    '',
    `targets (the issue's, on the 2-core machine): ${judged.length - missed} of ${judged.length} met`,
    ...renderTable(
      ['target', 'measured', 'needed', ''],
      judged.map((t) => [t.label, times(t.ratio!), `>= ${t.min}x`, t.met ? 'met' : 'NOT MET']),
      new Set([0, 3]),
    ).map((line) => `  ${line}`),
    '',
    `every loss and final parameter bitwise equal on every run (${VARIANTS.map((v) => v.name).join(' = ')}); final losses: ` +
      records.map((r) => `${r.workload} ${r.finalLoss.toPrecision(6)}`).join(', '),
    ...records.map((r) => `  ${r.workload}: ${describe(r)}`),
  ].join('\n');
}

function describe(r: Record_): string {
  const c = r.create;
  const activation = Array.isArray(c.activation) ? c.activation.join('/') : c.activation;
  return `${r.about}; ${activation}, ${c.loss}, ${c.init} init, seed ${r.seed}, learning rate ${r.learningRate}`;
}

/** Timed blocks per call form (each ~10 ms), interleaved. */
const CALL_BLOCKS = 15;

const micro = (us: number) => (us >= 100 ? us.toFixed(0) : us >= 10 ? us.toFixed(1) : us >= 1 ? us.toFixed(2) : us.toFixed(3));

function callsTable(calls: readonly CallRecord[]): string {
  const header = ['call', 'unit', 'wasm per call us', 'wasm bulk us', 'wasm ratio', 'js per call us', 'js bulk us', 'js ratio'];
  const rows = calls.map((c) => [
    c.name, c.unit,
    micro(c.perCall.wasm), micro(c.bulk.wasm), times(c.perCall.wasm / c.bulk.wasm),
    micro(c.perCall.js), micro(c.bulk.js), times(c.perCall.js / c.bulk.js),
  ]);
  const targets = calls.flatMap((c) => c.targets);
  const met = targets.filter((t) => t.met).length;
  return [
    'calls: one call at a time after warm-up, median us per unit over interleaved ~10 ms blocks; bulk = the same work per unit inside one bulk call',
    ...calls.map((c) => `  ${c.name}: ${c.about}`),
    '',
    ...renderTable(header, rows, new Set([0, 1])),
    '',
    `call targets: ${met} of ${targets.length} met`,
    ...renderTable(
      ['target', 'measured', 'needed', ''],
      targets.map((t) => [t.label, t.measured >= 1e5 ? si(t.measured) : times(t.measured), t.needed, t.met ? 'met' : 'NOT MET']),
      new Set([0, 3]),
    ).map((line) => `  ${line}`),
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Command line

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), 'npm run bench', 'times the wasm (SIMD and scalar) and js variants', WORKLOADS, MIN_RUNS, ['calls']);
  const m = machine();
  const records: Record_[] = [];
  for (const w of args.only) records.push(await measure(w, Math.max(MIN_RUNS, args.runs ?? w.runs)));
  const calls = args.sections.includes('calls') ? await measureCalls(CALL_CASES, Math.max(CALL_BLOCKS, args.runs ?? 0), progress) : [];
  progress('');
  const targets = judge(records);
  if (args.json) {
    process.stdout.write(`${JSON.stringify({ bench: 'wasm-mlp', date: new Date().toISOString(), machine: m, records, targets, calls }, null, 2)}\n`);
  } else {
    const sections = [...(records.length ? [table(records, targets, m)] : [`wasm-mlp bench: ${machineLine(m)}`]), ...(calls.length ? [callsTable(calls)] : [])];
    process.stdout.write(`${sections.join('\n\n')}\n`);
  }
}

main().catch((error: unknown) => {
  const mismatch = error instanceof MismatchError;
  process.stderr.write(`\n${mismatch ? 'BENCH FAILED: ' : ''}${error instanceof Error ? (mismatch ? error.message : error.stack) : String(error)}\n`);
  process.exit(1);
});
