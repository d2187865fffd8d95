// Worker nets in Node (`worker: true`: the net lives in a worker_thread running
// build/node/worker.js): every call of test/helpers/worker-scenario.ts gives the worker net
// the in-thread net's bits, errors and rollbacks; save and load run in the worker and write
// the in-thread file byte for byte; a worker net left undisposed does not hold the process
// open; disposing it under a running fit fails that fit with DISPOSED.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as lib from '../src/index.ts';
import { MLP } from '../src/index.ts';
import { workerScenario, type WorkerOutcome } from './helpers/worker-scenario.ts';

const ENTRY = new URL('../build/node/index.js', import.meta.url).href;

/** The scenario's cases: a case that stops being recorded fails the test too. */
export const WORKER_CASES = [
  'getters', 'initial parameters',
  'fit stopped by onEpochEnd: history', 'fit: epoch reports', 'fit: predict and toJSON inside onEpochEnd', 'fit: parameters',
  'predict', 'predict from a Float64Array', 'predictInto', 'predictInto without out', 'predictInto on shared memory', 'predictClass', 'evaluate',
  'fromJSON', 'fitAsync with an async onEpochEnd', 'fitAsync: what onEpochEnd read', 'fitAsync: parameters',
  'error: a row of the wrong width', 'error: a cell that is not a number', 'error: a negative learningRate', 'error: a function for learningRate',
  'error: onEpochEnd that is not a function', 'error: an unknown fit option', 'error: evaluate without targets',
  'error: predictInto with an out of the wrong length', 'error: predictInto with an array for out', 'error: toJSON with a bad option',
  'error: fit with an async onEpochEnd', 'error: a fit that diverges', 'errors leave the net as it was', 'error: MLP.create with bad layers', 'error: MLP.fromJSON with broken JSON',
  'error: predict while fitAsync runs',
  'a throwing onEpochEnd rolls back', 'rolled back as in-thread', 'a rejecting onEpochEnd rolls back',
  'abort from onEpochEnd', 'abort from onEpochEnd: parameters', 'a signal aborted before the fit', 'abort from outside: the epochs it ran',
  'threads: 2 in a worker',
  'disposed: predict', 'disposed: fit', 'disposed: a getter',
];

/** What only the worker side shows, as the scenario records it. */
export const WORKER_FACTS = {
  isWorkerMLP: true,
  predictIntoFillsOut: true,
  inputsStillAttached: true,
  sharedOutWrittenInPlace: true,
  badWorkerOption: { MLPError: true, code: 'INVALID_ARGUMENT', message: 'worker must be true or false; got "yes"' },
  callbackErrorIsTheUsersOwn: true,
  rejectingCallbackErrorIsTheUsersOwn: true,
  abortFromOutside: { stopReason: 'aborted', stoppedEarly: true },
  threadsInWorker: 2,
};

/** Checks an outcome: every case recorded, both sides equal, every error case an MLPError. */
export function expectWorkerOutcome(outcome: WorkerOutcome, where: string): void {
  expect(Object.keys(outcome.pairs), `${where}: cases`).toEqual(WORKER_CASES);
  for (const [name, [inThread, inWorker]] of Object.entries(outcome.pairs)) {
    expect(inThread.length, `${where}: ${name} recorded something`).toBeGreaterThan(4);
    expect(inWorker, `${where}: ${name}`).toBe(inThread);
    if (name.startsWith('error: ') || name.startsWith('disposed: ')) expect(JSON.parse(inThread), `${where}: ${name}`).toMatchObject({ MLPError: true });
  }
  expect(outcome.facts, where).toEqual(WORKER_FACTS);
}

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
    t.dispose();
    await w.dispose();
    await loaded.dispose();
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
  });
});
