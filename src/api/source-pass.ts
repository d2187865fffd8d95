// One pass over a DataSource inside a fit: its blocks one at a time, each checked (an object
// with inputs and targets of the net's widths, as many target rows as input rows), with
// every failure an MLPError naming the source and the block (cells name their row and
// column within the block). A pass that ends early (an error, an abort) closes the source's
// iterator, so a file it reads is closed too.
import type { DataSource } from '../data/data-source.ts';
import { describeValue, invalidArgument, MLPError, oneLine } from './errors.ts';
import { rowShape, type RowShape } from './rows.ts';
import { awaitSource, type FitPause } from './training.ts';

/** A block of a pass, its shapes checked (its cells are checked as they are copied). */
export interface CheckedBlock {
  /** 0-based block of the pass. */
  readonly index: number;
  /** The pass's row number of the block's first row. */
  readonly first: number;
  readonly rows: number;
  readonly inputs: RowShape;
  readonly targets: RowShape;
}

type AnyIterator = { next(): unknown; return?(): unknown };

export class SourcePass {
  readonly #name: string;
  readonly #inputWidth: number;
  readonly #outputWidth: number;
  #iterator: AnyIterator | undefined;
  #index = 0;
  #rows = 0;

  /** `name` is the option that holds the source ('source', 'validationSource'). */
  constructor(source: DataSource, name: string, inputWidth: number, outputWidth: number) {
    this.#name = name;
    this.#inputWidth = inputWidth;
    this.#outputWidth = outputWidth;
    let iterable: unknown;
    try {
      iterable = source.batches();
    } catch (error) {
      throw this.#failed(error, 'batches() threw');
    }
    const make = iterableMethod(iterable);
    if (make === undefined) throw invalidArgument(`${name}.batches()`, iterable, 'an AsyncIterable (or Iterable) of { inputs, targets } blocks');
    try {
      this.#iterator = make.call(iterable) as AnyIterator;
    } catch (error) {
      throw this.#failed(error, 'its iterator could not be made');
    }
  }

  /** Rows the pass has given so far. */
  get rows(): number {
    return this.#rows;
  }

  /** The next block, or undefined once the pass has ended (a pass of no rows is an error). */
  *next(): Generator<FitPause, CheckedBlock | undefined, unknown> {
    const iterator = this.#iterator;
    if (iterator === undefined) return undefined;
    let result: unknown;
    try {
      result = yield* awaitSource(Promise.resolve(iterator.next()));
    } catch (error) {
      this.#iterator = undefined;
      throw this.#failed(error, `reading block ${this.#index} failed`);
    }
    if (result === null || typeof result !== 'object') {
      this.close();
      throw invalidArgument(`${this.#name}'s iterator result`, result, 'an object { done, value }');
    }
    const { done, value } = result as IteratorResult<unknown>;
    if (done) {
      this.#iterator = undefined;
      if (this.#rows === 0) throw new MLPError('INVALID_ARGUMENT', `${this.#name} gave no rows: its pass ended after ${this.#index} blocks; expected at least one row`);
      return undefined;
    }
    try {
      return this.#check(value);
    } catch (error) {
      this.close();
      throw error;
    }
  }

  /** Ends the pass early: the source's iterator is told (its return()), errors ignored. */
  close(): void {
    const iterator = this.#iterator;
    this.#iterator = undefined;
    if (iterator === undefined || typeof iterator.return !== 'function') return;
    try {
      const answer = iterator.return();
      if (answer !== null && typeof answer === 'object' && typeof (answer as Promise<unknown>).catch === 'function') (answer as Promise<unknown>).catch(() => undefined);
    } catch {
      // The pass is over either way.
    }
  }

  #check(value: unknown): CheckedBlock {
    const index = this.#index;
    const at = `${this.#name} block ${index}`;
    if (value === null || typeof value !== 'object' || !('inputs' in value) || !('targets' in value)) {
      throw invalidArgument(at, value, 'an object { inputs, targets } (a RowBlock)');
    }
    const block = value as { inputs: unknown; targets: unknown };
    const inputs = rowShape(block.inputs, `${at} inputs`, this.#inputWidth, 'input');
    const targets = rowShape(block.targets, `${at} targets`, this.#outputWidth, 'output');
    if (inputs.rows !== targets.rows) {
      throw new MLPError('INVALID_ARGUMENT', `${at} has ${inputs.rows} input rows and ${targets.rows} target rows; expected one target row per input row`);
    }
    const checked: CheckedBlock = { index, first: this.#rows, rows: inputs.rows, inputs, targets };
    this.#index++;
    this.#rows += inputs.rows;
    return checked;
  }

  #failed(error: unknown, what: string): MLPError {
    // A ready-made source's own errors (csvSource: the file, line and column) say it best.
    if (error instanceof MLPError) return error;
    const message = error instanceof Error ? error.message : describeValue(error);
    return new MLPError('IO', `${this.#name}: ${what}: ${oneLine(message).slice(0, 200)}`, { cause: error });
  }
}

function iterableMethod(iterable: unknown): (() => unknown) | undefined {
  if (iterable === null || (typeof iterable !== 'object' && typeof iterable !== 'function')) return undefined;
  const it = iterable as { [Symbol.asyncIterator]?: unknown; [Symbol.iterator]?: unknown };
  const make = typeof it[Symbol.asyncIterator] === 'function' ? it[Symbol.asyncIterator] : it[Symbol.iterator];
  return typeof make === 'function' ? (make as () => unknown) : undefined;
}
