// Validates the options of MLP.create and net.fit into complete, typed settings: every
// default filled in, every nonsensical value or combination rejected with a message that
// names the option, the value and what was expected.
import { invalidArgument, MLPError } from './errors.ts';
import { ACTIVATIONS, LOSSES, OPTIMIZERS, type Activation, type Loss, type Optimizer } from '../backends/layout.ts';
import { checkBackend, checkEpochs, checkLayers, checkLearningRate, checkOptions, checkSeed, type BackendName } from './validate.ts';

export const INITS = ['uniform', 'xavier', 'he'] as const;
export type Init = (typeof INITS)[number];
export const NORMALIZATIONS = ['none', 'zscore', 'minmax'] as const;
export type Normalize = (typeof NORMALIZATIONS)[number];

export interface Architecture {
  layers: number[];
  activations: Activation[];
  alpha: number;
  loss: Loss;
}

export interface CreateSettings extends Architecture {
  init: Init;
  seed: number | undefined;
  backend: BackendName;
  simd: boolean | undefined;
  threads: number;
  classes: string[] | null;
}

const CREATE_OPTIONS = ['layers', 'activation', 'alpha', 'loss', 'init', 'seed', 'backend', 'simd', 'threads', 'classes'];

export function checkCreateOptions(options: unknown): CreateSettings {
  if (options === undefined) throw invalidArgument('options', options, 'an object with at least { layers }');
  const o = checkOptions(options, 'options', CREATE_OPTIONS);
  const layers = checkLayers(o.layers);
  const architecture = checkArchitecture(layers, o.activation ?? 'sigmoid', o.alpha ?? 0.01, o.loss ?? 'mse', 'activation');
  return {
    ...architecture,
    init: oneOf(o.init ?? 'uniform', 'init', INITS),
    seed: o.seed === undefined ? undefined : checkSeed(o.seed),
    backend: o.backend === undefined ? 'wasm' : checkBackend(o.backend),
    simd: checkSimd(o.simd),
    threads: checkThreads(o.threads, o.simd),
    classes: o.classes === undefined || o.classes === null ? null : checkClasses(o.classes, layers[layers.length - 1], 'classes'),
  };
}

/** Activations, alpha and loss, and whether they make sense together. */
export function checkArchitecture(layers: number[], activation: unknown, alpha: unknown, loss: unknown, argument: string): Architecture {
  const count = layers.length - 1;
  let activations: Activation[];
  if (Array.isArray(activation)) {
    if (activation.length !== count) throw invalidArgument(argument, activation, `one activation per weight layer (${count})`);
    activations = activation.map((a, l) => oneOf(a, `${argument}[${l}]`, ACTIVATIONS));
  } else {
    activations = new Array(count).fill(oneOf(activation, argument, ACTIVATIONS));
  }
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

export function checkClasses(value: unknown, outputs: number, argument: string): string[] {
  const count = outputs === 1 ? 2 : outputs;
  const expected = `an array of ${count} distinct strings (${outputs === 1 ? 'negative and positive class of the one output' : 'one per output'})`;
  if (!Array.isArray(value) || value.length !== count) throw invalidArgument(argument, value, expected);
  for (let i = 0; i < value.length; i++) {
    if (typeof value[i] !== 'string') throw invalidArgument(argument, value, expected);
  }
  if (new Set(value).size !== value.length) throw invalidArgument(argument, value, expected);
  return [...value];
}

export interface FitSettings {
  epochs: number;
  learningRate: number;
  batchSize: number;
  optimizer: Optimizer;
  momentum: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  weightDecay: number;
  shuffle: boolean;
  validationSplit: number;
  validationData: { inputs: unknown; targets: unknown } | undefined;
  errorThreshold: number;
  patience: number;
  restoreBestWeights: boolean;
  onEpochEnd: ((stats: EpochStats) => unknown) | undefined;
  callbackEvery: number;
  signal: AbortSignal | undefined;
  normalize: Normalize | undefined;
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

export const FIT_OPTIONS = [
  'epochs', 'learningRate', 'batchSize', 'optimizer', 'momentum', 'beta1', 'beta2', 'epsilon', 'weightDecay', 'shuffle',
  'validationSplit', 'validationData', 'errorThreshold', 'patience', 'restoreBestWeights', 'onEpochEnd', 'callbackEvery',
  'signal', 'normalize',
];

export function checkFitOptions(options: unknown): FitSettings {
  const o = checkOptions(options, 'options', FIT_OPTIONS);
  const number = (name: string, fallback: number, ok: (x: number) => boolean, expected: string) => {
    const value = o[name] ?? fallback;
    if (typeof value !== 'number' || !ok(value)) throw invalidArgument(name, value, expected);
    return value;
  };
  const integer = (name: string, fallback: number, min: number) =>
    number(name, fallback, (x) => Number.isSafeInteger(x) && x >= min && x <= 0x7fffffff, `an integer from ${min} to 2147483647`);
  const flag = (name: string) => {
    const value = o[name] ?? false;
    if (typeof value !== 'boolean') throw invalidArgument(name, value, 'true or false');
    return value;
  };
  const unit = (x: number) => Number.isFinite(x) && x >= 0 && x < 1;
  const settings: FitSettings = {
    epochs: o.epochs === undefined ? 1 : checkEpochs(o.epochs),
    learningRate: o.learningRate === undefined ? 0.1 : checkLearningRate(o.learningRate),
    batchSize: integer('batchSize', 1, 1),
    optimizer: oneOf(o.optimizer ?? 'sgd', 'optimizer', OPTIMIZERS),
    momentum: number('momentum', 0.9, (x) => Number.isFinite(x) && x >= 0, 'a finite number >= 0'),
    beta1: number('beta1', 0.9, unit, 'a number from 0 up to (not including) 1'),
    beta2: number('beta2', 0.999, unit, 'a number from 0 up to (not including) 1'),
    epsilon: number('epsilon', 1e-8, (x) => Number.isFinite(x) && x > 0, 'a finite number > 0'),
    weightDecay: number('weightDecay', 0, (x) => Number.isFinite(x) && x >= 0, 'a finite number >= 0'),
    shuffle: flag('shuffle'),
    validationSplit: number('validationSplit', 0, (x) => Number.isFinite(x) && x >= 0 && x < 1, 'a fraction from 0 up to (not including) 1'),
    validationData: undefined,
    errorThreshold: number('errorThreshold', -Infinity, (x) => !Number.isNaN(x), 'a number (training stops once an epoch loss is below it)'),
    patience: o.patience === undefined ? 0 : integer('patience', 0, 1),
    restoreBestWeights: flag('restoreBestWeights'),
    onEpochEnd: undefined,
    callbackEvery: integer('callbackEvery', 1, 1),
    signal: undefined,
    normalize: o.normalize === undefined ? undefined : oneOf(o.normalize, 'normalize', NORMALIZATIONS),
  };
  if (o.validationData !== undefined) {
    const v = o.validationData as { inputs?: unknown; targets?: unknown };
    if (v === null || typeof v !== 'object' || !('inputs' in v) || !('targets' in v)) {
      throw invalidArgument('validationData', o.validationData, 'an object { inputs, targets }');
    }
    if (settings.validationSplit > 0) {
      throw new MLPError('INVALID_ARGUMENT', 'validationSplit and validationData were both given; use one of them');
    }
    settings.validationData = { inputs: v.inputs, targets: v.targets };
  }
  if (o.onEpochEnd !== undefined) {
    if (typeof o.onEpochEnd !== 'function') throw invalidArgument('onEpochEnd', o.onEpochEnd, 'a function (stats) => boolean | void');
    settings.onEpochEnd = o.onEpochEnd as FitSettings['onEpochEnd'];
  }
  if (o.signal !== undefined) {
    const s = o.signal as AbortSignal;
    if (s === null || typeof s !== 'object' || typeof s.aborted !== 'boolean') throw invalidArgument('signal', o.signal, 'an AbortSignal');
    settings.signal = s;
  }
  if (settings.patience > 0 && settings.validationSplit === 0 && settings.validationData === undefined) {
    throw new MLPError('INVALID_ARGUMENT', `patience ${settings.patience} needs validation data (validationSplit or validationData): early stopping watches the validation loss`);
  }
  if (settings.restoreBestWeights && settings.patience === 0) {
    throw new MLPError('INVALID_ARGUMENT', 'restoreBestWeights needs patience (early stopping) to say which epoch was best');
  }
  return settings;
}

/** The `simd` option: undefined (use SIMD where the engine has it) or a boolean. */
export function checkSimd(value: unknown): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') throw invalidArgument('simd', value, 'true, false or left out (SIMD where the engine has it)');
  return value;
}

/** The `threads` option: an integer from 1 to 64 (default 1); more than one needs the SIMD kernel. */
export function checkThreads(value: unknown, simd: unknown): number {
  if (value === undefined) return 1;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 64) {
    throw invalidArgument('threads', value, 'an integer from 1 to 64');
  }
  if (value > 1 && simd === false) {
    throw new MLPError('INVALID_ARGUMENT', `threads ${value} runs the SIMD kernel, and simd is false; use one thread for the scalar kernel`);
  }
  return value;
}

export function oneOf<T extends string>(value: unknown, argument: string, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) throw invalidArgument(argument, value, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`);
  return value as T;
}
