// The options of MLP.create, net.fit, MLP.fromJSON/load and net.toJSON/save, one list per
// call: per option its name, its default and its check. Validation
// (options.ts) derives from it; option-docs.ts adds each option's words (type, doc, CLI flag),
// from which the CLI's flags and help and the public option types come, so the library (and
// its browser bundle) carries none of that text.
import { invalidArgument, MLPError } from './errors.ts';
import { NORMALIZATIONS, type Normalize } from '../data/normalize.ts';
import { isDataSource, type DataSource } from '../data/data-source.ts';
import { DTYPES, LOSSES, MAX_THREADS, OPTIMIZERS, type Activation, type Dtype, type Loss, type Optimizer } from '../backends/layout.ts';
import {
  checkActivations, checkBackend, checkBoolean, checkClasses, checkEpochs, checkLayers, checkLearningRate, checkSeed, guardedRead, oneOf, type BackendName,
} from './validate.ts';

export const INITS = ['uniform', 'xavier', 'he'] as const;
export type Init = (typeof INITS)[number];
export { NORMALIZATIONS, type Normalize } from '../data/normalize.ts';

export type OptionCall = 'create' | 'fit' | 'load' | 'save';

export interface OptionSpec<N extends string = string, T = unknown> {
  /** The API name (and the key in a `wasm-mlp train` SPEC.json). */
  readonly name: N;
  /** The value when the option is left out. */
  readonly default: T;
  /** Checked even when left out (the option is required). */
  readonly required?: boolean;
  /**
   * The typed value, or an MLPError naming the option, the value and what was expected.
   * `settings` holds the options before this one in the list, already checked.
   */
  readonly check: (value: unknown, settings: Record<string, unknown>) => T;
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

function checkSimd(value: unknown): boolean | undefined {
  if (typeof value !== 'boolean') throw invalidArgument('simd', value, 'true, false or left out (SIMD where the engine has it)');
  return value;
}

function checkThreads(value: unknown, simd: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_THREADS) throw invalidArgument('threads', value, `an integer from 1 to ${MAX_THREADS}`);
  if (value > 1 && simd === false) {
    throw new MLPError('INVALID_ARGUMENT', `threads ${value} runs the SIMD kernel, and simd is false; use one thread for the scalar kernel`);
  }
  return value;
}

const LAYERS = option({
  name: 'layers', default: [] as number[], required: true,
  check: (value) => checkLayers(value),
});
const SEED = option({
  name: 'seed', default: undefined as number | undefined,
  check: (value) => checkSeed(value),
});
const BACKEND = option({
  name: 'backend', default: 'wasm' as BackendName,
  check: (value) => checkBackend(value),
});
const SIMD = option({
  name: 'simd', default: undefined as boolean | undefined,
  check: checkSimd,
});
const THREADS = option({
  name: 'threads', default: 1,
  check: (value, s) => checkThreads(value, s.simd),
});
const WORKER = option({
  name: 'worker', default: false,
  check: (value) => checkBoolean(value, 'worker'),
});

export const CREATE_OPTION_SPECS = [
  LAYERS,
  option({
    name: 'activation', default: 'sigmoid' as Activation | Activation[],
    check: (value, s) => {
      // The user's form is kept: one name, or the array of names.
      const names = checkActivations(value, (s.layers as number[]).length - 1, 'activation');
      return typeof value === 'string' ? names[0] : names;
    },
  }),
  option({
    name: 'alpha', default: 0.01,
    check: finiteAtLeastZero('alpha', 'a finite number >= 0 (the leaky-relu slope)'),
  }),
  option({
    name: 'loss', default: 'mse' as Loss,
    check: (value) => oneOf(value, 'loss', LOSSES),
  }),
  option({
    name: 'init', default: 'uniform' as Init,
    check: (value) => oneOf(value, 'init', INITS),
  }),
  SEED,
  BACKEND,
  SIMD,
  THREADS,
  option({
    name: 'classes', default: null as string[] | null,
    check: (value, s) => (value === null ? null : checkClasses(value, (s.layers as number[]).at(-1)!, 'classes')),
  }),
  option({
    name: 'dtype', default: 'float64' as Dtype,
    check: (value) => oneOf(value, 'dtype', DTYPES),
  }),
  WORKER,
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

function checkValidationSource(value: unknown): DataSource {
  if (!guardedRead('validationSource', () => isDataSource(value))) throw invalidArgument('validationSource', value, 'a DataSource (an object with a batches() method)');
  return value as DataSource;
}

function checkSignal(value: unknown): AbortSignal {
  return guardedRead('signal', () => {
    if (value === null || typeof value !== 'object' || typeof (value as AbortSignal).aborted !== 'boolean') throw invalidArgument('signal', value, 'an AbortSignal');
    return value as AbortSignal;
  });
}

export const FIT_OPTION_SPECS = [
  option({
    name: 'epochs', default: 1,
    check: (value) => checkEpochs(value),
  }),
  option({
    name: 'learningRate', default: 0.1,
    check: (value) => checkLearningRate(value),
  }),
  option({
    name: 'batchSize', default: 1,
    check: integer('batchSize', 1),
  }),
  option({
    name: 'optimizer', default: 'sgd' as Optimizer,
    check: (value) => oneOf(value, 'optimizer', OPTIMIZERS),
  }),
  option({
    name: 'momentum', default: 0.9,
    check: finiteAtLeastZero('momentum'),
  }),
  option({
    name: 'beta1', default: 0.9,
    check: fraction('beta1', 'a number from 0 up to (not including) 1'),
  }),
  option({
    name: 'beta2', default: 0.999,
    check: fraction('beta2', 'a number from 0 up to (not including) 1'),
  }),
  option({
    name: 'epsilon', default: 1e-8,
    check: (value: unknown): number => {
      if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw invalidArgument('epsilon', value, 'a finite number > 0');
      return value;
    },
  }),
  option({
    name: 'weightDecay', default: 0,
    check: finiteAtLeastZero('weightDecay'),
  }),
  option({
    name: 'shuffle', default: false,
    check: (value) => checkBoolean(value, 'shuffle'),
  }),
  option({
    name: 'shuffleBuffer', default: undefined as number | undefined,
    check: integer('shuffleBuffer', 1),
  }),
  option({
    name: 'validationSplit', default: 0,
    check: fraction('validationSplit', 'a fraction from 0 up to (not including) 1'),
  }),
  option({
    name: 'validationData', default: undefined as ValidationPair | undefined,
    check: checkValidationData,
  }),
  option({
    name: 'validationSource', default: undefined as DataSource | undefined,
    check: checkValidationSource,
  }),
  option({
    name: 'errorThreshold', default: -Infinity,
    check: (value: unknown): number => {
      if (typeof value !== 'number' || Number.isNaN(value)) throw invalidArgument('errorThreshold', value, 'a number (training stops once an epoch loss is below it)');
      return value;
    },
  }),
  option({
    name: 'patience', default: 0,
    check: integer('patience', 1),
  }),
  option({
    name: 'restoreBestWeights', default: false,
    check: (value) => checkBoolean(value, 'restoreBestWeights'),
  }),
  option({
    name: 'onEpochEnd', default: undefined as EpochCallback | undefined,
    check: (value: unknown): EpochCallback => {
      if (typeof value !== 'function') throw invalidArgument('onEpochEnd', value, 'a function (stats) => boolean | void');
      return value as EpochCallback;
    },
  }),
  option({
    name: 'callbackEvery', default: 1,
    check: integer('callbackEvery', 1),
  }),
  option({
    name: 'signal', default: undefined as AbortSignal | undefined,
    check: checkSignal,
  }),
  option({
    name: 'normalize', default: undefined as Normalize | undefined,
    check: (value) => oneOf(value, 'normalize', NORMALIZATIONS),
  }),
] as const;

export const LOAD_OPTION_SPECS = [BACKEND, SIMD, THREADS, SEED, WORKER] as const;

export const SAVE_OPTION_SPECS = [
  option({
    name: 'includeOptimizer', default: false,
    check: (value) => checkBoolean(value, 'includeOptimizer'),
  }),
] as const;

/** The checked, complete settings of one call: every option by its name, typed as its check returns it. */
export type SettingsOf<L extends readonly OptionSpec[]> = { -readonly [S in L[number] as S['name']]: S['default'] };
