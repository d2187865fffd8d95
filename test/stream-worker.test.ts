// Worker nets train on a DataSource too: the source stays on the calling thread, its blocks
// are moved to the worker as the fit asks for them, and the result is the in-thread
// streamed fit's (and so the in-memory fit's) to the bit, with the same errors.
import { describe, expect, it } from 'vitest';
import { MLP, MLPError, type DataSource, type FitOptions, type RowBlock } from '../src/index.ts';

function rows(count: number) {
  const inputs: number[][] = [];
  const targets: number[][] = [];
  let s = 99;
  for (let r = 0; r < count; r++) {
    const row = Array.from({ length: 3 }, () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1);
    inputs.push(row);
    targets.push(row[0] + row[1] * row[2] > 0 ? [1, 0] : [0, 1]);
  }
  return { inputs, targets };
}

/** Blocks of `size` rows; `log` counts the blocks read and the passes closed. */
function source(inputs: number[][], targets: number[][], size: number, log = { blocks: 0, closed: 0 }, bad?: { pass: number; block: number }): DataSource {
  let pass = 0;
  return {
    classes: ['yes', 'no'],
    batches(): AsyncIterableIterator<RowBlock> {
      const p = ++pass;
      let r = 0;
      let block = 0;
      return {
        [Symbol.asyncIterator](): AsyncIterableIterator<RowBlock> {
          return this;
        },
        async next(): Promise<IteratorResult<RowBlock>> {
          if (r >= inputs.length) return { done: true, value: undefined };
          if (bad && bad.pass === p && bad.block === block) throw new Error('the disk is gone');
          log.blocks++;
          block++;
          const value = { inputs: Float64Array.from(inputs.slice(r, r + size).flat()), targets: targets.slice(r, r + size) };
          r += size;
          return { done: false, value };
        },
        async return(): Promise<IteratorResult<RowBlock>> {
          log.closed++;
          return { done: true, value: undefined };
        },
      };
    },
  };
}

const create = { layers: [3, 6, 2], activation: ['tanh', 'softmax'] as ('tanh' | 'softmax')[], loss: 'cross-entropy' as const, seed: 11 };
const text = (model: unknown, history: unknown) => JSON.stringify({ model, history });

describe('a worker net on a DataSource', () => {
  it('gives the bits of the in-thread fit, with validation from a second source, callbacks and normalisation', async () => {
    const { inputs, targets } = rows(50);
    const val = rows(9);
    const options = (): FitOptions => ({ epochs: 3, batchSize: 4, learningRate: 0.3, optimizer: 'adam', normalize: 'zscore', validationSource: source(val.inputs, val.targets, 2) });
    const here = await MLP.create(create);
    const seenHere: number[] = [];
    const reference = await here.fitAsync({ inputs, targets, classes: ['yes', 'no'] }, { ...options(), validationSource: undefined, validationData: val, onEpochEnd: (s) => void seenHere.push(s.valLoss!) });
    const expected = text(here.toJSON(), reference);
    const worker = await MLP.create({ ...create, worker: true });
    try {
      const seen: number[] = [];
      const log = { blocks: 0, closed: 0 };
      const history = await worker.fitAsync(source(inputs, targets, 7, log), { ...options(), onEpochEnd: async (s) => void seen.push(s.valLoss!) });
      expect(text(await worker.toJSON(), history)).toBe(expected);
      expect(seen).toEqual(seenHere);
      // 8 blocks a pass: two normalisation passes and three epochs.
      expect(log.blocks).toBe(8 * 5);
      expect(worker.classes).toEqual(['yes', 'no']);
    } finally {
      await worker.dispose();
    }
  });

  it("fails as the in-thread fit fails (the source's error, a bad cell), closes the source and leaves the net as it was", async () => {
    const { inputs, targets } = rows(20);
    const worker = await MLP.create({ ...create, worker: true });
    const here = await MLP.create(create);
    try {
      const before = JSON.stringify(await worker.toJSON());
      for (const make of [
        (log: { blocks: number; closed: number }) => source(inputs, targets, 3, log, { pass: 2, block: 4 }),
        (log: { blocks: number; closed: number }) => source([...inputs.slice(0, 10), [1, NaN, 0], ...inputs.slice(11)], targets, 3, log),
      ]) {
        const log = { blocks: 0, closed: 0 };
        const error = await worker.fitAsync(make(log), { epochs: 3 }).catch((e: unknown) => e);
        const expected = await here.fitAsync(make({ blocks: 0, closed: 0 }), { epochs: 3 }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(MLPError);
        expect([(error as MLPError).code, (error as Error).message]).toEqual([(expected as MLPError).code, (expected as Error).message]);
        expect(JSON.stringify(await worker.toJSON())).toBe(before);
        // The bad cell ends the pass early: the caller's iterator is closed.
        if (make.length === 1 && (error as Error).message.includes('NaN')) expect(log.closed).toBe(1);
      }
      await expect(worker.fit(source(inputs, targets, 3) as never)).rejects.toThrow('net.fit cannot train on a DataSource');
    } finally {
      await worker.dispose();
    }
  });

  it('an abort stops it between epochs, with the net of the epochs run', async () => {
    const { inputs, targets } = rows(30);
    const worker = await MLP.create({ ...create, worker: true });
    const here = await MLP.create(create);
    try {
      const controller = new AbortController();
      const history = await worker.fitAsync(source(inputs, targets, 4), { epochs: 20, signal: controller.signal, onEpochEnd: (s) => void (s.epoch === 2 && controller.abort()) });
      expect([history.epochs, history.stopReason]).toEqual([2, 'aborted']);
      await here.fitAsync({ inputs, targets, classes: ['yes', 'no'] }, { epochs: 2 });
      expect(JSON.stringify(await worker.toJSON())).toBe(JSON.stringify(here.toJSON()));
    } finally {
      await worker.dispose();
    }
  });
});
