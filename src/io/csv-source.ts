// A training CSV as a DataSource (Node): csv-parse's streaming parser reads the file afresh
// for every pass, in blocks of rows, so a fit never holds more than a block of it. The
// column rules, class mapping and errors are loadCSV's (csv-rows.ts). What loadCSV decides
// on the whole file — whether an 'auto' target is numeric, and the classes of a categorical
// one — csvSource decides before training: from `classes` when given (the user's, or a
// model's), else by one pass over the target column when the source is made.
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { invalidArgument, MLPError, systemReason } from '../api/errors.ts';
import { checkOptions } from '../api/validate.ts';
import type { DataSource, RowBlock } from '../data/data-source.ts';
import { CSV_OPTIONS, CSVColumns, isNumberCell, parseFailure, PARSE_SETTINGS, tooFewRows, type CSVOptions, type CSVRecord } from './csv-rows.ts';
import { checkPath } from './file-path.ts';

/** Cells (inputs and targets) of a block when blockRows is left out: about 1 MB. */
const BLOCK_CELLS = 1 << 17;

export interface CSVSourceOptions extends Omit<CSVOptions, 'normalize'> {
  /** Rows per block (default: about 1 MB of them). The fit's result does not depend on it. */
  blockRows?: number;
}

/** A CSV file as a DataSource, with what loadCSV's dataset says about its columns. */
export interface CSVSource extends DataSource {
  readonly features: readonly string[];
  readonly target: string;
  /** The classes of a categorical target, in one-hot column order; undefined for a numeric one. */
  readonly classes?: readonly string[];
  /** Values per target row: 1 for a numeric or binary target, else the number of classes. */
  readonly targetWidth: number;
}

/**
 * Opens `path` as a DataSource: reads its header (and, for a target whose classes or type
 * are not given, its target column once); each `batches()` then streams the rows.
 */
export async function csvSource(path: string, options: CSVSourceOptions = {}): Promise<CSVSource> {
  if (typeof path !== 'string') throw invalidArgument('path', path, 'a CSV file path');
  checkPath(path);
  const { blockRows, ...rest } = checkOptions(options, 'options', [...CSV_OPTIONS.filter((n) => n !== 'normalize'), 'blockRows']) as CSVSourceOptions;
  if ((options as CSVOptions).normalize !== undefined) throw new MLPError('INVALID_ARGUMENT', 'csvSource takes no normalize option: pass normalize to net.fitAsync(source, { normalize })');
  if (blockRows !== undefined && (!Number.isSafeInteger(blockRows) || blockRows < 1)) throw invalidArgument('blockRows', blockRows, 'a positive integer');
  const o: CSVOptions = { ...rest, source: rest.source ?? path };
  const source = o.source!;
  const header = await firstRecord(path, source);
  if (header === undefined) throw tooFewRows(source, 0);
  const columns = new CSVColumns(header.record, o, source);
  if (columns.target === null) throw new MLPError('INVALID_ARGUMENT', 'csvSource needs a target column to train on; target must not be null');
  let classes: string[] | null = null;
  if (columns.type === 'categorical' && o.classes !== undefined) {
    classes = columns.classesOf([], false);
  } else if (columns.type !== 'numeric') {
    // The whole target column decides, as in loadCSV: one pass over it now.
    let numbers = true;
    let rows = 0;
    const distinct = new Set<string>();
    for await (const record of records(path, source, true)) {
      const cell = columns.targetCell(record);
      if (numbers && !isNumberCell(cell)) numbers = false;
      distinct.add(cell);
      rows++;
    }
    if (rows === 0) throw tooFewRows(source, 1);
    if (!columns.numericTarget(numbers)) classes = columns.classesOf(distinct, numbers);
  }
  const width = columns.targetWidth(classes);
  const index = classes && new Map(classes.map((c, i) => [c, i]));
  const nF = columns.features.length;
  const perBlock = blockRows ?? Math.max(1, Math.floor(BLOCK_CELLS / (nF + width)));
  return {
    features: [...columns.features],
    target: columns.target,
    ...(classes ? { classes } : {}),
    targetWidth: width,
    async *batches(): AsyncGenerator<RowBlock> {
      // One pair of arrays for the pass: a block is read before the next is asked for.
      const inputs = new Float64Array(perBlock * nF);
      const targets = new Float64Array(perBlock * width);
      let n = 0;
      let rows = 0;
      for await (const record of records(path, source, true)) {
        columns.readFeatures(record, inputs, n * nF);
        columns.writeTarget(record, index, width, targets, n * width);
        rows++;
        if (++n === perBlock) {
          yield { inputs, targets };
          n = 0;
        }
      }
      if (rows === 0) throw tooFewRows(source, 1);
      if (n > 0) yield { inputs: inputs.subarray(0, n * nF), targets: targets.subarray(0, n * width) };
    },
  };
}

/** The header record, or undefined for a file without records. */
async function firstRecord(path: string, source: string): Promise<CSVRecord | undefined> {
  for await (const record of records(path, source, false)) return record;
  return undefined;
}

/**
 * The records of the file as csv-parse streams them (after the header when `skipHeader`);
 * the file is closed when the loop ends, however it ends.
 */
async function* records(path: string, source: string, skipHeader: boolean): AsyncGenerator<CSVRecord> {
  const file = createReadStream(path);
  const parser = parse(PARSE_SETTINGS);
  file.on('error', (error) => parser.destroy(new MLPError('IO', `cannot read ${path}: ${systemReason(error)}`)));
  file.pipe(parser);
  let header = skipHeader;
  try {
    for await (const record of parser as AsyncIterable<CSVRecord>) {
      if (header) {
        header = false;
        continue;
      }
      yield record;
    }
  } catch (error) {
    throw parseFailure(error, source);
  } finally {
    file.destroy();
    parser.destroy();
  }
}
