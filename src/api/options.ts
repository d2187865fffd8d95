// Validates what a user hands to MLP.create, net.fit, MLP.fromJSON/load and net.toJSON/save,
// and the fields of a Dataset, into complete, typed settings: every default filled in, every
// nonsensical value or combination rejected with an MLPError that names the option, the value
// and what was expected. The options themselves are listed once, in option-registry.ts.
import { invalidArgument, MLPError } from './errors.ts';
import { type Activation, type Dtype, type Loss } from '../backends/layout.ts';
import {
  CREATE_OPTION_SPECS, FIT_OPTION_SPECS, LOAD_OPTION_SPECS, NORMALIZATIONS, SAVE_OPTION_SPECS, type Normalize, type OptionSpec, type SettingsOf,
} from './option-registry.ts';
import { checkActivations, checkClasses, checkFeatureNames, checkKnownKeys, guardedRead, oneOf, unknownOption, unreadable } from './validate.ts';
import { LOSSES } from '../backends/layout.ts';

export { INITS, NORMALIZATIONS, type EpochStats, type Init, type Normalize } from './option-registry.ts';
export { checkClasses, oneOf } from './validate.ts';

export interface Architecture {
  layers: number[];
  activations: Activation[];
  alpha: number;
  loss: Loss;
  /** The net's element type (left out: float64). */
  dtype?: Dtype;
}

type CreateOptionSettings = SettingsOf<typeof CREATE_OPTION_SPECS>;
export type CreateSettings = Architecture & Omit<CreateOptionSettings, 'layers' | 'activation' | 'alpha' | 'loss'>;
export type FitSettings = SettingsOf<typeof FIT_OPTION_SPECS>;
export type LoadSettings = SettingsOf<typeof LOAD_OPTION_SPECS>;
export type SaveSettings = SettingsOf<typeof SAVE_OPTION_SPECS>;

/** Each call's option names, in the registry's order (the order error messages list them in). */
export const CREATE_OPTIONS: readonly string[] = CREATE_OPTION_SPECS.map((s) => s.name);
export const FIT_OPTIONS: readonly string[] = FIT_OPTION_SPECS.map((s) => s.name);
const LOAD_OPTIONS: readonly string[] = LOAD_OPTION_SPECS.map((s) => s.name);
const SAVE_OPTIONS: readonly string[] = SAVE_OPTION_SPECS.map((s) => s.name);

/**
 * Made in one go: an object given more than a dozen properties one computed name at a time
 * becomes a hash table in V8, and copying fit's 21 defaults from one took ~8 us a call (0.6
 * from a fast object), most of a one-sample fit.
 */
function defaultsOf(specs: readonly OptionSpec[]): Record<string, unknown> {
  return Object.fromEntries(specs.map((spec) => [spec.name, spec.default]));
}

// Each call's result starts as one shallow copy of these (never frozen: a frozen source
// makes the copy many times slower). They are never handed out or changed.
const CREATE_DEFAULTS = defaultsOf(CREATE_OPTION_SPECS) as CreateOptionSettings;
const FIT_DEFAULTS = defaultsOf(FIT_OPTION_SPECS) as FitSettings;
const LOAD_DEFAULTS = defaultsOf(LOAD_OPTION_SPECS) as LoadSettings;
const SAVE_DEFAULTS = defaultsOf(SAVE_OPTION_SPECS) as SaveSettings;
const FIT_BY_NAME = new Map<string, OptionSpec>(FIT_OPTION_SPECS.map((s) => [s.name, s]));

/**
 * Reads an options object into `settings`, each known option read once and checked, in the
 * registry's order (a check may use the options before it); unknown names are rejected.
 * Nothing but an MLPError escapes.
 */
function readSettings(options: unknown, argument: string, specs: readonly OptionSpec[], known: readonly string[], settings: object): void {
  const into = settings as Record<string, unknown>;
  try {
    if (options === null || typeof options !== 'object' || Array.isArray(options)) throw invalidArgument(argument, options, 'an object');
    for (const key in options) if (!known.includes(key)) throw unknownOption(argument, key, known);
    for (let i = 0; i < specs.length; i++) {
      const spec = specs[i];
      const value = (options as Record<string, unknown>)[spec.name];
      if (value !== undefined || spec.required === true) into[spec.name] = spec.check(value, into);
    }
  } catch (error) {
    throw unreadable(error, argument);
  }
}

/**
 * readSettings for options whose checks stand alone (fit's): driven by the names the user
 * gave, so a call with two options costs two look-ups, not one read per known option.
 * A plain loop, no closures or arrays: fit calls this every time.
 */
function readSettingsByName(options: unknown, argument: string, byName: Map<string, OptionSpec>, known: readonly string[], settings: object): void {
  const into = settings as Record<string, unknown>;
  try {
    if (options === null || typeof options !== 'object' || Array.isArray(options)) throw invalidArgument(argument, options, 'an object');
    for (const key in options) {
      const spec = byName.get(key);
      if (spec === undefined) throw unknownOption(argument, key, known);
      const value = (options as Record<string, unknown>)[key];
      if (value !== undefined) into[key] = spec.check(value, into);
    }
  } catch (error) {
    throw unreadable(error, argument);
  }
}

export function checkCreateOptions(options: unknown): CreateSettings {
  if (options === undefined) throw invalidArgument('options', options, 'an object with at least { layers }');
  const s: CreateOptionSettings = { ...CREATE_DEFAULTS };
  readSettings(options, 'options', CREATE_OPTION_SPECS, CREATE_OPTIONS, s);
  return {
    ...checkArchitecture(s.layers, s.activation, s.alpha, s.loss, 'activation'),
    init: s.init,
    seed: s.seed,
    backend: s.backend,
    simd: s.simd,
    threads: s.threads,
    classes: s.classes,
    dtype: s.dtype,
    worker: s.worker,
  };
}

/** Activations, alpha and loss, and whether they make sense together (for a model file too). */
export function checkArchitecture(layers: number[], activation: unknown, alpha: unknown, loss: unknown, argument: string): Architecture {
  const count = layers.length - 1;
  const activations = checkActivations(activation, count, argument);
  const hiddenSoftmax = activations.findIndex((a, l) => a === 'softmax' && l < count - 1);
  if (hiddenSoftmax >= 0) {
    throw new MLPError('INVALID_ARGUMENT', `${argument} ${JSON.stringify(activations)} has softmax on hidden layer ${hiddenSoftmax + 1}; softmax is for the output layer only`);
  }
  const outputs = layers[count];
  const output = activations[count - 1];
  if (output === 'softmax' && outputs < 2) {
    throw new MLPError('INVALID_ARGUMENT', `a softmax output needs at least 2 outputs; layers ${JSON.stringify(layers)} has ${outputs} (use sigmoid for one output)`);
  }
  const lossName = oneOf(loss, 'loss', LOSSES);
  if (lossName === 'cross-entropy' && output !== 'softmax') {
    throw new MLPError('INVALID_ARGUMENT', `loss 'cross-entropy' needs a softmax output layer; the output activation is '${output}' (use 'binary-cross-entropy' with sigmoid outputs)`);
  }
  if (lossName === 'binary-cross-entropy' && output !== 'sigmoid') {
    throw new MLPError('INVALID_ARGUMENT', `loss 'binary-cross-entropy' needs a sigmoid output layer; the output activation is '${output}' (use 'cross-entropy' with softmax)`);
  }
  if (typeof alpha !== 'number' || !Number.isFinite(alpha) || alpha < 0) throw invalidArgument('alpha', alpha, 'a finite number >= 0 (the leaky-relu slope)');
  return { layers, activations, alpha, loss: lossName };
}

export function checkFitOptions(options: unknown): FitSettings {
  const s: FitSettings = { ...FIT_DEFAULTS };
  if (options !== undefined) readSettingsByName(options, 'options', FIT_BY_NAME, FIT_OPTIONS, s);
  const validations = [s.validationSplit > 0 && 'validationSplit', s.validationData !== undefined && 'validationData', s.validationSource !== undefined && 'validationSource'].filter(Boolean);
  if (validations.length > 1) {
    throw new MLPError('INVALID_ARGUMENT', `${validations.join(' and ')} were both given; use one of them`);
  }
  if (s.patience > 0 && validations.length === 0) {
    throw new MLPError('INVALID_ARGUMENT', `patience ${s.patience} needs validation data (validationSplit or validationData): early stopping watches the validation loss`);
  }
  if (s.shuffleBuffer !== undefined && !s.shuffle) {
    throw new MLPError('INVALID_ARGUMENT', `shuffleBuffer ${s.shuffleBuffer} needs shuffle: true (it is the buffer a streamed fit shuffles rows through)`);
  }
  if (s.restoreBestWeights && s.patience === 0) {
    throw new MLPError('INVALID_ARGUMENT', 'restoreBestWeights needs patience (early stopping) to say which epoch was best');
  }
  return s;
}

/** The options of MLP.fromJSON and MLP.load. */
export function checkLoadOptions(options: unknown): LoadSettings {
  const s: LoadSettings = { ...LOAD_DEFAULTS };
  if (options !== undefined) readSettings(options, 'options', LOAD_OPTION_SPECS, LOAD_OPTIONS, s);
  return s;
}

/** The options of net.toJSON and net.save; JSON.stringify calls toJSON(key) with a string, which means none. */
export function checkSaveOptions(options: unknown): SaveSettings {
  const s: SaveSettings = { ...SAVE_DEFAULTS };
  if (options !== undefined && typeof options !== 'string') readSettings(options, 'options', SAVE_OPTION_SPECS, SAVE_OPTIONS, s);
  return s;
}

/** A Dataset's fields, read once and checked against the net's sizes. */
export interface DatasetFields {
  inputs: unknown;
  targets: unknown;
  features: string[] | undefined;
  target: string | undefined;
  classes: string[] | null | undefined;
  normalize: Normalize | undefined;
}

const DATASET_FIELDS = ['inputs', 'targets', 'features', 'target', 'classes', 'normalize'];

/**
 * `value` as a Dataset (loadCSV's shape: an object with inputs and targets), every field
 * checked as strictly as MLP.create's options; undefined when it is rows, not a Dataset.
 * classes: distinct strings, one per output (two for one sigmoid output); features: distinct
 * strings, one per input; target: a string; normalize: one of NORMALIZATIONS.
 */
export function checkDataset(value: unknown, inputs: number, outputs: number, argument = 'data'): DatasetFields | undefined {
  return guardedRead(argument, () => {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || ArrayBuffer.isView(value)) return undefined;
    if (!('inputs' in value) || !('targets' in value)) return undefined;
    checkKnownKeys(value, argument, DATASET_FIELDS);
    const d = value as Record<string, unknown>;
    const [x, y, features, target, classes, normalize] = [d.inputs, d.targets, d.features, d.target, d.classes, d.normalize];
    if (target !== undefined && typeof target !== 'string') throw invalidArgument(`${argument}.target`, target, 'a string (the target column)');
    return {
      inputs: x,
      targets: y,
      features: features === undefined ? undefined : checkFeatureNames(features, inputs, `${argument}.features`),
      target,
      classes: classes === undefined || classes === null ? classes : checkClasses(classes, outputs, `${argument}.classes`),
      normalize: normalize === undefined ? undefined : oneOf(normalize, `${argument}.normalize`, NORMALIZATIONS),
    };
  });
}
