// The saved form of a network (toJSON/fromJSON, save/load): its architecture, input
// normalisation, labels, parameters and, optionally, the optimizer and random-stream state
// that let training resume exactly. Parsing checks everything a hand-edited or truncated
// file can get wrong; version 1 files (sigmoid, mse) are read as well. Any object is read
// once into our own copy, and reading it (a proxy, a getter) can only fail with an MLPError.
import { describeValue, MLPError } from '../api/errors.ts';
import { parseJsonText } from './json-text.ts';
import { DTYPES, OPTIMIZERS, type Activation, type Dtype, type Loss, type Optimizer } from '../backends/layout.ts';
import { isUsableScale, MIN_NORMALIZATION_SCALE, type Normalization } from '../data/normalize.ts';
import { checkArchitecture, checkClasses, oneOf } from '../api/options.ts';
import { checkFeatureNames, checkLayers, unreadable } from '../api/validate.ts';
import { MODEL_FORMAT, MODEL_VERSION } from './model-text.ts';

export { MODEL_FORMAT, MODEL_VERSION, modelText } from './model-text.ts';

export interface TrainingState {
  optimizer: Optimizer;
  /** Updates so far (t). */
  step: number;
  beta1Power: number;
  beta2Power: number;
  /** momentum's v or adam's m, parallel to the parameters (all W_l, b_l in order). */
  state1: number[];
  /** adam's v. */
  state2: number[];
  /** The numpy-compatible stream (for shuffling), as numpy's get_state() holds it. */
  random: { key: number[]; position: number };
}

export interface ModelJSON {
  format: typeof MODEL_FORMAT;
  version: typeof MODEL_VERSION;
  /** Sizes of every layer, input and output included. */
  layers: number[];
  /** One per weight layer. */
  activations: Activation[];
  /** The leaky-relu slope. */
  alpha: number;
  loss: Loss;
  /** The element type; written for a float32 net only (a float64 model has no such field). */
  dtype?: Dtype;
  /** Applied to raw inputs by predict and evaluate. */
  normalization: Normalization | null;
  /** Class labels, one per output (two for a single sigmoid output). */
  classes: string[] | null;
  /** Names of the input columns and of the target column, when trained from CSV. */
  features: string[] | null;
  target: string | null;
  /** weights[l]: layer l+1's matrix, row-major (outputs x inputs), as numpy's W.ravel(). */
  weights: number[][];
  /** biases[l]: layer l+1's bias vector. */
  biases: number[][];
  /** Present when saved with includeOptimizer. */
  training?: TrainingState;
}

const V1_KEYS = ['format', 'version', 'layers', 'activation', 'weights', 'biases'];
const V2_KEYS = ['format', 'version', 'layers', 'activations', 'alpha', 'loss', 'dtype', 'normalization', 'classes', 'features', 'target', 'weights', 'biases', 'training'];

const invalid = (what: string, value: unknown, expected: string) =>
  new MLPError('INVALID_MODEL', `model ${what} must be ${expected}; got ${describeValue(value)}`);

/** Re-raises a validation error of a model field as an INVALID_MODEL error about the model. */
function asModelError<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof MLPError && error.code !== 'INVALID_MODEL') throw new MLPError('INVALID_MODEL', `model ${error.message}`);
    throw error;
  }
}

/** Accepts a parsed object or JSON text; returns a version 2 model whose shapes and numbers are sound. */
export function parseModel(json: unknown): ModelJSON {
  try {
    return parseModelObject(typeof json === 'string' ? parseJsonText(json, 'model', 'INVALID_MODEL') : json);
  } catch (error) {
    throw unreadable(error, 'model', 'INVALID_MODEL');
  }
}

/** Each field of the object read once, into a plain record. */
function fieldsOf(value: object): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const key in value) fields[key] = (value as Record<string, unknown>)[key];
  return fields;
}

function parseModelObject(model: unknown): ModelJSON {
  if (model === null || typeof model !== 'object' || Array.isArray(model)) throw new MLPError('INVALID_MODEL', `model must be a JSON object; got ${describeValue(model)}`);
  // The bytes of a model file (readFileSync's Buffer) are neither: say so rather than "format got undefined".
  if (ArrayBuffer.isView(model) || model instanceof ArrayBuffer) throw new MLPError('INVALID_MODEL', `model must be a JSON object or its JSON text (decode bytes first: new TextDecoder().decode(bytes)); got ${model instanceof ArrayBuffer ? `an ArrayBuffer of ${model.byteLength} bytes` : describeValue(model)}`);
  const m = fieldsOf(model);
  if (m.format !== MODEL_FORMAT) throw invalid('format', m.format, `'${MODEL_FORMAT}'`);
  if (m.version !== 1 && m.version !== 2) throw invalid('version', m.version, '1 or 2 (the versions this wasm-mlp reads)');
  const known = m.version === 1 ? V1_KEYS : V2_KEYS;
  const unknown = Object.keys(m).find((k) => !known.includes(k));
  if (unknown !== undefined) throw new MLPError('INVALID_MODEL', `model has an unknown field '${unknown}'; a version ${m.version} model has ${known.join(', ')}`);
  const layers = asModelError(() => checkLayers(m.layers, 'layers'));
  const weights = checkVectors(m.weights, 'weights', layers, (l) => layers[l + 1] * layers[l], (l) => `${layers[l + 1]} outputs x ${layers[l]} inputs`);
  const biases = checkVectors(m.biases, 'biases', layers, (l) => layers[l + 1], (l) => `${layers[l + 1]} outputs`);
  let architecture;
  if (m.version === 1) {
    if (m.activation !== 'sigmoid') throw invalid('activation', m.activation, "'sigmoid'");
    architecture = { layers, activations: new Array(layers.length - 1).fill('sigmoid') as Activation[], alpha: 0.01, loss: 'mse' as Loss };
  } else {
    architecture = asModelError(() => checkArchitecture(layers, m.activations, m.alpha, m.loss, 'activations'));
  }
  const dtype = m.dtype === undefined ? 'float64' : asModelError(() => oneOf(m.dtype, 'dtype', DTYPES));
  if (dtype === 'float32') {
    if (!float32Holds(architecture.alpha)) throw invalid('alpha', architecture.alpha, WITHIN_FLOAT32);
    checkFloat32Vectors(weights, 'weights');
    checkFloat32Vectors(biases, 'biases');
  }
  const inputs = layers[0];
  const outputs = layers[layers.length - 1];
  const result: ModelJSON = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    ...architecture,
    ...(dtype === 'float32' ? { dtype } : {}),
    normalization: m.normalization == null ? null : checkNormalization(m.normalization, inputs),
    classes: m.classes == null ? null : asModelError(() => checkClasses(m.classes, outputs, 'classes')),
    features: m.features == null ? null : asModelError(() => checkFeatureNames(m.features, inputs, 'features')),
    target: m.target == null ? null : checkName(m.target, 'target'),
    weights,
    biases,
  };
  if (m.training != null) {
    const parameterCount = weights.reduce((n, w, l) => n + w.length + biases[l].length, 0);
    result.training = checkTraining(m.training, parameterCount);
    if (dtype === 'float32') checkFloat32Vectors([result.training.state1, result.training.state2], 'training.state', 1);
  }
  return result;
}

/** Whether a float32 net holds `value`: finite once rounded to float32 (docs/training.md: every number is rounded once). */
function float32Holds(value: number): boolean {
  return Number.isFinite(Math.fround(value));
}

const WITHIN_FLOAT32 = "a number within float32's range (the model's dtype is 'float32')";

/** A float32 model's numbers are float32 values: one that rounds to ±Infinity there is refused, not loaded as Infinity. */
function checkFloat32Vectors(vectors: number[][], name: string, firstIndex?: number): void {
  for (let l = 0; l < vectors.length; l++) {
    const bad = vectors[l].findIndex((x) => !float32Holds(x));
    const at = firstIndex === undefined ? `${name}[${l}][${bad}]` : `${name}${l + firstIndex}[${bad}]`;
    if (bad >= 0) throw invalid(at, vectors[l][bad], WITHIN_FLOAT32);
  }
}

function checkVectors(
  value: unknown,
  name: string,
  layers: readonly number[],
  length: (l: number) => number,
  shape: (l: number) => string,
): number[][] {
  const count = layers.length - 1;
  if (!Array.isArray(value) || value.length !== count) {
    throw invalid(name, value, `an array of ${count} arrays, one per weight layer of layers ${describeValue(layers)}`);
  }
  const vectors: number[][] = [];
  for (let l = 0; l < count; l++) {
    vectors.push(checkNumbers(value[l], `${name}[${l}]`, length(l), `layer ${l + 1}: ${shape(l)}`));
  }
  return vectors;
}

/** An array of exactly `length` finite numbers, each read once. Index loops: forEach/map skip a sparse array's holes. */
function checkNumbers(value: unknown, name: string, length: number, what: string): number[] {
  if (!Array.isArray(value) || value.length !== length) throw invalid(name, value, `an array of ${length} numbers (${what})`);
  const numbers: number[] = [];
  for (let i = 0; i < length; i++) {
    const x: unknown = value[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) throw invalid(`${name}[${i}]`, x, 'a finite number');
    numbers.push(x);
  }
  return numbers;
}

function checkNormalization(value: unknown, inputs: number): Normalization {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalid('normalization', value, '{ kind, offset, scale } or null');
  const n = fieldsOf(value);
  const kind = asModelError(() => oneOf(n.kind, 'normalization.kind', ['zscore', 'minmax'] as const));
  const offset = checkNumbers(n.offset, 'normalization.offset', inputs, 'one per input');
  const scale = checkNumbers(n.scale, 'normalization.scale', inputs, 'one per input');
  // Inputs are divided by the scale: a zero or subnormal one would give Infinity or NaN.
  const tiny = scale.findIndex((s) => !isUsableScale(s));
  if (tiny >= 0) throw invalid(`normalization.scale[${tiny}] (input column ${tiny})`, scale[tiny], `a nonzero number of magnitude at least ${MIN_NORMALIZATION_SCALE} (inputs are divided by it)`);
  return { kind, offset, scale };
}

/** adam's v is a running mean of squared gradients: a negative one would make its update sqrt(v) NaN. */
function checkAdamSquares(optimizer: Optimizer, v: number[]): number[] {
  const negative = optimizer === 'adam' ? v.findIndex((x) => x < 0) : -1;
  if (negative >= 0) throw invalid(`training.state2[${negative}]`, v[negative], "a number >= 0 (adam's v, a mean of squared gradients)");
  return v;
}

function checkName(value: unknown, name: string): string {
  if (typeof value !== 'string') throw invalid(name, value, 'a string or null');
  return value;
}

function checkTraining(value: unknown, parameterCount: number): TrainingState {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalid('training', value, 'an object or null');
  const t = fieldsOf(value);
  const optimizer = asModelError(() => oneOf(t.optimizer, 'training.optimizer', OPTIMIZERS));
  const step = t.step;
  if (typeof step !== 'number' || !Number.isSafeInteger(step) || step < 0) throw invalid('training.step', step, 'an integer >= 0');
  const power = (name: 'beta1Power' | 'beta2Power') => {
    const x = t[name];
    if (typeof x !== 'number' || !(x >= 0 && x <= 1)) throw invalid(`training.${name}`, x, 'a number from 0 to 1');
    return x;
  };
  if (t.random === null || typeof t.random !== 'object' || Array.isArray(t.random)) throw invalid('training.random', t.random, '{ key, position }');
  const random = fieldsOf(t.random);
  const key = checkNumbers(random.key, 'training.random.key', 624, 'the 624 words of the MT19937 state');
  const bad = key.findIndex((k) => !Number.isInteger(k) || k < 0 || k > 0xffffffff);
  if (bad >= 0) throw invalid(`training.random.key[${bad}]`, key[bad], 'an integer from 0 to 4294967295');
  const position = random.position;
  if (typeof position !== 'number' || !Number.isInteger(position) || position < 0 || position > 624) {
    throw invalid('training.random.position', position, 'an integer from 0 to 624');
  }
  return {
    optimizer,
    step,
    beta1Power: power('beta1Power'),
    beta2Power: power('beta2Power'),
    state1: checkNumbers(t.state1, 'training.state1', parameterCount, 'one per parameter'),
    state2: checkAdamSquares(optimizer, checkNumbers(t.state2, 'training.state2', parameterCount, 'one per parameter')),
    random: { key, position },
  };
}
