// `npm run bench`: times the workloads of bench/workloads.ts on three variants of the library
// side by side in one process (the SIMD wasm kernel, the scalar wasm kernel, the pure-JS
// backend), interleaved run by run, and prints one table with the targets beside the
// ratios (or, with --json, one JSON document). It fails loudly if any two variants' losses or
// final parameters differ by a single bit.
//
//   npm run bench -- [--json] [--runs N] [--only seed,xor,mid-b1,mid-b32,mid-b32-t2,mid-b32-sigmoid,mid-b32-tanh,wide-b64,wide-b64-t2,wide-b1]
//
// The timing loop itself is bench/measure.ts, which the site's benchmark page runs too. The
// same run measures the machine's ceilings (bench/ceilings.ts) and holds the rows against them;
// this module is also each process of the parallel-capacity measurement.
import * as library from '../src/index.ts';
import { CAPACITY_WORKLOAD_VARIABLE, capacityRound, peakMeter, peakOf, runCapacityProcess, type CapacityChannel, type CapacityRound, type Peak } from './ceilings.ts';
import { CALL_CASES, measureCalls, type CallRecord } from './calls.ts';
import { fixed, renderTable, si, times } from './format.ts';
import { spread } from './stats.ts';
import { judge, measureTogether, MismatchError, RATIOS, VARIANTS, type BenchRecord, type TargetResult } from './measure.ts';
import { nodeFiles } from './node-files.ts';
import { machine, machineLine, parseArgs, progress, type Machine } from './report.ts';
import { WORKLOADS, type Workload } from './workloads.ts';

const MIN_RUNS = 5;

const verdict = (t: TargetResult) => `>= ${t.min}x ${t.met ? 'met' : 'NOT MET'}`;

/** Peak runs (of each loop) before the workloads and after each of them. */
const PEAK_RUNS = 8;
/** The targets against the ceilings: a row's share of the peak, the threads row's share of the capacity. */
const PEAK_TARGETS: readonly { workload: string; min: number }[] = [{ workload: 'wide-b64', min: 0.7 }];
const CAPACITY_TARGET = 0.9;
/** The threads row held against the parallel capacity (its own fit on one thread, two at once). */
const CAPACITY_ROW = 'wide-b64-t2';

/**
 * The parallel capacity, one round after each round of CAPACITY_ROW (medians over the rounds),
 * and that row's share of it: the median of its round-by-round shares.
 */
interface Capacity {
  workload: string;
  each: [number, number];
  total: number;
  threadsRow: string;
  threadsRowSamplesPerSecond: number;
  share: number;
}

/** The ceilings of this run and the rows' shares of them. */
interface Ceilings {
  peak: Peak;
  /** CAPACITY_ROW's fit on one thread, two at once; null when that row did not run. */
  capacity: Capacity | null;
  targets: { label: string; measured: number; min: number; met: boolean }[];
}

// ---------------------------------------------------------------------------------------------
// Output

const short = (name: string) => (name === 'wasm scalar' ? 'scalar' : name);

const percent = (x: number) => `${(100 * x).toFixed(0)} %`;

/** A row's wasm GFLOP/s over its dtype's one-core peak (null when the row counts no flops). */
function peakShare(r: BenchRecord, peak: Peak): number | null {
  const g = r.variants.wasm?.gflops;
  return g ? g.median / peakOf(r, peak) : null;
}

function table(records: readonly BenchRecord[], targets: readonly TargetResult[], m: Machine, ceilings: Ceilings): string {
  const header = [
    'workload', 'layers', 'batch', 'samples x epochs',
    ...VARIANTS.map((v) => `${v.name} samples/s`),
    ...VARIANTS.map((v) => `${short(v.name)} GFLOP/s`),
    'wasm of peak',
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
      ((share) => (share === null ? '-' : percent(share)))(peakShare(r, ceilings.peak)),
      ratio('wasm/js'),
      wasmJs ? `${wasmJs.pairs.min.toFixed(2)}-${wasmJs.pairs.max.toFixed(2)}` : '-',
      local ? verdict(local) : '-',
      ...RATIOS.slice(1).map(([a, b]) => ratio(`${a}/${b}`)),
      r.fitsPerRun === 1 ? String(r.runs) : `${r.runs} x ${r.fitsPerRun}`,
    ];
  });
  const judged = targets.filter((t) => t.ratio !== null);
  const missed = judged.filter((t) => !t.met).length;
  const { peak, capacity } = ceilings;
  const ceilingMet = ceilings.targets.filter((t) => t.met).length;
  return [
    `wasm-mlp bench: ${machineLine(m)}`,
    'variants: wasm = SIMD kernel, wasm scalar = the same kernel built without SIMD (simd: false), js = the pure-JS backend; one thread',
    'median of interleaved runs per variant after 1 warm-up run each ("9 x 5": 9 runs, each fitting 5 fresh nets)',
    'samples/s = sample-epochs per second; GFLOP/s = 2 x multiply-adds (forward + backward + weight gradient) per sample',
    'a/b = ratio of the median samples/s (> 1: a faster); pairs = the range of wasm/js over the interleaved runs',
    'a row and its twins (-f32, -t2) are timed in the same rounds; a target between them is the median of the round-by-round ratios',
    `wasm of peak = wasm GFLOP/s over one core's SIMD peak, measured in this run: register-only multiply-add loops, ` +
      `f64x2 ${fixed(peak.f64x2)} GFLOP/s, f32x4 ${fixed(peak.f32x4)} GFLOP/s (a threads row may pass 100 %)`,
    '',
    ...renderTable(header, rows, new Set([0, 1, header.indexOf('target')])),
    '',
    capacity
      ? `parallel capacity: ${capacity.workload}'s fit with threads: 1, two at once (each its own process and net), ` +
        `a round after each round of ${capacity.threadsRow}: ${si(capacity.total)} samples/s in all (${si(capacity.each[0])} + ${si(capacity.each[1])}); ` +
        `${capacity.threadsRow}: ${si(capacity.threadsRowSamplesPerSecond)} samples/s; round by round ${percent(capacity.share)} of it`
      : `parallel capacity: not measured (${CAPACITY_ROW} not selected)`,
    '',
    `ceiling targets: ${ceilingMet} of ${ceilings.targets.length} met`,
    ...renderTable(
      ['target', 'measured', 'needed', ''],
      ceilings.targets.map((t) => [t.label, percent(t.measured), `>= ${percent(t.min)}`, t.met ? 'met' : 'NOT MET']),
      new Set([0, 3]),
    ).map((line) => `  ${line}`),
    '',
    `targets (the issue's, on the 2-core machine): ${judged.length - missed} of ${judged.length} met`,
    ...renderTable(
      ['target', 'measured', 'needed', '', 'ratio of'],
      judged.map((t) => [t.label, times(t.ratio!), `>= ${t.min}x`, t.met ? 'met' : 'NOT MET', t.paired ? 'round by round' : 'medians']),
      new Set([0, 3, 4]),
    ).map((line) => `  ${line}`),
    '',
    `every loss and final parameter bitwise equal on every run (${VARIANTS.map((v) => v.name).join(' = ')}); final losses: ` +
      records.map((r) => `${r.workload} ${r.finalLoss.toPrecision(6)}`).join(', '),
    ...records.map((r) => `  ${r.workload}: ${describe(r)}`),
  ].join('\n');
}

function describe(r: BenchRecord): string {
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
  const records: BenchRecord[] = [];
  const meter = args.only.length ? peakMeter() : null;
  progress('peak');
  meter?.sample(PEAK_RUNS);
  const rounds: CapacityRound[] = [];
  for (const group of twinGroups(args.only)) {
    const runs = Math.max(MIN_RUNS, ...group.map((w) => args.runs ?? w.runs));
    const threadsRow = group.find((w) => w.name === CAPACITY_ROW);
    records.push(...(await measureTogether(library, group, nodeFiles, runs, (step) => {
      progress(step.run === 0 ? `${step.workload}: warm-up` : `${step.workload}: run ${step.run}/${step.runs}`);
    }, threadsRow && (async (round) => {
      progress(`parallel capacity: round ${round + 1}/${runs}`);
      rounds.push(await capacityRound(new URL(import.meta.url), threadsRow));
    }))));
    // Between the groups too: on a shared machine the load the rows ran under changes.
    progress('peak');
    meter?.sample(PEAK_RUNS);
  }
  const ceilings = meter ? measureCeilings(meter.result(), records, rounds) : null;
  const calls = args.sections.includes('calls') ? await measureCalls(CALL_CASES, Math.max(CALL_BLOCKS, args.runs ?? 0), progress) : [];
  progress('');
  const targets = judge(records);
  if (args.json) {
    process.stdout.write(`${JSON.stringify({ bench: 'wasm-mlp', date: new Date().toISOString(), machine: m, records, targets, ceilings, calls }, null, 2)}\n`);
  } else {
    const sections = [...(records.length && ceilings ? [table(records, targets, m, ceilings)] : [`wasm-mlp bench: ${machineLine(m)}`]), ...(calls.length ? [callsTable(calls)] : [])];
    process.stdout.write(`${sections.join('\n\n')}\n`);
  }
}

/** The selected rows in groups timed together: each row with its twins (Workload.twinOf), in first-selected order. */
function twinGroups(rows: readonly Workload[]): Workload[][] {
  const groups = new Map<string, Workload[]>();
  for (const w of rows) {
    const key = w.twinOf ?? w.name;
    groups.set(key, [...(groups.get(key) ?? []), w]);
  }
  return [...groups.values()];
}

/**
 * The ceiling targets of the rows that ran, and CAPACITY_ROW's share of the parallel capacity
 * when it ran (`rounds`: one capacity round after each of its rounds).
 */
function measureCeilings(peak: Peak, records: readonly BenchRecord[], rounds: readonly CapacityRound[]): Ceilings {
  const threadsRecord = records.find((r) => r.workload === CAPACITY_ROW && r.variants.wasm);
  let capacity: Ceilings['capacity'] = null;
  if (threadsRecord && rounds.length) {
    const perRun = threadsRecord.variants.wasm.perRun;
    capacity = {
      workload: threadsRecord.workload,
      each: [spread(rounds.map((r) => r.each[0])).median, spread(rounds.map((r) => r.each[1])).median],
      total: spread(rounds.map((r) => r.total)).median,
      threadsRow: threadsRecord.workload,
      threadsRowSamplesPerSecond: threadsRecord.variants.wasm.samplesPerSecond.median,
      share: spread(rounds.map((r, i) => perRun[i] / r.total)).median,
    };
  }
  const targets: Ceilings['targets'] = [];
  for (const t of PEAK_TARGETS) {
    const r = records.find((record) => record.workload === t.workload);
    const share = r ? peakShare(r, peak) : null;
    if (share !== null) targets.push({ label: `${t.workload}: wasm of the one-core peak`, measured: share, min: t.min, met: share >= t.min });
  }
  if (capacity) {
    targets.push({ label: `${capacity.threadsRow}: of the parallel capacity`, measured: capacity.share, min: CAPACITY_TARGET, met: capacity.share >= CAPACITY_TARGET });
  }
  return { peak, capacity, targets };
}

const capacityWorkload = process.env[CAPACITY_WORKLOAD_VARIABLE];
if (capacityWorkload !== undefined && process.send) {
  const w = WORKLOADS.find((workload) => workload.name === capacityWorkload)!;
  await runCapacityProcess(library, w, w.data(nodeFiles), process as unknown as CapacityChannel);
  process.disconnect();
} else main().catch((error: unknown) => {
  const mismatch = error instanceof MismatchError;
  process.stderr.write(`\n${mismatch ? 'BENCH FAILED: ' : ''}${error instanceof Error ? (mismatch ? error.message : error.stack) : String(error)}\n`);
  process.exit(1);
});
