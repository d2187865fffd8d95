// The one list of the options of MLP.create, net.fit, MLP.fromJSON/load and net.toJSON/save:
// per option its name, the call it belongs to, its TypeScript type, default, check, one-line
// doc and CLI flag. Validation (options.ts), the CLI's flags, their parsing and the options
// part of `wasm-mlp train --help` (src/cli), and the public option types with their doc
// comments (options.generated.ts, by scripts/gen-options.mjs) all derive from it.
import { invalidArgument, MLPError } from './errors.ts';
import { ACTIVATIONS, LOSSES, OPTIMIZERS, type Activation, type Loss, type Optimizer } from '../backends/layout.ts';
import {
  checkBackend, checkBoolean, checkClasses, checkEpochs, checkLayers, checkLearningRate, checkSeed, guardedRead, oneOf, type BackendName,
} from './validate.ts';

export const INITS = ['uniform', 'xavier', 'he'] as const;
export type Init = (typeof INITS)[number];
export const NORMALIZATIONS = ['none', 'zscore', 'minmax'] as const;
export type Normalize = (typeof NORMALIZATIONS)[number];

export type OptionCall = 'create' | 'fit' | 'load' | 'save';

/** How the CLI reads a flag's text: a number, comma-separated integers, a name, one name or a comma-separated list, or a switch without a value. */
export type FlagKind = 'number' | 'integers' | 'name' | 'names' | 'switch';

/**
 * An option's `wasm-mlp train --data` flag. A CSV training run uses `cliDefault` where the flag
 * is left out: first-run settings that train a useful model on a small table (the library's
 * own defaults reproduce the seed notebook instead; README's CLI section compares them).
 */
export interface CliFlag {
  readonly name: string;
  readonly kind: FlagKind;
  readonly meta?: string;
  /** The value `train --data` uses when the flag is left out, if not the API default. */
  readonly cliDefault?: unknown;
  /** How `train --help` states a default the CLI chooses from the data (the activation, the loss). */
  readonly cliDefaultText?: string;
}

export interface OptionSpec<N extends string = string, T = unknown> {
  /** The API name (and the key in a `wasm-mlp train` SPEC.json). */
  readonly name: N;
  readonly call: OptionCall;
  /** The option's TypeScript type in the public interface. */
  readonly type: string;
  /** The value when the option is left out. */
  readonly default: T;
  /** How the docs state the default, when not as the value itself; '' for none worth stating. */
  readonly defaultText?: string;
  /** Checked even when left out (the option is required). */
  readonly required?: boolean;
  /**
   * The typed value, or an MLPError naming the option, the value and what was expected.
   * `settings` holds the options before this one in the list, already checked.
   */
  readonly check: (value: unknown, settings: Record<string, unknown>) => T;
  /** One line for the doc comment and the CLI help. */
  readonly doc: string;
  /** The `wasm-mlp train --data` flag, if any. */
  readonly flag?: CliFlag;
  /** Whether a `wasm-mlp train` SPEC.json may set it (the CLI itself decides the others). */
  readonly spec: boolean;
}

function option<const N extends string, T>(spec: OptionSpec<N, T>): OptionSpec<N, T> {
  return spec;
}

const finiteAtLeastZero = (name: string, expected = 'a finite number >= 0') => (value: unknown): number => {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw invalidArgument(name, value, expected);
  return value;
};
const fraction = (name: string, expected: string) => (value: unknown): number => {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value >= 1) throw invalidArgument(name, value, expected);
  return value;
};
const integer = (name: string, min: number) => (value: unknown): number => {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > 0x7fffffff) {
    throw invalidArgument(name, value, `an integer from ${min} to 2147483647`);
  }
  return value;
};
const names = (list: readonly string[]) => list.join(', ');

/** Its activation names: one for every layer, or one per weight layer of `layers`. */
function checkActivation(value: unknown, layers: readonly number[], argument: string): Activation | Activation[] {
  if (!Array.isArray(value)) return oneOf(value, argument, ACTIVATIONS);
  const count = layers.length - 1;
  if (value.length !== count) throw invalidArgument(argument, value, `one activation per weight layer (${count})`);
  const activations: Activation[] = [];
  for (let l = 0; l < count; l++) activations.push(oneOf(value[l], `${argument}[${l}]`, ACTIVATIONS));
  return activations;
}

function checkSimd(value: unknown): boolean | undefined {
  if (typeof value !== 'boolean') throw invalidArgument('simd', value, 'true, false or left out (SIMD where the engine has it)');
  return value;
}

function checkThreads(value: unknown, simd: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 64) throw invalidArgument('threads', value, 'an integer from 1 to 64');
  if (value > 1 && simd === false) {
    throw new MLPError('INVALID_ARGUMENT', `threads ${value} runs the SIMD kernel, and simd is false; use one thread for the scalar kernel`);
  }
  return value;
}

const LAYERS = option({
  name: 'layers', call: 'create', type: 'readonly number[]', default: [] as number[], defaultText: '', required: true, spec: true,
  check: (value) => checkLayers(value),
  doc: 'Sizes of every layer, input and output included (e.g. 2,2,1).',
  flag: { name: 'layers', kind: 'integers', meta: 'N,N,...' },
});
const SEED = option({
  name: 'seed', call: 'create', type: 'number', default: undefined as number | undefined, defaultText: 'random', spec: true,
  check: (value) => checkSeed(value),
  doc: 'Seed of the numpy-compatible random stream (np.random.seed).',
  flag: { name: 'seed', kind: 'number', meta: 'N', cliDefault: 0 },
});
const BACKEND = option({
  name: 'backend', call: 'create', type: 'BackendName', default: 'wasm' as BackendName, spec: false,
  check: (value) => checkBackend(value),
  doc: "'wasm' or 'js': the same results, bit for bit.",
});
const SIMD = option({
  name: 'simd', call: 'create', type: 'boolean', default: undefined as boolean | undefined, defaultText: 'SIMD where the engine has it', spec: false,
  check: checkSimd,
  doc: 'wasm: false forces the scalar kernel (the same bits).',
});
const THREADS = option({
  name: 'threads', call: 'create', type: 'number', default: 1, spec: false,
  check: (value, s) => checkThreads(value, s.simd),
  doc: 'wasm: threads sharing each mini-batch\'s products (the same bits for any count); pays off for batches of wide layers.',
});

export const CREATE_OPTION_SPECS = [
  LAYERS,
  option({
    name: 'activation', call: 'create', type: 'Activation | readonly Activation[]', default: 'sigmoid' as Activation | Activation[], spec: true,
    check: (value, s) => checkActivation(value, s.layers as number[], 'activation'),
    doc: `One activation for every layer, or one per weight layer: ${names(ACTIVATIONS)} (softmax on the output layer only).`,
    flag: {
      name: 'activation', kind: 'names', meta: 'A[,A...]',
      cliDefaultText: 'relu on the hidden layers; on the output softmax for a categorical target, sigmoid for one output of two classes, linear for a numeric target',
    },
  }),
  option({
    name: 'alpha', call: 'create', type: 'number', default: 0.01, spec: true,
    check: finiteAtLeastZero('alpha', 'a finite number >= 0 (the leaky-relu slope)'),
    doc: 'The leaky-relu slope.',
    flag: { name: 'alpha', kind: 'number', meta: 'X' },
  }),
  option({
    name: 'loss', call: 'create', type: 'Loss', default: 'mse' as Loss, spec: true,
    check: (value) => oneOf(value, 'loss', LOSSES),
    doc: `${names(LOSSES)} (cross-entropy needs a softmax output, binary-cross-entropy sigmoid outputs).`,
    flag: { name: 'loss', kind: 'name', meta: 'L', cliDefaultText: 'cross-entropy after softmax, binary-cross-entropy after sigmoid with two classes, else mse' },
  }),
  option({
    name: 'init', call: 'create', type: 'Init', default: 'uniform' as Init, spec: true,
    check: (value) => oneOf(value, 'init', INITS),
    doc: `Weight initialisation: ${names(INITS)} (uniform is the notebook's rand).`,
    flag: { name: 'init', kind: 'name', meta: 'I', cliDefault: 'xavier' },
  }),
  SEED,
  BACKEND,
  SIMD,
  THREADS,
  option({
    name: 'classes', call: 'create', type: 'readonly string[] | null', default: null as string[] | null, defaultText: 'none', spec: true,
    check: (value, s) => (value === null ? null : checkClasses(value, (s.layers as number[]).at(-1)!, 'classes')),
    doc: 'Class labels, one per output (two for a single sigmoid output), for predictClass.',
  }),
] as const;

/** What validationData holds once checked: its two matrices, read once, checked by fit. */
export interface ValidationPair {
  inputs: unknown;
  targets: unknown;
}

export interface EpochStats {
  /** 1-based epoch of this fit call. */
  epoch: number;
  /** Epochs this call runs at most. */
  epochs: number;
  loss: number;
  valLoss?: number;
  accuracy?: number;
  valAccuracy?: number;
  /** Training samples per second over the epochs since the last callback. */
  samplesPerSecond: number;
  /** Milliseconds since fit began. */
  elapsed: number;
}

/** Returning false stops; a promise (fitAsync only) is awaited before the next epoch. */
export type EpochCallback = (stats: EpochStats) => boolean | void | PromiseLike<boolean | void>;

function checkValidationData(value: unknown): ValidationPair {
  return guardedRead('validationData', () => {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !('inputs' in value) || !('targets' in value)) {
      throw invalidArgument('validationData', value, 'an object { inputs, targets }');
    }
    const pair = value as ValidationPair;
    return { inputs: pair.inputs, targets: pair.targets };
  });
}

function checkSignal(value: unknown): AbortSignal {
  return guardedRead('signal', () => {
    if (value === null || typeof value !== 'object' || typeof (value as AbortSignal).aborted !== 'boolean') throw invalidArgument('signal', value, 'an AbortSignal');
    return value as AbortSignal;
  });
}

export const FIT_OPTION_SPECS = [
  option({
    name: 'epochs', call: 'fit', type: 'number', default: 1, spec: true,
    check: (value) => checkEpochs(value),
    doc: 'Passes over the training rows this call runs at most.',
    flag: { name: 'epochs', kind: 'number', meta: 'N', cliDefault: 100 },
  }),
  option({
    name: 'learningRate', call: 'fit', type: 'number', default: 0.1, spec: true,
    check: (value) => checkLearningRate(value),
    doc: 'The step size lr of every update.',
    flag: { name: 'learning-rate', kind: 'number', meta: 'X', cliDefault: 0.01 },
  }),
  option({
    name: 'batchSize', call: 'fit', type: 'number', default: 1, spec: true,
    check: integer('batchSize', 1),
    doc: 'Samples per update (the mean gradient of each mini-batch).',
    flag: { name: 'batch-size', kind: 'number', meta: 'N', cliDefault: 32 },
  }),
  option({
    name: 'optimizer', call: 'fit', type: 'Optimizer', default: 'sgd' as Optimizer, spec: true,
    check: (value) => oneOf(value, 'optimizer', OPTIMIZERS),
    doc: `The update rule: ${names(OPTIMIZERS)}.`,
    flag: { name: 'optimizer', kind: 'name', meta: 'O', cliDefault: 'adam' },
  }),
  option({
    name: 'momentum', call: 'fit', type: 'number', default: 0.9, spec: true,
    check: finiteAtLeastZero('momentum'),
    doc: "The momentum optimizer's mu.",
    flag: { name: 'momentum', kind: 'number', meta: 'X' },
  }),
  option({
    name: 'beta1', call: 'fit', type: 'number', default: 0.9, spec: true,
    check: fraction('beta1', 'a number from 0 up to (not including) 1'),
    doc: "adam's decay of the gradient's mean.",
    flag: { name: 'beta1', kind: 'number', meta: 'X' },
  }),
  option({
    name: 'beta2', call: 'fit', type: 'number', default: 0.999, spec: true,
    check: fraction('beta2', 'a number from 0 up to (not including) 1'),
    doc: "adam's decay of the gradient's squares.",
    flag: { name: 'beta2', kind: 'number', meta: 'X' },
  }),
  option({
    name: 'epsilon', call: 'fit', type: 'number', default: 1e-8, spec: true,
    check: (value: unknown): number => {
      if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw invalidArgument('epsilon', value, 'a finite number > 0');
      return value;
    },
    doc: "adam's epsilon.",
    flag: { name: 'epsilon', kind: 'number', meta: 'X' },
  }),
  option({
    name: 'weightDecay', call: 'fit', type: 'number', default: 0, spec: true,
    check: finiteAtLeastZero('weightDecay'),
    doc: 'L2 weight decay added to every gradient.',
    flag: { name: 'weight-decay', kind: 'number', meta: 'X' },
  }),
  option({
    name: 'shuffle', call: 'fit', type: 'boolean', default: false, spec: true,
    check: (value) => checkBoolean(value, 'shuffle'),
    doc: 'A fresh permutation of the rows every epoch.',
    flag: { name: 'shuffle', kind: 'switch', cliDefault: true },
  }),
  option({
    name: 'validationSplit', call: 'fit', type: 'number', default: 0, spec: true,
    check: fraction('validationSplit', 'a fraction from 0 up to (not including) 1'),
    doc: "Hold out the last fraction of the rows for validation (Keras's way).",
    flag: { name: 'validation-split', kind: 'number', meta: 'F' },
  }),
  option({
    name: 'validationData', call: 'fit', type: '{ inputs: Matrix; targets: Matrix }', default: undefined as ValidationPair | undefined, defaultText: 'none', spec: true,
    check: checkValidationData,
    doc: 'Rows scored after every epoch (instead of validationSplit).',
  }),
  option({
    name: 'errorThreshold', call: 'fit', type: 'number', default: -Infinity, defaultText: 'none', spec: true,
    check: (value: unknown): number => {
      if (typeof value !== 'number' || Number.isNaN(value)) throw invalidArgument('errorThreshold', value, 'a number (training stops once an epoch loss is below it)');
      return value;
    },
    doc: "Stop once an epoch's loss is below it.",
    flag: { name: 'error-threshold', kind: 'number', meta: 'X' },
  }),
  option({
    name: 'patience', call: 'fit', type: 'number', default: 0, defaultText: 'none', spec: true,
    check: integer('patience', 1),
    doc: 'Early stopping: epochs without a better validation loss before training stops.',
    flag: { name: 'patience', kind: 'number', meta: 'N' },
  }),
  option({
    name: 'restoreBestWeights', call: 'fit', type: 'boolean', default: false, spec: true,
    check: (value) => checkBoolean(value, 'restoreBestWeights'),
    doc: 'With patience: end with the parameters of the best validation loss.',
    flag: { name: 'restore-best-weights', kind: 'switch' },
  }),
  option({
    name: 'onEpochEnd', call: 'fit', type: '(stats: EpochStats) => boolean | void | PromiseLike<boolean | void>', default: undefined as EpochCallback | undefined, defaultText: 'none', spec: false,
    check: (value: unknown): EpochCallback => {
      if (typeof value !== 'function') throw invalidArgument('onEpochEnd', value, 'a function (stats) => boolean | void');
      return value as EpochCallback;
    },
    doc: 'Called every callbackEvery epochs and after the last; returning false stops training (fitAsync awaits a returned promise).',
  }),
  option({
    name: 'callbackEvery', call: 'fit', type: 'number', default: 1, spec: false,
    check: integer('callbackEvery', 1),
    doc: 'Epochs between onEpochEnd calls.',
  }),
  option({
    name: 'signal', call: 'fit', type: 'AbortSignal', default: undefined as AbortSignal | undefined, defaultText: 'none', spec: false,
    check: checkSignal,
    doc: 'Stops training between epochs once aborted (fitAsync, or from onEpochEnd).',
  }),
  option({
    name: 'normalize', call: 'fit', type: 'Normalize', default: undefined as Normalize | undefined, defaultText: "the dataset's, else the net's current", spec: true,
    check: (value) => oneOf(value, 'normalize', NORMALIZATIONS),
    doc: `Input normalisation fitted on the training rows: ${names(NORMALIZATIONS)}.`,
    flag: { name: 'normalize', kind: 'name', meta: 'N', cliDefault: 'zscore' },
  }),
] as const;

export const LOAD_OPTION_SPECS = [
  { ...BACKEND, call: 'load' },
  { ...SIMD, call: 'load' },
  { ...THREADS, call: 'load' },
  {
    ...SEED, call: 'load', defaultText: 'random; a saved stream wins', doc: 'Seeds the shuffling stream of a model saved without its training state.',
    flag: undefined, spec: false,
  },
] as const satisfies readonly OptionSpec[];

export const SAVE_OPTION_SPECS = [
  option({
    name: 'includeOptimizer', call: 'save', type: 'boolean', default: false, spec: false,
    check: (value) => checkBoolean(value, 'includeOptimizer'),
    doc: 'Save the optimizer state and the random stream too, so training resumes exactly.',
  }),
] as const;

export const OPTION_SPECS: readonly OptionSpec[] = [...CREATE_OPTION_SPECS, ...FIT_OPTION_SPECS, ...LOAD_OPTION_SPECS, ...SAVE_OPTION_SPECS];

/** The public interface each call's options are declared as, in options.generated.ts. */
export const OPTION_INTERFACES: readonly { readonly call: OptionCall; readonly name: string; readonly doc: string }[] = [
  { call: 'create', name: 'CreateOptions', doc: 'The options of MLP.create.' },
  { call: 'fit', name: 'FitOptions', doc: 'The options of net.fit and net.fitAsync (docs/training.md defines each).' },
  { call: 'load', name: 'LoadOptions', doc: 'The options of MLP.fromJSON and MLP.load.' },
  { call: 'save', name: 'SaveOptions', doc: 'The options of net.toJSON and net.save.' },
];

/** The types the option types name, by the module that exports them (relative to src/api/). */
export const OPTION_TYPE_IMPORTS: Readonly<Record<string, readonly string[]>> = {
  '../backends/layout.ts': ['Activation', 'Loss', 'Optimizer'],
  './option-registry.ts': ['EpochStats', 'Init', 'Normalize'],
  './validate.ts': ['BackendName'],
  './rows.ts': ['Matrix'],
};

/** The checked, complete settings of one call: every option by its name, typed as its check returns it. */
export type SettingsOf<L extends readonly OptionSpec[]> = { -readonly [S in L[number] as S['name']]: S['default'] };
