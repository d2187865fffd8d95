// The pure-JS backend: the loops of assembly/mlp.ts, operation for operation, over a
// Float64Array laid out by the same NetLayout. Any change here must be made there too
// (the property test compares the two bit for bit).
import type { Backend } from './backend.ts';
import { MLPError } from './errors.ts';
import { exp } from './exp.ts';
import {
  FIELD_ACTIVATIONS, FIELD_BIASES, FIELD_DELTAS, FIELD_IN, FIELD_OUT, FIELD_WEIGHTS,
  LAYER_FIELDS, MAX_MEMORY_BYTES, NET_HEADER, NetLayout,
} from './layout.ts';
import { formatBytes } from './validate.ts';

export class JsBackend implements Backend {
  readonly name = 'js' as const;
  readonly layout: NetLayout;
  #memory: Float64Array;

  constructor(layers: readonly number[]) {
    this.layout = new NetLayout(layers, 0);
    this.#memory = new Float64Array(0);
    this.reserve(this.layout.end);
  }

  memory(): Float64Array {
    return this.#memory;
  }

  reserve(end: number): void {
    if (end <= this.#memory.length) return;
    if (end * 8 > MAX_MEMORY_BYTES) {
      throw new MLPError('OUT_OF_MEMORY', `this net and its data need ${formatBytes(end * 8)}; the limit is ${formatBytes(MAX_MEMORY_BYTES)} (the same as the wasm backend's)`);
    }
    let grown: Float64Array;
    try {
      grown = new Float64Array(end);
    } catch {
      throw new MLPError('OUT_OF_MEMORY', `could not allocate ${formatBytes(end * 8)} for this net and its data`);
    }
    grown.set(this.#memory);
    this.#memory = grown;
  }

  train(inputs: number, targets: number, count: number, epochs: number, learningRate: number, losses: number): void {
    train(this.#memory, this.layout.descriptor, inputs, targets, count, epochs, learningRate, losses);
  }

  predict(inputs: number, count: number, outputs: number): void {
    predict(this.#memory, this.layout.descriptor, inputs, count, outputs);
  }

  dispose(): void {
    this.#memory = new Float64Array(0);
  }
}

const field = (net: Int32Array, layer: number, f: number) => net[NET_HEADER + layer * LAYER_FIELDS + f];

function forwardLayer(m: Float64Array, net: Int32Array, layer: number, input: number): void {
  const nIn = field(net, layer, FIELD_IN);
  const nOut = field(net, layer, FIELD_OUT);
  let row = field(net, layer, FIELD_WEIGHTS);
  const biases = field(net, layer, FIELD_BIASES);
  const activations = field(net, layer, FIELD_ACTIVATIONS);
  for (let j = 0; j < nOut; j++) {
    let z = 0.0;
    for (let i = 0; i < nIn; i++) z += m[row + i] * m[input + i];
    z = z + m[biases + j];
    m[activations + j] = 1.0 / (1.0 + exp(-z));
    row += nIn;
  }
}

function forward(m: Float64Array, net: Int32Array, input: number): number {
  const count = net[0];
  let a = input;
  for (let l = 0; l < count; l++) {
    forwardLayer(m, net, l, a);
    a = field(net, l, FIELD_ACTIVATIONS);
  }
  return a;
}

function backwardLayer(m: Float64Array, net: Int32Array, layer: number, input: number, learningRate: number): void {
  const nIn = field(net, layer, FIELD_IN);
  const nOut = field(net, layer, FIELD_OUT);
  let row = field(net, layer, FIELD_WEIGHTS);
  const biases = field(net, layer, FIELD_BIASES);
  const deltas = field(net, layer, FIELD_DELTAS);
  if (layer === 0) {
    for (let j = 0; j < nOut; j++) {
      const d = m[deltas + j];
      for (let i = 0; i < nIn; i++) m[row + i] = m[row + i] - learningRate * (d * m[input + i]);
      m[biases + j] = m[biases + j] - learningRate * d;
      row += nIn;
    }
    return;
  }
  const below = field(net, layer - 1, FIELD_DELTAS);
  for (let i = 0; i < nIn; i++) m[below + i] = 0.0;
  for (let j = 0; j < nOut; j++) {
    const d = m[deltas + j];
    for (let i = 0; i < nIn; i++) {
      const w = m[row + i];
      m[below + i] = m[below + i] + w * d;
      m[row + i] = w - learningRate * (d * m[input + i]);
    }
    m[biases + j] = m[biases + j] - learningRate * d;
    row += nIn;
  }
  for (let i = 0; i < nIn; i++) {
    const a = m[input + i];
    m[below + i] = m[below + i] * (a * (1.0 - a));
  }
}

function train(m: Float64Array, net: Int32Array, inputs: number, targets: number, count: number, epochs: number, learningRate: number, losses: number): void {
  const last = net[0] - 1;
  const nIn = field(net, 0, FIELD_IN);
  const nOut = field(net, last, FIELD_OUT);
  const outDeltas = field(net, last, FIELD_DELTAS);
  for (let e = 0; e < epochs; e++) {
    let lossSum = 0.0;
    for (let s = 0; s < count; s++) {
      const x = inputs + s * nIn;
      const y = targets + s * nOut;
      const output = forward(m, net, x);
      let squares = 0.0;
      for (let k = 0; k < nOut; k++) {
        const a = m[output + k];
        const t = m[y + k];
        const err = t - a;
        squares += err * err;
        m[outDeltas + k] = (a - t) * (a * (1.0 - a));
      }
      lossSum += squares / nOut;
      for (let l = last; l >= 0; l--) {
        backwardLayer(m, net, l, l === 0 ? x : field(net, l - 1, FIELD_ACTIVATIONS), learningRate);
      }
    }
    m[losses + e] = lossSum / count;
  }
}

function predict(m: Float64Array, net: Int32Array, inputs: number, count: number, outputs: number): void {
  const last = net[0] - 1;
  const nIn = field(net, 0, FIELD_IN);
  const nOut = field(net, last, FIELD_OUT);
  for (let s = 0; s < count; s++) {
    const a = forward(m, net, inputs + s * nIn);
    const out = outputs + s * nOut;
    for (let k = 0; k < nOut; k++) m[out + k] = m[a + k];
  }
}
