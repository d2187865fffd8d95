// What test/helpers/worker-scenario.ts must record wherever it runs: every case, each with the
// same bits on both sides, every error an MLPError, and the worker-only facts.
import { expect } from 'vitest';
import type { WorkerOutcome } from './worker-scenario.ts';

/** The scenario's cases: a case that stops being recorded fails the test too. */
export const WORKER_CASES = [
  'getters', 'initial parameters',
  'fit stopped by onEpochEnd: history', 'fit: epoch reports', 'fit: predict and toJSON inside onEpochEnd', 'fit: parameters',
  'predict', 'predict from a Float64Array', 'predictInto', 'predictInto without out', 'predictInto on shared memory', 'predictClass', 'evaluate',
  'fromJSON', 'fitAsync with an async onEpochEnd', 'fitAsync: what onEpochEnd read', 'fitAsync: parameters',
  'error: a row of the wrong width', 'error: a cell that is NaN', 'error: a cell that is not a number', 'error: a negative learningRate', 'error: a function for learningRate',
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
