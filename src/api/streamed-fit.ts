// A fit on a DataSource (fitAsync(source, options)) as MLP starts it: its steps are
// stream-training.ts's, loaded by the first step, so that a page that never streams does not
// carry them (a lazy piece of the browser bundle). Waiting for the piece is a SourceWait, as
// waiting for the source's first block is.
import { loadPiece } from './load-piece.ts';
import { awaitSource, type FitPause, type History } from './training.ts';
import type { streamedTrainingSteps as stepsOf } from './stream-training.ts';

export function* streamedTrainingSteps(...args: Parameters<typeof stepsOf>): Generator<FitPause, History, unknown> {
  const { streamedTrainingSteps: steps } = yield* awaitSource(loadPiece('streamed training', () => import('./stream-training.ts')));
  return yield* steps(...args);
}
