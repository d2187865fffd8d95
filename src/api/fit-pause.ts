// What a fit's steps (training.ts, stream-training.ts) hand the driver that runs them (fit's
// loop in mlp.ts, fitAsync's in fit-async.ts) when they pause.

/**
 * What a step hands its driver: undefined after a chunk of training (a place to yield), or
 * onEpochEnd's pending answer, to be awaited and passed back to `next` (a rejection thrown in).
 */
export type FitPause = Promise<unknown> | SourceWait | undefined;

/**
 * A streamed fit waiting for its data source: the driver awaits `wait` and passes its value
 * back to `next`, or throws its rejection in as it is (the fit names the block).
 */
export class SourceWait {
  constructor(readonly wait: Promise<unknown>) {}
}

/** Awaits `promise` from inside a fit's steps (fitAsync's driver does the waiting). */
export function* awaitSource<T>(promise: Promise<T>): Generator<FitPause, T, unknown> {
  return (yield new SourceWait(promise)) as T;
}
