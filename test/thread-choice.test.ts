// The rule that keeps `threads` from slowing a net down: a call borrows its worker threads
// only when one of its jobs (a layer's product over the call's rows) is large enough for the
// kernel to split; otherwise it runs on the calling thread alone. Tested as a choice (which
// calls attach workers), never by timing; the results are the same bits either way.
import { afterEach, describe, expect, it } from 'vitest';
import { MLP } from '../src/index.ts';
import { PARALLEL_MIN_ROWS, PARALLEL_WORK } from '../src/backends/layout.ts';
import { splitsJobs } from '../src/backends/wasm/thread-choice.ts';
import { attachedNets } from '../src/backends/wasm/thread-pool.ts';

describe('splitsJobs', () => {
  it('is the kernel\'s per-job rule: from PARALLEL_MIN_ROWS rows and PARALLEL_WORK multiply-adds in some layer', () => {
    expect([PARALLEL_MIN_ROWS, PARALLEL_WORK]).toEqual([4, 2 ** 19]);
    // 4 x 512 x 256 is exactly 2^19; one input fewer is under it.
    expect(splitsJobs([512, 256, 10], 4)).toBe(true);
    expect(splitsJobs([511, 256, 10], 4)).toBe(false);
    // The largest layer decides, wherever it is.
    expect(splitsJobs([10, 511, 256, 1024, 2], 1)).toBe(false);
    expect(splitsJobs([10, 512, 256, 1024, 2], 4)).toBe(true);
    expect(splitsJobs([2, 8, 1], 1024)).toBe(false);
  });

  it('never splits fewer than PARALLEL_MIN_ROWS rows (per-sample training, one-row predicts), however wide the net', () => {
    expect(splitsJobs([784, 4096, 10], 3)).toBe(false);
    expect(splitsJobs([784, 4096, 10], 1)).toBe(false);
    expect(splitsJobs([784, 256, 10], 4)).toBe(true);
  });

  it('the bench rows: 784-256-10 at batch 64 splits, 64-128-10 at batch 32 does not', () => {
    expect(splitsJobs([784, 256, 10], 64)).toBe(true);
    expect(splitsJobs([64, 128, 10], 32)).toBe(false);
    expect(splitsJobs([64, 128, 10], 64)).toBe(true);
  });
});

describe('a threads net borrows workers only for calls that split a job', () => {
  const rows = (n: number, width: number) => Array.from({ length: n }, (_, i) => Array.from({ length: width }, (_, j) => ((i * 7 + j * 3) % 11) / 11 - 0.5));
  const targets = (n: number) => Array.from({ length: n }, (_, i) => [0, 1, 2].map((k) => (k === i % 3 ? 1 : 0)));
  const bits = (values: number[]) => values.map((v) => new BigUint64Array(new Float64Array([v]).buffer)[0]!.toString(16)).join(' ');
  const nets: MLP[] = [];
  afterEach(() => nets.splice(0).forEach((net) => net.dispose()));

  it('a small net trains and predicts on the calling thread, with the bits of threads: 1', async () => {
    const x = rows(64, 8);
    const y = targets(64);
    const run = async (threads: number) => {
      const net = await MLP.create({ layers: [8, 16, 3], activation: ['tanh', 'softmax'], loss: 'cross-entropy', seed: 5, threads });
      nets.push(net);
      const history = net.fit(x, y, { epochs: 3, batchSize: 64 });
      return { net, values: [...history.loss, ...net.predict(x).flat()] };
    };
    const one = await run(1);
    const two = await run(2);
    expect(two.net.threads).toBe(2);
    expect(attachedNets()).toBe(0);
    expect(bits(two.values)).toBe(bits(one.values));
  });

  it('a wide net borrows them for a batch that splits, not for per-sample training', async () => {
    const x = rows(64, 96);
    const y = targets(64);
    const net = await MLP.create({ layers: [96, 96, 3], activation: ['relu', 'softmax'], loss: 'cross-entropy', seed: 6, threads: 2 });
    nets.push(net);
    net.fit(x.slice(0, 8), y.slice(0, 8), { epochs: 1, batchSize: 1 });
    expect(attachedNets()).toBe(0);
    net.predict(x.slice(0, 3));
    expect(attachedNets()).toBe(0);
    // 64 x 96 x 96 multiply-adds: past PARALLEL_WORK.
    net.fit(x, y, { epochs: 1, batchSize: 64 });
    expect(attachedNets()).toBe(1);
  });
});
