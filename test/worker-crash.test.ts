// A worker net whose thread dies on its own (here: ended from outside while a fit waits on
// its onEpochEnd): the pending fit and every later call reject with an MLPError saying the
// worker has ended, never a hang or a raw error, and dispose() still succeeds.
import type { Worker } from 'node:worker_threads';
import { describe, expect, it, vi } from 'vitest';
import { MLP, MLPError } from '../src/index.ts';

const spawned = vi.hoisted(() => [] as Worker[]);
vi.mock('node:worker_threads', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:worker_threads')>();
  class TrackedWorker extends original.Worker {
    constructor(...args: ConstructorParameters<typeof original.Worker>) {
      super(...args);
      spawned.push(this);
    }
  }
  return { ...original, Worker: TrackedWorker };
});

const ENDED = 'the worker of this worker net has ended (its thread exited with code 1); create or load a new MLP';

describe('a worker net whose worker dies', () => {
  it('fails the pending fit and every later call with an MLPError, and disposes cleanly', { timeout: 20_000 }, async () => {
    const before = spawned.length;
    const net = await MLP.create({ layers: [2, 3, 1], seed: 3, worker: true });
    expect(spawned.length).toBe(before + 1);
    const worker = spawned[spawned.length - 1];
    const fit = net.fitAsync([[0, 1], [1, 0]], [[1], [0]], {
      epochs: 50,
      onEpochEnd: () => {
        void worker.terminate();
        return new Promise<boolean>(() => {});
      },
    });
    const failure = await fit.then(() => undefined, (error: unknown) => error);
    expect(failure).toBeInstanceOf(MLPError);
    expect(failure).toMatchObject({ code: 'INTERNAL', message: ENDED });
    await expect(net.predict([[0, 1]])).rejects.toMatchObject({ code: 'INTERNAL', message: ENDED });
    await expect(net.toJSON()).rejects.toBeInstanceOf(MLPError);
    expect(() => net.dispose()).not.toThrow();
  });
});
