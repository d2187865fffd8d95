// Reads tabular data for training: a header row, numeric feature columns and a target
// column that is numeric or categorical (categorical becomes one-hot, its classes kept).
// Parsing is csv-parse's; this file turns cells into checked numbers and says exactly
// which row, column and value is wrong.
import { parse } from 'csv-parse/sync';
import { describeValue, invalidArgument, MLPError } from '../api/errors.ts';
import type { Normalize } from '../data/normalize.ts';
import { fileSystem } from './storage.ts';
import { CSVColumns, isNumberCell, parseFailure, PARSE_SETTINGS, tooFewRows, type CSVOptions, type CSVRecord } from './csv-rows.ts';

export type { CSVOptions } from './csv-rows.ts';

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
  // csv-parse would say "The "target" argument must be an instance of Buffer", about an argument of its own.
  if (typeof text !== 'string') throw invalidArgument('text', text, 'a string (the CSV text)');
  const o = CSVColumns.checkOptions(options);
  const source = o.source ?? 'CSV';
  let records: CSVRecord[];
  try {
    records = parse(text, PARSE_SETTINGS) as unknown as CSVRecord[];
  } catch (error) {
    throw parseFailure(error, source);
  }
  if (records.length < 2) throw tooFewRows(source, records.length);
  const columns = new CSVColumns(records[0].record, o, source);
  const rows = records.slice(1);
  const width = columns.features.length;
  const inputs = rows.map((record) => {
    const row = new Array<number>(width);
    columns.readFeatures(record, row, 0);
    return row;
  });
  const { features, target, asked } = columns;
  if (target === null) return { inputs, targets: [], features, target: '', classes: null, ...asked };
  const cells = rows.map((record) => columns.targetCell(record));
  const numeric = cells.every(isNumberCell);
  const classes = columns.numericTarget(numeric) ? null : columns.classesOf(cells, numeric);
  const index = classes && new Map(classes.map((c, i) => [c, i]));
  const count = columns.targetWidth(classes);
  const targets = rows.map((record) => {
    const row = new Array<number>(count);
    columns.writeTarget(record, index, count, row, 0);
    return row;
  });
  return { inputs, targets, features, target, classes, ...asked };
}
