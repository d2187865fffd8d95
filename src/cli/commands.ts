// What each wasm-mlp command does once its arguments are parsed: notebook, train (from a
// JSON spec or a CSV file), evaluate and predict. Bad values become one-line MLPErrors that
// name the flag or spec key; files are written atomically.
import '../platform/node.ts';
import { writeFileAtomic } from '../io/atomic-write.ts';
import { readTextFile } from '../io/read-text.ts';
import { progress } from './progress.ts';
import { loadCSV, type CSVDataset } from '../io/csv.ts';
import { loadNpy, NpyReader, npyChunks } from '../io/npy-file.ts';
import { npyHeaderBytes } from '../io/npy.ts';
import { checkFiniteRows, npySource, type NpyDataSource } from '../io/npy-source.ts';
import { csvSource, type CSVSource } from '../io/csv-source.ts';
import type { DataSource } from '../data/data-source.ts';
import { trainTestSplit } from '../data/split.ts';
import { describeValue, listNames, MLPError } from '../api/errors.ts';
import { parseJsonText } from '../io/json-text.ts';
import { modelText } from '../io/model-json.ts';
import { MLP, type FitOptions, type History } from '../api/mlp.ts';
import { notebookOutput } from './notebook.ts';
import { DOCUMENTED_CREATE_OPTIONS, DOCUMENTED_FIT_OPTIONS, type DocumentedOption } from '../api/option-docs.ts';
import type { OptionCall } from '../api/option-registry.ts';
import { NUMBER_TEXT, type Flags } from './args.ts';
import { pythonFloatRepr } from '../format/float-repr.ts';
import { checkOptions, type BackendName } from '../api/validate.ts';
import type { CliIO } from './cli-io.ts';

/** The --out path that means standard output. */
export const STDOUT = '-';
/** The shuffle buffer of `train --data FILE --stream` when --shuffle-buffer is left out (rows). */
const STREAM_SHUFFLE_BUFFER = 10000;

export interface Common {
  backend: BackendName;
  logEvery: number | undefined;
  includeOptimizer: boolean;
  io: CliIO;
}

export const notebook = (common: Common) => notebookOutput(common.backend);

/** The API options a `train` command can set: by SPEC.json key, or by --flag with --data. */
const TRAIN_OPTIONS: readonly DocumentedOption[] = [...DOCUMENTED_CREATE_OPTIONS, ...DOCUMENTED_FIT_OPTIONS];
/** Spec keys: the options of MLP.create and net.fit under their API names, plus the data. */
const SPEC_KEYS = [...TRAIN_OPTIONS.filter((o) => o.spec).map((o) => o.name), 'inputs', 'targets'];
const specKeysOf = (call: OptionCall) => TRAIN_OPTIONS.filter((o) => o.spec && o.call === call).map((o) => o.name);

/** The flags of training from files (CSV, or numpy .npy) that are no API option: the data and its hold-out. */
const CSV_ONLY_FLAGS = [
  { name: 'data', meta: 'FILE.csv', doc: 'training data' },
  { name: 'inputs', meta: 'X.npy', doc: 'training inputs as a numpy .npy file, one row per sample (with --targets, in place of --data)' },
  { name: 'targets', meta: 'Y.npy', doc: 'training targets as a .npy file: one row, or one number, per row of --inputs' },
  { name: 'target', meta: 'COLUMN', doc: 'the target column (default: the last)' },
  { name: 'features', meta: 'COL,COL,...', doc: 'the input columns, in this order (default: every other column); the model keeps them for evaluate and predict' },
  { name: 'test-fraction', meta: 'F', doc: 'hold out a seeded shuffled fraction (seed: --seed, else 0) and report the test loss and accuracy at the end' },
  {
    name: 'stream', meta: '',
    doc: `read the file in blocks on every epoch instead of all at once (memory stays bounded); --shuffle then draws rows through a buffer of --shuffle-buffer rows (default ${STREAM_SHUFFLE_BUFFER})`,
  },
];
/** CSV-only flags that take no value. */
const CSV_ONLY_SWITCHES = ['stream'];
/** The API options with a flag, in the registry's order. */
const FLAG_OPTIONS = TRAIN_OPTIONS.filter((o) => o.flag !== undefined);
export const CSV_TRAIN_FLAGS = [...CSV_ONLY_FLAGS.map((f) => f.name), ...FLAG_OPTIONS.map((o) => o.flag!.name)];
/** Flags that take no value. */
export const SWITCH_FLAGS = [...FLAG_OPTIONS.filter((o) => o.flag!.kind === 'switch').map((o) => o.flag!.name), ...CSV_ONLY_SWITCHES];
/** Switches CSV training turns on by default: `--no-NAME` turns them off. */
export const NEGATABLE_FLAGS = FLAG_OPTIONS.filter((o) => o.flag!.kind === 'switch' && o.flag!.cliDefault === true).map((o) => o.flag!.name);
/** The options CSV training chooses a value for when their flag is left out, in the registry's order. */
const CLI_DEFAULTED = FLAG_OPTIONS.filter((o) => o.flag!.cliDefault !== undefined || o.flag!.cliDefaultText !== undefined);
/** The SPEC.json key a CSV-training flag corresponds to (none for --data, --target, --features, --test-fraction). */
export const SPEC_KEY_OF_FLAG: Record<string, string> = Object.fromEntries(FLAG_OPTIONS.filter((o) => o.spec).map((o) => [o.flag!.name, o.name]));
/**
 * --flag name -> the API names it stands for, to put the flag the user typed into a message:
 * the registry's flags, and the options the CLI sets from a flag of its own.
 */
const API_NAMES_OF_FLAG: Record<string, readonly string[]> = {
  ...Object.fromEntries(FLAG_OPTIONS.map((o) => [o.flag!.name, [o.name]])),
  'test-fraction': ['testFraction'],
  'log-every': ['callbackEvery'],
};

/** The CSV-training part of `train --help`: a line (or more) per flag, from the registry. */
export function csvTrainHelp(): string {
  const rows = [
    ...CSV_ONLY_FLAGS.map((f) => ({ usage: f.meta ? `--${f.name} ${f.meta}` : `--${f.name}`, doc: f.doc })),
    ...FLAG_OPTIONS.map((o) => {
      const flag = o.flag!;
      const doc = o.doc.replace(/\.$/, '');
      if (flag.kind === 'switch') {
        const negatable = NEGATABLE_FLAGS.includes(flag.name);
        return { usage: negatable ? `--${flag.name}, --no-${flag.name}` : `--${flag.name}`, doc: negatable ? `${doc} (default on; --no-${flag.name} turns it off)` : doc };
      }
      const fallback =
        flag.cliDefaultText ?? (flag.cliDefault !== undefined ? String(flag.cliDefault) : undefined) ?? o.defaultText ??
        (typeof o.default === 'number' || typeof o.default === 'string' ? String(o.default) : '');
      const shown = fallback && fallback !== 'none' && !o.required ? ` (default ${fallback})` : '';
      return { usage: `--${flag.name}${flag.meta ? ` ${flag.meta}` : ''}`, doc: `${doc}${shown}` };
    }),
  ];
  return rows.map((r) => helpRow(r.usage, r.doc)).join('\n');
}

/** `  --flag META` in a 30-column gutter, the doc wrapped at 88 columns. */
export function helpRow(usage: string, doc: string): string {
  const gutter = 30;
  const lines: string[] = [];
  let line = `  ${usage}`.padEnd(gutter - 1);
  if (line.length >= gutter) {
    lines.push(line);
    line = ''.padEnd(gutter - 1);
  }
  for (const word of doc.split(' ')) {
    if (line.length + 1 + word.length > 88 && line.trim() !== '' && line.length > gutter) {
      lines.push(line);
      line = ''.padEnd(gutter - 1);
    }
    line += ` ${word}`;
  }
  lines.push(line);
  return lines.join('\n');
}

export async function trainSpec(specPath: string, outPath: string, common: Common): Promise<string> {
  const spec = checkOptions(readJson(specPath), specPath, SPEC_KEYS);
  for (const key of ['layers', 'inputs', 'targets']) {
    if (spec[key] === undefined) throw new MLPError('INVALID_ARGUMENT', `${specPath} must have "${key}"`);
  }
  const pick = (keys: string[]) => Object.fromEntries(keys.filter((k) => spec[k] !== undefined).map((k) => [k, spec[k]]));
  const net = await inFile(specPath, () => MLP.create({ ...pick(specKeysOf('create')), backend: common.backend } as never));
  try {
    const options = pick(specKeysOf('fit')) as FitOptions;
    const history = await inFile(specPath, () => fit(net, spec.inputs as number[][], spec.targets as number[][], options, common));
    writeModel(outPath, net, common);
    const rows = (spec.inputs as unknown[]).length;
    const trained = options.validationSplit ? Math.floor(rows * (1 - options.validationSplit)) : rows;
    const what = trained === rows ? `${rows} samples` : `${trained} of ${rows} samples (${rows - trained} held out for validation)`;
    return summary(net, what, history, common.backend, outPath);
  } finally {
    net.dispose();
  }
}

/** A flag's text as its option's value: a number, integers, a name or list of names, or true for a switch. */
function flagValue(flag: string, kind: string, raw: string | boolean): unknown {
  if (typeof raw === 'boolean') return raw;
  if (kind === 'number') {
    const n = Number(raw);
    if (!NUMBER_TEXT.test(raw.trim())) throw new MLPError('INVALID_ARGUMENT', `--${flag} must be a number; got '${raw}'`);
    if (!Number.isFinite(n)) throw new MLPError('INVALID_ARGUMENT', `--${flag} must be a finite number; got '${raw}', which is too large for a double`);
    return n;
  }
  if (kind === 'integers') {
    const list = raw.split(',').map((s) => (/^\d+$/.test(s.trim()) ? Number(s) : NaN));
    if (list.length < 2 || list.some((n) => !(n >= 1))) {
      throw new MLPError('INVALID_ARGUMENT', `--${flag} must be at least 2 positive integers separated by commas, like 64,128,10; got '${raw}'`);
    }
    return list;
  }
  return kind === 'names' && raw.includes(',') ? raw.split(',') : raw;
}

/** The options of `call` set by flags, parsed, under their API names. */
function flagOptions(flags: Flags, call: OptionCall): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const o of FLAG_OPTIONS) {
    const raw = flags[o.flag!.name];
    if (o.call === call && raw !== undefined) options[o.name] = flagValue(o.flag!.name, o.flag!.kind, raw);
  }
  return options;
}

/** The options given by flags, --layers first among them (which file training needs). */
function givenOptions(flags: Flags, needs: string): { given: Record<string, unknown>; layers: number[] } {
  if (typeof flags.layers !== 'string') throw new MLPError('INVALID_ARGUMENT', `train ${needs} needs --layers, e.g. --layers 4,8,3 (input, hidden..., output sizes)`);
  const given = { ...flagOptions(flags, 'create'), ...flagOptions(flags, 'fit') };
  return { given, layers: given.layers as number[] };
}

export async function trainCsv(flags: Flags, outPath: string, common: Common): Promise<string> {
  const dataPath = flags.data as string;
  const { given, layers } = givenOptions(flags, '--data');
  const outputs = layers[layers.length - 1];
  const features = typeof flags.features === 'string' ? flags.features.split(',').map((f) => f.trim()) : undefined;
  if (flags.stream === true) return trainCsvStreamed(flags, outPath, common, given, features);
  let data: CSVDataset;
  try {
    data = loadCSV(dataPath, { target: flags.target as string | undefined, features, targetType: outputs > 1 ? 'categorical' : 'auto' });
  } catch (error) {
    throw withFeaturesHint(error, features);
  }
  // One output and two classes: the second class is 1, the first 0 (checkWidths reports other counts).
  if (outputs === 1 && data.classes?.length === 2) data = { ...data, targets: data.targets.map((row) => [row[1]]) };
  checkWidths(layers, { features: data.features, width: data.targets[0].length, classes: data.classes, target: data.target }, dataPath);
  return trainOnRows(data, `rows of ${dataPath}`, given, layers, flags, outPath, common);
}

/**
 * `train --inputs X.npy --targets Y.npy`: the files read whole (loadNpy) and trained on as the
 * rows of a CSV with a numeric target; the model has no feature names, target or classes.
 */
export async function trainNpy(flags: Flags, outPath: string, common: Common): Promise<string> {
  const { inputs, targets } = npyPaths(flags);
  const { given, layers } = givenOptions(flags, '--inputs');
  const source = npySource(inputs, targets);
  checkNpyWidths(layers, source, inputs, targets);
  if (flags.stream === true) return trainStreamed(source, `rows of ${inputs} and ${targets} (streamed)`, given, layers, flags, outPath, common);
  // Each row a view of the file's numbers (fit reads Float64Array rows): no copy, and
  // --test-fraction and the score warnings index them as rows of a CSV.
  const x = loadNpy(inputs).data;
  checkFiniteRows(x, source.inputColumns, 0, inputs);
  const y = loadNpy(targets).data;
  checkFiniteRows(y, source.targetColumns, 0, targets);
  const data = { inputs: rowViews(x, source.rows), targets: rowViews(y, source.rows), classes: null };
  return trainOnRows(data, `rows of ${inputs} and ${targets}`, given, layers, flags, outPath, common);
}

/** --inputs and --targets, both given, and no --data, --target or --features with them. */
function npyPaths(flags: Flags): { inputs: string; targets: string } {
  const { inputs, targets } = flags;
  if (typeof inputs !== 'string') throw new MLPError('INVALID_ARGUMENT', 'train --targets Y.npy needs --inputs X.npy (the input rows)');
  if (typeof targets !== 'string') throw new MLPError('INVALID_ARGUMENT', 'train --inputs X.npy needs --targets Y.npy (the target rows)');
  if (flags.data !== undefined) throw new MLPError('INVALID_ARGUMENT', 'train: give --data FILE.csv or --inputs X.npy --targets Y.npy, not both');
  for (const csvOnly of ['target', 'features']) {
    if (flags[csvOnly] !== undefined) throw new MLPError('INVALID_ARGUMENT', `train: --${csvOnly} names a CSV column, so it works with --data FILE.csv only, not with --inputs X.npy`);
  }
  return { inputs, targets };
}

/** --layers against the .npy files' widths (from their headers, before any number is read). */
function checkNpyWidths(layers: number[], source: NpyDataSource, inputsPath: string, targetsPath: string): void {
  if (layers[0] !== source.inputColumns) {
    throw new MLPError('INVALID_ARGUMENT', `--layers starts with ${layers[0]} inputs but ${inputsPath} has ${columnsText(source.inputColumns)} per row`);
  }
  const outputs = layers[layers.length - 1];
  if (outputs !== source.targetColumns) {
    throw new MLPError('INVALID_ARGUMENT', `--layers ends with ${outputs} outputs but ${targetsPath} has ${columnsText(source.targetColumns)} per row`);
  }
}

const columnsText = (n: number) => `${n} column${n === 1 ? '' : 's'}`;

/** Row-major numbers as rows: a Float64Array view per row, typed as the rows of a CSV. */
function rowViews(data: Float64Array, rows: number): number[][] {
  const width = rows === 0 ? 0 : data.length / rows;
  return Array.from({ length: rows }, (_, r) => data.subarray(r * width, (r + 1) * width)) as unknown as number[][];
}

/** Rows to train on: a CSV's (with its columns' names) or .npy files' (numbers only). */
type TrainingRows = Pick<CSVDataset, 'inputs' | 'targets' | 'classes'> & Partial<Pick<CSVDataset, 'features' | 'target' | 'normalize'>>;

/** Training on rows read from files (CSV or .npy), with the CLI's defaults, summary and warnings. */
async function trainOnRows(data: TrainingRows, what: string, given: Record<string, unknown>, layers: number[], flags: Flags, outPath: string, common: Common): Promise<string> {
  const settings = csvSettings(given, layers, data.classes !== null);
  const { createOptions, fitOptions } = optionsOf(settings.values);
  return withFlagNames(async () => {
    // --test-fraction: a seeded shuffled hold-out (the same seed as the net's), scored at the end.
    const testFraction = flags['test-fraction'] === undefined ? undefined : (flagValue('test-fraction', 'number', flags['test-fraction']) as number);
    const seed = (createOptions.seed as number | undefined) ?? 0;
    const { train, test } = testFraction === undefined ? { train: data, test: undefined } : trainTestSplit(data, { testFraction, seed });
    const net = await MLP.create({ ...createOptions, backend: common.backend, classes: data.classes ?? undefined } as never);
    try {
      const history = fit(net, train, undefined, fitOptions, common);
      writeModel(outPath, net, common);
      const rows = train.inputs.length;
      const split = fitOptions.validationSplit;
      const trained = split ? Math.floor(rows * (1 - split)) : rows;
      const held = [
        ...(trained < rows ? [`${rows - trained} held out for validation`] : []),
        ...(test ? [`${test.inputs.length} held out for testing`] : []),
      ];
      const rowsText = held.length ? `${trained} of ${data.inputs.length} ${what} (${held.join(', ')})` : `${trained} ${what}`;
      let line = summary(net, rowsText, history, common.backend, outPath);
      const trainedRows = train.targets.slice(0, trained);
      const warnings = scoreWarnings('training', history.accuracy.at(-1) ?? null, history.loss.at(-1), trainedRows, trainedRows, settings.values.loss);
      if (test) {
        const { loss, accuracy } = net.evaluate(test);
        const scores = accuracy === null ? `test loss ${loss}` : `test loss ${loss}, test accuracy ${accuracy}`;
        line = line.replace(/; wrote /, `, ${scores}; wrote `);
        warnings.push(...scoreWarnings('test', accuracy, loss, test.targets, trainedRows, settings.values.loss));
      }
      warnings.push(...lossRoseWarning(history));
      return [line, settings.line, ...warnings].join('\n');
    } finally {
      net.dispose();
    }
  });
}

/** The settings' values as the options of MLP.create and of fit. */
function optionsOf(values: Record<string, unknown>): { createOptions: Record<string, unknown>; fitOptions: FitOptions } {
  const pick = (call: OptionCall) => Object.fromEntries(TRAIN_OPTIONS.filter((o) => o.call === call && values[o.name] !== undefined).map((o) => [o.name, values[o.name]]));
  return { createOptions: pick('create'), fitOptions: pick('fit') as FitOptions };
}

function lossRoseWarning(history: History): string[] {
  if (!(history.epochs >= 2 && history.loss[history.epochs - 1] > history.loss[0])) return [];
  return [`warning: the loss rose over training (${history.loss[0]} -> ${history.loss[history.epochs - 1]}); try a smaller --learning-rate`];
}

/**
 * `train --inputs X.npy --targets Y.npy --stream`: the files read in row blocks on every pass
 * (fitAsync on npySource), so they are never whole in memory. The same settings as in memory;
 * the scores' warnings that need every target at once are left out.
 */
async function trainStreamed(source: NpyDataSource, what: string, given: Record<string, unknown>, layers: number[], flags: Flags, outPath: string, common: Common): Promise<string> {
  if (flags['test-fraction'] !== undefined) {
    throw new MLPError('INVALID_ARGUMENT', '--test-fraction draws a shuffled hold-out from the whole file, which --stream never holds; hold out a file of its own and score it with wasm-mlp evaluate');
  }
  const settings = csvSettings(given, layers, false);
  const { createOptions, fitOptions } = optionsOf(settings.values);
  let settingsLine = settings.line;
  if (fitOptions.shuffle && fitOptions.shuffleBuffer === undefined) {
    fitOptions.shuffleBuffer = STREAM_SHUFFLE_BUFFER;
    settingsLine += ` --shuffle-buffer ${STREAM_SHUFFLE_BUFFER}`;
  }
  return withFlagNames(async () => {
    const net = await MLP.create({ ...createOptions, backend: common.backend } as never);
    try {
      const report = progress(fitOptions.epochs ?? 1, common.logEvery, common.io);
      let history: History;
      try {
        history = await net.fitAsync(source, report ? { ...fitOptions, onEpochEnd: report.onEpochEnd, callbackEvery: report.every } : fitOptions);
      } finally {
        report?.stop();
      }
      writeModel(outPath, net, common);
      return [summary(net, `${source.rows} ${what}`, history, common.backend, outPath), settingsLine, ...lossRoseWarning(history)].join('\n');
    } finally {
      net.dispose();
    }
  });
}

/**
 * `train --data FILE.csv --stream`: the file read by csvSource, a pass per epoch (and the
 * passes of normalize), never whole; the same model as without --stream when the rows are
 * not shuffled. csvSource decides the classes in a first pass over the target column.
 */
async function trainCsvStreamed(flags: Flags, outPath: string, common: Common, given: Record<string, unknown>, features: string[] | undefined): Promise<string> {
  const dataPath = flags.data as string;
  const layers = given.layers as number[];
  const outputs = layers[layers.length - 1];
  if (flags['test-fraction'] !== undefined) {
    throw new MLPError('INVALID_ARGUMENT', '--test-fraction draws a shuffled hold-out from the whole file, which --stream never holds; hold out a file of its own and score it with wasm-mlp evaluate');
  }
  const target = flags.target as string | undefined;
  let source: CSVSource;
  try {
    source = await csvSource(dataPath, { target, features, targetType: outputs > 1 ? 'categorical' : 'auto' });
    // One output and two classes: the second class is 1, the first 0, as without --stream.
    if (outputs === 1 && source.classes?.length === 2) source = await csvSource(dataPath, { target, features, classes: source.classes, targetType: 'categorical', binary: true });
  } catch (error) {
    throw withFeaturesHint(error, features);
  }
  checkWidths(layers, { features: source.features, width: source.targetWidth, classes: source.classes ?? null, target: source.target }, dataPath);
  const settings = csvSettings(given, layers, source.classes !== undefined);
  const pick = (call: OptionCall) => Object.fromEntries(TRAIN_OPTIONS.filter((o) => o.call === call && settings.values[o.name] !== undefined).map((o) => [o.name, settings.values[o.name]]));
  const createOptions = pick('create');
  const fitOptions = pick('fit') as FitOptions;
  let settingsLine = settings.line;
  if (fitOptions.shuffle && fitOptions.shuffleBuffer === undefined) {
    fitOptions.shuffleBuffer = STREAM_SHUFFLE_BUFFER;
    settingsLine += ` --shuffle-buffer ${STREAM_SHUFFLE_BUFFER}`;
  }
  let rows = 0;
  const counted: DataSource = {
    ...source,
    async *batches() {
      rows = 0;
      for await (const block of source.batches()) {
        rows += (block.inputs as Float64Array).length / source.features.length;
        yield block;
      }
    },
  };
  return withFlagNames(async () => {
    const net = await MLP.create({ ...createOptions, backend: common.backend, classes: source.classes ? [...source.classes] : undefined } as never);
    try {
      const epochs = fitOptions.epochs ?? 1;
      const report = progress(epochs, common.logEvery, common.io);
      let history: History;
      try {
        history = await net.fitAsync(counted, report ? { ...fitOptions, onEpochEnd: report.onEpochEnd, callbackEvery: report.every } : fitOptions);
      } finally {
        report?.stop();
      }
      writeModel(outPath, net, common);
      const line = summary(net, `${rows} rows of ${dataPath} (streamed)`, history, common.backend, outPath);
      const warnings = history.epochs >= 2 && history.loss[history.epochs - 1] > history.loss[0]
        ? [`warning: the loss rose over training (${history.loss[0]} -> ${history.loss[history.epochs - 1]}); try a smaller --learning-rate`]
        : [];
      return [line, settingsLine, ...warnings].join('\n');
    } finally {
      net.dispose();
    }
  });
}

/** A text column among the features: the error says how to leave it out; a bad --features list is named as the flag. */
function withFeaturesHint(error: unknown, features: string[] | undefined): unknown {
  if (features === undefined && error instanceof MLPError && / is not a number$/.test(error.message)) {
    return new MLPError(error.code, `${error.message}; choose the numeric input columns with --features`);
  }
  if (features !== undefined && error instanceof MLPError && error.message.startsWith('features must ')) {
    return new MLPError(error.code, `--${error.message}`, { cause: error });
  }
  return error;
}

/**
 * The options of a CSV training run: the flags given, else the CLI's defaults (the registry's
 * `cliDefault`), the activations and loss chosen from the target; and the line that says them,
 * the given apart from the defaults.
 */
function csvSettings(given: Record<string, unknown>, layers: number[], classification: boolean): { values: Record<string, unknown>; line: string } {
  const values: Record<string, unknown> = { ...given };
  for (const o of CLI_DEFAULTED) if (values[o.name] === undefined && o.flag!.cliDefault !== undefined) values[o.name] = o.flag!.cliDefault;
  const outputs = layers[layers.length - 1];
  if (values.activation === undefined) {
    const loss = values.loss;
    const output =
      loss === 'cross-entropy' ? 'softmax' : loss === 'binary-cross-entropy' ? 'sigmoid' : !classification ? 'linear' : outputs === 1 ? 'sigmoid' : 'softmax';
    values.activation = [...layers.slice(2).map(() => 'relu'), output];
  }
  if (values.loss === undefined) {
    const output = Array.isArray(values.activation) ? values.activation.at(-1) : values.activation;
    values.loss = output === 'softmax' ? 'cross-entropy' : output === 'sigmoid' && classification ? 'binary-cross-entropy' : 'mse';
  }
  const show = (o: DocumentedOption) => {
    const value = values[o.name];
    if (o.flag!.kind === 'switch') return value ? `--${o.flag!.name}` : `--no-${o.flag!.name}`;
    return `--${o.flag!.name} ${Array.isArray(value) ? value.join(',') : String(value)}`;
  };
  const groups = [
    ['given', CLI_DEFAULTED.filter((o) => given[o.name] !== undefined)],
    ['defaults', CLI_DEFAULTED.filter((o) => given[o.name] === undefined)],
  ] as const;
  const line = `settings: ${groups.filter(([, list]) => list.length > 0).map(([label, list]) => `${label} ${list.map(show).join(' ')}`).join('; ')}`;
  return { values, line };
}

/**
 * Warnings when a score is no better than a model that ignores its inputs: an accuracy at most
 * the rate of the most common class of `rows`, or an mse at least that of always predicting
 * the mean target of the training rows.
 */
function scoreWarnings(what: string, accuracy: number | null, loss: number | undefined, rows: number[][], trainingRows: number[][], lossName: unknown): string[] {
  if (rows.length === 0 || loss === undefined) return [];
  if (accuracy !== null) {
    const classOf = (row: number[]) => (row.length === 1 ? (row[0] >= 0.5 ? 1 : 0) : row.indexOf(Math.max(...row)));
    const counts = new Map<number, number>();
    for (const row of rows) counts.set(classOf(row), (counts.get(classOf(row)) ?? 0) + 1);
    const majority = Math.max(...counts.values()) / rows.length;
    if (accuracy > majority) return [];
    return [`warning: the ${what} accuracy ${accuracy} is no better than always predicting the most common class (${majority}); try another --learning-rate or more --epochs`];
  }
  if (lossName !== 'mse') return [];
  const width = trainingRows[0].length;
  const mean = Array.from({ length: width }, (_, k) => trainingRows.reduce((sum, row) => sum + row[k], 0) / trainingRows.length);
  const meanLoss = rows.reduce((sum, row) => sum + row.reduce((s, y, k) => s + (y - mean[k]) ** 2, 0) / width, 0) / rows.length;
  if (loss < meanLoss) return [];
  return [`warning: the ${what} loss ${loss} is no better than always predicting the mean target (${meanLoss}); try another --learning-rate or more --epochs`];
}

export async function evaluate(modelPath: string, flags: Flags, common: Common): Promise<string> {
  const net = await loadModel(modelPath, common.backend);
  try {
    const data = modelData(net, modelPath, flags, true);
    const { loss, accuracy, confusion } = net.evaluate(data.inputs, data.targets);
    if (flags.json) return JSON.stringify({ loss, accuracy, confusion });
    if (accuracy === null || confusion === null) return `loss ${pythonFloatRepr(loss)}`;
    const rows = data.inputs.length;
    const correct = confusion.reduce((n, row, k) => n + row[k], 0);
    const labels = net.classes ?? confusion.map((_, k) => String(k));
    const width = Math.max(...labels.map((l) => l.length), ...confusion.flat().map((n) => String(n).length), 4);
    const table = [
      `${'true \\ predicted'.padEnd(width)}  ${labels.map((l) => l.padStart(width)).join('  ')}`,
      ...confusion.map((row, k) => `${labels[k].padEnd(Math.max(width, 16))}  ${row.map((n) => String(n).padStart(width)).join('  ')}`),
    ];
    return [`loss ${pythonFloatRepr(loss)}`, `accuracy ${pythonFloatRepr(accuracy)} (${correct}/${rows})`, ...table].join('\n');
  } finally {
    net.dispose();
  }
}

export async function predictJson(modelPath: string, inputsPath: string, common: Common): Promise<string> {
  const net = await loadModel(modelPath, common.backend);
  try {
    const inputs = readJson(inputsPath);
    const rows = inputs !== null && typeof inputs === 'object' && !Array.isArray(inputs) ? (inputs as { inputs?: unknown }).inputs : inputs;
    if (!Array.isArray(rows)) {
      throw new MLPError('INVALID_ARGUMENT', `${inputsPath} must be an array of input rows or an object with an "inputs" array; got ${describeValue(inputs)}`);
    }
    return JSON.stringify(await inFile(inputsPath, () => net.predict(rows)));
  } finally {
    net.dispose();
  }
}

/** Predictions for a CSV's rows as CSV: the class (when the model has classes) and every output. */
export async function predictCsv(modelPath: string, flags: Flags, common: Common): Promise<string | undefined> {
  const net = await loadModel(modelPath, common.backend);
  try {
    const data = modelData(net, modelPath, flags, false);
    const outputs = net.predict(data.inputs);
    const classes = net.classes;
    // With classes, each output is a class's probability; a single sigmoid output is the second class's.
    const columnOf = (k: number) => (classes ? `p_${classes[outputs[0].length > 1 ? k : 1]}` : `output_${k}`);
    const header = [...(classes ? ['class'] : []), ...outputs[0].map((_, k) => columnOf(k))];
    const predicted = classes ? net.predictClass(data.inputs) : [];
    const lines = outputs.map((row, r) => [...(classes ? [csvCell(String(predicted[r]))] : []), ...row.map(String)].join(','));
    const text = `${[header.map(csvCell).join(','), ...lines].join('\n')}\n`;
    if (typeof flags.out === 'string') {
      writeOutput(flags.out, text, common.io);
      return undefined;
    }
    return text.slice(0, -1);
  } finally {
    net.dispose();
  }
}

/** Rows per block when predicting from a .npy file: about 8 MiB of inputs and outputs. */
const PREDICT_BLOCK_BYTES = 8 << 20;

/**
 * `predict MODEL.json --inputs X.npy --out P.npy`: X read in row blocks and each block's
 * outputs written as they come (float64 .npy, rows x outputs), so X is never whole in memory.
 */
export async function predictNpy(modelPath: string, flags: Flags, common: Common): Promise<undefined> {
  const inputsPath = flags.inputs as string;
  const outPath = flags.out as string;
  const net = await loadModel(modelPath, common.backend);
  try {
    const reader = NpyReader.open(inputsPath);
    try {
      const { rows, columns } = reader;
      const layers = net.layers;
      const outputs = layers[layers.length - 1];
      if (columns !== layers[0]) throw new MLPError('INVALID_ARGUMENT', `${modelPath} takes ${layers[0]} inputs but ${inputsPath} has ${columnsText(columns)} per row`);
      const blockRows = Math.max(1, Math.min(rows, Math.floor(PREDICT_BLOCK_BYTES / (8 * (columns + outputs)))));
      const input = new Float64Array(blockRows * columns);
      const output = new Float64Array(blockRows * outputs);
      function* blocks(): Generator<Float64Array> {
        for (let first = 0; first < rows; first += blockRows) {
          const count = Math.min(blockRows, rows - first);
          reader.readRows(first, count, input);
          const y = output.subarray(0, count * outputs);
          try {
            net.predictInto({ data: input.subarray(0, count * columns), rows: count }, y);
          } catch (error) {
            if (!(error instanceof MLPError)) throw error;
            // The block's row and column as the file's.
            const cell = /^inputs\[(\d+)\]\[(\d+)\] (.*)$/.exec(error.message);
            const message = cell ? `${inputsPath}: row ${first + Number(cell[1])}, column ${cell[2]}, ${cell[3]}` : `${inputsPath}, rows ${first} to ${first + count - 1}: ${error.message}`;
            throw new MLPError(error.code, message, { cause: error });
          }
          yield y;
        }
      }
      writeFileAtomic(outPath, npyChunks(npyHeaderBytes([rows, outputs], 'float64'), blocks(), 'float64'));
      return undefined;
    } finally {
      reader.close();
    }
  } finally {
    net.dispose();
  }
}

/** fit with the CLI's progress reporting. */
function fit(net: MLP, data: TrainingRows | number[][], targets: number[][] | undefined, options: FitOptions, common: Common): History {
  const epochs = options.epochs ?? 1;
  const report = progress(epochs, common.logEvery, common.io);
  try {
    const withProgress = report ? { ...options, onEpochEnd: report.onEpochEnd, callbackEvery: report.every } : options;
    return Array.isArray(data) ? net.fit(data, targets!, withProgress) : net.fit(data, withProgress);
  } finally {
    report?.stop();
  }
}

function summary(net: MLP, what: string, h: History, backend: string, outPath: string): string {
  const e = h.epochs - 1;
  const parts = h.epochs === 0 ? ['no epochs run'] : [`loss ${h.loss[0]} -> ${h.loss[e]}`];
  if (h.epochs > 0 && h.accuracy.length) parts.push(`accuracy ${h.accuracy[e]}`);
  if (h.epochs > 0 && h.valLoss.length) parts.push(`val loss ${h.valLoss[e]}`);
  if (h.epochs > 0 && h.valAccuracy.length) parts.push(`val accuracy ${h.valAccuracy[e]}`);
  const stopped = h.stopReason === 'completed' ? '' : ` (stopped: ${h.stopReason})`;
  const wrote = outPath === STDOUT ? 'wrote the model to standard output' : `wrote ${outPath}`;
  return `trained ${net.layers.join('-')} on ${what} for ${h.epochs} epoch${h.epochs === 1 ? '' : 's'}${stopped} (${backend}, seed ${net.seed}): ${parts.join(', ')}; ${wrote}`;
}

/** The file's columns as read: feature names, values per target row, classes, target name. */
interface Columns {
  features: readonly string[];
  width: number;
  classes: readonly string[] | null;
  target: string;
}

function checkWidths(layers: number[], data: Columns, path: string): void {
  const features = data.features.length;
  if (layers[0] !== features) {
    throw new MLPError('INVALID_ARGUMENT', `--layers starts with ${layers[0]} inputs but ${path} has ${features} feature columns (${listNames([...data.features])})`);
  }
  const outputs = layers[layers.length - 1];
  const width = data.width;
  if (outputs !== width) {
    const count = data.classes?.length ?? 0;
    const what = data.classes ? `${count} class${count === 1 ? '' : 'es'} (${data.classes.slice(0, 10).join(', ')})` : 'one numeric value';
    throw new MLPError('INVALID_ARGUMENT', `--layers ends with ${outputs} outputs but the target '${data.target}' of ${path} has ${what}`);
  }
}

/** The rows of --data FILE.csv laid out as the model was trained: its feature columns, its classes. */
function modelData(net: MLP, modelPath: string, flags: Flags, withTargets: boolean): CSVDataset {
  const dataPath = flags.data as string;
  const model = net.toJSON();
  const outputs = model.layers[model.layers.length - 1];
  const target = (flags.target as string | undefined) ?? model.target ?? undefined;
  const data = loadCSV(dataPath, {
    target: withTargets ? target : null,
    features: model.features ?? undefined,
    classes: model.classes ?? undefined,
    targetType: model.classes ? 'categorical' : 'auto',
    binary: outputs === 1,
  });
  if (data.features.length !== model.layers[0]) {
    throw new MLPError('INVALID_ARGUMENT', `${modelPath} takes ${model.layers[0]} inputs but ${dataPath} has ${data.features.length} feature columns (${listNames(data.features)})`);
  }
  if (withTargets && data.targets[0].length !== outputs) {
    throw new MLPError('INVALID_ARGUMENT', `${modelPath} has ${outputs} outputs but the target '${data.target}' of ${dataPath} gives ${data.targets[0].length} values per row`);
  }
  return data;
}

async function loadModel(path: string, backend: BackendName): Promise<MLP> {
  const json = readJson(path);
  return inFile(path, () => MLP.fromJSON(json, { backend }));
}

/** Replaces the API's option names in a message with the flags the user typed. */
async function withFlagNames<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof MLPError)) throw error;
    throw new MLPError(error.code, flagNames(error.message), { cause: error });
  }
}

/** A message about API options, naming the flags instead. */
export function flagNames(message: string): string {
  let text = message.replace('(validationSplit or validationData)', '(--validation-split)');
  for (const [flag, apis] of Object.entries(API_NAMES_OF_FLAG)) {
    for (const api of apis) {
      // camelCase names never occur as prose; one-word names only as the subject of a message.
      const where = /[A-Z]/.test(api) ? `(^|[ (])${api}(?=[ \\[:;,)]|$)` : `^()${api}(?=[ \\[])`;
      text = text.replace(new RegExp(where, 'g'), `$1--${flag}`);
    }
  }
  return text;
}

/** Prefixes a bad value's message with the file it came from. */
async function inFile<T>(path: string, run: () => T | Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof MLPError && error.code === 'INVALID_ARGUMENT') throw new MLPError(error.code, `${path}: ${error.message}`);
    throw error;
  }
}

function readJson(path: string): unknown {
  return parseJsonText(readTextFile(path), path, 'INVALID_ARGUMENT');
}

function writeModel(path: string, net: MLP, common: Common): void {
  writeOutput(path, modelText(net.toJSON({ includeOptimizer: common.includeOptimizer })), common.io);
}

/** `--out -` is standard output; any other path is written atomically. */
export function writeOutput(path: string, text: string, io: CliIO): void {
  if (path === STDOUT) io.stdout(text);
  else writeFileAtomic(path, text);
}


function csvCell(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
