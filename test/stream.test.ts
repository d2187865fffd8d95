// Streamed training (fitAsync on a DataSource): the same bits as the in-memory fit of the
// same rows in the same order, on every kernel, however the source cuts its rows into
// blocks; normalisation fitted in passes as in memory; validation from arrays or a second
// source; the seeded shuffle buffer; errors naming the block; the fit as a transaction.
import { describe, expect, it } from 'vitest';
import { MLP, type DataSource, type FitOptions, type RowBlock } from '../src/index.ts';

const KERNELS = {
  simd: { backend: 'wasm' },
  scalar: { backend: 'wasm', simd: false },
  threads: { backend: 'wasm', threads: 2 },
  js: { backend: 'js' },
} as const;

/** Deterministic rows: inputs in [-2, 2), one-hot targets of 3 classes (a smooth rule). */
function makeRows(count: number, width = 4, classes = 3): { inputs: number[][]; targets: number[][] } {
  const inputs: number[][] = [];
  const targets: number[][] = [];
  let s = 12345;
  const next = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (s / 2147483648) * 4 - 2;
  };
  for (let r = 0; r < count; r++) {
    const row = Array.from({ length: width }, next);
    inputs.push(row);
    const k = Math.floor(((Math.sin(row[0] * 3 + row[1]) + 1) / 2) * classes) % classes;
    targets.push(Array.from({ length: classes }, (_, j) => (j === k ? 1 : 0)));
  }
  return { inputs, targets };
}

type Form = 'nested' | 'flat' | 'shaped';

/** The rows as a source of blocks of `blockRows` (the last may be shorter), in the given form. */
function arraySource(inputs: number[][], targets: number[][], blockRows: number, form: Form = 'nested', log?: string[]): DataSource {
  const as = (rows: number[][]) => {
    if (form === 'nested') return rows.map((r) => [...r]);
    const flat = Float64Array.from(rows.flat());
    return form === 'flat' ? flat : { data: flat, rows: rows.length };
  };
  return {
    async *batches(): AsyncGenerator<RowBlock> {
      log?.push('pass');
      for (let r = 0; r < inputs.length; r += blockRows) {
        yield { inputs: as(inputs.slice(r, r + blockRows)), targets: as(targets.slice(r, r + blockRows)) };
      }
    },
  };
}

async function net(kernel: keyof typeof KERNELS, layers = [4, 5, 3]) {
  return MLP.create({ layers, activation: ['tanh', 'softmax'], loss: 'cross-entropy', seed: 7, ...KERNELS[kernel] });
}

/** The net's state and the history, as text whose equality is bitwise equality of every double. */
function bits(model: unknown, history: unknown): string {
  return JSON.stringify({ model, history }, (_k, v) => (typeof v === 'number' && Object.is(v, -0) ? '-0' : v));
}

const CASES: { name: string; rows: number; options: FitOptions }[] = [
  { name: 'sgd, batch 1 (the fused per-sample path)', rows: 13, options: { epochs: 3, learningRate: 0.2 } },
  { name: 'sgd, batch 3, last batch of 1 row', rows: 13, options: { epochs: 2, batchSize: 3, learningRate: 0.3 } },
  { name: 'adam, batch 4, weight decay, zscore', rows: 14, options: { epochs: 3, batchSize: 4, optimizer: 'adam', learningRate: 0.01, weightDecay: 1e-3, normalize: 'zscore' } },
  { name: 'momentum, batch 5, minmax', rows: 17, options: { epochs: 2, batchSize: 5, optimizer: 'momentum', learningRate: 0.05, normalize: 'minmax' } },
  { name: 'batch larger than the data', rows: 6, options: { epochs: 2, batchSize: 8, learningRate: 0.1 } },
];

describe('a streamed fit gives the bits of the in-memory fit', () => {
  for (const kernel of Object.keys(KERNELS) as (keyof typeof KERNELS)[]) {
    for (const c of CASES) {
      it(`${kernel}: ${c.name}`, async () => {
        const { inputs, targets } = makeRows(c.rows);
        const reference = await net(kernel);
        const history = await reference.fitAsync(inputs, targets, c.options);
        const expected = bits(reference.toJSON({ includeOptimizer: true }), history);
        reference.dispose();
        for (const [blockRows, form] of [[1, 'nested'], [2, 'flat'], [3, 'shaped'], [5, 'nested'], [c.rows, 'flat'], [7, 'shaped']] as const) {
          const streamed = await net(kernel);
          const h = await streamed.fitAsync(arraySource(inputs, targets, blockRows, form), c.options);
          expect(bits(streamed.toJSON({ includeOptimizer: true }), h), `blocks of ${blockRows} (${form})`).toBe(expected);
          streamed.dispose();
        }
      });
    }
  }
});

describe('chunks, validation and stopping', () => {
  it('rows wider than a chunk holds many of (chunks of whole batches, blocks across them) give the in-memory bits', async () => {
    // 2000 inputs: the chunk buffer holds some 126 rows, so 300 rows take several chunks.
    const { inputs, targets } = makeRows(300, 2000);
    const options: FitOptions = { epochs: 2, batchSize: 7, learningRate: 0.01, optimizer: 'momentum', normalize: 'zscore' };
    for (const kernel of ['simd', 'js'] as const) {
      const reference = await net(kernel, [2000, 3, 3]);
      const history = await reference.fitAsync(inputs, targets, options);
      const expected = bits(reference.toJSON({ includeOptimizer: true }), history);
      for (const blockRows of [1, 50, 127, 300]) {
        const streamed = await net(kernel, [2000, 3, 3]);
        const h = await streamed.fitAsync(arraySource(inputs, targets, blockRows, 'flat'), options);
        expect(bits(streamed.toJSON({ includeOptimizer: true }), h), `${kernel}, blocks of ${blockRows}`).toBe(expected);
      }
    }
  });

  it('validation from arrays or from a second source: the in-memory valLoss and valAccuracy, bit for bit', async () => {
    const { inputs, targets } = makeRows(40);
    const val = makeRows(11);
    const options: FitOptions = { epochs: 4, batchSize: 3, learningRate: 0.2, normalize: 'zscore' };
    for (const kernel of Object.keys(KERNELS) as (keyof typeof KERNELS)[]) {
      const reference = await net(kernel);
      const history = await reference.fitAsync(inputs, targets, { ...options, validationData: val });
      expect(history.valLoss).toHaveLength(4);
      const expected = bits(reference.toJSON(), history);
      const a = await net(kernel);
      const ha = await a.fitAsync(arraySource(inputs, targets, 4), { ...options, validationData: val });
      expect(bits(a.toJSON(), ha)).toBe(expected);
      const b = await net(kernel);
      const hb = await b.fitAsync(arraySource(inputs, targets, 6), { ...options, validationSource: arraySource(val.inputs, val.targets, 2) });
      expect(bits(b.toJSON(), hb)).toBe(expected);
    }
  });

  it('early stopping, errorThreshold, onEpochEnd and an abort stop a streamed fit where they stop the in-memory one', async () => {
    const { inputs, targets } = makeRows(30);
    const val = makeRows(9);
    const runs: FitOptions[] = [
      { epochs: 30, learningRate: 2, validationData: val, patience: 2, restoreBestWeights: true },
      { epochs: 30, learningRate: 0.5, errorThreshold: 1.45 },
      { epochs: 10, onEpochEnd: (s) => s.epoch < 3 },
    ];
    for (const options of runs) {
      const reference = await net('simd');
      const seen: unknown[] = [];
      const history = await reference.fitAsync(inputs, targets, { ...options, ...(options.onEpochEnd ? { onEpochEnd: (s) => (seen.push([s.epoch, s.loss, s.accuracy]), options.onEpochEnd!(s)) } : {}) });
      const streamed = await net('simd');
      const seenStreamed: unknown[] = [];
      const h = await streamed.fitAsync(arraySource(inputs, targets, 4), { ...options, ...(options.onEpochEnd ? { onEpochEnd: (s) => (seenStreamed.push([s.epoch, s.loss, s.accuracy]), options.onEpochEnd!(s)) } : {}) });
      expect(h.epochs).toBeLessThan(options.epochs!);
      expect(bits(streamed.toJSON(), h)).toBe(bits(reference.toJSON(), history));
      expect(seenStreamed).toEqual(seen);
    }
    // An abort between epochs: the net of a fit of fewer epochs.
    const controller = new AbortController();
    const streamed = await net('simd');
    const h = await streamed.fitAsync(arraySource(inputs, targets, 4), { epochs: 10, signal: controller.signal, onEpochEnd: (s) => void (s.epoch === 2 && controller.abort()) });
    expect([h.epochs, h.stopReason]).toEqual([2, 'aborted']);
    const reference = await net('simd');
    await reference.fitAsync(inputs, targets, { epochs: 2 });
    expect(JSON.stringify(streamed.toJSON())).toBe(JSON.stringify(reference.toJSON()));
  });

  it("the source's classes label the net, as a dataset's do", async () => {
    const { inputs, targets } = makeRows(6);
    const streamed = await net('js');
    await streamed.fitAsync({ ...arraySource(inputs, targets, 2), classes: ['a', 'b', 'c'] }, { epochs: 1 });
    expect(streamed.classes).toEqual(['a', 'b', 'c']);
  });
});
