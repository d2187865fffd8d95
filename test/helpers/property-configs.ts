// The random training configurations of the bitwise property tests (fast-check arbitraries):
// plain nets of random depth, widths, data, seed, learning rate and epochs, and random
// combinations of every training option. test/property.test.ts checks the backends against
// each other on them; test/bun.test.ts replays a sample of them in another engine.
import fc from 'fast-check';
import type { FitOptions } from '../../src/index.ts';

export interface Config {
  layers: number[];
  seed: number;
  learningRate: number;
  epochs: number;
  /** Epochs of further training after the JSON round trip. */
  moreEpochs: number;
  inputs: number[][];
  targets: number[][];
}

// Inputs in a realistic range: mostly full-precision values in [-3, 3], plus exact integers,
// zeros of both signs and fast-check's edge-seeking doubles (tiny, subnormal, +-3).
export const inputValue = fc.oneof(
  { arbitrary: fc.integer({ min: -0x7fffffff, max: 0x7fffffff }).map((n) => (n / 0x7fffffff) * 3), weight: 6 },
  { arbitrary: fc.integer({ min: -3, max: 3 }), weight: 2 },
  { arbitrary: fc.constantFrom(0, -0), weight: 1 },
  { arbitrary: fc.double({ min: -3, max: 3, noNaN: true }), weight: 1 },
);
const targetValue = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 0xffffffff }).map((n) => n / 0xffffffff), weight: 6 },
  { arbitrary: fc.constantFrom(0, 1), weight: 2 },
  { arbitrary: fc.double({ min: 0, max: 1, noNaN: true }), weight: 1 },
);
// Log-uniform in [1e-3, 2].
const learningRate = fc
  .integer({ min: 0, max: 1_000_000_000 })
  .map((n) => Math.min(2, 1e-3 * Math.exp((n / 1_000_000_000) * Math.log(2000))));

const matrix = (rows: number, columns: number, cell: fc.Arbitrary<number>) =>
  fc.array(fc.array(cell, { minLength: columns, maxLength: columns }), { minLength: rows, maxLength: rows });

// Far outside the realistic range: pre-activations past exp's overflow and underflow
// thresholds, saturated sigmoids (outputs of exactly 0 and 1) and vanishing deltas.
export const extremeInputValue = fc.oneof(
  { arbitrary: fc.integer({ min: -0x7fffffff, max: 0x7fffffff }).map((n) => (n / 0x7fffffff) * 2000), weight: 4 },
  { arbitrary: fc.constantFrom(0, 750, -750, 1e4, -1e4), weight: 1 },
  { arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }), weight: 1 },
);

export const configOf = (cell: fc.Arbitrary<number>): fc.Arbitrary<Config> => fc
  .record({
    // 1 to 5 weight layers, each size (input and output included) from 1 to 48.
    layers: fc.array(fc.integer({ min: 1, max: 48 }), { minLength: 2, maxLength: 6 }),
    samples: fc.integer({ min: 1, max: 64 }),
    seed: fc.integer({ min: 0, max: 0xffffffff }),
    learningRate,
    epochs: fc.integer({ min: 1, max: 50 }),
    moreEpochs: fc.integer({ min: 1, max: 10 }),
  })
  .chain(({ samples, ...rest }) =>
    fc
      .record({
        inputs: matrix(samples, rest.layers[0], cell),
        targets: matrix(samples, rest.layers[rest.layers.length - 1], targetValue),
      })
      .map((data) => ({ ...rest, ...data })),
  );

type Act = 'sigmoid' | 'tanh' | 'relu' | 'leaky-relu' | 'linear' | 'softmax';
type LossName = 'mse' | 'cross-entropy' | 'binary-cross-entropy';
const HIDDEN_ACTIVATIONS: Act[] = ['sigmoid', 'tanh', 'relu', 'leaky-relu', 'linear'];

export interface OptionConfig {
  layers: number[];
  seed: number;
  /** One name for every layer, or one per weight layer. */
  activation: Act | Act[];
  alpha?: number;
  loss?: LossName;
  init?: 'uniform' | 'xavier' | 'he';
  classes?: string[];
  /** fit's options, the callback left out (see stopAt). */
  fit: Omit<FitOptions, 'onEpochEnd' | 'signal'>;
  /** When set, an onEpochEnd (every fit.callbackEvery epochs) that returns false from this epoch on. */
  stopAt?: number;
  inputs: number[][];
  targets: number[][];
  /** Epochs of a second fit with the same options. */
  moreEpochs: number;
  /** Which backend's net trains with fitAsync instead of fit (it must not matter). */
  fitAsync: 'none' | 'wasm' | 'js';
}

/** Log-uniform in [min, max], full-precision doubles. */
const logUniform = (min: number, max: number) =>
  fc.integer({ min: 0, max: 1_000_000_000 }).map((n) => Math.min(max, min * Math.exp((n / 1_000_000_000) * Math.log(max / min))));
/** Uniform in [min, max), full-precision doubles. */
const uniform = (min: number, max: number) =>
  fc.integer({ min: 0, max: 0x7fffffff }).map((n) => min + (n / 0x80000000) * (max - min));
/** The value (weight `some`) or undefined, the option left out (weight `none`). */
const maybe = <T>(arbitrary: fc.Arbitrary<T>, some = 1, none = 1) =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: none }, { arbitrary, weight: some });

const unitValue = fc.oneof(
  { arbitrary: uniform(0, 1), weight: 6 },
  { arbitrary: fc.constantFrom(0, 1), weight: 2 },
  { arbitrary: fc.double({ min: 0, max: 1, noNaN: true }), weight: 1 },
);
const regressionValue = fc.oneof(
  { arbitrary: uniform(-3, 3), weight: 6 },
  { arbitrary: fc.integer({ min: -3, max: 3 }), weight: 2 },
);

/** Target rows that suit the output activation and loss. */
function targetRows(rows: number, outputs: number, output: Act, binary: boolean): fc.Arbitrary<number[][]> {
  if (output === 'softmax') {
    // One-hot rows.
    return fc.array(fc.integer({ min: 0, max: outputs - 1 }), { minLength: rows, maxLength: rows })
      .map((ks) => ks.map((k) => Array.from({ length: outputs }, (_, j) => (j === k ? 1 : 0))));
  }
  if (output === 'sigmoid') return matrix(rows, outputs, binary ? fc.constantFrom(0, 1) : unitValue);
  if (output === 'tanh') return matrix(rows, outputs, uniform(-1, 1));
  return matrix(rows, outputs, regressionValue);
}

export const optionConfig: fc.Arbitrary<OptionConfig> = fc
  .record({
    inputSize: fc.integer({ min: 1, max: 6 }),
    hidden: fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 0, maxLength: 2 }),
    outputSize: fc.integer({ min: 1, max: 5 }),
    samples: fc.integer({ min: 1, max: 32 }),
    seed: fc.integer({ min: 0, max: 0xffffffff }),
  })
  .chain(({ inputSize, hidden, outputSize, samples, seed }) => {
    const layers = [inputSize, ...hidden, outputSize];
    const outputChoices: Act[] = outputSize >= 2 ? [...HIDDEN_ACTIVATIONS, 'softmax', 'softmax', 'sigmoid'] : [...HIDDEN_ACTIVATIONS, 'sigmoid'];
    return fc.record({
      layers: fc.constant(layers),
      samples: fc.constant(samples),
      seed: fc.constant(seed),
      hiddenActivations: fc.array(fc.constantFrom(...HIDDEN_ACTIVATIONS), { minLength: hidden.length, maxLength: hidden.length }),
      outputActivation: fc.constantFrom(...outputChoices),
      oneName: fc.boolean(),
      crossEntropy: fc.boolean(),
      binaryTargets: fc.boolean(),
      alpha: maybe(fc.oneof(uniform(0, 1), fc.constantFrom(0, 0.01, 0.3)), 2),
      init: maybe(fc.constantFrom('uniform' as const, 'xavier' as const, 'he' as const), 3),
      withClasses: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
      optimizer: maybe(fc.constantFrom('sgd' as const, 'momentum' as const, 'adam' as const), 3),
      momentum: maybe(uniform(0, 0.99), 2),
      beta1: maybe(uniform(0, 0.99), 2),
      beta2: maybe(uniform(0, 0.9999), 2),
      epsilon: maybe(logUniform(1e-12, 1e-2), 2),
      learningRate: fc.oneof(
        { arbitrary: logUniform(1e-4, 3), weight: 14 },
        // Far too large: training diverges (or not), identically on both backends.
        { arbitrary: logUniform(1e3, 1e8), weight: 1 },
      ),
      weightDecay: fc.oneof({ arbitrary: fc.constant(undefined), weight: 2 }, { arbitrary: fc.constant(0), weight: 1 }, { arbitrary: logUniform(1e-6, 0.5), weight: 2 }),
      batchSize: maybe(fc.integer({ min: 1, max: samples + 3 }), 3),
      shuffle: maybe(fc.boolean(), 2),
      validation: fc.constantFrom('none', 'none', 'split', 'data'),
      validationSplit: uniform(0.05, 0.7),
      validationRows: fc.integer({ min: 1, max: 8 }),
      normalize: maybe(fc.constantFrom('none' as const, 'zscore' as const, 'minmax' as const), 3),
      errorThreshold: maybe(logUniform(1e-3, 1), 1, 2),
      patience: maybe(fc.integer({ min: 1, max: 4 }), 1),
      restoreBestWeights: fc.boolean(),
      epochs: fc.oneof({ arbitrary: fc.integer({ min: 1, max: 30 }), weight: 12 }, { arbitrary: fc.constant(0), weight: 1 }),
      stopAt: maybe(fc.integer({ min: 1, max: 30 }), 1, 3),
      callbackEvery: maybe(fc.integer({ min: 1, max: 4 }), 2),
      moreEpochs: fc.integer({ min: 0, max: 6 }),
      // Now and then inputs far outside [-3, 3]: saturated sigmoids and softmax, clamped logs, huge relus.
      inputScale: fc.constantFrom(1, 1, 1, 1, 1, 1, 1, 40, 1000),
      fitAsync: fc.constantFrom('none', 'none', 'wasm', 'js') as fc.Arbitrary<OptionConfig['fitAsync']>,
    });
  })
  .chain((g) => {
    const inputSize = g.layers[0];
    const outputSize = g.layers[g.layers.length - 1];
    const output = g.outputActivation;
    const activations = [...g.hiddenActivations, output];
    const allSame = activations.every((a) => a === output);
    let loss: LossName | undefined;
    if (output === 'softmax') loss = g.crossEntropy ? 'cross-entropy' : 'mse';
    else if (output === 'sigmoid') loss = g.crossEntropy ? 'binary-cross-entropy' : undefined;
    else loss = g.crossEntropy ? 'mse' : undefined;
    // Sigmoid outputs (mse or bce) get 0/1 targets or values in [0, 1].
    const binary = g.binaryTargets;
    const validation = g.validation === 'split' && g.samples < 2 ? 'none' : g.validation;
    const fit: OptionConfig['fit'] = {
      epochs: g.epochs,
      learningRate: g.optimizer === 'adam' ? Math.min(g.learningRate, 0.3) * (g.learningRate > 100 ? 1e4 : 1) : g.learningRate,
    };
    const put = <K extends keyof OptionConfig['fit']>(key: K, value: OptionConfig['fit'][K] | undefined) => {
      if (value !== undefined) fit[key] = value;
    };
    put('optimizer', g.optimizer);
    if (g.optimizer === 'momentum') put('momentum', g.momentum);
    if (g.optimizer === 'adam') {
      put('beta1', g.beta1);
      put('beta2', g.beta2);
      put('epsilon', g.epsilon);
    }
    put('weightDecay', g.weightDecay);
    put('batchSize', g.batchSize);
    put('shuffle', g.shuffle);
    put('normalize', g.normalize);
    put('errorThreshold', g.errorThreshold);
    if (validation === 'split') fit.validationSplit = g.validationSplit;
    if (validation !== 'none' && g.patience !== undefined) {
      fit.patience = g.patience;
      if (g.restoreBestWeights) fit.restoreBestWeights = true;
    }
    const stopAt = g.stopAt === undefined ? undefined : g.stopAt;
    if (stopAt !== undefined) put('callbackEvery', g.callbackEvery);
    const classCount = outputSize === 1 ? 2 : outputSize;
    return fc
      .record({
        inputs: matrix(g.samples, inputSize, inputValue.map((v) => v * g.inputScale)),
        targets: targetRows(g.samples, outputSize, output, binary),
        valInputs: matrix(g.validationRows, inputSize, inputValue.map((v) => v * g.inputScale)),
        valTargets: targetRows(g.validationRows, outputSize, output, binary),
      })
      .map(({ inputs, targets, valInputs, valTargets }): OptionConfig => {
        if (validation === 'data') fit.validationData = { inputs: valInputs, targets: valTargets };
        const config: OptionConfig = {
          layers: g.layers,
          seed: g.seed,
          activation: allSame && g.oneName ? output : activations,
          fit,
          inputs,
          targets,
          moreEpochs: g.moreEpochs,
          fitAsync: g.fitAsync,
        };
        if (g.alpha !== undefined) config.alpha = g.alpha;
        if (loss !== undefined) config.loss = loss;
        if (g.init !== undefined) config.init = g.init;
        if (g.withClasses) config.classes = Array.from({ length: classCount }, (_, k) => `class ${k}`);
        if (stopAt !== undefined) config.stopAt = stopAt;
        return config;
      });
  });
