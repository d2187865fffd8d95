// fitAsync's own machinery, a lazy piece of the browser bundle (fit never needs it): the driver
// that runs a fit's steps, giving the event loop a turn between them and awaiting what they
// wait for, and the pace that sizes each kernel call so that a turn comes every few
// milliseconds, from a rough count of each call's work. fit runs whole epochs per call
// (training.ts's wholeEpochs); a streamed fit (stream-training.ts) paces itself with sliceWork.
import type { Backend } from '../backends/backend.ts';
import type { NetLayout } from '../backends/layout.ts';
import type { FitSettings } from './options.ts';
import { yieldToEventLoop } from './event-loop.ts';
import { SourceWait, type FitPause } from './fit-pause.ts';
import type { History } from './training.ts';

/** How far one kernel call goes: `epochs` epochs, the last of them up to position `to`. */
export interface Span {
  epochs: number;
  to: number;
}

/** Where each kernel call of a fit ends (fit's whole epochs, or fitAsync's Slicer). */
export interface Pace {
  /** The next call from `position` of the epoch under way, of at most `epochs` epochs. */
  next(position: number, epochs: number): Span;
  /** Rows a slice may run forward. */
  rowsPerSlice(): number;
}

/**
 * Work (multiply-adds, see sliceWork) of one fitAsync slice before it yields, by kernel:
 * about 1-3 ms each on one core of a 2020s server (the SIMD kernel trains at some 6
 * multiply-adds per ns, the scalar one at about 2.5, js at about 1).
 */
const WORK_PER_SLICE = { simd: 15e6, scalar: 6e6, js: 3e6 } as const;
/** What sliceWork counts, in multiply-adds: an activation (exp, tanh), a sample's or a row's fixed cost. */
const ACTIVATION_WORK = 10;
const ROW_WORK = 600;
/** An update's cost per parameter in multiply-adds, by optimizer (adam's divides and square roots). */
const UPDATE_WORK = { sgd: 1, momentum: 2, adam: 12 } as const;

/**
 * Where each kernel call of fitAsync ends. An epoch is its training samples then its
 * validation rows, `rows + valRows` positions. A call runs as far as WORK_PER_SLICE reaches
 * from where the last one ended: whole epochs when they are short, else a slice of the epoch
 * under way, in whole batches (at least one). A call that pauses an epoch runs no other, so
 * the host decides (callbacks, early stopping) at epochs' ends.
 */
export class Slicer implements Pace {
  readonly #rows: number;
  readonly #total: number;
  readonly #batch: number;
  readonly #budget: number;
  readonly #work: { sample: number; batch: number; row: number };

  constructor(backend: Backend, layout: NetLayout, o: FitSettings, rows: number, valRows: number) {
    this.#rows = rows;
    this.#total = rows + valRows;
    this.#batch = o.batchSize;
    this.#budget = sliceBudget(backend);
    this.#work = sliceWork(layout, o.optimizer);
  }

  /** The work from position `from` to `to` of an epoch. */
  #between(from: number, to: number): number {
    const rows = this.#rows;
    const samples = Math.max(0, Math.min(to, rows) - from);
    const batches = Math.ceil(Math.min(to, rows) / this.#batch) - Math.ceil(Math.min(from, rows) / this.#batch);
    return samples * this.#work.sample + Math.max(0, batches) * this.#work.batch + (Math.max(to, rows) - Math.max(from, rows)) * this.#work.row;
  }

  /** Rows a slice may run forward. */
  rowsPerSlice(): number {
    return Math.max(1, Math.floor(this.#budget / this.#work.row));
  }

  /** The next call from `position` of the epoch under way, of at most `epochs` epochs. */
  next(position: number, epochs: number): Span {
    const total = this.#total;
    const budget = this.#budget;
    const rest = this.#between(position, total);
    if (rest <= budget) return { epochs: Math.min(epochs, 1 + Math.floor((budget - rest) / this.#between(0, total))), to: total };
    const rows = this.#rows;
    const batch = this.#batch;
    if (position >= rows) return { epochs: 1, to: Math.min(total, position + Math.max(1, Math.floor(budget / this.#work.row))) };
    const batches = Math.max(1, Math.floor(budget / (batch * this.#work.sample + this.#work.batch)));
    let to = Math.min(rows, position + batches * batch);
    if (to === rows) to += Math.max(0, Math.floor((budget - this.#between(position, rows)) / this.#work.row));
    return { epochs: 1, to: Math.min(total, to) };
  }
}

/** The work one kernel call may do before fitAsync yields. */
export function sliceBudget(backend: Backend): number {
  return WORK_PER_SLICE[backend.name === 'js' ? 'js' : backend.simd ? 'simd' : 'scalar'];
}

/**
 * Multiply-adds, roughly, of one training sample (forward, deltas, gradients), of one batch's
 * update and of one validation row (forward).
 */
export function sliceWork(layout: NetLayout, optimizer: FitSettings['optimizer']): { sample: number; batch: number; row: number } {
  const params = layout.paramCount;
  const units = layout.slots.reduce((sum, s) => sum + s.outSize, 0) * ACTIVATION_WORK;
  return { sample: 3 * params + 2 * units + 2 * ROW_WORK, batch: params * UPDATE_WORK[optimizer], row: params + units + ROW_WORK };
}

/** What fitAsync's driver passes back into the steps: a value, or something to throw in. */
export interface Resume {
  answer?: unknown;
  failure?: { thrown: unknown };
}

/**
 * Runs a fit's steps to their end: a turn of the event loop after each chunk of training, a
 * data source's promise settled, onEpochEnd's promise awaited by `awaitAnswer` (the net's, which
 * lets the callback read the net meanwhile).
 */
export async function driveFitAsync(steps: Generator<FitPause, History, unknown>, awaitAnswer: (answer: Promise<unknown>) => Promise<Resume>): Promise<History> {
  let resume: Resume = {};
  for (;;) {
    const step = resume.failure ? steps.throw(resume.failure.thrown) : steps.next(resume.answer);
    if (step.done) return step.value;
    if (step.value instanceof SourceWait) {
      resume = await settle(step.value.wait);
    } else if (step.value) {
      resume = await awaitAnswer(step.value);
    } else {
      resume = {};
      await yieldToEventLoop();
    }
  }
}

/** A data source's promise, settled: its value, or its rejection to throw into the fit's steps. */
async function settle(wait: Promise<unknown>): Promise<Resume> {
  try {
    return { answer: await wait };
  } catch (error) {
    return { failure: { thrown: error } };
  }
}
