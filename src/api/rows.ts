// The data path: rows as users hand them in (number[][], a row-major Float64Array, or
// { data, rows }) read once, checked cell by cell, normalised and written straight into the
// backend's flat memory, with no intermediate copy. Shapes are checked first (rowShape), so
// the caller can reserve memory before any cell is read; cells are read in row chunks
// (copyRows), so predict can stream any number of rows through a bounded buffer.
import { invalidArgument, MLPError } from './errors.ts';
import type { Normalization } from '../data/normalize.ts';

/** Rows of numbers: `number[][]`, a row-major Float64Array, or one with its row count. */
export type Matrix =
  | readonly (readonly number[])[]
  | Float64Array
  | { readonly data: Float64Array | readonly number[]; readonly rows: number };

/** A matrix whose shape has been checked: `cells` is flat (row-major) unless `nested`. */
export interface RowShape {
  readonly argument: string;
  readonly rows: number;
  readonly width: number;
  /** number[][]: read row by row. */
  readonly nested: readonly unknown[] | undefined;
  /** Flat row-major cells (Float64Array or number[]). */
  readonly cells: ArrayLike<unknown> | undefined;
}

const EXPECTED = 'an array of rows (number[][]), a row-major Float64Array, or { data, rows }';

/** Checks that `value` is rows of `width` cells (not the cells themselves) and counts them. */
export function rowShape(value: unknown, argument: string, width: number, side: string): RowShape {
  if (Array.isArray(value)) {
    if (value.length === 0) throw invalidArgument(argument, value, 'at least one row');
    return { argument, rows: value.length, width, nested: value, cells: undefined };
  }
  if (value instanceof Float64Array) {
    if (value.length === 0 || value.length % width !== 0) {
      throw invalidArgument(argument, value, `a non-empty row-major Float64Array whose length is a multiple of ${width} (the network's ${side} size)`);
    }
    return { argument, rows: value.length / width, width, nested: undefined, cells: value };
  }
  if (value === null || typeof value !== 'object') throw invalidArgument(argument, value, EXPECTED);
  const { data, rows } = value as { data?: unknown; rows?: unknown };
  if (data === undefined && rows === undefined) throw invalidArgument(argument, value, EXPECTED);
  if (!(data instanceof Float64Array) && !Array.isArray(data)) throw invalidArgument(`${argument}.data`, data, 'a Float64Array or an array of numbers');
  if (typeof rows !== 'number' || !Number.isSafeInteger(rows) || rows < 1) throw invalidArgument(`${argument}.rows`, rows, 'a positive integer');
  if (data.length !== rows * width) throw invalidArgument(`${argument}.data`, data, `${rows} rows x ${width} columns = ${rows * width} numbers`);
  return { argument, rows, width, nested: undefined, cells: data };
}

/**
 * Writes rows [first, first + count) of `shape` into `memory` from element `at`, each cell
 * checked finite and, with a normalisation, mapped to (x - offset) / scale. Returns the
 * largest |value| written, a bound the caller may use to prove predictions finite.
 */
export function copyRows(shape: RowShape, first: number, count: number, memory: Float64Array, at: number, normalization: Normalization | null, side: string): number {
  const { width, nested, cells } = shape;
  const offset = normalization?.offset;
  const scale = normalization?.scale;
  if (offset === undefined && cells instanceof Float64Array && cells.buffer !== memory.buffer) return copyFlat(shape, cells, first, count, memory, at);
  let largest = 0;
  let o = at;
  for (let r = first; r < first + count; r++) {
    let row: ArrayLike<unknown>;
    let c0 = 0;
    if (nested !== undefined) {
      const item: unknown = nested[r];
      if (!Array.isArray(item) && !(item instanceof Float64Array)) throw invalidArgument(`${shape.argument}[${r}]`, item, `an array of ${width} numbers`);
      if (item.length !== width) {
        const error = invalidArgument(`${shape.argument}[${r}]`, item, `a row of ${width} numbers (the network's ${side} size)`);
        // One number where a net's several outputs are expected: most likely a class column.
        if (side !== 'output' || item.length !== 1 || width < 2) throw error;
        throw new MLPError('INVALID_ARGUMENT', `${error.message}; a class column? one-hot it, or read it with loadCSV(path, { targetType: 'categorical' })`);
      }
      row = item;
    } else {
      row = cells!;
      c0 = r * width;
    }
    for (let c = 0; c < width; c++) {
      const cell = row[c0 + c];
      // One comparison finds every bad cell: NaN, ±Infinity and non-numbers all fail it.
      if (typeof cell !== 'number' || !(cell - cell === 0)) throw badCell(shape, r, c, cell);
      const x = offset === undefined ? cell : (cell - offset[c]) / scale![c];
      if (!(x - x === 0)) throw invalidArgument(`${shape.argument}[${r}][${c}]`, cell, `a number the model's normalisation maps to a finite value (it gives ${x})`);
      memory[o++] = x;
      const magnitude = x < 0 ? -x : x;
      if (magnitude > largest) largest = magnitude;
    }
  }
  return largest;
}

/** A Float64Array's rows as they are: one native copy, then one pass that checks them in place. */
function copyFlat(shape: RowShape, cells: Float64Array, first: number, count: number, memory: Float64Array, at: number): number {
  const n = count * shape.width;
  memory.set(cells.subarray(first * shape.width, first * shape.width + n), at);
  let largest = 0;
  for (let i = at; i < at + n; i++) {
    const x = memory[i];
    const magnitude = x < 0 ? -x : x;
    // NaN fails both comparisons, so it is caught with ±Infinity.
    if (!(magnitude <= Number.MAX_VALUE)) {
      const cell = i - at + first * shape.width;
      throw badCell(shape, Math.floor(cell / shape.width), cell % shape.width, x);
    }
    if (magnitude > largest) largest = magnitude;
  }
  return largest;
}

function badCell(shape: RowShape, row: number, column: number, cell: unknown): MLPError {
  return invalidArgument(`${shape.argument}[${row}][${column}]`, cell, 'a finite number');
}

/** Targets must pair with inputs row for row. */
export function checkSameRows(inputs: RowShape, targets: RowShape): void {
  if (inputs.rows !== targets.rows) {
    throw new MLPError('INVALID_ARGUMENT', `${targets.argument} must have one row per input row (${inputs.rows}); got ${targets.rows} rows`);
  }
}
