// Streamed training (fitAsync on a DataSource): the same bits as the in-memory fit of the
// same rows in the same order, on every kernel, however the source cuts its rows into
// blocks; normalisation fitted in passes as in memory; validation from arrays or a second
// source; the seeded shuffle buffer; errors naming the block; the fit as a transaction.
import { describe, expect, it } from 'vitest';
import { MLP, MLPError as MLPErrorClass, type DataSource, type FitOptions, type RowBlock } from '../src/index.ts';

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

describe('shuffling a stream', () => {
  it('is seeded and the same on every kernel, and differs from the unshuffled fit', async () => {
    const { inputs, targets } = makeRows(23);
    const options: FitOptions = { epochs: 3, batchSize: 2, learningRate: 0.1, shuffle: true, shuffleBuffer: 5 };
    const results: string[] = [];
    for (const kernel of Object.keys(KERNELS) as (keyof typeof KERNELS)[]) {
      for (const blockRows of [1, 4]) {
        const streamed = await net(kernel);
        const h = await streamed.fitAsync(arraySource(inputs, targets, blockRows), options);
        results.push(bits(streamed.toJSON({ includeOptimizer: true }), h));
      }
    }
    expect(new Set(results).size).toBe(1);
    const plain = await net('simd');
    const h = await plain.fitAsync(arraySource(inputs, targets, 4), { ...options, shuffle: false, shuffleBuffer: undefined });
    expect(h.loss).not.toEqual(JSON.parse(results[0]).history.loss);
  });

  it('draws rows as docs/training.md defines: slot randomInterval(N - 1) once full, then the rest drained', async () => {
    // Rows whose single input is their number, through the ShuffleBuffer a streamed fit uses.
    const { ShuffleBuffer } = await import('../src/data/shuffle-buffer.ts');
    const { RandomState } = await import('../src/math/random.ts');
    const buffer = new ShuffleBuffer(3, 1, 1, new RandomState(42));
    const reference = new RandomState(42);
    const order: number[] = [];
    const expected: number[] = [];
    const held: number[] = [];
    for (let row = 0; row < 8; row++) {
      const { slot, left } = buffer.admit();
      if (left) order.push(buffer.inputs[buffer.scratch]);
      buffer.inputs[slot] = row;
      if (held.length < 3) held.push(row);
      else {
        const j = reference.randomInterval(2);
        expected.push(held[j]);
        held[j] = row;
      }
    }
    while (buffer.drain()) order.push(buffer.inputs[buffer.scratch]);
    while (held.length > 0) {
      const j = reference.randomInterval(held.length - 1);
      expected.push(held[j]);
      held[j] = held[held.length - 1];
      held.pop();
    }
    expect(order).toEqual(expected);
    expect([...order].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(order).toEqual([2, 0, 3, 5, 4, 7, 6, 1]);
  });
});

describe('errors name the block; the fit is a transaction', () => {
  const { inputs, targets } = makeRows(12);

  /** A source of the given blocks, which records whether its iterator was closed. */
  function blocks(list: unknown[], state = { closed: 0 }): DataSource {
    return {
      batches: () => ({
        [Symbol.asyncIterator]() {
          let i = 0;
          return {
            async next() {
              if (i >= list.length) return { done: true, value: undefined };
              const item = list[i++];
              if (item instanceof Error) throw item;
              return { done: false, value: item as RowBlock };
            },
            async return() {
              state.closed++;
              return { done: true, value: undefined };
            },
          };
        },
      }),
    };
  }
  const good = { inputs: inputs.slice(0, 4), targets: targets.slice(0, 4) };

  const CASES: [string, unknown[], FitOptions, string, string][] = [
    ['a row of the wrong width', [good, { inputs: [[1, 2, 3]], targets: [[1, 0, 0]] }], {}, 'INVALID_ARGUMENT', 'source block 1 inputs[0] must be a row of 4 numbers (the network\'s input size); got [1,2,3]'],
    ['a cell that is not finite', [good, good, { inputs: [[0, 0, 0, 0], [0, 0, 0, NaN]], targets: [[1, 0, 0], [0, 1, 0]] }], {}, 'INVALID_ARGUMENT', 'source block 2 inputs[1][3] must be a finite number; got NaN'],
    ['a target cell that is not finite', [{ inputs: [[0, 0, 0, 0]], targets: [[1, Infinity, 0]] }], {}, 'INVALID_ARGUMENT', 'source block 0 targets[0][1] must be a finite number; got Infinity'],
    ['more input rows than target rows', [good, { inputs: inputs.slice(0, 2), targets: targets.slice(0, 1) }], {}, 'INVALID_ARGUMENT', 'source block 1 has 2 input rows and 1 target rows; expected one target row per input row'],
    ['a source that throws', [good, new Error('disk on fire')], {}, 'IO', 'source: reading block 1 failed: disk on fire'],
    ['no blocks at all', [], {}, 'INVALID_ARGUMENT', 'source gave no rows: its pass ended after 0 blocks; expected at least one row'],
    ['not a block', [good, 7], {}, 'INVALID_ARGUMENT', 'source block 1 must be an object { inputs, targets } (a RowBlock); got 7'],
    ['validationSplit', [good], { validationSplit: 0.2 }, 'INVALID_ARGUMENT', 'validationSplit 0.2 cannot split a DataSource: it holds out the last rows, and a source is read in blocks without knowing how many rows it has; pass validationSource (a second DataSource) or validationData'],
    ['shuffle without a buffer', [good], { shuffle: true }, 'INVALID_ARGUMENT', "shuffle with a DataSource needs shuffleBuffer (the rows to shuffle within): numpy's permutation needs every row at once, a streamed fit shuffles through a buffer (docs/training.md, Streamed training)"],
    ['a shuffle buffer larger than the engine can allocate', [good], { shuffle: true, shuffleBuffer: 2147483647 }, 'OUT_OF_MEMORY', 'shuffleBuffer 2147483647 holds rows of 4 inputs and 3 targets in 112.0 GiB, more than this engine could allocate; use a smaller shuffleBuffer'],
    ['a bad validation source block', [good], { validationSource: blocks([{ inputs: [[0, 0, 0, 0]], targets: [[0, 0]] }]) }, 'INVALID_ARGUMENT', "validationSource block 0 targets[0] must be a row of 3 numbers (the network's output size); got [0,0]"],
  ];
  for (const [name, list, options, code, message] of CASES) {
    it(name, async () => {
      for (const kernel of ['simd', 'js'] as const) {
        const n = await net(kernel);
        await n.fitAsync(inputs, targets, { epochs: 1, optimizer: 'adam', learningRate: 0.01 });
        const before = JSON.stringify(n.toJSON({ includeOptimizer: true }));
        const state = { closed: 0 };
        const error = await n.fitAsync(blocks(list, state), { epochs: 2, normalize: 'zscore', optimizer: 'momentum', ...options }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(MLPErrorClass);
        expect([(error as MLPErrorClass).code, (error as Error).message]).toEqual([code, message]);
        expect(JSON.stringify(n.toJSON({ includeOptimizer: true }))).toBe(before);
        n.dispose();
      }
    });
  }

  it('a source that changes between passes fails in the pass where it goes wrong, and the net is as before', async () => {
    let pass = 0;
    const source: DataSource = {
      async *batches() {
        pass++;
        yield good;
        yield { inputs: [[0, 0, pass === 3 ? NaN : 0, 0]], targets: [[1, 0, 0]] };
      },
    };
    const n = await net('simd');
    const before = JSON.stringify(n.toJSON());
    await expect(n.fitAsync(source, { epochs: 5 })).rejects.toThrow('source block 1 inputs[0][2] must be a finite number; got NaN');
    expect(pass).toBe(3);
    expect(JSON.stringify(n.toJSON())).toBe(before);
    // And the net trains on after the failure, as if the failed fit had never run.
    const fresh = await net('simd');
    const again = await n.fitAsync(arraySource(inputs, targets, 5), { epochs: 2 });
    const reference = await fresh.fitAsync(inputs, targets, { epochs: 2 });
    expect(bits(n.toJSON(), again)).toBe(bits(fresh.toJSON(), reference));
  });

  it('an error closes the source (its iterator return() is called)', async () => {
    const state = { closed: 0 };
    const n = await net('js');
    await expect(n.fitAsync(blocks([good, { inputs: [[1]], targets: [[1]] }, good], state), { epochs: 1 })).rejects.toThrow('source block 1');
    expect(state.closed).toBe(1);
  });

  it('net.fit refuses a source; shuffleBuffer and validationSource are refused with arrays', async () => {
    const n = await net('js');
    expect(() => n.fit(arraySource(inputs, targets, 3) as never)).toThrow('net.fit cannot train on a DataSource: its blocks arrive asynchronously; use await net.fitAsync(source, options)');
    await expect(n.fitAsync(inputs, targets, { shuffle: true, shuffleBuffer: 4 })).rejects.toThrow('shuffleBuffer 4 is for a fit on a DataSource; with arrays, shuffle permutes all the rows');
    await expect(n.fitAsync(inputs, targets, { validationSource: arraySource(inputs, targets, 3) })).rejects.toThrow('validationSource validates a fit on a DataSource');
    await expect(n.fitAsync(arraySource(inputs, targets, 3), { shuffleBuffer: 4 })).rejects.toThrow('shuffleBuffer 4 needs shuffle: true');
    await expect(n.fitAsync(arraySource(inputs, targets, 3), { validationSource: {} as never })).rejects.toThrow('validationSource must be a DataSource (an object with a batches() method); got {}');
  });
});

describe('the final check', () => {
  it('runs the rows forward in one more pass when the parameters cannot prove the predictions finite, as in memory', async () => {
    // Two equal hidden units weighted +1e160 and -1e160: the output is exactly 0, but the
    // parameters' sums bound it only by some 1e300, so the fit must look at every row.
    const base = await MLP.create({ layers: [2, 2, 1], activation: 'linear', seed: 1, backend: 'js' });
    const model = base.toJSON() as unknown as { weights: number[][]; biases: number[][] };
    model.weights = [[1e140, 1e140, 1e140, 1e140], [1e160, -1e160]];
    model.biases = [[0, 0], [0]];
    const inputs = [[1, 2], [3, 4], [0.5, 0.25], [2, 1], [1, 1]];
    const targets = [[1], [0], [1], [0], [1]];
    const options: FitOptions = { epochs: 2, batchSize: 2, learningRate: 1e-200 };
    for (const backend of ['js', 'wasm'] as const) {
      const reference = await MLP.fromJSON(model, { backend });
      const history = await reference.fitAsync(inputs, targets, options);
      const log: string[] = [];
      const streamed = await MLP.fromJSON(model, { backend });
      const h = await streamed.fitAsync(arraySource(inputs, targets, 2, 'nested', log), options);
      expect(bits(streamed.toJSON(), h)).toBe(bits(reference.toJSON(), history));
      // Two epochs, then the pass that runs the rows forward.
      expect(log).toEqual(['pass', 'pass', 'pass']);
    }
  });
});
