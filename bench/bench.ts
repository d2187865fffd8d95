// `npm run bench`: times the workloads of bench/workloads.ts on three variants of the library
// side by side in one process (the SIMD wasm kernel, the scalar wasm kernel, the pure-JS
// backend), interleaved run by run, and prints one table with the targets beside the
// ratios (or, with --json, one JSON document). It fails loudly if any two variants' losses or
// final parameters differ by a single bit.
//
//   npm run bench -- [--json] [--runs N] [--only seed,xor,mid-b1,mid-b32,mid-b32-sigmoid,mid-b32-tanh,wide-b64,wide-b64-t2,wide-b1]
//
// The timing loop itself is bench/measure.ts, which the site's benchmark page runs too.
import * as library from '../src/index.ts';
import { CALL_CASES, measureCalls, type CallRecord } from './calls.ts';
import { fixed, renderTable, si, times } from './format.ts';
import { judge, measure, MismatchError, RATIOS, VARIANTS, type BenchRecord, type TargetResult } from './measure.ts';
import { nodeFiles } from './node-files.ts';
import { machine, machineLine, parseArgs, progress, type Machine } from './report.ts';
import { WORKLOADS } from './workloads.ts';

const MIN_RUNS = 5;

const verdict = (t: TargetResult) => `>= ${t.min}x ${t.met ? 'met' : 'NOT MET'}`;

// ---------------------------------------------------------------------------------------------
// Output

const short = (name: string) => (name === 'wasm scalar' ? 'scalar' : name);

function table(records: readonly BenchRecord[], targets: readonly TargetResult[], m: Machine): string {
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
  for (const w of args.only) {
    records.push(await measure(library, w, nodeFiles, Math.max(MIN_RUNS, args.runs ?? w.runs), (step) => {
      progress(step.run === 0 ? `${step.workload}: warm-up` : `${step.workload}: run ${step.run}/${step.runs}`);
    }));
  }
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
