// The process-wide worker pool: any number of `threads` nets share one pool as large as the
// largest `threads` less one; nets that take turns keep their bits; shared memories grow in
// place, or move whole; a net dropped without dispose() gives its workers and memory back
// when collected; 10,000 undisposed nets leave the thread count at the pool's size and the
// memory bounded.
import { readFileSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { MLP } from '../src/index.ts';
import { instantiateKernel, MAX_PAGES, PAGE_BYTES } from '../src/backends/wasm/kernel.ts';
import { attachedNets, firstSharedMemory, liveAttachments, moveKernel, poolSize } from '../src/backends/wasm/thread-pool.ts';

// Rows x widths past PARALLEL_WORK (src/backends/layout.ts, 2^19 multiply-adds): the products are split.
const WIDE = 96;
const inputs = Array.from({ length: 64 }, (_, i) => Array.from({ length: WIDE }, (_, j) => ((i * 7 + j * 3) % 11) / 11 - 0.5));
const targets = inputs.map((_, i) => [0, 1, 2].map((k) => (k === i % 3 ? 1 : 0)));
const wide = { layers: [WIDE, WIDE, 3], activation: ['tanh', 'softmax'] as const, loss: 'cross-entropy' as const, init: 'xavier' as const };
const fitWide = (net: MLP) => {
  const history = net.fit(inputs, targets, { batchSize: 64, epochs: 2, optimizer: 'adam', learningRate: 0.01 });
  return [...history.loss, ...net.toJSON().weights.flat(), ...net.predict(inputs).flat()];
};
const bits = (values: number[]) => values.map((v) => new BigUint64Array(new Float64Array([v]).buffer)[0].toString(16)).join(' ');

/** Threads of this process (Linux), or undefined elsewhere. */
function osThreads(): number | undefined {
  if (!existsSync('/proc/self/status')) return undefined;
  return Number(/Threads:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]);
}

describe('thread pool', () => {
  it('50 live threads: 2 nets share one worker, and compute what one thread does', async () => {
    const alone = await MLP.create({ ...wide, seed: 7, threads: 1 });
    const expected = bits(fitWide(alone));
    const nets = [];
    for (let i = 0; i < 50; i++) nets.push(await MLP.create({ ...wide, seed: 7, threads: 2 }));
    expect(poolSize()).toBe(1);
    for (const net of nets) expect(net.threads).toBe(2);
    for (const net of nets.slice(0, 5)) expect(bits(fitWide(net))).toBe(expected);
    expect(poolSize()).toBe(1);
    nets.forEach((net) => net.dispose());
    alone.dispose();
  });

  it('two nets taking turns give the same bits as each alone', async () => {
    const run = async (seed: number, threads: number) => MLP.create({ ...wide, seed, threads });
    const [a1, b1] = [await run(1, 1), await run(2, 1)];
    const [a2, b2] = [await run(1, 2), await run(2, 2)];
    const alone: string[] = [];
    const turns: string[] = [];
    for (let round = 0; round < 4; round++) {
      alone.push(bits(fitWide(a1)), bits(fitWide(b1)));
      turns.push(bits(fitWide(a2)), bits(fitWide(b2)));
    }
    expect(turns).toEqual(alone);
    [a1, b1, a2, b2].forEach((net) => net.dispose());
  });

  it('a new shared memory can grow in place to 4 GiB; a move (where an engine reserves less) copies every byte to a working kernel', async () => {
    const first = firstSharedMemory();
    expect(first.maximumBytes).toBe(MAX_PAGES * PAGE_BYTES);
    const { module, exports } = await instantiateKernel(true, first);
    first.memory.grow(2);
    const old = new Uint8Array(first.memory.buffer);
    for (let i = 0; i < old.length; i++) old[i] = (i * 131) % 251;
    const moved = moveKernel(module, first.memory, 5 * PAGE_BYTES);
    const copy = new Uint8Array(moved.exports.memory.buffer);
    expect(copy.length).toBe(5 * PAGE_BYTES);
    expect(copy.subarray(0, old.length)).toEqual(old);
    expect(moved.maximumBytes).toBeGreaterThanOrEqual(5 * PAGE_BYTES);
    expect(moved.exports.heapBase()).toBe(exports.heapBase());
  });

  it('dispose() gives the workers back and ends the attachment', async () => {
    const before = liveAttachments;
    const net = await MLP.create({ ...wide, seed: 3, threads: 3 });
    fitWide(net);
    expect([liveAttachments - before, attachedNets()]).toEqual([1, 1]);
    net.dispose();
    expect([liveAttachments - before, attachedNets()]).toEqual([0, 0]);
    expect(() => net.fit(inputs, targets)).toThrow('net.fit was used after net.dispose(); create or load a new MLP');
  });

  it('a net dropped without dispose() is reclaimed when collected: its workers detach, its memory goes', async () => {
    // gc() on demand, to observe the FinalizationRegistry callback deterministically.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const before = liveAttachments;
    await (async () => {
      const net = await MLP.create({ ...wide, seed: 4, threads: 2 });
      fitWide(net);
    })();
    expect([liveAttachments - before, attachedNets()]).toEqual([1, 1]);
    for (let i = 0; i < 20 && liveAttachments > before; i++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect([liveAttachments - before, attachedNets()]).toEqual([0, 0]);
  });

  it('10,000 create/fit/drop cycles with threads: 2 and no dispose keep the threads at the pool size and the memory bounded', async () => {
    const small = inputs.slice(0, 4).map((row) => row.slice(0, 4));
    const warm = await MLP.create({ ...wide, seed: 0, threads: 2 });
    fitWide(warm);
    warm.dispose();
    // The pool is as large as the largest `threads` asked for in this process, less one.
    const pool = poolSize();
    const engineThreads = (osThreads() ?? 0) - pool;
    let most = 0;
    let mostPool = 0;
    for (let i = 0; i < 10_000; i++) {
      // Every 16th net is wide enough for its products to be split across the threads.
      if (i % 16 === 0) fitWide(await MLP.create({ ...wide, seed: i, threads: 2 }));
      else (await MLP.create({ layers: [4, 4, 3], seed: i, threads: 2 })).fit(small, targets.slice(0, 4), { epochs: 1 });
      most = Math.max(most, osThreads() ?? 0);
      mostPool = Math.max(mostPool, poolSize());
    }
    expect(mostPool).toBe(pool);
    if (osThreads() !== undefined) expect(most).toBeLessThanOrEqual(engineThreads + pool);
    expect(process.memoryUsage().rss).toBeLessThan(1.5 * 2 ** 30);
  });

  it('the process exits while undisposed nets hold pool workers', () => {
    const script = `import { MLP } from ${JSON.stringify(new URL('../build/node/index.js', import.meta.url).href)};
      const x = Array.from({ length: 64 }, (_, i) => Array.from({ length: 96 }, (_, j) => ((i * j) % 7) / 7));
      const y = x.map((_, i) => [i % 2]);
      const nets = [];
      for (let i = 0; i < 5; i++) nets.push(await MLP.create({ layers: [96, 96, 1], threads: 2 + (i % 2), seed: i }));
      console.log(nets.map((net) => net.fit(x, y, { batchSize: 64, epochs: 1 }).loss.length).join(','));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('1,1,1,1,1\n');
    expect(r.status).toBe(0);
  });
});
