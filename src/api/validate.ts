// Checks every user-supplied value before it reaches a kernel, and turns the accepted
// shapes of data (number[][], Float64Array, { data, rows }) into one flat row-major form.
import { describeValue, invalidArgument, MLPError } from './errors.ts';
import { MAX_MEMORY_BYTES, NetLayout } from '../backends/layout.ts';

export type BackendName = 'wasm' | 'js';
export const BACKENDS: readonly BackendName[] = ['wasm', 'js'];

/** Rows of numbers: `number[][]`, a row-major Float64Array, or one with its row count. */
export type Matrix =
  | readonly (readonly number[])[]
  | Float64Array
  | { readonly data: Float64Array | readonly number[]; readonly rows: number };

export function checkLayers(value: unknown, argument = 'layers'): number[] {
  const expected = 'an array of at least 2 positive integers (input, hidden..., output sizes)';
  if (!Array.isArray(value) || value.length < 2) throw invalidArgument(argument, value, expected);
  for (const n of value) {
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) throw invalidArgument(argument, value, expected);
  }
  const bytes = new NetLayout({ layers: value, activations: [], loss: 'mse' }, 0, 1).end * 8;
  if (bytes > MAX_MEMORY_BYTES) {
    throw new MLPError(
      'OUT_OF_MEMORY',
      `${argument} ${describeValue(value)} needs ${formatBytes(bytes)} for its parameters, gradients, optimizer state and scratch; the limit is ${formatBytes(MAX_MEMORY_BYTES)} (WebAssembly memory)`,
    );
  }
  return [...value];
}

export function checkSeed(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw invalidArgument('seed', value, 'an integer from 0 to 4294967295');
  }
  return value;
}

export function checkBackend(value: unknown, argument = 'backend'): BackendName {
  if (!BACKENDS.includes(value as BackendName)) throw invalidArgument(argument, value, `one of ${BACKENDS.map((b) => `'${b}'`).join(', ')}`);
  return value as BackendName;
}

export function checkLearningRate(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw invalidArgument('learningRate', value, 'a finite number > 0');
  }
  return value;
}

export function checkEpochs(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > 0x7fffffff) {
    throw invalidArgument('epochs', value, 'an integer from 0 to 2147483647');
  }
  return value;
}

/** Rejects option names the function does not know, so a typo never passes silently. */
export function checkOptions(value: unknown, argument: string, known: readonly string[]): Record<string, unknown> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalidArgument(argument, value, 'an object');
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw new MLPError('INVALID_ARGUMENT', `${argument} has an unknown option '${key}'; expected one of ${known.join(', ')}`);
    }
  }
  return value as Record<string, unknown>;
}

export interface Rows {
  readonly data: Float64Array;
  readonly rows: number;
}

/** Validates `value` as rows of exactly `width` finite numbers and returns them flat. */
export function toRows(value: unknown, argument: string, width: number): Rows {
  const side = argument === 'targets' ? 'output' : 'input';
  if (Array.isArray(value)) {
    if (value.length === 0) throw invalidArgument(argument, value, 'at least one row');
    const data = new Float64Array(value.length * width);
    // An index loop, not forEach: forEach skips the holes of a sparse array.
    for (let r = 0; r < value.length; r++) {
      const row: unknown = value[r];
      if (!Array.isArray(row) && !(row instanceof Float64Array)) {
        throw invalidArgument(`${argument}[${r}]`, row, `an array of ${width} numbers`);
      }
      if (row.length !== width) throw invalidArgument(`${argument}[${r}]`, row, `a row of ${width} numbers (the network's ${side} size)`);
      for (let c = 0; c < width; c++) data[r * width + c] = checkCell(row[c], argument, r, c);
    }
    return { data, rows: value.length };
  }
  let cells: Float64Array | readonly unknown[];
  let rows: number;
  if (value instanceof Float64Array) {
    if (value.length === 0 || value.length % width !== 0) {
      throw invalidArgument(argument, value, `a non-empty row-major Float64Array whose length is a multiple of ${width} (the network's ${side} size)`);
    }
    cells = value;
    rows = value.length / width;
  } else if (value !== null && typeof value === 'object' && 'data' in value && 'rows' in value) {
    const { data, rows: count } = value as { data: unknown; rows: unknown };
    if (!(data instanceof Float64Array) && !Array.isArray(data)) throw invalidArgument(`${argument}.data`, data, 'a Float64Array or an array of numbers');
    if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 1) throw invalidArgument(`${argument}.rows`, count, 'a positive integer');
    if (data.length !== count * width) {
      throw invalidArgument(`${argument}.data`, data, `${count} rows x ${width} columns = ${count * width} numbers`);
    }
    cells = data;
    rows = count;
  } else {
    throw invalidArgument(argument, value, 'an array of rows (number[][]), a row-major Float64Array, or { data, rows }');
  }
  if (cells instanceof Float64Array) {
    // Only non-finite numbers can be wrong here; find the first one with a tight loop.
    for (let i = 0; i < cells.length; i++) {
      if (!Number.isFinite(cells[i])) checkCell(cells[i], argument, Math.floor(i / width), i % width);
    }
  } else {
    for (let i = 0; i < cells.length; i++) checkCell(cells[i], argument, Math.floor(i / width), i % width);
  }
  return { data: cells instanceof Float64Array ? cells : Float64Array.from(cells as number[]), rows };
}

function checkCell(cell: unknown, argument: string, row: number, column: number): number {
  if (typeof cell !== 'number' || !Number.isFinite(cell)) {
    throw invalidArgument(`${argument}[${row}][${column}]`, cell, 'a finite number');
  }
  return cell;
}

export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  if (!Number.isFinite(value)) return 'more than 1024 PiB';
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
