// The data path: rows as users hand them in (number[][], a row-major Float64Array or
// Float32Array, or { data, rows }) read once, checked cell by cell, normalised and written straight into the
// backend's flat memory, with no intermediate copy. Shapes are checked first (rowShape), so
// the caller can reserve memory before any cell is read; cells are read in row chunks
// (copyRows), so predict can stream any number of rows through a bounded buffer.
import { invalidArgument, MLPError } from './errors.ts';
import type { Normalization } from '../data/normalize.ts';
import type { Floats } from '../backends/layout.ts';

/**
 * Rows of numbers: `number[][]`, a row-major Float64Array or Float32Array, or one with its row
 * count. Float32Array cells are read exactly (every float32 is a float64), for either dtype.
 */
export type Matrix =
  | readonly (readonly number[])[]
  | Float64Array
  | Float32Array
  | { readonly data: Float64Array | Float32Array | readonly number[]; readonly rows: number };

/** A matrix whose shape has been checked: `cells` is flat (row-major) unless `nested`. */
export interface RowShape {
  readonly argument: string;
  readonly rows: number;
  readonly width: number;
  /** number[][]: read row by row. */
  readonly nested: readonly unknown[] | undefined;
  /** Flat row-major cells (Float64Array, Float32Array or number[]). */
  readonly cells: ArrayLike<unknown> | undefined;
}

const EXPECTED = 'an array of rows (number[][]), a row-major Float64Array or Float32Array, or { data, rows }';

function isFloatArray(value: unknown): value is Float64Array | Float32Array {
  return value instanceof Float64Array || value instanceof Float32Array;
}

/** Checks that `value` is rows of `width` cells (not the cells themselves) and counts them. */
export function rowShape(value: unknown, argument: string, width: number, side: string): RowShape {
  if (Array.isArray(value)) {
    if (value.length === 0) throw invalidArgument(argument, value, 'at least one row');
    return { argument, rows: value.length, width, nested: value, cells: undefined };
  }
  if (isFloatArray(value)) {
    if (value.length === 0 || value.length % width !== 0) {
      throw invalidArgument(argument, value, `a non-empty row-major ${value.constructor.name} whose length is a multiple of ${width} (the network's ${side} size)`);
    }
    return { argument, rows: value.length / width, width, nested: undefined, cells: value };
  }
  if (value === null || typeof value !== 'object') throw invalidArgument(argument, value, EXPECTED);
  const { data, rows } = value as { data?: unknown; rows?: unknown };
  if (data === undefined && rows === undefined) throw invalidArgument(argument, value, EXPECTED);
  if (!isFloatArray(data) && !Array.isArray(data)) throw invalidArgument(`${argument}.data`, data, 'a Float64Array, a Float32Array or an array of numbers');
  if (typeof rows !== 'number' || !Number.isSafeInteger(rows) || rows < 1) throw invalidArgument(`${argument}.rows`, rows, 'a positive integer');
  if (data.length !== rows * width) throw invalidArgument(`${argument}.data`, data, `${rows} rows x ${width} columns = ${rows * width} numbers`);
  return { argument, rows, width, nested: undefined, cells: data };
}

/** The largest |x| over `count` elements of a memory from element `first`; not finite when one is not (Backend.largestMagnitude). */
export type MagnitudeScan = (first: number, count: number) => number;

/**
 * Writes rows [first, first + count) of `shape` into `memory` from element `at`, each cell
 * checked finite and, with a normalisation, mapped to (x - offset) / scale (in float64; a
 * float32 memory rounds the result once, and it must stay finite there). Returns the
 * largest |value| written, a bound the caller may use to prove predictions finite. `scan`,
 * the kernel's scan of the memory, checks a flat array's rows once they are copied.
 */
export function copyRows(shape: RowShape, first: number, count: number, memory: Floats, at: number, normalization: Normalization | null, side: string, scan?: MagnitudeScan): number {
  const { width, nested, cells } = shape;
  const offset = normalization?.offset;
  const scale = normalization?.scale;
  if (offset === undefined && isFloatArray(cells) && cells.buffer !== memory.buffer) return copyFlat(shape, cells, first, count, memory, at, scan);
  let largest = 0;
  let o = at;
  for (let r = first; r < first + count; r++) {
    let row: ArrayLike<unknown>;
    let c0 = 0;
    if (nested !== undefined) {
      const item: unknown = nested[r];
      if (!Array.isArray(item) && !isFloatArray(item)) throw invalidArgument(`${shape.argument}[${r}]`, item, `an array of ${width} numbers`);
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
      memory[o] = x;
      const stored = memory[o++];
      const magnitude = stored < 0 ? -stored : stored;
      if (!(magnitude <= Number.MAX_VALUE)) throw outOfFloat32(shape, r, c, cell);
      if (magnitude > largest) largest = magnitude;
    }
  }
  return largest;
}

/**
 * A flat array's rows as they are: one native copy, then one pass that checks them in place:
 * the kernel's `scan` when given, this loop otherwise or to name the first bad cell.
 */
function copyFlat(shape: RowShape, cells: Float64Array | Float32Array, first: number, count: number, memory: Floats, at: number, scan?: MagnitudeScan): number {
  const n = count * shape.width;
  memory.set(cells.subarray(first * shape.width, first * shape.width + n), at);
  if (scan) {
    const largest = scan(at, n);
    if (largest <= Number.MAX_VALUE) return largest;
  }
  let largest = 0;
  for (let i = at; i < at + n; i++) {
    const x = memory[i];
    const magnitude = x < 0 ? -x : x;
    // NaN fails both comparisons, so it is caught with ±Infinity.
    if (!(magnitude <= Number.MAX_VALUE)) {
      const cell = i - at + first * shape.width;
      const row = Math.floor(cell / shape.width);
      const value = cells[cell];
      throw value - value === 0 ? outOfFloat32(shape, row, cell % shape.width, value) : badCell(shape, row, cell % shape.width, value);
    }
    if (magnitude > largest) largest = magnitude;
  }
  return largest;
}

function badCell(shape: RowShape, row: number, column: number, cell: unknown): MLPError {
  return invalidArgument(`${shape.argument}[${row}][${column}]`, cell, 'a finite number');
}

/** A finite cell a float32 net cannot hold (beyond ±3.4028234663852886e38 once normalised). */
function outOfFloat32(shape: RowShape, row: number, column: number, cell: unknown): MLPError {
  return invalidArgument(`${shape.argument}[${row}][${column}]`, cell, "a number within float32's range (this net's dtype is 'float32')");
}

/** Targets must pair with inputs row for row. */
export function checkSameRows(inputs: RowShape, targets: RowShape): void {
  if (inputs.rows !== targets.rows) {
    throw new MLPError('INVALID_ARGUMENT', `${targets.argument} must have one row per input row (${inputs.rows}); got ${targets.rows} rows`);
  }
}
