// Threads give the same bits as one thread and as the js backend: random mini-batch
// configurations large enough that every product is split across the workers (widths and
// batch sizes that are not multiples of 4 too, so the split edges and tails are exercised),
// trained with 1, 2 and 3 threads and with js; every loss, parameter and prediction compared
// with Object.is, for float64 and for float32 nets. Also: the workers end with dispose(), and a net nobody disposes does not
// keep the process alive.
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MLP, type Activation, type Dtype } from '../src/index.ts';

const FC_SEED = Number(process.env.FC_SEED ?? 20261124);
const RUNS = Number(process.env.FC_THREAD_RUNS ?? 40);
const F32_RUNS = Number(process.env.FC_F32_THREAD_RUNS ?? 12);

interface Config {
  layers: number[];
  activation: Activation[];
  loss: 'mse' | 'cross-entropy';
  optimizer: 'sgd' | 'momentum' | 'adam';
  batchSize: number;
  shuffle: boolean;
  epochs: number;
  seed: number;
  inputs: number[][];
  targets: number[][];
}

const config: fc.Arbitrary<Config> = fc
  .record({
    // Big enough that the hidden products pass the kernel's PARALLEL_WORK (2^19 multiply-adds).
    widths: fc.array(fc.integer({ min: 121, max: 181 }), { minLength: 2, maxLength: 3 }),
    outputs: fc.integer({ min: 2, max: 13 }),
    hidden: fc.constantFrom<Activation>('sigmoid', 'tanh', 'relu', 'leaky-relu'),
    softmax: fc.boolean(),
    optimizer: fc.constantFrom<'sgd' | 'momentum' | 'adam'>('sgd', 'momentum', 'adam'),
    batchSize: fc.integer({ min: 37, max: 70 }),
    rows: fc.integer({ min: 40, max: 150 }),
    shuffle: fc.boolean(),
    epochs: fc.integer({ min: 1, max: 3 }),
    seed: fc.integer({ min: 0, max: 0xffffffff }),
    data: fc.integer({ min: 1, max: 0x7fffffff }),
  })
  .map((r) => {
    const layers = [...r.widths, r.outputs];
    let state = r.data;
    const next = () => (state = (state * 48271) % 2147483647) / 2147483647;
    const inputs = Array.from({ length: r.rows }, () => Array.from({ length: layers[0] }, () => next() * 2 - 1));
    const targets = Array.from({ length: r.rows }, (_, i) => Array.from({ length: r.outputs }, (_, k) => (k === i % r.outputs ? 1 : 0)));
    const hidden = new Array<Activation>(layers.length - 2).fill(r.hidden);
    return {
      layers,
      activation: [...hidden, r.softmax ? 'softmax' : 'sigmoid'] as Activation[],
      loss: r.softmax ? 'cross-entropy' : 'mse',
      optimizer: r.optimizer,
      batchSize: r.batchSize,
      shuffle: r.shuffle,
      epochs: r.epochs,
      seed: r.seed,
      inputs,
      targets,
    } as Config;
  });

const bits = (x: number) => new BigUint64Array(new Float64Array([x]).buffer)[0].toString(16);

function same(what: string, a: number[], b: number[]): void {
  const i = a.findIndex((x, k) => !Object.is(x, b[k]));
  if (a.length !== b.length || i >= 0) throw new Error(`${what}[${i}]: ${a[i]} (0x${bits(a[i])}) vs ${b[i]} (0x${bits(b[i])})`);
}

async function train(c: Config, variant: { backend: 'wasm' | 'js'; threads?: number }, dtype: Dtype = 'float64') {
  const net = await MLP.create({ layers: c.layers, activation: c.activation, loss: c.loss, init: 'xavier', seed: c.seed, dtype, ...variant });
  try {
    const history = net.fit(c.inputs, c.targets, { epochs: c.epochs, batchSize: c.batchSize, optimizer: c.optimizer, learningRate: 0.01, shuffle: c.shuffle });
    const model = net.toJSON({ includeOptimizer: true });
    return {
      threads: net.threads,
      numbers: [...history.loss, ...history.accuracy, ...model.weights.flat(), ...model.biases.flat(), ...model.training!.state1, ...model.training!.state2, ...net.predict(c.inputs).flat()],
    };
  } finally {
    net.dispose();
  }
}

/** 1, 2 and 3 threads and js train configuration `c` to the same bits. */
async function sameOnEveryThreadCount(c: Config, dtype: Dtype): Promise<void> {
  const one = await train(c, { backend: 'wasm', threads: 1 }, dtype);
  const js = await train(c, { backend: 'js' }, dtype);
  same('js vs 1 thread', js.numbers, one.numbers);
  for (const threads of [2, 3]) {
    const many = await train(c, { backend: 'wasm', threads }, dtype);
    if (many.threads !== threads) throw new Error(`asked for ${threads} threads, got ${many.threads}`);
    same(`${threads} threads vs 1`, many.numbers, one.numbers);
  }
}

describe('threads', () => {
  it(`1, 2 and 3 threads and js give the same bits on ${RUNS} random mini-batch configurations (fast-check seed ${FC_SEED})`, async () => {
    await fc.assert(fc.asyncProperty(config, (c) => sameOnEveryThreadCount(c, 'float64')), { seed: FC_SEED, numRuns: RUNS });
  });

  it(`float32: 1, 2 and 3 threads and js give the same bits on ${F32_RUNS} random mini-batch configurations (fast-check seed ${FC_SEED})`, async () => {
    await fc.assert(fc.asyncProperty(config, (c) => sameOnEveryThreadCount(c, 'float32')), { seed: FC_SEED, numRuns: F32_RUNS });
  });

  it('float32: every output edge (1..7 past the 8-wide panels) and row edge (1..3 past the 4-row tiles) splits to the same bits on 1, 2 and 3 threads and js', async () => {
    for (let edge = 1; edge <= 7; edge++) {
      const layers = [133 + edge, 128 + edge, 8 + edge];
      const batchSize = 36 + edge; // 37..43 rows: every row edge, and whole tiles
      const rows = 2 * batchSize + 5;
      let state = 1000 + edge;
      const next = () => (state = (state * 48271) % 2147483647) / 2147483647;
      const c: Config = {
        layers,
        activation: [edge % 2 === 0 ? 'tanh' : 'sigmoid', 'softmax'],
        loss: 'cross-entropy',
        optimizer: edge % 3 === 0 ? 'adam' : 'sgd',
        batchSize,
        shuffle: edge % 2 === 1,
        epochs: 1,
        seed: edge,
        inputs: Array.from({ length: rows }, () => Array.from({ length: layers[0] }, () => next() * 2 - 1)),
        targets: Array.from({ length: rows }, (_, i) => Array.from({ length: layers[2] }, (_, k) => (k === i % layers[2] ? 1 : 0))),
      };
      await sameOnEveryThreadCount(c, 'float32');
    }
  });

  it('a fit that diverges on two threads leaves the workers in step: the next fit matches one thread', async () => {
    const c = fc.sample(config, { seed: FC_SEED, numRuns: 1 })[0];
    const outcome = async (threads: number) => {
      const net = await MLP.create({ layers: c.layers, activation: 'linear', init: 'he', seed: c.seed, threads });
      try {
        const wild = () => net.fit(c.inputs, c.inputs.map((r) => r.slice(0, c.layers.at(-1)).map((v) => v * 1e6)), { batchSize: 64, learningRate: 1e3, epochs: 50 });
        expect(wild).toThrow('training diverged');
        const history = net.fit(c.inputs, c.targets, { batchSize: c.batchSize, learningRate: 1e-4, epochs: 2 });
        return [...history.loss, ...net.toJSON().weights.flat()];
      } finally {
        net.dispose();
      }
    };
    same('after a diverged fit, 2 threads vs 1', await outcome(2), await outcome(1));
  });

  it('reports its thread count, and 1 for js', async () => {
    const wasm = await MLP.create({ layers: [2, 1], threads: 2 });
    const js = await MLP.create({ layers: [2, 1], threads: 2, backend: 'js' });
    expect([wasm.threads, js.threads]).toEqual([2, 1]);
    wasm.dispose();
    js.dispose();
  });

  it('rejects bad counts and threads with the scalar kernel', async () => {
    await expect(MLP.create({ layers: [2, 1], threads: 0 })).rejects.toThrow('threads must be an integer from 1 to 64; got 0');
    await expect(MLP.create({ layers: [2, 1], threads: 1.5 })).rejects.toThrow('threads must be an integer from 1 to 64; got 1.5');
    await expect(MLP.create({ layers: [2, 1], threads: 2, simd: false })).rejects.toThrow('threads 2 runs the SIMD kernel, and simd is false');
  });

  it('a net that is never disposed does not keep the process alive', () => {
    const script = `import { MLP } from ${JSON.stringify(new URL('../build/node/index.js', import.meta.url).href)};
      const net = await MLP.create({ layers: [64, 64, 4], threads: 3, seed: 1 });
      const x = Array.from({ length: 64 }, (_, i) => Array.from({ length: 64 }, (_, j) => ((i * j) % 7) / 7));
      const y = x.map((_, i) => [0, 1, 2, 3].map((k) => (k === i % 4 ? 1 : 0)));
      console.log(net.threads, net.fit(x, y, { batchSize: 32, epochs: 2 }).loss.length);`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('3 2\n');
    expect(r.status).toBe(0);
  });
});
