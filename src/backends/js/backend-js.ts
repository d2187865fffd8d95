// The pure-JS backend: the loops of assembly/mlp.ts, operation for operation, over an
// ArrayBuffer laid out by the same NetLayout and read through the same descriptor. Any
// change here must be made there too (test/property.test.ts compares the two bit for bit).
import type { Backend } from '../backend.ts';
import { MLPError } from '../../api/errors.ts';
import { exp } from '../../math/exp.ts';
import {
  H_AUX, H_BATCH, H_CAPACITY, H_GRADS, H_INPUT, H_LAYERS, H_LOSS, H_OPTIMIZER, H_PARAMS, H_SETTINGS, H_STATE1, H_STATE2, H_TARGET,
  L_A, L_ACTIVATION, L_BIASES, L_D, L_IN, L_OUT, L_WEIGHTS, L_Z, LAYER_FIELDS, MAX_MEMORY_BYTES, NET_HEADER,
  S_ALPHA, S_BETA1, S_BETA1_POWER, S_BETA2, S_BETA2_POWER, S_EPSILON, S_ERROR_THRESHOLD, S_LEARNING_RATE, S_MOMENTUM,
  S_STEP, S_WEIGHT_DECAY,
} from '../layout.ts';
import { log } from '../../math/log.ts';
import { tanh } from '../../math/tanh.ts';
import { formatBytes } from '../../api/validate.ts';

const SIGMOID = 0;
const TANH = 1;
const RELU = 2;
const LEAKY_RELU = 3;
const SOFTMAX = 5;
const MSE = 0;
const CROSS_ENTROPY = 1;
const SGD = 0;
const MOMENTUM = 1;

export class JsBackend implements Backend {
  readonly name = 'js' as const;
  readonly simd = false;
  readonly threads = 1;
  readonly base = 0;
  #floats: Float64Array = new Float64Array(0);
  #ints: Int32Array = new Int32Array(0);

  memory(): Float64Array {
    return this.#floats;
  }

  ints(): Int32Array {
    return this.#ints;
  }

  reserve(end: number): void {
    if (end <= this.#floats.length) return;
    if (end * 8 > MAX_MEMORY_BYTES) {
      throw new MLPError('OUT_OF_MEMORY', `this net and its data need ${formatBytes(end * 8)}; the limit is ${formatBytes(MAX_MEMORY_BYTES)} (the same as the wasm backend's)`);
    }
    let grown: Float64Array;
    try {
      grown = new Float64Array(end);
    } catch {
      throw new MLPError('OUT_OF_MEMORY', `could not allocate ${formatBytes(end * 8)} for this net and its data`);
    }
    grown.set(this.#floats);
    this.#floats = grown;
    this.#ints = new Int32Array(grown.buffer);
  }

  train(net: number, inputs: number, targets: number, count: number, order: number, epochs: number, stats: number, valInputs: number, valTargets: number, valCount: number): number {
    return new Kernel(this.#floats, this.#ints, net).train(inputs, targets, count, order, epochs, stats, valInputs, valTargets, valCount);
  }

  evaluate(net: number, inputs: number, targets: number, count: number, outputs: number, stats: number): void {
    new Kernel(this.#floats, this.#ints, net).evaluate(inputs, targets, count, outputs, stats);
  }

  async start(): Promise<void> {}

  dispose(): void {
    this.#floats = new Float64Array(0);
    this.#ints = new Int32Array(0);
  }
}

/** One call's view of the buffer and settings: the module state of assembly/mlp.ts. */
class Kernel {
  readonly m: Float64Array;
  readonly h: Int32Array;
  readonly net: number; // i32 index of the descriptor
  alpha: number;
  learningRate: number;
  momentum: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  weightDecay: number;
  beta1Power: number;
  beta2Power: number;
  step: number;
  lossSum = 0;
  lossTerms = 0;
  correct = 0;

  constructor(m: Float64Array, h: Int32Array, netAddress: number) {
    this.m = m;
    this.h = h;
    this.net = netAddress >> 2;
    const s = this.header(H_SETTINGS);
    this.learningRate = m[s + S_LEARNING_RATE];
    this.momentum = m[s + S_MOMENTUM];
    this.beta1 = m[s + S_BETA1];
    this.beta2 = m[s + S_BETA2];
    this.epsilon = m[s + S_EPSILON];
    this.weightDecay = m[s + S_WEIGHT_DECAY];
    this.alpha = m[s + S_ALPHA];
    this.beta1Power = m[s + S_BETA1_POWER];
    this.beta2Power = m[s + S_BETA2_POWER];
    this.step = m[s + S_STEP];
  }

  header(f: number): number {
    return this.h[this.net + f];
  }

  field(layer: number, f: number): number {
    return this.h[this.net + NET_HEADER + layer * LAYER_FIELDS + f];
  }

  storeSettings(): void {
    const s = this.header(H_SETTINGS);
    this.m[s + S_BETA1_POWER] = this.beta1Power;
    this.m[s + S_BETA2_POWER] = this.beta2Power;
    this.m[s + S_STEP] = this.step;
  }

  addLoss(value: number): void {
    this.lossSum = this.lossTerms === 0 ? value : this.lossSum + value;
    this.lossTerms++;
  }

  derivative(kind: number, a: number, z: number): number {
    if (kind === SIGMOID) return a * (1.0 - a);
    if (kind === TANH) return 1.0 - a * a;
    if (kind === RELU) return z > 0 ? 1.0 : 0.0;
    if (kind === LEAKY_RELU) return z > 0 ? 1.0 : this.alpha;
    return 1.0;
  }

  activate(kind: number, z: number, a: number, n: number, aux: number): void {
    const m = this.m;
    if (kind === SOFTMAX) {
      let max = m[z];
      for (let k = 1; k < n; k++) if (m[z + k] > max) max = m[z + k];
      let sum = 0;
      for (let k = 0; k < n; k++) {
        const e = exp(m[z + k] - max);
        m[a + k] = e;
        sum = k === 0 ? e : sum + e;
      }
      for (let k = 0; k < n; k++) m[a + k] = m[a + k] / sum;
      m[aux] = max;
      m[aux + 1] = sum;
      return;
    }
    const alpha = this.alpha;
    for (let k = 0; k < n; k++) {
      const v = m[z + k];
      let out = v;
      if (kind === SIGMOID) out = 1.0 / (1.0 + exp(-v));
      else if (kind === TANH) out = tanh(v);
      else if (kind === RELU) out = v > 0 ? v : 0.0;
      else if (kind === LEAKY_RELU) out = v > 0 ? v : alpha * v;
      m[a + k] = out;
    }
  }

  forwardLayer(layer: number, input: number, rows: number): void {
    const m = this.m;
    const nIn = this.field(layer, L_IN);
    const nOut = this.field(layer, L_OUT);
    const weights = this.field(layer, L_WEIGHTS);
    const biases = this.field(layer, L_BIASES);
    const kind = this.field(layer, L_ACTIVATION);
    let x = input;
    let zRow = this.field(layer, L_Z);
    let aRow = this.field(layer, L_A);
    let aux = this.header(H_AUX);
    for (let r = 0; r < rows; r++) {
      let w = weights;
      for (let j = 0; j < nOut; j++) {
        let z = m[w] * m[x];
        for (let i = 1; i < nIn; i++) z += m[w + i] * m[x + i];
        m[zRow + j] = z + m[biases + j];
        w += nIn;
      }
      this.activate(kind, zRow, aRow, nOut, aux);
      x += nIn;
      zRow += nOut;
      aRow += nOut;
      aux += 2;
    }
  }

  forward(rows: number): void {
    const layers = this.header(H_LAYERS);
    let input = this.header(H_INPUT);
    for (let l = 0; l < layers; l++) {
      this.forwardLayer(l, input, rows);
      input = this.field(l, L_A);
    }
  }

  score(rows: number, deltas: boolean): void {
    const m = this.m;
    const last = this.header(H_LAYERS) - 1;
    const loss = this.header(H_LOSS);
    const n = this.field(last, L_OUT);
    const kind = this.field(last, L_ACTIVATION);
    let a = this.field(last, L_A);
    let z = this.field(last, L_Z);
    let d = this.field(last, L_D);
    let y = this.header(H_TARGET);
    let aux = this.header(H_AUX);
    for (let r = 0; r < rows; r++) {
      if (loss === MSE) {
        let squares = 0;
        for (let k = 0; k < n; k++) {
          const e = m[y + k] - m[a + k];
          squares = k === 0 ? e * e : squares + e * e;
        }
        this.addLoss(squares / n);
      } else if (loss === CROSS_ENTROPY) {
        const max = m[aux];
        const logSum = log(m[aux + 1]);
        let sum = 0;
        for (let k = 0; k < n; k++) {
          const term = m[y + k] * ((m[z + k] - max) - logSum);
          sum = k === 0 ? term : sum + term;
        }
        this.addLoss(-sum);
      } else {
        let sum = 0;
        for (let k = 0; k < n; k++) {
          const ak = m[a + k];
          const yk = m[y + k];
          let logA = log(ak);
          if (logA < -100.0) logA = -100.0;
          let logB = log(1.0 - ak);
          if (logB < -100.0) logB = -100.0;
          const term = yk * logA + (1.0 - yk) * logB;
          sum = k === 0 ? term : sum + term;
        }
        this.addLoss(-sum / n);
      }
      if (n === 1) {
        if (m[a] >= 0.5 === m[y] >= 0.5) this.correct++;
      } else {
        let best = 0;
        let truth = 0;
        for (let k = 1; k < n; k++) {
          if (m[a + k] > m[a + best]) best = k;
          if (m[y + k] > m[y + truth]) truth = k;
        }
        if (best === truth) this.correct++;
      }
      if (deltas) {
        if (loss !== MSE) {
          for (let k = 0; k < n; k++) m[d + k] = m[a + k] - m[y + k];
        } else if (kind === SOFTMAX) {
          let c = 0;
          for (let k = 0; k < n; k++) {
            const g = m[a + k] - m[y + k];
            m[d + k] = g;
            c = k === 0 ? g * m[a + k] : c + g * m[a + k];
          }
          for (let k = 0; k < n; k++) m[d + k] = m[a + k] * (m[d + k] - c);
        } else {
          for (let k = 0; k < n; k++) m[d + k] = (m[a + k] - m[y + k]) * this.derivative(kind, m[a + k], m[z + k]);
        }
      }
      a += n;
      z += n;
      d += n;
      y += n;
      aux += 2;
    }
  }

  hiddenDeltas(layer: number, rows: number): void {
    const m = this.m;
    const nIn = this.field(layer, L_IN);
    const nOut = this.field(layer, L_OUT);
    const weights = this.field(layer, L_WEIGHTS);
    const below = layer - 1;
    const kind = this.field(below, L_ACTIVATION);
    let d = this.field(layer, L_D);
    let dBelow = this.field(below, L_D);
    let a = this.field(below, L_A);
    let z = this.field(below, L_Z);
    for (let r = 0; r < rows; r++) {
      let w = weights;
      for (let j = 0; j < nOut; j++) {
        const dj = m[d + j];
        if (j === 0) for (let i = 0; i < nIn; i++) m[dBelow + i] = m[w + i] * dj;
        else for (let i = 0; i < nIn; i++) m[dBelow + i] = m[dBelow + i] + m[w + i] * dj;
        w += nIn;
      }
      for (let i = 0; i < nIn; i++) m[dBelow + i] = m[dBelow + i] * this.derivative(kind, m[a + i], m[z + i]);
      d += nOut;
      dBelow += nIn;
      a += nIn;
      z += nIn;
    }
  }

  gradients(layer: number, input: number, rows: number): void {
    const m = this.m;
    const nIn = this.field(layer, L_IN);
    const nOut = this.field(layer, L_OUT);
    const shift = this.header(H_GRADS) - this.header(H_PARAMS);
    const gradW = this.field(layer, L_WEIGHTS) + shift;
    const gradB = this.field(layer, L_BIASES) + shift;
    let d = this.field(layer, L_D);
    let x = input;
    for (let r = 0; r < rows; r++) {
      let g = gradW;
      for (let j = 0; j < nOut; j++) {
        const dj = m[d + j];
        if (r === 0) {
          for (let i = 0; i < nIn; i++) m[g + i] = dj * m[x + i];
          m[gradB + j] = dj;
        } else {
          for (let i = 0; i < nIn; i++) m[g + i] = m[g + i] + dj * m[x + i];
          m[gradB + j] = m[gradB + j] + dj;
        }
        g += nIn;
      }
      d += nOut;
      x += nIn;
    }
  }

  update(first: number, count: number, rows: number, decay: boolean): void {
    const m = this.m;
    const optimizer = this.header(H_OPTIMIZER);
    const offset = first - this.header(H_PARAMS);
    const w = first;
    const g = this.header(H_GRADS) + offset;
    const s1 = this.header(H_STATE1) + offset;
    const s2 = this.header(H_STATE2) + offset;
    const { learningRate: lr, momentum, beta1, beta2, epsilon, weightDecay } = this;
    const c1 = 1.0 - beta1;
    const c2 = 1.0 - beta2;
    const k1 = 1.0 - this.beta1Power;
    const k2 = 1.0 - this.beta2Power;
    for (let p = 0; p < count; p++) {
      let grad = m[g + p] / rows;
      if (decay) grad = grad + weightDecay * m[w + p];
      if (optimizer === SGD) {
        m[w + p] = m[w + p] - lr * grad;
      } else if (optimizer === MOMENTUM) {
        const v = momentum * m[s1 + p] + grad;
        m[s1 + p] = v;
        m[w + p] = m[w + p] - lr * v;
      } else {
        const mm = beta1 * m[s1 + p] + c1 * grad;
        const v = beta2 * m[s2 + p] + c2 * (grad * grad);
        m[s1 + p] = mm;
        m[s2 + p] = v;
        const mHat = mm / k1;
        const vHat = v / k2;
        m[w + p] = m[w + p] - (lr * mHat) / (Math.sqrt(vHat) + epsilon);
      }
    }
  }

  backward(rows: number): void {
    const last = this.header(H_LAYERS) - 1;
    this.step += 1;
    this.beta1Power = this.beta1Power * this.beta1;
    this.beta2Power = this.beta2Power * this.beta2;
    const decay = this.weightDecay > 0;
    for (let l = last; l >= 0; l--) {
      if (l > 0) this.hiddenDeltas(l, rows);
      const input = l === 0 ? this.header(H_INPUT) : this.field(l - 1, L_A);
      this.gradients(l, input, rows);
      const out = this.field(l, L_OUT);
      this.update(this.field(l, L_WEIGHTS), out * this.field(l, L_IN), rows, decay);
      this.update(this.field(l, L_BIASES), out, rows, false);
    }
  }

  backwardSample(): void {
    const m = this.m;
    const last = this.header(H_LAYERS) - 1;
    const lr = this.learningRate;
    this.step += 1;
    this.beta1Power = this.beta1Power * this.beta1;
    this.beta2Power = this.beta2Power * this.beta2;
    for (let l = last; l >= 0; l--) {
      const nIn = this.field(l, L_IN);
      const nOut = this.field(l, L_OUT);
      let w = this.field(l, L_WEIGHTS);
      const b = this.field(l, L_BIASES);
      const d = this.field(l, L_D);
      const x = l === 0 ? this.header(H_INPUT) : this.field(l - 1, L_A);
      if (l === 0) {
        for (let j = 0; j < nOut; j++) {
          const dj = m[d + j];
          for (let i = 0; i < nIn; i++) m[w + i] = m[w + i] - lr * (dj * m[x + i]);
          m[b + j] = m[b + j] - lr * dj;
          w += nIn;
        }
        continue;
      }
      const dBelow = this.field(l - 1, L_D);
      for (let j = 0; j < nOut; j++) {
        const dj = m[d + j];
        if (j === 0) {
          for (let i = 0; i < nIn; i++) {
            const wi = m[w + i];
            m[dBelow + i] = wi * dj;
            m[w + i] = wi - lr * (dj * m[x + i]);
          }
        } else {
          for (let i = 0; i < nIn; i++) {
            const wi = m[w + i];
            m[dBelow + i] = m[dBelow + i] + wi * dj;
            m[w + i] = wi - lr * (dj * m[x + i]);
          }
        }
        m[b + j] = m[b + j] - lr * dj;
        w += nIn;
      }
      const kind = this.field(l - 1, L_ACTIVATION);
      const z = this.field(l - 1, L_Z);
      for (let i = 0; i < nIn; i++) m[dBelow + i] = m[dBelow + i] * this.derivative(kind, m[x + i], m[z + i]);
    }
  }

  gather(inputs: number, targets: number, order: number, first: number, rows: number): void {
    const m = this.m;
    const nIn = this.field(0, L_IN);
    const nOut = this.field(this.header(H_LAYERS) - 1, L_OUT);
    const x = this.header(H_INPUT);
    const y = this.header(H_TARGET);
    for (let r = 0; r < rows; r++) {
      const row = order < 0 ? first + r : this.h[order * 2 + first + r];
      m.copyWithin(x + r * nIn, inputs + row * nIn, inputs + (row + 1) * nIn);
      if (targets >= 0) m.copyWithin(y + r * nOut, targets + row * nOut, targets + (row + 1) * nOut);
    }
  }

  evaluateRows(inputs: number, targets: number, count: number, outputs: number): void {
    const capacity = this.header(H_CAPACITY);
    const last = this.header(H_LAYERS) - 1;
    const nOut = this.field(last, L_OUT);
    this.lossSum = 0;
    this.lossTerms = 0;
    this.correct = 0;
    for (let first = 0; first < count; first += capacity) {
      const rows = Math.min(capacity, count - first);
      this.gather(inputs, targets, -1, first, rows);
      this.forward(rows);
      if (targets >= 0) this.score(rows, false);
      if (outputs >= 0) {
        const a = this.field(last, L_A);
        this.m.copyWithin(outputs + first * nOut, a, a + rows * nOut);
      }
    }
  }

  train(inputs: number, targets: number, count: number, order: number, epochs: number, stats: number, valInputs: number, valTargets: number, valCount: number): number {
    const m = this.m;
    const batch = this.header(H_BATCH);
    const fused = batch === 1 && this.header(H_OPTIMIZER) === SGD && !(this.weightDecay > 0);
    const threshold = m[this.header(H_SETTINGS) + S_ERROR_THRESHOLD];
    for (let e = 0; e < epochs; e++) {
      this.lossSum = 0;
      this.lossTerms = 0;
      this.correct = 0;
      for (let first = 0; first < count; first += batch) {
        const rows = Math.min(batch, count - first);
        this.gather(inputs, targets, order, order < 0 ? first : e * count + first, rows);
        this.forward(rows);
        this.score(rows, true);
        if (fused) this.backwardSample();
        else this.backward(rows);
      }
      const loss = this.lossSum / count;
      m[stats + e * 4] = loss;
      m[stats + e * 4 + 1] = this.correct;
      if (valCount > 0) {
        this.evaluateRows(valInputs, valTargets, valCount, -1);
        m[stats + e * 4 + 2] = this.lossSum / valCount;
        m[stats + e * 4 + 3] = this.correct;
      }
      if (loss < threshold) {
        this.storeSettings();
        return e + 1;
      }
    }
    this.storeSettings();
    return epochs;
  }

  evaluate(inputs: number, targets: number, count: number, outputs: number, stats: number): void {
    this.evaluateRows(inputs, targets, count, outputs);
    if (stats >= 0) {
      this.m[stats] = targets >= 0 ? this.lossSum / count : 0;
      this.m[stats + 1] = this.correct;
    }
  }
}
