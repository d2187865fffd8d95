// Reads tabular data for training: a header row, numeric feature columns and a target
// column that is numeric or categorical (categorical becomes one-hot, its classes kept).
// Parsing is csv-parse's; this file turns cells into checked numbers and says exactly
// which row, column and value is wrong.
import { parse } from 'csv-parse/sync';
import { describeValue, invalidArgument, listNames, MLPError, oneLine } from '../api/errors.ts';
import { NORMALIZATIONS, type Normalize } from '../data/normalize.ts';
import { fileSystem } from './storage.ts';
import { checkOptions, oneOf } from '../api/validate.ts';

export interface CSVOptions {
  /** The target column's name (default: the last column); null when the rows have none (to predict). */
  target?: string | null;
  /** Feature columns, in this order (default: every other column, in file order). */
  features?: readonly string[];
  /** 'auto' (default): categorical when any target cell is not a number. */
  targetType?: 'auto' | 'numeric' | 'categorical';
  /** The class list to encode against (default: the distinct values, sorted). */
  classes?: readonly string[];
  /** Encode two classes as one 0/1 column (for a single sigmoid output) instead of one-hot. */
  binary?: boolean;
  /** Normalisation for fit to apply: fitted there on the training rows only (left out: fit keeps the model's). */
  normalize?: Normalize;
  /** Names the source in error messages (loadCSV sets it to the path). */
  source?: string;
}

export interface CSVDataset {
  inputs: number[][];
  targets: number[][];
  features: string[];
  target: string;
  /** The classes of a categorical target, in one-hot column order; null for a numeric one. */
  classes: string[] | null;
  /** Present when asked for: a dataset without it leaves a model's normalisation as it is. */
  normalize?: Normalize;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const OPTIONS = ['target', 'features', 'targetType', 'classes', 'binary', 'normalize', 'source'];

/** Parses CSV from a path (Node) or from the text itself (anything with a line break). */
export function loadCSV(pathOrText: string, options: CSVOptions = {}): CSVDataset {
  if (typeof pathOrText !== 'string') throw invalidArgument('pathOrText', pathOrText, 'a file path or CSV text');
  if (/[\r\n]/.test(pathOrText)) return parseCSV(pathOrText, options);
  const files = fileSystem();
  if (files === undefined) {
    throw new MLPError('INVALID_ARGUMENT', `loadCSV got ${describeValue(pathOrText)}, which has no line break, so it is a path; reading files needs Node (pass the CSV text in a browser)`);
  }
  // The Node storage reports its own failures as MLPErrors (IO).
  const text = files.read(pathOrText);
  return parseCSV(text, { ...options, source: options.source ?? pathOrText });
}

export function parseCSV(text: string, options: CSVOptions = {}): CSVDataset {
  const o = checkOptions(options, 'options', OPTIONS) as CSVOptions;
  const source = o.source ?? 'CSV';
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { info: true, skip_empty_lines: true, trim: true, bom: true }) as unknown as typeof records;
  } catch (error) {
    const message = oneLine((error as Error).message);
    const ragged = /expect (\d+), got (\d+) on line (\d+)/.exec(message);
    if (ragged) throw new MLPError('INVALID_ARGUMENT', `${source} line ${ragged[3]} has ${ragged[2]} cells; the header has ${ragged[1]} columns`);
    throw new MLPError('INVALID_ARGUMENT', `${source} is not valid CSV: ${message}`);
  }
  if (records.length < 2) throw new MLPError('INVALID_ARGUMENT', `${source} needs a header row and at least one data row; it has ${records.length} row${records.length === 1 ? '' : 's'}`);
  const header = records[0].record;
  // One map from name to column keeps wide files (100,000 columns) linear.
  const columnOf = new Map<string, number>();
  for (const [i, name] of header.entries()) {
    if (columnOf.has(name)) throw new MLPError('INVALID_ARGUMENT', `${source} has two columns named '${name}'`);
    columnOf.set(name, i);
  }
  const column = (name: string, what: string) => {
    const index = columnOf.get(name);
    if (index === undefined) throw new MLPError('INVALID_ARGUMENT', `${what} '${name}' is not a column of ${source}; its columns are ${listNames(header)}`);
    return index;
  };
  const target = o.target === null ? null : (o.target ?? header[header.length - 1]);
  if (target !== null && typeof target !== 'string') throw invalidArgument('target', target, 'a column name or null');
  const targetColumn = target === null ? -1 : column(target, 'target');
  const features = o.features ? [...o.features] : header.filter((_, i) => i !== targetColumn);
  if (features.length === 0) throw new MLPError('INVALID_ARGUMENT', `${source} has no feature columns${target === null ? '' : ` besides the target '${target}'`}`);
  const featureColumns = features.map((name) => {
    if (name === target) throw new MLPError('INVALID_ARGUMENT', `column '${name}' cannot be both a feature and the target`);
    return column(name, 'feature column');
  });
  const rows = records.slice(1);
  const where = (r: number, c: number) => `${source} line ${rows[r].info.lines}, column '${header[c]}'`;
  const inputs = rows.map(({ record }, r) =>
    featureColumns.map((c) => {
      const cell = record[c];
      if (cell === '' || cell === undefined) throw new MLPError('INVALID_ARGUMENT', `${where(r, c)}: the cell is empty; expected a number`);
      if (!NUMBER.test(cell)) throw new MLPError('INVALID_ARGUMENT', `${where(r, c)}: ${JSON.stringify(cell)} is not a number`);
      const value = Number(cell);
      if (!Number.isFinite(value)) throw new MLPError('INVALID_ARGUMENT', `${where(r, c)}: ${JSON.stringify(cell)} is too large for a double`);
      return value;
    }),
  );
  const asked = o.normalize === undefined ? {} : { normalize: oneOf(o.normalize, 'normalize', NORMALIZATIONS) };
  if (target === null) return { inputs, targets: [], features, target: '', classes: null, ...asked };
  const cells = rows.map(({ record }, r) => {
    const cell = record[targetColumn];
    if (cell === '' || cell === undefined) throw new MLPError('INVALID_ARGUMENT', `${where(r, targetColumn)}: the target cell is empty`);
    return cell;
  });
  const type = oneOf(o.targetType ?? 'auto', 'targetType', ['auto', 'numeric', 'categorical'] as const);
  const numeric = cells.every((cell) => NUMBER.test(cell) && Number.isFinite(Number(cell)));
  if (type === 'numeric' || (type === 'auto' && numeric && o.classes === undefined)) {
    const bad = cells.findIndex((cell) => !NUMBER.test(cell) || !Number.isFinite(Number(cell)));
    if (bad >= 0) throw new MLPError('INVALID_ARGUMENT', `${where(bad, targetColumn)}: ${JSON.stringify(cells[bad])} is not a number (the target is numeric)`);
    return { inputs, targets: cells.map((cell) => [Number(cell)]), features, target, classes: null, ...asked };
  }
  const classes = o.classes ? [...o.classes] : [...new Set(cells)].sort(numeric ? (a, b) => Number(a) - Number(b) : undefined);
  const index = new Map(classes.map((c, i) => [c, i]));
  if (o.binary && classes.length !== 2) {
    throw new MLPError('INVALID_ARGUMENT', `a single output needs a target with 2 classes; '${target}' in ${source} has ${classes.length}: ${listNames(classes, 10)}`);
  }
  const targets = cells.map((cell, r) => {
    const k = index.get(cell);
    if (k === undefined) throw new MLPError('INVALID_ARGUMENT', `${where(r, targetColumn)}: ${JSON.stringify(cell)} is not one of the classes ${listNames(classes)}`);
    if (o.binary) return [k];
    const row = new Array<number>(classes.length).fill(0);
    row[k] = 1;
    return row;
  });
  return { inputs, targets, features, target, classes, ...asked };
}
