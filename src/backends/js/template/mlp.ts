// The training and inference loops of assembly/mlp.ts, function for function and operation
// for operation, in the form its scalar build runs them: the same names, the same loops, the
// same order of every floating-point operation (test/property.test.ts compares the bits).
// Change both or neither. The template of ../generated/mlp-f64.ts and mlp-f32.ts: the dtype's
// parts come from ./element.ts (see there). The AssemblyScript's module globals are this
// module's; `net` is the descriptor's byte address there too, every other address an element
// index into `memory`, the memory as the dtype's elements (the AssemblyScript takes byte
// addresses); `round` rounds an intermediate where the AssemblyScript computes in the dtype.
// There are no threads: parallel() runs the one part.
import { exp } from '../../../math/exp.ts';
import { log } from '../../../math/log.ts';
import { tanh } from '../../../math/tanh.ts';
import type { Instance } from '../instance.ts';
import { ELEMENT_BYTES, elements, Floats, round } from './element.ts';
import { backProduct, forwardProduct, gradientProduct } from './linalg.ts';
import {
  ACTIVATION_LEAKY_RELU, ACTIVATION_RELU, ACTIVATION_SIGMOID, ACTIVATION_SOFTMAX, ACTIVATION_TANH,
  LOSS_CROSS_ENTROPY, LOSS_MSE, OPTIMIZER_ADAM, OPTIMIZER_MOMENTUM, OPTIMIZER_SGD,
} from '../../kernel-codes.ts';
import {
  H_AUX, H_BATCH, H_CAPACITY, H_CHECKS, H_GRADS, H_INPUT, H_LAYERS, H_LOSS, H_OPTIMIZER, H_PARAM_COUNT, H_PARAMS, H_SETTINGS, H_SHIFT,
  H_STATE1, H_STATE2, H_TARGET, JOB_BACK, JOB_FORWARD, JOB_GRADIENTS,
  L_A, L_ACTIVATION, L_BIASES, L_D, L_IN, L_OUT, L_WEIGHTS, L_Z, LAYER_FIELDS, NET_HEADER,
  S_ALPHA, S_BETA1, S_BETA1_POWER, S_BETA2, S_BETA2_POWER, S_EPSILON, S_ERROR_THRESHOLD, S_LEARNING_RATE, S_MOMENTUM,
  S_PAUSED_CORRECT, S_PAUSED_LOSS_SUM, S_PAUSED_TRAIN_CORRECT, S_PAUSED_TRAIN_LOSS, S_STEP, S_WEIGHT_DECAY,
} from '../../layout.ts';

// The memory of the current call (the AssemblyScript's linear memory): as the dtype's
// elements, as f64 (the settings, checks and stats blocks) and as i32.
let memory: Floats = new Floats(0);
let doubles: Float64Array = new Float64Array(0);
let ints: Int32Array = new Int32Array(0);

/** Makes `instance` the one the next calls run on. */
export function enter(instance: Instance): void {
  memory = elements(instance);
  doubles = instance.floats;
  ints = instance.ints;
  lossSum = instance.lossSum;
  lossTerms = instance.lossTerms;
  correct = instance.correct;
}

/** Keeps the running totals in `instance` for its next call. */
export function leave(instance: Instance): void {
  instance.lossSum = lossSum;
  instance.lossTerms = lossTerms;
  instance.correct = correct;
}

/** The f64 index of element index `index` (an f64 block's start). */
function double(index: number): number {
  return (index * ELEMENT_BYTES) / 8;
}

// assembly/layout.ts's accessors.
function header(net: number, f: number): number {
  return ints[(net >> 2) + f];
}

function field(net: number, layer: number, f: number): number {
  return ints[(net >> 2) + NET_HEADER + layer * LAYER_FIELDS + f];
}

function addToHeader(net: number, f: number, delta: number): void {
  ints[(net >> 2) + f] += delta;
}

function addToField(net: number, layer: number, f: number, delta: number): void {
  ints[(net >> 2) + NET_HEADER + layer * LAYER_FIELDS + f] += delta;
}

// Settings of the current call, loaded once from the settings block.
let alpha = 0;
let learningRate = 0;
let momentum = 0;
let beta1 = 0;
let beta2 = 0;
let epsilon = 0;
let weightDecay = 0;
let beta1Power = 1;
let beta2Power = 1;
let step = 0;

// The running loss sum (first term first, then in processing order) and correct count.
let lossSum = 0;
let lossTerms = 0;
let correct = 0;

function loadSettings(net: number): void {
  const m = doubles;
  const s = double(header(net, H_SETTINGS));
  learningRate = m[s + S_LEARNING_RATE];
  momentum = m[s + S_MOMENTUM];
  beta1 = m[s + S_BETA1];
  beta2 = m[s + S_BETA2];
  epsilon = m[s + S_EPSILON];
  weightDecay = m[s + S_WEIGHT_DECAY];
  alpha = m[s + S_ALPHA];
  beta1Power = m[s + S_BETA1_POWER];
  beta2Power = m[s + S_BETA2_POWER];
  step = m[s + S_STEP];
}

function storeSettings(net: number): void {
  const m = doubles;
  const s = double(header(net, H_SETTINGS));
  m[s + S_BETA1_POWER] = beta1Power;
  m[s + S_BETA2_POWER] = beta2Power;
  m[s + S_STEP] = step;
}

function addLoss(value: number): void {
  lossSum = lossTerms === 0 ? value : lossSum + value;
  lossTerms++;
}

/** f'(z) of a non-softmax activation, from a = f(z) or z as docs/training.md says. */
function derivative(kind: number, a: number, z: number): number {
  if (kind === ACTIVATION_SIGMOID) return round(a * round(1.0 - a));
  if (kind === ACTIVATION_TANH) return round(1.0 - round(a * a));
  if (kind === ACTIVATION_RELU) return z > 0 ? 1.0 : 0.0;
  if (kind === ACTIVATION_LEAKY_RELU) return z > 0 ? 1.0 : round(alpha);
  return 1.0;
}

/** softmax of one row of `n` values; leaves the row's max and sum in `aux`. */
function softmax(z: number, a: number, n: number, aux: number): void {
  const m = memory;
  let max = m[z];
  for (let k = 1; k < n; k++) if (m[z + k] > max) max = m[z + k];
  let sum = 0;
  for (let k = 0; k < n; k++) {
    const e = round(exp(round(m[z + k] - max)));
    m[a + k] = e;
    sum = k === 0 ? e : round(sum + e);
  }
  for (let k = 0; k < n; k++) m[a + k] = m[a + k] / sum;
  m[aux] = max;
  m[aux + 1] = sum;
}

/** a = f(z) for columns [j0, j1) of `rows` rows of width `n`: any activation but softmax. */
function activateColumns(kind: number, z: number, a: number, rows: number, n: number, j0: number, j1: number): void {
  const m = memory;
  for (let r = 0; r < rows; r++) {
    const at = r * n;
    let k = at + j0;
    const end = at + j1;
    if (kind === ACTIVATION_SIGMOID) {
      for (; k < end; k++) m[a + k] = 1.0 / round(1.0 + round(exp(-m[z + k])));
      continue;
    }
    for (; k < end; k++) {
      const v = m[z + k];
      let out = v; // linear
      if (kind === ACTIVATION_TANH) out = tanh(v);
      else if (kind === ACTIVATION_RELU) out = v > 0 ? v : 0.0;
      else if (kind === ACTIVATION_LEAKY_RELU) out = v > 0 ? v : round(alpha) * v;
      m[a + k] = out;
    }
  }
}

/** z_l = (W_l . a_{l-1}) + b_l and a_l = f(z_l) for `rows` rows of the batch. */
function forwardLayer(net: number, layer: number, input: number, rows: number, productDone: boolean): void {
  const nOut = field(net, layer, L_OUT);
  const kind = field(net, layer, L_ACTIVATION);
  const z = field(net, layer, L_Z);
  const a = field(net, layer, L_A);
  if (!productDone) parallel(net, JOB_FORWARD, layer, rows, input, false);
  else if (kind !== ACTIVATION_SOFTMAX) activateColumns(kind, z, a, rows, nOut, 0, nOut);
  if (kind !== ACTIVATION_SOFTMAX) return;
  const aux = header(net, H_AUX);
  for (let r = 0; r < rows; r++) softmax(z + r * nOut, a + r * nOut, nOut, aux + r * 2);
}

/** The forward pass of the batch's input rows through every layer (z_1 already there when `firstDone`). */
function forward(net: number, rows: number, firstDone: boolean): void {
  const layers = header(net, H_LAYERS);
  let input = batchInputs;
  for (let l = 0; l < layers; l++) {
    forwardLayer(net, l, input, rows, firstDone && l === 0);
    input = field(net, l, L_A);
  }
}

/**
 * Adds each row's loss and correctness to the running totals and, when `deltas`, writes the
 * output deltas delta_L.
 */
function score(net: number, rows: number, deltas: boolean): void {
  const m = memory;
  const last = header(net, H_LAYERS) - 1;
  const loss = header(net, H_LOSS);
  const n = field(net, last, L_OUT);
  const kind = field(net, last, L_ACTIVATION);
  let a = field(net, last, L_A);
  let z = field(net, last, L_Z);
  let d = field(net, last, L_D);
  let y = batchTargets;
  let aux = header(net, H_AUX);
  for (let r = 0; r < rows; r++) {
    if (loss === LOSS_MSE) {
      let squares = 0;
      for (let k = 0; k < n; k++) {
        const e = round(m[y + k] - m[a + k]);
        squares = k === 0 ? round(e * e) : round(squares + round(e * e));
      }
      addLoss(round(squares / n));
    } else if (loss === LOSS_CROSS_ENTROPY) {
      const max = m[aux];
      const logSum = round(log(m[aux + 1]));
      let sum = 0;
      for (let k = 0; k < n; k++) {
        const term = round(m[y + k] * round(round(m[z + k] - max) - logSum));
        sum = k === 0 ? term : round(sum + term);
      }
      addLoss(-sum);
    } else {
      let sum = 0;
      for (let k = 0; k < n; k++) {
        const ak = m[a + k];
        const yk = m[y + k];
        let logA = round(log(ak));
        if (logA < -100.0) logA = -100.0;
        let logB = round(log(round(1.0 - ak)));
        if (logB < -100.0) logB = -100.0;
        const term = round(round(yk * logA) + round(round(1.0 - yk) * logB));
        sum = k === 0 ? term : round(sum + term);
      }
      addLoss(round(-sum / n));
    }
    if (n === 1) {
      if (m[a] >= 0.5 === m[y] >= 0.5) correct++;
    } else {
      let best = 0;
      let truth = 0;
      for (let k = 1; k < n; k++) {
        if (m[a + k] > m[a + best]) best = k;
        if (m[y + k] > m[y + truth]) truth = k;
      }
      if (best === truth) correct++;
    }
    if (deltas) {
      if (loss !== LOSS_MSE) {
        for (let k = 0; k < n; k++) m[d + k] = m[a + k] - m[y + k];
      } else if (kind === ACTIVATION_SOFTMAX) {
        let c = 0;
        for (let k = 0; k < n; k++) {
          const g = round(m[a + k] - m[y + k]);
          m[d + k] = g;
          c = k === 0 ? round(g * m[a + k]) : round(c + round(g * m[a + k]));
        }
        for (let k = 0; k < n; k++) m[d + k] = m[a + k] * round(m[d + k] - c);
      } else {
        for (let k = 0; k < n; k++) m[d + k] = round(m[a + k] - m[y + k]) * derivative(kind, m[a + k], m[z + k]);
      }
    }
    a += n;
    z += n;
    d += n;
    y += n;
    aux += 2;
  }
}

/** delta_{l-1} = (W_l^T . delta_l) * f'_{l-1}, from the weights before their update (one job). */
function hiddenDeltas(net: number, layer: number, rows: number): void {
  parallel(net, JOB_BACK, layer, rows, 0, false);
}

/** delta *= f'(a, z) for columns [i0, i1) of `rows` rows of width `n`. */
function derivativeColumns(kind: number, d: number, a: number, z: number, rows: number, n: number, i0: number, i1: number): void {
  const m = memory;
  for (let r = 0; r < rows; r++) {
    const at = r * n;
    const end = at + i1;
    for (let i = at + i0; i < end; i++) m[d + i] = m[d + i] * derivative(kind, m[a + i], m[z + i]);
  }
}

/**
 * Applies the optimizer to `count` parameters from element `first`, gradients / `rows`. Reads
 * the current copy and writes H_SHIFT elements away: in place when it is 0, else into the
 * other copy (the state only where the optimizer has one), element for element the same.
 */
function update(net: number, first: number, count: number, rows: number, decay: boolean): void {
  const m = memory;
  const optimizer = header(net, H_OPTIMIZER);
  const offset = first - header(net, H_PARAMS);
  const shift = header(net, H_SHIFT);
  const w = first;
  const g = header(net, H_GRADS) + offset;
  const s1 = header(net, H_STATE1) + offset;
  const s2 = header(net, H_STATE2) + offset;
  const wOut = first + shift;
  const s1Out = s1 + shift;
  const s2Out = s2 + shift;
  // The hyperparameters in the net's dtype; 1 - beta^t in float64, then rounded once.
  const lr = round(learningRate);
  const mu = round(momentum);
  const b1 = round(beta1);
  const b2 = round(beta2);
  const eps = round(epsilon);
  const wd = round(weightDecay);
  const c1 = round(1.0 - b1);
  const c2 = round(1.0 - b2);
  const k1 = round(1.0 - beta1Power);
  const k2 = round(1.0 - beta2Power);
  for (let p = 0; p < count; p++) {
    let grad = round(m[g + p] / rows);
    if (decay) grad = round(grad + round(wd * m[w + p]));
    if (optimizer === OPTIMIZER_SGD) {
      m[wOut + p] = m[w + p] - round(lr * grad);
    } else if (optimizer === OPTIMIZER_MOMENTUM) {
      const v = round(round(mu * m[s1 + p]) + grad);
      m[s1Out + p] = v;
      m[wOut + p] = m[w + p] - round(lr * v);
    } else {
      const mm = round(round(b1 * m[s1 + p]) + round(c1 * grad));
      const v = round(round(b2 * m[s2 + p]) + round(c2 * round(grad * grad)));
      m[s1Out + p] = mm;
      m[s2Out + p] = v;
      const mHat = round(mm / k1);
      const vHat = round(v / k2);
      m[wOut + p] = m[w + p] - round(round(lr * mHat) / round(round(Math.sqrt(vHat)) + eps));
    }
  }
}

/**
 * One job over a layer: the forward product, the deltas' back-product, or the gradient sums
 * followed by the update of the same weight rows (part 0 of 1: every output).
 */
function runJob(net: number, job: number, layer: number, rows: number, input: number, decay: boolean): void {
  const m = memory;
  const nIn = field(net, layer, L_IN);
  const nOut = field(net, layer, L_OUT);
  const weights = field(net, layer, L_WEIGHTS);
  const biases = field(net, layer, L_BIASES);
  if (job === JOB_FORWARD) {
    const z = field(net, layer, L_Z);
    forwardProduct(m, weights, biases, input, z, rows, nIn, nOut);
    const kind = field(net, layer, L_ACTIVATION);
    if (kind !== ACTIVATION_SOFTMAX) activateColumns(kind, z, field(net, layer, L_A), rows, nOut, 0, nOut);
  } else if (job === JOB_BACK) {
    const below = layer - 1;
    const d = field(net, below, L_D);
    backProduct(m, weights, field(net, layer, L_D), d, rows, nIn, nOut);
    const kind = field(net, below, L_ACTIVATION);
    derivativeColumns(kind, d, field(net, below, L_A), field(net, below, L_Z), rows, nIn, 0, nIn);
  } else {
    const shift = header(net, H_GRADS) - header(net, H_PARAMS);
    gradientProduct(m, field(net, layer, L_D), input, weights + shift, biases + shift, rows, nIn, nOut);
    update(net, weights, nOut * nIn, rows, decay);
    update(net, biases, nOut, rows, false);
  }
}

/** Runs a job: here always on this one thread. */
function parallel(net: number, job: number, layer: number, rows: number, input: number, decay: boolean): void {
  runJob(net, job, layer, rows, input, decay);
}

/** Backward pass and one update of every layer for the batch (the general path). */
function backward(net: number, rows: number): void {
  const last = header(net, H_LAYERS) - 1;
  step += 1;
  beta1Power = beta1Power * beta1;
  beta2Power = beta2Power * beta2;
  const decay = weightDecay > 0;
  for (let l = last; l >= 0; l--) {
    if (l > 0) hiddenDeltas(net, l, rows);
    const input = l === 0 ? batchInputs : field(net, l - 1, L_A);
    parallel(net, JOB_GRADIENTS, l, rows, input, decay);
  }
}

/**
 * One row j of the fused pass: out[i] = W[j][i] - lr * (d * x[i]) (`out` is the row itself or
 * its place in the other copy) and, when `below` >= 0, below[i] (+)= W[j][i] * d from the
 * weight before its update (`first`: j == 0 sets). The AssemblyScript's one loop, with its
 * tests on `below` and `first` taken out of it.
 */
function fusedRow(row: number, out: number, below: number, x: number, d: number, nIn: number, lr: number, first: boolean): void {
  const m = memory;
  if (below < 0) {
    for (let i = 0; i < nIn; i++) m[out + i] = m[row + i] - round(lr * round(d * m[x + i]));
  } else if (first) {
    for (let i = 0; i < nIn; i++) {
      const w = m[row + i];
      m[below + i] = w * d;
      m[out + i] = w - round(lr * round(d * m[x + i]));
    }
  } else {
    for (let i = 0; i < nIn; i++) {
      const w = m[row + i];
      m[below + i] = m[below + i] + round(w * d);
      m[out + i] = w - round(lr * round(d * m[x + i]));
    }
  }
}

/**
 * Per-sample SGD without weight decay, fused: one pass over each W_l both accumulates
 * delta_{l-1} from the pre-update weights and applies W -= lr * (delta * a). Gives the same
 * bits as backward() with one row (g / 1 == g). (The AssemblyScript's look-ahead to the next
 * sample's z_1 is SIMD only.)
 */
function backwardSample(net: number): void {
  const m = memory;
  const last = header(net, H_LAYERS) - 1;
  const lr = round(learningRate);
  const shift = header(net, H_SHIFT);
  step += 1;
  beta1Power = beta1Power * beta1;
  beta2Power = beta2Power * beta2;
  for (let l = last; l >= 0; l--) {
    const nIn = field(net, l, L_IN);
    const nOut = field(net, l, L_OUT);
    let w = field(net, l, L_WEIGHTS);
    const b = field(net, l, L_BIASES);
    const d = field(net, l, L_D);
    const x = l === 0 ? batchInputs : field(net, l - 1, L_A);
    const below = l === 0 ? -1 : field(net, l - 1, L_D);
    for (let j = 0; j < nOut; j++) {
      const dj = m[d + j];
      fusedRow(w, w + shift, below, x, dj, nIn, lr, j === 0);
      m[b + shift + j] = m[b + j] - round(lr * dj);
      w += nIn;
    }
    if (l > 0) derivativeColumns(field(net, l - 1, L_ACTIVATION), below, x, field(net, l - 1, L_Z), 1, nIn, 0, nIn);
  }
}

// The current batch's input and target rows: straight into the data when its rows are
// consecutive there, else the batch buffers that gather() fills.
let batchInputs = 0;
let batchTargets = 0;

/**
 * Points batchInputs/batchTargets at `rows` samples: rows `first..` of the data in place when
 * order < 0 (no copy), else rows `order[first..]` copied into the batch buffers.
 */
function gather(net: number, inputs: number, targets: number, order: number, first: number, rows: number): void {
  const m = memory;
  const nIn = field(net, 0, L_IN);
  const nOut = field(net, header(net, H_LAYERS) - 1, L_OUT);
  if (order < 0) {
    batchInputs = inputs + first * nIn;
    batchTargets = targets >= 0 ? targets + first * nOut : 0;
    return;
  }
  const x = header(net, H_INPUT);
  const y = header(net, H_TARGET);
  for (let r = 0; r < rows; r++) {
    const row = ints[(order * ELEMENT_BYTES) / 4 + first + r];
    m.copyWithin(x + r * nIn, inputs + row * nIn, inputs + (row + 1) * nIn);
    if (targets >= 0) m.copyWithin(y + r * nOut, targets + row * nOut, targets + (row + 1) * nOut);
  }
  batchInputs = x;
  batchTargets = y;
}

/** Clears the running loss sum and correct count. */
function clearTotals(): void {
  lossSum = 0;
  lossTerms = 0;
  correct = 0;
}

/** Runs `count` rows forward, adding their losses and correctness to the running totals. */
function evaluateRows(net: number, inputs: number, targets: number, count: number, outputs: number): void {
  const capacity = header(net, H_CAPACITY);
  const last = header(net, H_LAYERS) - 1;
  const nOut = field(net, last, L_OUT);
  for (let first = 0; first < count; first += capacity) {
    const rows = Math.min(capacity, count - first);
    gather(net, inputs, targets, -1, first, rows);
    forward(net, rows, false);
    if (targets >= 0) score(net, rows, false);
    if (outputs >= 0) {
      const a = field(net, last, L_A);
      memory.copyWithin(outputs + first * nOut, a, a + rows * nOut);
    }
  }
}

/**
 * After the first update of a call that ran out of place (H_SHIFT != 0): the descriptor now
 * points at the copy that update wrote, and later updates run in place there.
 */
function adoptShift(net: number): void {
  const shift = header(net, H_SHIFT);
  addToHeader(net, H_PARAMS, shift);
  addToHeader(net, H_STATE1, shift);
  addToHeader(net, H_STATE2, shift);
  const layers = header(net, H_LAYERS);
  for (let l = 0; l < layers; l++) {
    addToField(net, l, L_WEIGHTS, shift);
    addToField(net, l, L_BIASES, shift);
  }
  ints[(net >> 2) + H_SHIFT] = 0;
}

/** sum of |v| over n elements from `p`, in order, in f64. */
function sumAbs(p: number, n: number, sum: number): number {
  const m = memory;
  for (let i = 0; i < n; i++) sum += Math.abs(m[p + i]);
  return sum;
}

/**
 * checks[l] = sum |W_l| + sum |b_l| of the current copy, checks[L] = sum |state| over the
 * optimizer's state (0 for sgd): a non-finite value anywhere makes its sum non-finite, and
 * a finite sum bounds every value, so the host checks the result without scanning it.
 */
function writeChecks(net: number): void {
  const layers = header(net, H_LAYERS);
  const checks = double(header(net, H_CHECKS));
  for (let l = 0; l < layers; l++) {
    const n = field(net, l, L_OUT);
    doubles[checks + l] = sumAbs(field(net, l, L_BIASES), n, sumAbs(field(net, l, L_WEIGHTS), n * field(net, l, L_IN), 0));
  }
  const optimizer = header(net, H_OPTIMIZER);
  const count = header(net, H_PARAM_COUNT);
  let state = 0;
  if (optimizer !== OPTIMIZER_SGD) state = sumAbs(header(net, H_STATE1), count, state);
  if (optimizer === OPTIMIZER_ADAM) state = sumAbs(header(net, H_STATE2), count, state);
  doubles[checks + layers] = state;
}

/**
 * The end of a train() call that ran `epochs` epochs: settings back to memory, the checks
 * (unless `checked`: the call ran no update, and the last update's call wrote them).
 */
function finishTraining(net: number, epochs: number, checked: boolean): number {
  storeSettings(net);
  if (!checked) writeChecks(net);
  return epochs;
}

/** Resumes the running totals a call that paused inside an epoch left, `terms` of them added. */
function resumeTotals(settings: number, terms: number): void {
  lossSum = doubles[settings + S_PAUSED_LOSS_SUM];
  lossTerms = terms;
  correct = doubles[settings + S_PAUSED_CORRECT];
}

/** assembly/mlp.ts train(): see there. */
export function train(
  net: number, inputs: number, targets: number, count: number, order: number, epochs: number, stats: number,
  valInputs: number, valTargets: number, valCount: number, from: number, to: number,
): number {
  const m = doubles; // the settings and stats
  loadSettings(net);
  const batch = header(net, H_BATCH);
  const fused = batch === 1 && header(net, H_OPTIMIZER) === OPTIMIZER_SGD && !(weightDecay > 0);
  const settings = double(header(net, H_SETTINGS));
  const threshold = m[settings + S_ERROR_THRESHOLD];
  const out = double(stats);
  const total = count + valCount;
  let shifted = header(net, H_SHIFT) !== 0;
  let checked = from >= count; // the checks describe the parameters (no update yet)
  for (let e = 0; e < epochs; e++) {
    const start = e === 0 ? from : 0;
    const stop = e === epochs - 1 ? to : total;
    if (start < count) {
      if (start === 0) clearTotals();
      else resumeTotals(settings, start);
      const trainStop = Math.min(stop, count);
      for (let first = start; first < trainStop; first += batch) {
        const rows = Math.min(batch, count - first);
        gather(net, inputs, targets, order, order < 0 ? first : e * count + first, rows);
        forward(net, rows, false);
        score(net, rows, true);
        if (fused) backwardSample(net);
        else backward(net, rows);
        checked = false;
        if (shifted) {
          adoptShift(net);
          shifted = false;
        }
      }
      if (trainStop < count) {
        m[settings + S_PAUSED_LOSS_SUM] = lossSum;
        m[settings + S_PAUSED_CORRECT] = correct;
        return finishTraining(net, e, checked);
      }
      m[out + e * 4] = lossSum / count;
      m[out + e * 4 + 1] = correct;
    } else {
      m[out + e * 4] = m[settings + S_PAUSED_TRAIN_LOSS];
      m[out + e * 4 + 1] = m[settings + S_PAUSED_TRAIN_CORRECT];
    }
    const loss = m[out + e * 4];
    let finite = Number.isFinite(loss);
    if (valCount > 0) {
      const valStart = Math.max(start, count) - count;
      if (valStart === 0) clearTotals();
      else resumeTotals(settings, valStart);
      const n0 = field(net, 0, L_IN);
      const nL = field(net, header(net, H_LAYERS) - 1, L_OUT);
      evaluateRows(net, valInputs + valStart * n0, valTargets + valStart * nL, stop - count - valStart, -1);
      if (stop < total) {
        m[settings + S_PAUSED_LOSS_SUM] = lossSum;
        m[settings + S_PAUSED_CORRECT] = correct;
        m[settings + S_PAUSED_TRAIN_LOSS] = loss;
        m[settings + S_PAUSED_TRAIN_CORRECT] = m[out + e * 4 + 1];
        return finishTraining(net, e, checked);
      }
      const valLoss = lossSum / valCount;
      m[out + e * 4 + 2] = valLoss;
      m[out + e * 4 + 3] = correct;
      finite = finite && Number.isFinite(valLoss);
    }
    if (loss < threshold || !finite) return finishTraining(net, e + 1, checked);
  }
  return finishTraining(net, epochs, checked);
}

/** assembly/mlp.ts evaluate(): see there. */
export function evaluate(net: number, inputs: number, targets: number, count: number, outputs: number, stats: number, resume: number): void {
  loadSettings(net);
  if (resume === 0) clearTotals();
  evaluateRows(net, inputs, targets, count, outputs);
  if (stats >= 0) {
    doubles[double(stats)] = lossSum;
    doubles[double(stats) + 1] = correct;
  }
}

/** assembly/magnitude.ts largestMagnitude(): see there (Math.max propagates NaN as wasm's max does). */
export function largestMagnitude(first: number, count: number): number {
  let largest = 0;
  for (let i = first; i < first + count; i++) largest = Math.max(largest, Math.abs(memory[i]));
  return largest;
}
