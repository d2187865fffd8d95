// The training loop of one fit: lays the rows out once, hands the kernel a span of training
// at a time, and after each span that ends an epoch keeps the history, calls onEpochEnd,
// applies early stopping and watches for divergence. fit's spans are as many whole epochs as
// run without a host decision between them; fitAsync's are a few milliseconds of work, whole
// epochs or a slice of one (the kernel pauses and resumes an epoch with the same bits). It
// changes the net only through its FitTransaction, so any throw leaves the net as it was.
// The loop is a generator so that fit and fitAsync drive the same steps: fitAsync yields to
// the event loop between them and awaits the promise an async onEpochEnd hands back.
import { S_ALPHA, S_BETA1, S_BETA2, S_EPSILON, S_ERROR_THRESHOLD, S_LEARNING_RATE, S_MOMENTUM, S_WEIGHT_DECAY, type Floats } from '../backends/layout.ts';
import { fitNormalization, type Normalization } from '../data/normalize.ts';
import { MLPError } from './errors.ts';
import type { FitTransaction } from './fit-transaction.ts';
import { provesFinite } from './finite-bound.ts';
import type { NetMemory } from './net-memory.ts';
import type { Architecture, EpochStats, FitSettings } from './options.ts';
import { copyRows, type RowShape } from './rows.ts';
import type { RandomState } from '../math/random.ts';
import { firstNonFiniteRow } from './inference.ts';
import { loadPiece } from './load-piece.ts';
import { awaitSource, type FitPause } from './fit-pause.ts';
import type { Pace } from './fit-async.ts';

export { awaitSource, SourceWait, type FitPause } from './fit-pause.ts';

/** Epochs the kernel runs per call when nothing needs the host in between. */
const EPOCHS_PER_CALL = 1 << 16;
/** i32 slots for the epochs' permutations of one call. */
const ORDER_LIMIT = 1 << 22;
/** Stats the kernel writes per epoch: loss, correct count, validation loss, its correct count. */
const STATS = 4;
/** Cells fitAsync copies into memory between two yields (about a millisecond's worth). */
const CELLS_PER_SLICE = 1 << 18;
export type StopReason = 'completed' | 'errorThreshold' | 'earlyStopping' | 'callback' | 'aborted';

export interface History {
  /** Per epoch: the mean loss over the training samples, each before its batch's update. */
  loss: number[];
  /** Per epoch, with validation data: the mean loss over the validation rows after the epoch. */
  valLoss: number[];
  /** Per epoch, for classification: the fraction of training samples classified right. */
  accuracy: number[];
  valAccuracy: number[];
  /** Epochs this call ran. */
  epochs: number;
  stopReason: StopReason;
}

/** A fit's rows, their shapes checked, not yet read. */
export interface FitData {
  inputs: RowShape;
  targets: RowShape;
  /** Rows of inputs/targets that train; the rest (validationSplit) validate. */
  trainRows: number;
  validation: { inputs: RowShape; targets: RowShape } | undefined;
}

/** What the loop needs from the net. */
export interface FitHost {
  readonly memory: NetMemory;
  readonly architecture: Architecture;
  readonly random: RandomState;
  /** Whether accuracy means something for these targets (see MLP.#classifies). */
  classifies(targets: Floats): boolean;
  /** Publishes the normalisation in force once the rows are written. */
  setNormalization(normalization: Normalization | null): void;
  /** Throws DISPOSED once the net was disposed (from a callback, or between fitAsync's steps). */
  alive(): void;
  /**
   * Runs a user callback (calls into the net from it are allowed) and returns its answer,
   * a thenable answer as a native Promise.
   */
  callback(stats: EpochStats, onEpochEnd: (stats: EpochStats) => unknown): unknown;
}

/** Where one fit's data lies in memory (element indices; stats starts an f64 block). */
interface Region {
  start: number;
  x: number;
  y: number;
  vx: number;
  vy: number;
  order: number;
  stats: number;
  rows: number;
  valRows: number;
  chunk: number;
}

/**
 * Lays out and writes the fit's rows (normalised: with a fresh normalisation when `normalize`
 * asks for one, else with `current`); returns the region, the normalisation in force and
 * the largest |input| written. Throws (changing nothing) on a bad cell. `sliced` (fitAsync)
 * yields between slices of the copies.
 */
function* writeData(memory: NetMemory, data: FitData, o: FitSettings, current: Normalization | null, normalize: FitSettings['normalize'], sliced: boolean) {
  const { layout } = memory;
  const n0 = layout.inputSize;
  const nL = layout.outputSize;
  const rows = data.trainRows;
  const valRows = data.validation ? data.validation.inputs.rows : data.inputs.rows - rows;
  const chunk = planChunk(o, rows);
  // The permutations (i32) and the stats (f64), in the net's elements; the stats 8-byte aligned.
  const orderSize = o.shuffle ? layout.alignDouble(Math.ceil((chunk * rows * 4) / layout.unit)) : 0;
  const allRows = data.inputs.rows;
  const size = layout.alignDouble(allRows * (n0 + nL) + (data.validation ? valRows * (n0 + nL) : 0)) + orderSize + layout.elementsForDoubles(chunk * STATS);
  const start = memory.take(size);
  const x = start;
  const y = x + allRows * n0;
  let vx = x + rows * n0;
  let vy = y + rows * nL;
  let next = y + allRows * nL;
  if (data.validation) {
    vx = next;
    vy = vx + valRows * n0;
    next = vy + valRows * nL;
  }
  next = layout.alignDouble(next);
  const region: Region = { start, x, y, vx, vy, order: next, stats: next + orderSize, rows, valRows, chunk };
  const copy = (shape: RowShape, count: number, at: number, normalization: Normalization | null, side: string) => copyInSlices(memory, shape, count, at, normalization, side, sliced);
  let normalization = current;
  let largest: number;
  if (normalize !== undefined) {
    yield* copy(data.inputs, allRows, x, null, 'input');
    const m = memory.floats();
    normalization = normalize === 'none' ? null : fitNormalization(normalize, m.subarray(x, x + rows * n0), rows, n0);
    // The raw rows, normalised where they lie (copyRows reads each cell before it writes it);
    // a float32 net's memory holds them rounded, so its rows are normalised from the cells as
    // given, as predict and a streamed fit normalise them.
    const raw = layout.unit === 8 ? { argument: data.inputs.argument, rows: allRows, width: n0, nested: undefined, cells: m.subarray(x, x + allRows * n0) } : data.inputs;
    largest = yield* copy(raw, allRows, x, normalization, 'input');
  } else {
    largest = yield* copy(data.inputs, allRows, x, normalization, 'input');
  }
  yield* copy(data.targets, allRows, y, null, 'output');
  if (data.validation) {
    largest = Math.max(largest, yield* copy(data.validation.inputs, valRows, vx, normalization, 'input'));
    yield* copy(data.validation.targets, valRows, vy, null, 'output');
  }
  return { region, normalization, largest };
}

/**
 * copyRows of rows [0, count) to element `at`; when `sliced`, in slices of CELLS_PER_SLICE
 * cells with a yield between them. Returns the largest |value| written.
 */
function* copyInSlices(memory: NetMemory, shape: RowShape, count: number, at: number, normalization: Normalization | null, side: string, sliced: boolean): Generator<undefined, number> {
  const step = sliced ? Math.max(1, Math.floor(CELLS_PER_SLICE / Math.max(1, shape.width))) : count;
  let largest = 0;
  for (let first = 0; first < count; first += step) {
    if (first > 0) yield;
    largest = Math.max(largest, copyRows(shape, first, Math.min(step, count - first), memory.floats(), at + first * shape.width, normalization, side, memory.largestMagnitude));
  }
  return largest;
}

function planChunk(o: FitSettings, rows: number): number {
  let chunk = EPOCHS_PER_CALL;
  // Early stopping decides after every epoch; a shuffled fit that may stop early must not
  // draw the permutations of epochs it will not run.
  if (o.patience > 0 || (o.shuffle && o.errorThreshold > -Infinity)) chunk = 1;
  if (o.onEpochEnd) chunk = Math.min(chunk, o.callbackEvery);
  if (o.shuffle) chunk = Math.min(chunk, Math.max(1, Math.floor(ORDER_LIMIT / rows)));
  return Math.max(1, Math.min(chunk, o.epochs));
}

/** fitAsync's driver and pace (fit-async.ts), a lazy piece of the browser bundle. */
export function loadFitAsync(): Promise<typeof import('./fit-async.ts')> {
  return loadPiece('fitAsync', () => import('./fit-async.ts'));
}

/** fit's pace: as many whole epochs per call as the host allows, every row forward at once. */
function wholeEpochs(total: number): Pace {
  return { next: (_position, epochs) => ({ epochs, to: total }), rowsPerSlice: () => Infinity };
}

/**
 * The fit as steps: the first `next()` writes the rows, each later one runs one span (epochs,
 * or a slice of one); the return value is the history. The rows are released when the steps
 * end, however they end.
 */
export function* trainingSteps(host: FitHost, transaction: FitTransaction, data: FitData, o: FitSettings, normalize: FitSettings['normalize'], sliced: boolean): Generator<FitPause, History, unknown> {
  const { memory, architecture } = host;
  const { backend, layout } = memory;
  const top = memory.top;
  try {
    // fitAsync's pace is in its lazy piece (loaded by fitAsync before its first step).
    const slicing = sliced ? yield* awaitSource(loadFitAsync()) : undefined;
    if (slicing) host.alive();
    const { region, normalization, largest } = yield* writeData(memory, data, o, transaction.info.normalization, normalize, sliced);
    const { rows, valRows, chunk } = region;
    host.setNormalization(normalization);
    const classify = host.classifies(memory.floats().subarray(region.y, region.y + rows * layout.outputSize));
    writeSettings(memory, o, architecture.alpha);
    memory.setTraining(o.optimizer, o.batchSize);
    transaction.begin();
    const history: History = { loss: [], valLoss: [], accuracy: [], valAccuracy: [], epochs: 0, stopReason: 'completed' };
    const stopping = new EarlyStopping(memory, o);
    const reporter = o.onEpochEnd ? new EpochReporter(host, o, valRows > 0) : undefined;
    const slicer: Pace = slicing ? new slicing.Slicer(backend, layout, o, rows, valRows) : wholeEpochs(rows + valRows);
    /** Where the epoch under way stands: 0 between epochs, else where the last call paused it. */
    let position = 0;
    yield;
    while (history.epochs < o.epochs) {
      host.alive();
      // An abort takes effect between epochs: the net is then that of a fit of fewer epochs.
      if (position === 0 && o.signal?.aborted) {
        history.stopReason = 'aborted';
        break;
      }
      const span = slicer.next(position, Math.min(chunk, o.epochs - history.epochs));
      if (o.shuffle) {
        // A permutation per epoch the call starts; a resumed epoch's is already first.
        const ints = memory.ints();
        for (let e = position > 0 ? 1 : 0; e < span.epochs; e++) ints.set(host.random.permutation(rows), (region.order * layout.unit) / 4 + e * rows);
      }
      const ran = backend.train(layout.net, region.x, region.y, rows, o.shuffle ? region.order : -1, span.epochs, region.stats, region.vx, region.vy, valRows, position, span.to);
      position = span.to < rows + valRows ? span.to : 0;
      if (ran > 0) {
        recordEpochs(history, memory.doubles(), layout.double(region.stats), rows, valRows, ran, classify, o.learningRate);
        if (!(yield* continueAfterEpochs(host, history, ran, rows, classify, stopping, reporter))) break;
      }
      yield;
    }
    host.alive();
    if (history.epochs > 0) {
      const rowsPerSlice = slicer.rowsPerSlice();
      const scan = function* (): Generator<FitPause> {
        for (let first = 0; first < rows; first += rowsPerSlice) {
          if (first > 0) {
            yield;
            host.alive();
          }
          const row = firstNonFiniteRow(memory, region.x + first * layout.inputSize, Math.min(rowsPerSlice, rows - first));
          if (row >= 0) throw predictionsOverflow(first + row, history.epochs, o.learningRate);
        }
      };
      yield* checkFinalState(memory, architecture, largest, stopping.restored, o, history.epochs, scan);
    }
    return history;
  } finally {
    memory.release(top);
  }
}

/**
 * After `ran` recorded epochs, asks early stopping and onEpochEnd (waiting for a promise it
 * returns); sets history.stopReason and says whether training goes on. Both the array and the
 * streamed fit end their epochs here.
 */
export function* continueAfterEpochs(host: FitHost, history: History, ran: number, rows: number, classify: boolean, stopping: EarlyStopping, reporter: EpochReporter | undefined): Generator<FitPause, boolean, unknown> {
  history.stopReason = stopping.after(history, ran);
  let answer = reporter?.after(history, rows, classify);
  if (answer instanceof Promise) {
    answer = yield answer;
    host.alive();
  }
  if (answer === false && history.stopReason === 'completed') history.stopReason = 'callback';
  return history.stopReason === 'completed';
}

/**
 * Appends the `ran` epochs whose stats (STATS per epoch) lie at `statsAt` to the history;
 * a non-finite loss diverged.
 */
export function recordEpochs(history: History, stats: Float64Array, statsAt: number, rows: number, valRows: number, ran: number, classify: boolean, learningRate: number): void {
  for (let e = 0; e < ran; e++) {
    const at = statsAt + e * STATS;
    const loss = stats[at];
    const valLoss = stats[at + 2];
    if (!finite(loss) || (valRows > 0 && !finite(valLoss))) {
      const which = finite(loss) ? `validation loss of epoch ${history.epochs + e + 1} is ${valLoss}` : `loss of epoch ${history.epochs + e + 1} is ${loss}`;
      throw diverged(`the ${which}`, learningRate);
    }
    history.loss.push(loss);
    if (classify) history.accuracy.push(stats[at + 1] / rows);
    if (valRows > 0) {
      history.valLoss.push(valLoss);
      if (classify) history.valAccuracy.push(stats[at + 3] / valRows);
    }
  }
  history.epochs += ran;
}

/** errorThreshold and patience (docs/training.md, Stopping), decided after every chunk. */
export class EarlyStopping {
  readonly #memory: NetMemory;
  readonly #o: FitSettings;
  #best: Floats | undefined;
  #bestLoss = Infinity;
  #waited = 0;
  /** Whether restoreBestWeights put back an earlier epoch's parameters. */
  restored = false;

  constructor(memory: NetMemory, o: FitSettings) {
    this.#memory = memory;
    this.#o = o;
  }

  after(history: History, ran: number): StopReason {
    const o = this.#o;
    // The kernel stops right after an epoch below the threshold, so only the last can be.
    if (ran > 0 && history.loss[history.epochs - 1] < o.errorThreshold) return 'errorThreshold';
    if (o.patience === 0) return 'completed';
    const valLoss = history.valLoss[history.valLoss.length - 1];
    if (valLoss < this.#bestLoss) {
      this.#bestLoss = valLoss;
      this.#waited = 0;
      if (o.restoreBestWeights) this.#best = this.#memory.params().slice();
      return 'completed';
    }
    if (++this.#waited < o.patience) return 'completed';
    if (this.#best) {
      this.#memory.params().set(this.#best);
      this.restored = true;
    }
    return 'earlyStopping';
  }
}

/** onEpochEnd every callbackEvery epochs and after the last, with the epoch's figures. */
export class EpochReporter {
  readonly #host: FitHost;
  readonly #o: FitSettings;
  readonly #validates: boolean;
  readonly #started = now();
  #last = { time: this.#started, epochs: 0 };

  constructor(host: FitHost, o: FitSettings, validates: boolean) {
    this.#host = host;
    this.#o = o;
    this.#validates = validates;
  }

  /**
   * onEpochEnd's answer when it was called (a Promise when it returned a thenable); `rows`
   * trained per epoch, `classify` whether accuracy means something.
   */
  after(history: History, rows: number, classify: boolean): unknown {
    const o = this.#o;
    const last = history.epochs === o.epochs || history.stopReason !== 'completed';
    if (history.epochs % o.callbackEvery !== 0 && !last) return undefined;
    const time = now();
    const e = history.epochs - 1;
    const stats: EpochStats = {
      epoch: history.epochs,
      epochs: o.epochs,
      loss: history.loss[e],
      samplesPerSecond: ((history.epochs - this.#last.epochs) * rows * 1000) / Math.max(time - this.#last.time, 1e-3),
      elapsed: time - this.#started,
    };
    if (classify) stats.accuracy = history.accuracy[e];
    if (this.#validates) stats.valLoss = history.valLoss[e];
    if (this.#validates && classify) stats.valAccuracy = history.valAccuracy[e];
    this.#last = { time, epochs: history.epochs };
    return this.#host.callback(stats, o.onEpochEnd!);
  }
}

export function writeSettings(memory: NetMemory, o: FitSettings, alpha: number): void {
  const m = memory.doubles();
  const s = memory.layout.double(memory.layout.settings);
  m[s + S_LEARNING_RATE] = o.learningRate;
  m[s + S_MOMENTUM] = o.momentum;
  m[s + S_BETA1] = o.beta1;
  m[s + S_BETA2] = o.beta2;
  m[s + S_EPSILON] = o.epsilon;
  m[s + S_WEIGHT_DECAY] = o.weightDecay;
  m[s + S_ALPHA] = alpha;
  m[s + S_ERROR_THRESHOLD] = o.errorThreshold;
}

/**
 * A fit may only return a net that is finite and predicts finite numbers on its own rows.
 * The kernel leaves the sum of |value| per layer (and over the optimizer state) of what it
 * wrote last: non-finite sums name what overflowed; finite ones bound every prediction, and
 * only when that bound is too large to prove anything does `scan` run the rows forward to
 * look (throwing predictionsOverflow; fitAsync's in slices, with a yield between them).
 */
export function* checkFinalState(memory: NetMemory, a: Architecture, largest: number, restored: boolean, o: FitSettings, epochs: number, scan: () => Generator<FitPause>): Generator<FitPause> {
  const { layout } = memory;
  const layers = layout.slots.length;
  const m = memory.floats();
  const checks = layout.double(layout.checks);
  let sums: Float64Array = memory.doubles().subarray(checks, checks + layers + 1);
  if (restored) {
    // restoreBestWeights put back other parameters than the kernel summed (not the state).
    sums = sums.slice();
    sums.set(layerSums(memory));
  }
  // A sum that is not finite holds a value that is not, or finite values whose sum is not:
  // only a look at the values tells, and the outcome must not depend on summation order.
  const paramsAt = memory.at('params');
  if (!finite(sums[layers])) {
    const n = layout.paramCount;
    const moments = [memory.at('state1'), ...(o.optimizer === 'adam' ? [memory.at('state2')] : [])];
    if (moments.some((at) => !allFinite(m, at, at + n))) throw diverged(`an optimizer moment (momentum or adam state) overflowed by epoch ${epochs}`, o.learningRate);
  }
  let provable = true;
  for (let l = 0; l < layers; l++) {
    if (finite(sums[l])) continue;
    const slot = layout.slots[l];
    const shift = paramsAt - layout.params;
    if (!allFinite(m, slot.weights + shift, slot.biases + shift + slot.outSize)) throw diverged(`a parameter of layer ${l + 1} overflowed by epoch ${epochs}`, o.learningRate);
    provable = false;
  }
  if (provable && provesFinite(a, sums, largest)) return;
  yield* scan();
}

export function predictionsOverflow(row: number, epochs: number, learningRate: number): MLPError {
  return diverged(`the predictions on training row ${row} overflow by epoch ${epochs}`, learningRate);
}

/** Not NaN, not ±Infinity (the global isFinite coerces; this never does). */
function finite(x: number): boolean {
  return x - x === 0;
}

function allFinite(m: Floats, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!(m[i] - m[i] === 0)) return false;
  return true;
}

/** Sum of |value| per layer of the current parameters (after restoreBestWeights). */
function layerSums(memory: NetMemory): Float64Array {
  const m = memory.floats();
  const shift = memory.at('params') - memory.layout.params;
  const sums = new Float64Array(memory.layout.slots.length);
  memory.layout.slots.forEach((s, l) => {
    let sum = 0;
    const end = s.biases + s.outSize + shift;
    for (let i = s.weights + shift; i < end; i++) sum += Math.abs(m[i]);
    sums[l] = sum;
  });
  return sums;
}

/** What fit throws when onEpochEnd returns a promise (a worker net's fit too). */
export function fitCannotAwait(): MLPError {
  return new MLPError('INVALID_ARGUMENT', 'onEpochEnd returned a promise, which net.fit cannot wait for; expected true, false or nothing (use await net.fitAsync(...) to await an async onEpochEnd)');
}

export function diverged(what: string, learningRate: number): MLPError {
  return new MLPError('TRAINING_DIVERGED', `training diverged: ${what}; try a smaller learningRate than ${learningRate} (the net is left as it was before fit)`);
}

function now(): number {
  return globalThis.performance.now();
}

