// npySource: a pair of .npy files (inputs and targets, one row each per sample) as a data
// source for streamed training. Each pass (batches()) opens both files, reads them in row
// blocks of bounded size (src/io/npy-file.ts) and closes them; the headers are read and the
// row counts compared when the source is made, so a mismatch is reported before training.
// A NaN or infinity in a block is reported by its file, row and column, not by its place in
// the block.
import { describeValue, invalidArgument, MLPError } from '../api/errors.ts';
import { checkOptions } from '../api/validate.ts';
import type { DataSource, RowBlock } from '../data/data-source.ts';
import { NpyReader } from './npy-file.ts';
import type { NpyHeader } from './npy.ts';

/** An .npy source: a DataSource that also knows its files' sizes. */
export interface NpyDataSource extends DataSource {
  readonly rows: number;
  readonly inputColumns: number;
  readonly targetColumns: number;
}

export interface NpySourceOptions {
  /** Rows per block (default: about 8 MiB of inputs and targets per block). */
  blockRows?: number;
}

/** A block's size by default: large enough that reading is a small part of a pass, small enough to stay cheap. */
const DEFAULT_BLOCK_BYTES = 8 << 20;

/**
 * Reads `inputsPath` and `targetsPath` (.npy, any type loadNpy reads; 1-D files are one
 * column) in blocks of rows, as `{ data, rows }` row-major Float64Arrays that belong to the
 * caller. The files must have the same number of rows, and keep their headers between passes.
 */
export function npySource(inputsPath: string, targetsPath: string, options?: NpySourceOptions): NpyDataSource {
  if (typeof inputsPath !== 'string') throw invalidArgument('inputsPath', inputsPath, 'a .npy file path');
  if (typeof targetsPath !== 'string') throw invalidArgument('targetsPath', targetsPath, 'a .npy file path');
  const o = checkOptions(options, 'options', ['blockRows']);
  if (o.blockRows !== undefined && !(Number.isSafeInteger(o.blockRows) && (o.blockRows as number) >= 1)) {
    throw invalidArgument('options.blockRows', o.blockRows, 'a positive integer');
  }
  const inputs = readHeader(inputsPath);
  const targets = readHeader(targetsPath);
  if (inputs.rows === 0) throw new MLPError('INVALID_ARGUMENT', `${inputsPath} has no rows (shape ${shape(inputs)}); expected at least one`);
  if (inputs.rows !== targets.rows) {
    throw new MLPError('INVALID_ARGUMENT', `${inputsPath} has ${inputs.rows} rows (shape ${shape(inputs)}) but ${targetsPath} has ${targets.rows} (shape ${shape(targets)}); expected one target row per input row`);
  }
  const blockRows = (o.blockRows as number | undefined) ?? Math.max(1, Math.floor(DEFAULT_BLOCK_BYTES / (8 * (inputs.columns + targets.columns))));
  return {
    rows: inputs.rows,
    inputColumns: inputs.columns,
    targetColumns: targets.columns,
    batches: () => blocks(inputsPath, inputs, targetsPath, targets, blockRows),
  };
}

function readHeader(path: string): NpyHeader {
  const reader = NpyReader.open(path);
  reader.close();
  return reader.header;
}

function shape(header: NpyHeader): string {
  return header.shape.length === 1 ? `(${header.shape[0]},)` : `(${header.shape.join(', ')})`;
}

/** The same file as when the source was made: a changed header would mean other rows. */
function reopen(path: string, expected: NpyHeader): NpyReader {
  const reader = NpyReader.open(path);
  const h = reader.header;
  if (h.rows !== expected.rows || h.columns !== expected.columns || h.dtype.descr !== expected.dtype.descr || h.fortranOrder !== expected.fortranOrder) {
    reader.close();
    throw new MLPError('INVALID_ARGUMENT', `${path} changed since the source was made: shape ${shape(h)} of '${h.dtype.descr}'; expected shape ${shape(expected)} of '${expected.dtype.descr}'`);
  }
  return reader;
}

async function* blocks(inputsPath: string, inputHeader: NpyHeader, targetsPath: string, targetHeader: NpyHeader, blockRows: number): AsyncGenerator<RowBlock> {
  const inputs = reopen(inputsPath, inputHeader);
  let targets: NpyReader | undefined;
  try {
    targets = reopen(targetsPath, targetHeader);
    for (let first = 0; first < inputs.rows; first += blockRows) {
      const rows = Math.min(blockRows, inputs.rows - first);
      const x = new Float64Array(rows * inputs.columns);
      const y = new Float64Array(rows * targets.columns);
      inputs.readRows(first, rows, x);
      checkFiniteRows(x, inputs.columns, first, inputsPath);
      targets.readRows(first, rows, y);
      checkFiniteRows(y, targets.columns, first, targetsPath);
      yield { inputs: { data: x, rows }, targets: { data: y, rows } };
    }
  } finally {
    inputs.close();
    targets?.close();
  }
}

/**
 * Training needs finite numbers, which a .npy file need not hold: the first NaN or infinity
 * in `data` (rows of `columns` numbers, the first of them the file's row `firstRow`) is an
 * error naming the file, its row and its column.
 */
export function checkFiniteRows(data: Float64Array, columns: number, firstRow: number, path: string): void {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      const row = firstRow + Math.floor(i / columns);
      throw new MLPError('INVALID_ARGUMENT', `${path}: row ${row}, column ${i % columns}, must be a finite number; got ${describeValue(data[i])}`);
    }
  }
}
