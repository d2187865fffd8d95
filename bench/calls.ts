// The "calls" section of `npm run bench`: what one small call costs against the same work
// inside a bulk call, the way online learning, a game loop or a trainOnBatch loop uses the
// library. Each row times a per-call form and its bulk reference side by side, interleaved
// block by block after a warm-up, and reports median microseconds per unit of work and their
// ratio. bench/peers.ts times brain.js's equivalents beside the same rows.
import { performance } from 'node:perf_hooks';
import { MLP, type CreateOptions } from '../src/index.ts';
import { nodeFiles } from './node-files.ts';
import { runOrder, spread } from './stats.ts';
import { generated, WORKLOADS, type Data } from './workloads.ts';

/** Something to time: `run(k)` does at least k units of work (calls, rows, samples) and says how many. */
export interface Timer {
  run(k: number): number;
}

/** One row of the calls table: a per-call form, a bulk reference of the same work per unit. */
export interface CallCase {
  name: string;
  about: string;
  /** What one unit is: 'call', 'row', 'sample', 'batch'. */
  unit: string;
  /** The target: per-call time / bulk time per unit at most `maxRatio` (null: none). */
  maxRatio: number | null;
  /** A throughput target in units per second for the bulk form (null: none). */
  minBulkPerSecond: number | null;
  /** A second throughput the bulk form must beat by `minOverReference` (units per second). */
  reference?: { label: string; minOverReference: number };
  setup(backend: 'wasm' | 'js'): Promise<{ perCall: Timer; bulk: Timer; reference?: Timer; dispose(): void }>;
}

const TINY: Omit<CreateOptions, 'backend'> = { layers: [2, 2, 1], seed: 42 };
const WIDE: Omit<CreateOptions, 'backend'> = { layers: [784, 256, 10], activation: ['relu', 'softmax'], loss: 'cross-entropy', init: 'he', seed: 42 };
const MID: Omit<CreateOptions, 'backend'> = { layers: [64, 128, 10], activation: ['relu', 'softmax'], loss: 'cross-entropy', init: 'he', seed: 42 };

function tinyData(rows: number): Data {
  const inputs = new Float64Array(rows * 2);
  const targets = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const a = r & 1;
    const b = (r >> 1) & 1;
    inputs[r * 2] = a;
    inputs[r * 2 + 1] = b;
    targets[r] = a ^ b;
  }
  return { inputs, targets, rows };
}

let wideData: Data | undefined;
const wide = () => (wideData ??= generated(2048, 784, 10, 0x5eed));
const digits = () => WORKLOADS.find((w) => w.name === 'mid-b32')!.data(nodeFiles);

/** Per-row predict on number[][] input of one row, against predictInto of many rows. */
function predictCase(
  name: string,
  options: Omit<CreateOptions, 'backend'>,
  data: () => Data,
  maxRatio: number | null,
  minBulkPerSecond: number | null,
  trainingReference?: { batchSize: number; learningRate: number; minOverReference: number },
): CallCase {
  return {
    name,
    reference: trainingReference && { label: `training samples/s (batch ${trainingReference.batchSize})`, minOverReference: trainingReference.minOverReference },
    about: `predict([row]) per call vs predictInto of ${name.includes('2-2-1') ? 4096 : 2048} rows`,
    unit: 'row',
    maxRatio,
    minBulkPerSecond,
    async setup(backend) {
      const net = await MLP.create({ ...options, backend });
      const d = data();
      const width = options.layers[0];
      const rowsOfArrays = Array.from({ length: d.rows }, (_, r) => [Array.from(d.inputs.subarray(r * width, (r + 1) * width))]);
      const out = new Float64Array(d.rows * options.layers[options.layers.length - 1]);
      const all = { data: d.inputs, rows: d.rows };
      const trainer = trainingReference && (await MLP.create({ ...options, backend }));
      const targets = { data: d.targets, rows: d.rows };
      let i = 0;
      return {
        reference: trainer && {
          run: (k) => {
            let done = 0;
            for (; done < k; done += d.rows) trainer.fit(all, targets, { epochs: 1, learningRate: trainingReference!.learningRate, batchSize: trainingReference!.batchSize });
            return done;
          },
        },
        perCall: {
          run: (k) => {
            for (let c = 0; c < k; c++) net.predict(rowsOfArrays[i++ % d.rows]);
            return k;
          },
        },
        bulk: {
          run: (k) => {
            let done = 0;
            for (; done < k; done += d.rows) net.predictInto(all, out);
            return done;
          },
        },
        dispose: () => {
          net.dispose();
          trainer?.dispose();
        },
      };
    },
  };
}

/** fit of one sample (or one batch) per call, against the same rows in one bulk epoch. */
function fitCase(name: string, options: Omit<CreateOptions, 'backend'>, data: () => Data, fit: { learningRate: number; batchSize: number; optimizer?: 'adam' }, maxRatio: number | null): CallCase {
  return {
    name,
    about: `fit of ${fit.batchSize === 1 ? 'one sample' : `one batch of ${fit.batchSize}`} per call vs an epoch of the same rows in one fit`,
    unit: fit.batchSize === 1 ? 'sample' : 'batch',
    maxRatio,
    minBulkPerSecond: null,
    async setup(backend) {
      const perNet = await MLP.create({ ...options, backend });
      const bulkNet = await MLP.create({ ...options, backend });
      const d = data();
      const n0 = options.layers[0];
      const nL = options.layers[options.layers.length - 1];
      const b = fit.batchSize;
      const batches = Math.floor(d.rows / b);
      const xs = Array.from({ length: batches }, (_, i) => ({ data: d.inputs.subarray(i * b * n0, (i + 1) * b * n0), rows: b }));
      const ys = Array.from({ length: batches }, (_, i) => ({ data: d.targets.subarray(i * b * nL, (i + 1) * b * nL), rows: b }));
      const settings = { epochs: 1, learningRate: fit.learningRate, batchSize: b, optimizer: fit.optimizer ?? ('sgd' as const) };
      const all = { data: d.inputs.subarray(0, batches * b * n0), rows: batches * b };
      const allTargets = { data: d.targets.subarray(0, batches * b * nL), rows: batches * b };
      let i = 0;
      return {
        perCall: {
          run: (k) => {
            for (let c = 0; c < k; c++) {
              perNet.fit(xs[i], ys[i], settings);
              i = (i + 1) % batches;
            }
            return k;
          },
        },
        bulk: {
          run: (k) => {
            let done = 0;
            for (; done < k; done += batches) bulkNet.fit(all, allTargets, settings);
            return done;
          },
        },
        dispose: () => {
          perNet.dispose();
          bulkNet.dispose();
        },
      };
    },
  };
}

export const CALL_CASES: CallCase[] = [
  predictCase('predict 2-2-1', TINY, () => tinyData(4096), null, 20e6),
  fitCase('fit 2-2-1', TINY, () => tinyData(4096), { learningRate: 0.1, batchSize: 1 }, null),
  predictCase('predict 784-256-10', WIDE, wide, 1.3, null, { batchSize: 64, learningRate: 0.1, minOverReference: 2.5 }),
  fitCase('fit 784-256-10', WIDE, wide, { learningRate: 0.01, batchSize: 1 }, 1.5),
  fitCase('fit 64-128-10 b32 adam', MID, digits, { learningRate: 0.001, batchSize: 32, optimizer: 'adam' }, 1.2),
];

/** Time a timer runs before its blocks are sized (see calibrate). */
const WARM_UP_MS = 200;

/**
 * Units per timed block so that a block lasts about `ms` milliseconds, sized on warm code: the
 * first calls of a small call run before the engine has compiled it, up to 100 times slower,
 * and blocks sized on them held 3 one-sample fits, timed cold. So the timer first runs for
 * WARM_UP_MS, in blocks that grow to ms / 4 and then repeat, and the last one sizes the blocks.
 */
export function calibrate(timer: Timer, ms: number): number {
  let k = 1;
  let spent = 0;
  for (;;) {
    const t0 = performance.now();
    const done = timer.run(k);
    const elapsed = performance.now() - t0;
    spent += elapsed;
    const sized = elapsed >= ms / 4 || k >= 1 << 24;
    if (sized && spent >= WARM_UP_MS) return Math.max(1, Math.round((done * ms) / Math.max(elapsed, 1e-3)));
    if (!sized) k = done * 4;
  }
}

/** Median microseconds per unit of each timer, timed in interleaved blocks of about 10 ms. */
export function timeInterleaved(timers: readonly Timer[], blocks: number): number[] {
  const units = timers.map((t) => calibrate(t, 10));
  const samples: number[][] = timers.map(() => []);
  for (let b = 0; b < blocks; b++) {
    for (const i of runOrder(timers.length, b)) {
      const t0 = performance.now();
      const done = timers[i].run(units[i]);
      samples[i].push(((performance.now() - t0) * 1000) / done);
    }
  }
  return samples.map((s) => spread(s).median);
}

export interface CallRecord {
  name: string;
  about: string;
  unit: string;
  /** Median microseconds per unit: per call and in bulk, per backend. */
  perCall: Record<string, number>;
  bulk: Record<string, number>;
  reference: Record<string, number>;
  targets: { label: string; measured: number; needed: string; met: boolean }[];
}

const BACKENDS = ['wasm', 'js'] as const;

/** Times every case on both backends, interleaved within a case. */
export async function measureCalls(cases: readonly CallCase[], blocks: number, onProgress: (line: string) => void): Promise<CallRecord[]> {
  const records: CallRecord[] = [];
  for (const c of cases) {
    onProgress(`calls: ${c.name}`);
    const setups = await Promise.all(BACKENDS.map((b) => c.setup(b)));
    try {
      const timers = setups.flatMap((s) => [s.perCall, s.bulk, ...(s.reference ? [s.reference] : [])]);
      const medians = timeInterleaved(timers, blocks);
      const record: CallRecord = { name: c.name, about: c.about, unit: c.unit, perCall: {}, bulk: {}, reference: {}, targets: [] };
      let at = 0;
      BACKENDS.forEach((b, i) => {
        record.perCall[b] = medians[at++];
        record.bulk[b] = medians[at++];
        if (setups[i].reference) record.reference[b] = medians[at++];
      });
      const w = record;
      if (c.maxRatio !== null) {
        const ratio = w.perCall.wasm / w.bulk.wasm;
        w.targets.push({ label: `${c.name}: per call / bulk, per ${c.unit} (wasm)`, measured: ratio, needed: `<= ${c.maxRatio}x`, met: ratio <= c.maxRatio });
      }
      if (c.minBulkPerSecond !== null) {
        const perSecond = 1e6 / w.bulk.wasm;
        w.targets.push({ label: `${c.name}: bulk ${c.unit}s/s (wasm)`, measured: perSecond, needed: `>= ${c.minBulkPerSecond / 1e6} M/s`, met: perSecond >= c.minBulkPerSecond });
      }
      if (c.reference) {
        const ratio = w.reference.wasm / w.bulk.wasm;
        w.targets.push({ label: `${c.name}: bulk ${c.unit}s/s / ${c.reference.label} (wasm)`, measured: ratio, needed: `>= ${c.reference.minOverReference}x`, met: ratio >= c.reference.minOverReference });
      }
      records.push(record);
    } finally {
      for (const s of setups) s.dispose();
    }
  }
  return records;
}
