// The saved form of a network (toJSON/fromJSON): its shape and parameters as plain JSON.
// Parsing checks everything a hand-edited or truncated file can get wrong.
import { describeValue, MLPError } from './errors.ts';
import { parseJsonText } from './json-text.ts';
import { checkLayers } from './validate.ts';

export const MODEL_FORMAT = 'wasm-mlp';
export const MODEL_VERSION = 1;

export interface ModelJSON {
  format: typeof MODEL_FORMAT;
  version: typeof MODEL_VERSION;
  /** Sizes of every layer, input and output included. */
  layers: number[];
  activation: 'sigmoid';
  /** weights[l]: layer l+1's matrix, row-major (outputs x inputs), as numpy's W.ravel(). */
  weights: number[][];
  /** biases[l]: layer l+1's bias vector. */
  biases: number[][];
}

const invalid = (what: string, value: unknown, expected: string) =>
  new MLPError('INVALID_MODEL', `model ${what} must be ${expected}; got ${describeValue(value)}`);

/** Accepts a parsed object or JSON text; returns a model whose shapes and numbers are sound. */
export function parseModel(json: unknown): ModelJSON {
  let model = json;
  if (typeof json === 'string') model = parseJsonText(json, 'model', 'INVALID_MODEL');
  if (model === null || typeof model !== 'object' || Array.isArray(model)) throw new MLPError('INVALID_MODEL', `model must be a JSON object; got ${describeValue(model)}`);
  const m = model as Record<string, unknown>;
  if (m.format !== MODEL_FORMAT) throw invalid('format', m.format, `'${MODEL_FORMAT}'`);
  if (m.version !== MODEL_VERSION) throw invalid('version', m.version, `${MODEL_VERSION} (the versions this wasm-mlp reads)`);
  let layers: number[];
  try {
    layers = checkLayers(m.layers, 'model layers');
  } catch (error) {
    throw error instanceof MLPError ? new MLPError('INVALID_MODEL', error.message) : error;
  }
  if (m.activation !== 'sigmoid') throw invalid('activation', m.activation, "'sigmoid'");
  const weights = checkVectors(m.weights, 'weights', layers, (l) => layers[l + 1] * layers[l], (l) => `${layers[l + 1]} outputs x ${layers[l]} inputs`);
  const biases = checkVectors(m.biases, 'biases', layers, (l) => layers[l + 1], (l) => `${layers[l + 1]} outputs`);
  return { format: MODEL_FORMAT, version: MODEL_VERSION, layers, activation: 'sigmoid', weights, biases };
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
  // Index loops, not forEach/map: those skip the holes of a sparse array.
  const vectors: number[][] = [];
  for (let l = 0; l < count; l++) {
    const vector: unknown = value[l];
    if (!Array.isArray(vector) || vector.length !== length(l)) {
      throw invalid(`${name}[${l}]`, vector, `an array of ${length(l)} numbers (layer ${l + 1}: ${shape(l)})`);
    }
    for (let i = 0; i < vector.length; i++) {
      const x: unknown = vector[i];
      if (typeof x !== 'number' || !Number.isFinite(x)) throw invalid(`${name}[${l}][${i}]`, x, 'a finite number');
    }
    vectors.push([...vector]);
  }
  return vectors;
}
