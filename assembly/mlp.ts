// The training and inference loops: the seed notebook's per-sample SGD, generalised to any
// depth. src/backend-js.ts is its operation-for-operation twin; change both or neither.
import { exp } from './exp';
import {
  at, field, layerCount,
  FIELD_ACTIVATIONS, FIELD_BIASES, FIELD_DELTAS, FIELD_IN, FIELD_OUT, FIELD_WEIGHTS,
} from './layout';

@inline function get(address: usize, i: i32): f64 {
  return load<f64>(address + ((<usize>i) << 3));
}

@inline function set(address: usize, i: i32, value: f64): void {
  store<f64>(address + ((<usize>i) << 3), value);
}

/** a_l = sigmoid((W_l . input) + b_l), each dot product summed in increasing input order. */
function forwardLayer(net: usize, layer: i32, input: usize): void {
  const nIn = field(net, layer, FIELD_IN);
  const nOut = field(net, layer, FIELD_OUT);
  let row = at(field(net, layer, FIELD_WEIGHTS));
  const biases = at(field(net, layer, FIELD_BIASES));
  const activations = at(field(net, layer, FIELD_ACTIVATIONS));
  const rowBytes = (<usize>nIn) << 3;
  for (let j = 0; j < nOut; j++) {
    let z = 0.0;
    for (let i = 0; i < nIn; i++) z += get(row, i) * get(input, i);
    z = z + get(biases, j);
    set(activations, j, 1.0 / (1.0 + exp(-z)));
    row += rowBytes;
  }
}

/** Runs the forward pass from `input`; returns the address of a_L. */
function forward(net: usize, input: usize): usize {
  const count = layerCount(net);
  let a = input;
  for (let l = 0; l < count; l++) {
    forwardLayer(net, l, a);
    a = at(field(net, l, FIELD_ACTIVATIONS));
  }
  return a;
}

/**
 * Updates W_l and b_l from delta_l and, for a hidden layer below, accumulates
 * delta_{l-1} = (W_l^T . delta_l) * (a * (1 - a)) in the same pass: each weight is read
 * for the delta before its own update, so every delta sees the pre-update weights, and
 * both products walk W_l row by row (contiguous) while each sum still runs in increasing j.
 */
function backwardLayer(net: usize, layer: i32, input: usize, learningRate: f64): void {
  const nIn = field(net, layer, FIELD_IN);
  const nOut = field(net, layer, FIELD_OUT);
  let row = at(field(net, layer, FIELD_WEIGHTS));
  const biases = at(field(net, layer, FIELD_BIASES));
  const deltas = at(field(net, layer, FIELD_DELTAS));
  const rowBytes = (<usize>nIn) << 3;
  if (layer == 0) {
    for (let j = 0; j < nOut; j++) {
      const d = get(deltas, j);
      for (let i = 0; i < nIn; i++) set(row, i, get(row, i) - learningRate * (d * get(input, i)));
      set(biases, j, get(biases, j) - learningRate * d);
      row += rowBytes;
    }
    return;
  }
  const below = at(field(net, layer - 1, FIELD_DELTAS));
  for (let i = 0; i < nIn; i++) set(below, i, 0.0);
  for (let j = 0; j < nOut; j++) {
    const d = get(deltas, j);
    for (let i = 0; i < nIn; i++) {
      const w = get(row, i);
      set(below, i, get(below, i) + w * d);
      set(row, i, w - learningRate * (d * get(input, i)));
    }
    set(biases, j, get(biases, j) - learningRate * d);
    row += rowBytes;
  }
  for (let i = 0; i < nIn; i++) {
    const a = get(input, i);
    set(below, i, get(below, i) * (a * (1.0 - a)));
  }
}

/**
 * Trains `epochs` epochs of per-sample SGD over `count` samples in order and writes each
 * epoch's loss, the mean over its samples of mean((y - a_L)^2), to losses[e].
 * Called by the host once per fit (or once per chunk of epochs between callbacks).
 * `inputs`, `targets` and `losses` are f64 element indices of row-major buffers.
 */
export function train(net: usize, inputs: i32, targets: i32, count: i32, epochs: i32, learningRate: f64, losses: i32): void {
  const last = layerCount(net) - 1;
  const nIn = field(net, 0, FIELD_IN);
  const nOut = field(net, last, FIELD_OUT);
  const outDeltas = at(field(net, last, FIELD_DELTAS));
  for (let e = 0; e < epochs; e++) {
    let lossSum = 0.0;
    for (let s = 0; s < count; s++) {
      const x = at(inputs + s * nIn);
      const y = at(targets + s * nOut);
      const output = forward(net, x);
      let squares = 0.0;
      for (let k = 0; k < nOut; k++) {
        const a = get(output, k);
        const t = get(y, k);
        const err = t - a;
        squares += err * err;
        set(outDeltas, k, (a - t) * (a * (1.0 - a)));
      }
      lossSum += squares / <f64>nOut;
      for (let l = last; l >= 0; l--) {
        backwardLayer(net, l, l == 0 ? x : at(field(net, l - 1, FIELD_ACTIVATIONS)), learningRate);
      }
    }
    set(at(losses), e, lossSum / <f64>count);
  }
}

/**
 * Writes a_L for each of `count` input rows to the row-major `outputs` buffer.
 * Called by the host once per predict.
 */
export function predict(net: usize, inputs: i32, count: i32, outputs: i32): void {
  const last = layerCount(net) - 1;
  const nIn = field(net, 0, FIELD_IN);
  const nOut = field(net, last, FIELD_OUT);
  for (let s = 0; s < count; s++) {
    const a = forward(net, at(inputs + s * nIn));
    const out = at(outputs + s * nOut);
    for (let k = 0; k < nOut; k++) set(out, k, get(a, k));
  }
}
