// The training loop of a fit on a DataSource (fitAsync(source, options)). Rows never lie in
// memory all at once: each pass copies the source's blocks, checked and normalised, into a
// chunk buffer of whole batches in the kernel's memory, and the kernel trains each chunk as
// a paused span of the epoch (train(..., from, to) with the running totals carried in the
// settings block), so a batch may span two blocks and the bits do not depend on how the
// source cuts its rows: without shuffling they are those of the in-memory fit of the same
// rows. The epoch's last batch, when partial, runs as a span whose batch size is its rows;
// the epoch's loss is the carried sum over the rows, divided here as the kernel divides it.
// Validation rows (arrays, or a second source) are scored after each epoch through
// evaluate(), whose sums resume across calls. normalize fits its statistics in extra passes
// (src/data/normalize.ts, ColumnStatistics); shuffling draws rows through a ShuffleBuffer.
// The steps are training.ts's (EarlyStopping, EpochReporter, checkFinalState), so stopping,
// callbacks, abort and the transaction behave as for arrays. The piece carries the checks
// that start such a fit too (stream-fit-start.ts).
import { S_PAUSED_CORRECT, S_PAUSED_LOSS_SUM } from '../backends/layout.ts';
import type { DataSource } from '../data/data-source.ts';
import { ColumnStatistics, type Normalization } from '../data/normalize.ts';
import { ShuffleBuffer } from '../data/shuffle-buffer.ts';
import { MLPError } from './errors.ts';
import type { FitTransaction } from './fit-transaction.ts';
import { firstNonFiniteRow } from './inference.ts';
import type { FitSettings } from './options.ts';
import { copyRows } from './rows.ts';
import { SourcePass, type CheckedBlock } from './source-pass.ts';
import type { StreamFitData } from './stream-fit-start.ts';
import {
  awaitSource, checkFinalState, continueAfterEpochs, EarlyStopping, EpochReporter, loadFitAsync, predictionsOverflow, recordEpochs, writeSettings,
  type FitHost, type FitPause, type History,
} from './training.ts';

export { checkStreamedFit, type StreamFitData } from './stream-fit-start.ts';

/** Cells (inputs and targets) of the chunk buffer, about 2 MB; at least one batch. */
const CHUNK_CELLS = 1 << 18;
/** Stats slots: loss, correct count, validation loss, its correct count (as the kernel's). */
const STATS = 4;

/** The steps of a streamed fit, for fitAsync's driver: as trainingSteps, with SourceWait pauses. */
export function* streamedTrainingSteps(host: FitHost, transaction: FitTransaction, data: StreamFitData, o: FitSettings, normalize: FitSettings['normalize']): Generator<FitPause, History, unknown> {
  const { sliceBudget, sliceWork } = yield* awaitSource(loadFitAsync());
  host.alive();
  const { memory, architecture } = host;
  const { backend, layout } = memory;
  const n0 = layout.inputSize;
  const nL = layout.outputSize;
  const batch = o.batchSize;
  const top = memory.top;
  const work = sliceWork(layout, o.optimizer);
  const budget = sliceBudget(backend);
  const chunkRows = batch * Math.max(1, Math.floor(CHUNK_CELLS / ((n0 + nL) * batch)));
  const rowsPerCall = Math.min(chunkRows, batch * Math.max(1, Math.floor(budget / (batch * work.sample + work.batch))));
  const rowsPerScore = Math.max(1, Math.floor(budget / work.row));
  // `batch` rows of room before each side's chunk: a resumed span names its first row by a
  // nonzero position, and the kernel finds it at base + position * width.
  const pad = batch;
  const validationArrays = data.validation && !isSource(data.validation) ? data.validation : undefined;
  const validationSource = data.validation && isSource(data.validation) ? data.validation : undefined;
  const valArrayRows = validationArrays ? validationArrays.inputs.rows : 0;
  // The stats are f64: one more f64 of room lets them start on an f64 in a float32 net's memory.
  const chunkX = memory.take((pad + chunkRows) * (n0 + nL) + valArrayRows * (n0 + nL) + layout.elementsForDoubles(STATS + 1));
  const chunkY = chunkX + (pad + chunkRows) * n0;
  const vx = chunkY + (pad + chunkRows) * nL;
  const vy = vx + valArrayRows * n0;
  const statsAt = layout.alignDouble(vy + valArrayRows * nL);
  /** The f64 index of the stats (memory.doubles()). */
  const stats = layout.double(statsAt);
  const rowX = (r: number) => chunkX + (pad + r) * n0;
  const rowY = (r: number) => chunkY + (pad + r) * nL;
  let open: SourcePass | undefined;
  const begin = (source: DataSource, name: string): SourcePass => {
    open?.close();
    open = new SourcePass(source, name, n0, nL);
    return open;
  };
  let normalization: Normalization | null = transaction.info.normalization;
  let largest = 0;
  /** Rows in the chunk buffer, not yet trained or scored. */
  let inChunk = 0;
  /** Whether accuracy means something, decided on the first pass's targets. */
  let classify = true;

  /** Copies rows [r, r + n) of a block into the chunk from row inChunk (checked, normalised). */
  const copyIntoChunk = (block: CheckedBlock, r: number, n: number, normalized: Normalization | null): void => {
    const m = memory.floats();
    largest = Math.max(largest, copyRows(block.inputs, r, n, m, rowX(inChunk), normalized, 'input'));
    copyRows(block.targets, r, n, m, rowY(inChunk), null, 'output');
    inChunk += n;
  };

  /** Each block of a pass in chunk-sized runs: `visit` is called whenever the chunk is full, and once at the end. */
  function* chunkedPass(source: DataSource, name: string, normalized: Normalization | null, visit: (final: boolean, firstRow: number) => Generator<FitPause>): Generator<FitPause, number> {
    const pass = begin(source, name);
    let done = 0;
    for (;;) {
      const block = yield* pass.next();
      host.alive();
      if (block === undefined) break;
      for (let r = 0; r < block.rows; ) {
        const n = Math.min(block.rows - r, chunkRows - inChunk);
        copyIntoChunk(block, r, n, normalized);
        r += n;
        if (inChunk === chunkRows) {
          const rows = inChunk;
          yield* visit(false, done);
          done += rows;
        }
      }
    }
    yield* visit(true, done);
    return pass.rows;
  }

  try {
    if (normalize !== undefined) normalization = normalize === 'none' ? null : yield* fitNormalization(normalize);
    host.setNormalization(normalization);
    if (validationArrays) {
      const m = memory.floats();
      largest = Math.max(largest, copyRows(validationArrays.inputs, 0, valArrayRows, m, vx, normalization, 'input'));
      copyRows(validationArrays.targets, 0, valArrayRows, m, vy, null, 'output');
    }
    writeSettings(memory, o, architecture.alpha);
    memory.setTraining(o.optimizer, batch);
    transaction.begin();
    const history: History = { loss: [], valLoss: [], accuracy: [], valAccuracy: [], epochs: 0, stopReason: 'completed' };
    const stopping = new EarlyStopping(memory, o);
    const reporter = o.onEpochEnd ? new EpochReporter(host, o, data.validation !== undefined) : undefined;
    yield;
    while (history.epochs < o.epochs) {
      host.alive();
      // An abort takes effect between epochs, as for arrays.
      if (o.signal?.aborted) {
        history.stopReason = 'aborted';
        break;
      }
      const rows = yield* trainEpoch(history.epochs === 0);
      const valRows = data.validation ? yield* validate() : 0;
      recordEpochs(history, memory.doubles(), stats, rows, valRows, 1, classify, o.learningRate);
      if (!(yield* continueAfterEpochs(host, history, 1, rows, classify, stopping, reporter))) break;
      yield;
    }
    host.alive();
    if (history.epochs > 0) yield* checkFinalState(memory, architecture, largest, stopping.restored, o, history.epochs, () => scanPredictions(history.epochs));
    return history;
  } finally {
    open?.close();
    memory.release(top);
  }

  /** normalize's statistics: one pass (minmax), or two (zscore: the mean, then the squares about it). */
  function* fitNormalization(kind: 'zscore' | 'minmax'): Generator<FitPause, Normalization> {
    const statistics = new ColumnStatistics(kind, n0);
    for (const squares of statistics.needsSquares ? [false, true] : [false]) {
      const rows = yield* chunkedPass(data.source, 'source', null, function* () {
        const m = memory.floats();
        if (squares) statistics.addSquares(m, rowX(0), inChunk);
        else statistics.add(m, rowX(0), inChunk);
        inChunk = 0;
        yield;
      });
      if (squares && rows !== statistics.rows) throw changedRows(statistics.rows, rows);
    }
    return statistics.result();
  }

  /** One epoch over the source; writes its loss and correct count at statsAt, returns its rows. */
  function* trainEpoch(first: boolean): Generator<FitPause, number> {
    let trained = 0;
    /** Trains the chunk's rows: whole batches in spans of rowsPerCall, then (final) a partial batch. */
    function* trainChunk(final: boolean): Generator<FitPause> {
      if (first) classify &&= host.classifies(memory.floats().subarray(rowY(0), rowY(inChunk)));
      const whole = final ? inChunk - (inChunk % batch) : inChunk;
      for (let done = 0; done < whole; ) {
        const n = Math.min(whole - done, rowsPerCall);
        trainSpan(done, n, batch);
        done += n;
        yield;
        host.alive();
      }
      const rest = inChunk - whole;
      if (rest > 0) {
        memory.setTraining(o.optimizer, rest);
        try {
          trainSpan(whole, rest, rest);
        } finally {
          memory.setTraining(o.optimizer, batch);
        }
      }
      inChunk = 0;
    }
    /** Rows [at, at + n) of the chunk as positions of a paused epoch (an epoch one row longer than they reach). */
    function trainSpan(at: number, n: number, b: number): void {
      const from = trained === 0 ? 0 : b;
      backend.train(layout.net, rowX(at) - from * n0, rowY(at) - from * nL, from + n + 1, -1, 1, statsAt, 0, 0, 0, from, from + n);
      trained += n;
    }
    const shuffler = o.shuffle ? new ShuffleBuffer(o.shuffleBuffer!, n0, nL, host.random) : undefined;
    if (shuffler) {
      const pass = begin(data.source, 'source');
      const leave = function* (): Generator<FitPause> {
        const m = memory.floats();
        const s = shuffler.scratch;
        m.set(shuffler.inputs.subarray(s * n0, (s + 1) * n0), rowX(inChunk));
        m.set(shuffler.targets.subarray(s * nL, (s + 1) * nL), rowY(inChunk));
        inChunk++;
        if (inChunk === chunkRows) yield* trainChunk(false);
      };
      for (;;) {
        const block = yield* pass.next();
        host.alive();
        if (block === undefined) break;
        for (let r = 0; r < block.rows; r++) {
          const { slot, left } = shuffler.admit();
          if (left) yield* leave();
          largest = Math.max(largest, copyRows(block.inputs, r, 1, shuffler.inputs, slot * n0, normalization, 'input'));
          copyRows(block.targets, r, 1, shuffler.targets, slot * nL, null, 'output');
        }
      }
      while (shuffler.drain()) yield* leave();
      yield* trainChunk(true);
    } else {
      yield* chunkedPass(data.source, 'source', normalization, trainChunk);
    }
    const m = memory.doubles();
    const settings = layout.double(layout.settings);
    m[stats] = m[settings + S_PAUSED_LOSS_SUM] / trained;
    m[stats + 1] = m[settings + S_PAUSED_CORRECT];
    return trained;
  }

  /** Scores the validation rows after an epoch; writes their loss and correct count, returns their rows. */
  function* validate(): Generator<FitPause, number> {
    let scored = 0;
    const score = (x: number, y: number, n: number) => {
      backend.evaluate(layout.net, x, y, n, -1, statsAt + layout.elementsForDoubles(2), scored === 0 ? 0 : 1);
      scored += n;
    };
    if (validationArrays) {
      for (let first = 0; first < valArrayRows; first += rowsPerScore) {
        if (first > 0) {
          yield;
          host.alive();
        }
        score(vx + first * n0, vy + first * nL, Math.min(rowsPerScore, valArrayRows - first));
      }
    } else {
      yield* chunkedPass(validationSource!, 'validationSource', normalization, function* () {
        for (let first = 0; first < inChunk; first += rowsPerScore) {
          score(rowX(first), rowY(first), Math.min(rowsPerScore, inChunk - first));
          yield;
          host.alive();
        }
        inChunk = 0;
      });
    }
    const m = memory.doubles();
    m[stats + 2] /= scored;
    return scored;
  }

  /** The rows forward once more, when the parameters' sums cannot prove the predictions finite. */
  function* scanPredictions(epochs: number): Generator<FitPause> {
    yield* chunkedPass(data.source, 'source', normalization, function* (_final, firstRow) {
      const row = firstNonFiniteRow(memory, rowX(0), inChunk);
      inChunk = 0;
      if (row >= 0) throw predictionsOverflow(firstRow + row, epochs, o.learningRate);
      yield;
      host.alive();
    });
  }
}

function isSource(value: object): value is DataSource {
  return typeof (value as { batches?: unknown }).batches === 'function';
}

function changedRows(before: number, now: number): MLPError {
  return new MLPError('INVALID_ARGUMENT', `source gave ${before} rows on one pass and ${now} on the next; a fit needs the same rows on every pass`);
}
