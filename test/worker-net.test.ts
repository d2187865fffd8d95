// Worker nets in Node (`worker: true`: the net lives in a worker_thread running
// build/node/worker.js): every call of test/helpers/worker-scenario.ts gives the worker net
// the in-thread net's bits, errors and rollbacks; save and load run in the worker and write
// the in-thread file byte for byte; a worker net left undisposed does not hold the process
// open; disposing it under a running fit fails that fit with DISPOSED.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import * as lib from '../src/index.ts';
import { MLP } from '../src/index.ts';
import { expectWorkerOutcome } from './helpers/worker-outcome.ts';
import { workerScenario, type WorkerOutcome } from './helpers/worker-scenario.ts';

const ENTRY = new URL('../build/node/index.js', import.meta.url).href;

describe('worker nets in Node', () => {
  let outcome: WorkerOutcome;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wasm-mlp-worker-'));
    outcome = await workerScenario(lib);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('give the in-thread net\'s bits, errors, rollbacks and aborts', () => {
    expectWorkerOutcome(outcome, 'Node');
  });

  it('errors name what is wrong, as in-thread', () => {
    const error = (name: string) => JSON.parse(outcome.pairs[`error: ${name}`][1]);
    expect(error('a row of the wrong width')).toEqual({ MLPError: true, code: 'INVALID_ARGUMENT', message: "inputs[0] must be a row of 5 numbers (the network's input size); got [1,2]" });
    expect(error('a function for learningRate')).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('learningRate must be') });
    expect(error('predict while fitAsync runs')).toEqual({ MLPError: true, code: 'BUSY', message: 'net.predict was called while net.fitAsync is running; await it first' });
    expect(error('a fit that diverges')).toMatchObject({ code: 'TRAINING_DIVERGED' });
  });

  it('save and load run in the worker and write the in-thread file byte for byte', async () => {
    const options = { layers: [3, 4, 2], seed: 11, activation: 'tanh' } as const;
    const rows = [[0.5, -1, 2], [1, 0.25, -0.75]];
    const goal = [[1, 0], [0, 1]];
    const t = await MLP.create(options);
    const w = await MLP.create({ ...options, worker: true });
    t.fit(rows, goal, { epochs: 5, optimizer: 'momentum' });
    await w.fit(rows, goal, { epochs: 5, optimizer: 'momentum' });
    await t.save(join(dir, 'thread.json'), { includeOptimizer: true });
    await w.save(join(dir, 'worker.json'), { includeOptimizer: true });
    expect(readFileSync(join(dir, 'worker.json'), 'utf8')).toBe(readFileSync(join(dir, 'thread.json'), 'utf8'));
    const loaded = await MLP.load(join(dir, 'thread.json'), { worker: true });
    expect(loaded).toBeInstanceOf(lib.WorkerMLP);
    t.fit(rows, goal, { epochs: 3, optimizer: 'momentum' });
    await loaded.fit(rows, goal, { epochs: 3, optimizer: 'momentum' });
    expect(await loaded.toJSON({ includeOptimizer: true })).toEqual(t.toJSON({ includeOptimizer: true }));
    const missing = join(dir, 'missing.json');
    await expect(MLP.load(missing, { worker: true })).rejects.toMatchObject({ code: 'IO', message: `cannot read ${missing}: no such file or directory` });
    await expect(MLP.load(missing)).rejects.toMatchObject({ code: 'IO', message: `cannot read ${missing}: no such file or directory` });
    // A path that cannot even be posted to the worker: MLP's own words.
    const notAPath = (() => missing) as never;
    const inThread = await MLP.load(notAPath).catch((error: unknown) => error);
    expect(inThread).toMatchObject({ code: 'INVALID_ARGUMENT', message: 'path must be a file path (a non-empty string without NUL characters); got a function' });
    expect(await MLP.load(notAPath, { worker: true }).catch((error: unknown) => error)).toEqual(inThread);
    const notAModel = await MLP.fromJSON({ format: Symbol('x') }).catch((error: unknown) => error);
    expect(notAModel).toMatchObject({ code: 'INVALID_MODEL' });
    expect(await MLP.fromJSON({ format: Symbol('x') }, { worker: true }).catch((error: unknown) => error)).toEqual(notAModel);
    t.dispose();
    await w.dispose();
    await loaded.dispose();
  });

  it('worker: true is typed as a WorkerMLP; without it, an MLP', async () => {
    const net = await MLP.create({ layers: [2, 1], seed: 1, worker: true });
    expectTypeOf(net).toEqualTypeOf<lib.WorkerMLP>();
    expectTypeOf(net.fit).returns.toEqualTypeOf<Promise<lib.History>>();
    expectTypeOf(net.predict).returns.toEqualTypeOf<Promise<number[][]>>();
    expectTypeOf(net.layers).toEqualTypeOf<number[]>();
    // Checked by tsc (npx tsc -p tsconfig.json); never called.
    const typed = () => {
      expectTypeOf(MLP.create({ layers: [2, 1] })).toEqualTypeOf<Promise<MLP>>();
      expectTypeOf(MLP.fromJSON({}, { worker: true })).toEqualTypeOf<Promise<lib.WorkerMLP>>();
      expectTypeOf(MLP.fromJSON({})).toEqualTypeOf<Promise<MLP>>();
      expectTypeOf(MLP.load('model.json', { worker: true })).toEqualTypeOf<Promise<lib.WorkerMLP>>();
    };
    void typed;
    const either = (worker: boolean) => MLP.create({ layers: [2, 1], worker });
    expectTypeOf(either).returns.toEqualTypeOf<Promise<MLP | lib.WorkerMLP>>();
    expect(net).toBeInstanceOf(lib.WorkerMLP);
    const inThread = await either(false);
    expect(inThread).toBeInstanceOf(MLP);
    inThread.dispose();
    await net.dispose();
  });

  it('a worker net left undisposed does not hold the process open', () => {
    const script = `import { MLP } from ${JSON.stringify(ENTRY)};
const net = await MLP.create({ layers: [2, 3, 1], seed: 1, worker: true });
const history = await net.fit([[0, 1]], [[1]], { epochs: 5 });
console.log(history.epochs, (await net.predict([[0, 1]]))[0].length);`;
    const started = Date.now();
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('5 1\n');
    expect(r.status).toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('dispose under a running fit: the fit fails with DISPOSED, as in-thread', async () => {
    const net = await MLP.create({ layers: [2, 3, 1], seed: 1, worker: true });
    const fit = net.fit([[0, 1]], [[1]], { epochs: 1e7 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await net.dispose();
    await expect(fit).rejects.toMatchObject({ code: 'DISPOSED', message: 'net.fit was used after net.dispose(); create or load a new MLP' });
    await expect(net.toJSON()).rejects.toMatchObject({ code: 'DISPOSED', message: 'net.toJSON was used after net.dispose(); create or load a new MLP' });
    await expect(net.save('never-written.json')).rejects.toMatchObject({ code: 'DISPOSED', message: 'net.save was used after net.dispose(); create or load a new MLP' });
  });
});
