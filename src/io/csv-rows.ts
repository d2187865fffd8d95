// The column rules of a training CSV, shared by loadCSV (the whole file at once) and
// csvSource (streamed): csv-parse's settings, which columns are features and which is the
// target, each cell checked as a number, the target encoded numerically or as classes, and
// every failure an MLPError naming the source, line, column and value.
import { invalidArgument, listNames, MLPError, oneLine } from '../api/errors.ts';
import { checkOptions, oneOf } from '../api/validate.ts';
import { NORMALIZATIONS, type Normalize } from '../data/normalize.ts';

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

export const CSV_OPTIONS = ['target', 'features', 'targetType', 'classes', 'binary', 'normalize', 'source'];

/** csv-parse's settings for every training CSV: records with their line numbers. */
export const PARSE_SETTINGS = { info: true, skip_empty_lines: true, trim: true, bom: true } as const;

/** A record as csv-parse gives it with `info`. */
export interface CSVRecord {
  record: string[];
  info: { lines: number };
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Whether a cell is a number a double holds. */
export function isNumberCell(cell: string): boolean {
  return NUMBER.test(cell) && Number.isFinite(Number(cell));
}

/** csv-parse's error as ours: a ragged line says its cell count, anything else that the CSV is not valid. */
export function parseFailure(error: unknown, source: string): MLPError {
  if (error instanceof MLPError) return error;
  const message = oneLine((error as Error).message);
  const ragged = /expect (\d+), got (\d+) on line (\d+)/.exec(message);
  if (ragged) return new MLPError('INVALID_ARGUMENT', `${source} line ${ragged[3]} has ${ragged[2]} cells; the header has ${ragged[1]} columns`);
  return new MLPError('INVALID_ARGUMENT', `${source} is not valid CSV: ${message}`);
}

export function tooFewRows(source: string, records: number): MLPError {
  return new MLPError('INVALID_ARGUMENT', `${source} needs a header row and at least one data row; it has ${records} row${records === 1 ? '' : 's'}`);
}

/** The options checked, and which columns of `header` hold the features and the target. */
export class CSVColumns {
  readonly options: CSVOptions;
  readonly source: string;
  readonly header: string[];
  readonly features: string[];
  readonly featureColumns: number[];
  /** null when the rows have none. */
  readonly target: string | null;
  readonly targetColumn: number;
  readonly type: 'auto' | 'numeric' | 'categorical';
  readonly asked: { normalize?: Normalize };

  constructor(header: string[], options: CSVOptions, source: string) {
    const o = options;
    this.options = o;
    this.source = source;
    this.header = header;
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
    this.target = target;
    this.targetColumn = target === null ? -1 : column(target, 'target');
    this.features = o.features ? [...o.features] : header.filter((_, i) => i !== this.targetColumn);
    const twice = this.features.find((name, i) => this.features.indexOf(name) !== i);
    if (twice !== undefined) throw invalidArgument('features', o.features, `distinct column names ('${twice}' is named twice)`);
    if (this.features.length === 0) throw new MLPError('INVALID_ARGUMENT', `${source} has no feature columns${target === null ? '' : ` besides the target '${target}'`}`);
    this.featureColumns = this.features.map((name) => {
      if (name === target) throw new MLPError('INVALID_ARGUMENT', `column '${name}' cannot be both a feature and the target`);
      return column(name, 'feature column');
    });
    this.asked = o.normalize === undefined ? {} : { normalize: oneOf(o.normalize, 'normalize', NORMALIZATIONS) };
    this.type = target === null ? 'numeric' : oneOf(o.targetType ?? 'auto', 'targetType', ['auto', 'numeric', 'categorical'] as const);
  }

  /** Checks the options object itself (unknown names) before anything is read. */
  static checkOptions(options: unknown): CSVOptions {
    return checkOptions(options, 'options', CSV_OPTIONS) as CSVOptions;
  }

  where(line: number, column: number): string {
    return `${this.source} line ${line}, column '${this.header[column]}'`;
  }

  /** The feature cells of one record as numbers, into `out` from `at`. */
  readFeatures({ record, info }: CSVRecord, out: { [i: number]: number }, at: number): void {
    const columns = this.featureColumns;
    for (let i = 0; i < columns.length; i++) {
      const c = columns[i];
      const cell = record[c];
      if (cell === '' || cell === undefined) throw new MLPError('INVALID_ARGUMENT', `${this.where(info.lines, c)}: the cell is empty; expected a number`);
      if (!NUMBER.test(cell)) throw new MLPError('INVALID_ARGUMENT', `${this.where(info.lines, c)}: ${JSON.stringify(cell)} is not a number`);
      const value = Number(cell);
      if (!Number.isFinite(value)) throw new MLPError('INVALID_ARGUMENT', `${this.where(info.lines, c)}: ${JSON.stringify(cell)} is too large for a double`);
      out[at + i] = value;
    }
  }

  /** The target cell of one record (not empty). */
  targetCell({ record, info }: CSVRecord): string {
    const cell = record[this.targetColumn];
    if (cell === '' || cell === undefined) throw new MLPError('INVALID_ARGUMENT', `${this.where(info.lines, this.targetColumn)}: the target cell is empty`);
    return cell;
  }

  /**
   * Whether the target is read as numbers, once the target cells are known (`numeric`: all
   * of them are numbers): targetType 'numeric', or 'auto' with numbers and no classes given.
   */
  numericTarget(allNumbers: boolean): boolean {
    return this.type === 'numeric' || (this.type === 'auto' && allNumbers && this.options.classes === undefined);
  }

  /** The classes of a categorical target: those given, else the distinct cells sorted (numerically when all are numbers). */
  classesOf(distinct: Iterable<string>, allNumbers: boolean): string[] {
    const o = this.options;
    const classes = o.classes ? [...o.classes] : [...new Set(distinct)].sort(allNumbers ? (a, b) => Number(a) - Number(b) : undefined);
    if (o.binary && classes.length !== 2) {
      throw new MLPError('INVALID_ARGUMENT', `a single output needs a target with 2 classes; '${this.target}' in ${this.source} has ${classes.length}: ${listNames(classes, 10)}`);
    }
    return classes;
  }

  /** The target's width: 1 when numeric or binary, else one column per class. */
  targetWidth(classes: readonly string[] | null): number {
    return classes === null || this.options.binary ? 1 : classes.length;
  }

  /**
   * Writes one record's target into `out` from `at` (targetWidth values): the number, or the
   * class's one-hot row (its index, binary).
   */
  writeTarget(record: CSVRecord, classes: ReadonlyMap<string, number> | null, count: number, out: { [i: number]: number }, at: number): void {
    const cell = this.targetCell(record);
    if (classes === null) {
      if (!isNumberCell(cell)) throw new MLPError('INVALID_ARGUMENT', `${this.where(record.info.lines, this.targetColumn)}: ${JSON.stringify(cell)} is not a number (the target is numeric)`);
      out[at] = Number(cell);
      return;
    }
    const k = classes.get(cell);
    if (k === undefined) throw new MLPError('INVALID_ARGUMENT', `${this.where(record.info.lines, this.targetColumn)}: ${JSON.stringify(cell)} is not one of the classes ${listNames([...classes.keys()])}`);
    if (this.options.binary) {
      out[at] = k;
      return;
    }
    for (let j = 0; j < count; j++) out[at + j] = j === k ? 1 : 0;
  }
}
