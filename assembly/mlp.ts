// The training and inference loops: docs/training.md's definitions, over flat buffers laid
// out by the host. Generic over the net's element type T: f64, or f32 with every
// operation in single precision; the settings, the beta powers, the step, the checks and the
// running loss sum stay f64, and exp, log and tanh are the f64 functions of the widened
// argument, rounded once. src/backends/js/mlp.ts is its operation-for-operation twin; change both or
// neither (test/property.test.ts compares them bit for bit). Each kernel module instantiates one
// element type (assembly/index.ts f64, assembly/index-f32.ts f32), so a module carries one dtype's code.
import { exp, expPair, storeExpConstants } from './exp';
import { backProduct, forwardProduct, gradientProduct, lanes, sgdStepThenForward, sgdStepThenForward32, unit } from './linalg';
import { log, logPair, storeLogConstants } from './log';
import { storeTanhConstants, tanh, tanhPair } from './tanh';
import {
  addToField, addToHeader, at, el, field, get, header, put, set,
  ACTIVATION_LEAKY_RELU, ACTIVATION_LINEAR, ACTIVATION_RELU, ACTIVATION_SIGMOID, ACTIVATION_SOFTMAX, ACTIVATION_TANH,
  H_AUX, H_BATCH, H_CAN_WAIT, H_CAPACITY, H_CHECKS, H_GRADS, H_INPUT, H_LAYERS, H_LOSS, H_OPTIMIZER, H_PACK, H_PARAM_COUNT, H_PARAMS, H_SETTINGS, H_SHARES, H_SHIFT, H_STATE1, H_STATE2, H_SYNC, H_TARGET, H_THREADS,
  JOB_BACK, JOB_FORWARD, JOB_GRADIENTS, JOB_QUIT, SESSION_STEP, SYNC_ADMITTED, SYNC_BASE, SYNC_DECAY, SYNC_DONE, SYNC_GENERATION, SYNC_INPUT, SYNC_JOB, SYNC_LAYER,
  SYNC_LOBBY, SYNC_PARTS, SYNC_ROWS,
  L_A, L_ACTIVATION, L_BIASES, L_D, L_IN, L_OUT, L_WEIGHTS, L_Z, PARALLEL_MIN_ROWS, PARALLEL_PIECE, PARALLEL_WORK,
  LOSS_BINARY_CROSS_ENTROPY, LOSS_CROSS_ENTROPY, LOSS_MSE, OPTIMIZER_ADAM, OPTIMIZER_MOMENTUM, OPTIMIZER_SGD,
  S_ALPHA, S_BETA1, S_BETA1_POWER, S_BETA2, S_BETA2_POWER, S_EPSILON, S_ERROR_THRESHOLD, S_LEARNING_RATE, S_MOMENTUM,
  S_PAUSED_CORRECT, S_PAUSED_LOSS_SUM, S_PAUSED_TRAIN_CORRECT, S_PAUSED_TRAIN_LOSS, S_STEP, S_WEIGHT_DECAY,
} from './layout';

// Settings of the current call, loaded once from the settings block.
let alpha: f64 = 0;
let learningRate: f64 = 0;
let momentum: f64 = 0;
let beta1: f64 = 0;
let beta2: f64 = 0;
let epsilon: f64 = 0;
let weightDecay: f64 = 0;
let beta1Power: f64 = 1;
let beta2Power: f64 = 1;
let step: f64 = 0;

// The running loss sum (first term first, then in processing order) and correct count.
let lossSum: f64 = 0;
let lossTerms: i32 = 0;
let correct: i32 = 0;

function loadSettings<T>(net: usize): void {
  const s = at<T>(header(net, H_SETTINGS));
  learningRate = get(s, S_LEARNING_RATE);
  momentum = get(s, S_MOMENTUM);
  beta1 = get(s, S_BETA1);
  beta2 = get(s, S_BETA2);
  epsilon = get(s, S_EPSILON);
  weightDecay = get(s, S_WEIGHT_DECAY);
  alpha = get(s, S_ALPHA);
  beta1Power = get(s, S_BETA1_POWER);
  beta2Power = get(s, S_BETA2_POWER);
  step = get(s, S_STEP);
}

/**
 * The SIMD build's constant pools (expPair's, logPair's, tanhPair's), before any job reads
 * them (the f32 code's four-lane forms use the pairs too).
 */
function storeVectorConstants<T>(): void {
  if (ASC_FEATURE_SIMD) {
    storeExpConstants();
    if (sizeof<T>() == 8) storeLogConstants(); // the f32 code's logs stay scalar
    storeTanhConstants();
  }
}

function storeSettings<T>(net: usize): void {
  const s = at<T>(header(net, H_SETTINGS));
  set(s, S_BETA1_POWER, beta1Power);
  set(s, S_BETA2_POWER, beta2Power);
  set(s, S_STEP, step);
}

// @ts-ignore: decorator
@inline function addLoss(value: f64): void {
  lossSum = lossTerms == 0 ? value : lossSum + value;
  lossTerms++;
}

/** f'(z) of a non-softmax activation, from a = f(z) or z as docs/training.md says. */
// @ts-ignore: decorator
@inline function derivative<T>(kind: i32, a: T, z: T): T {
  if (kind == ACTIVATION_SIGMOID) return a * (<T>1.0 - a);
  if (kind == ACTIVATION_TANH) return <T>1.0 - a * a;
  if (kind == ACTIVATION_RELU) return z > 0 ? <T>1.0 : <T>0.0;
  if (kind == ACTIVATION_LEAKY_RELU) return z > 0 ? <T>1.0 : <T>alpha;
  return <T>1.0;
}

/**
 * f(x) of an f64 function for an element: f64 itself, or f32 widened (exactly) and the result
 * rounded once. The f32 forms are calls (not inlined copies): they keep the f32 code small.
 */
// @ts-ignore: decorator
@inline function expT<T>(x: T): T {
  if (sizeof<T>() == 4) return <T>exp32(<f32>x);
  return <T>exp(<f64>x);
}

// @ts-ignore: decorator
@inline function logT<T>(x: T): T {
  if (sizeof<T>() == 4) return <T>log32(<f32>x);
  return <T>log(<f64>x);
}

// @ts-ignore: decorator
@inline function tanhT<T>(x: T): T {
  if (sizeof<T>() == 4) return <T>tanh32(<f32>x);
  return <T>tanh(<f64>x);
}

function exp32(x: f32): f32 {
  return <f32>exp(<f64>x);
}

function log32(x: f32): f32 {
  return <f32>log(<f64>x);
}

function tanh32(x: f32): f32 {
  return <f32>tanh(<f64>x);
}

/**
 * exp32 of four f32 lanes: each half widened (exactly), through expPair (exp's bits per
 * lane), rounded once; so lane by lane the bits of expT<f32>.
 */
function exp32x4(v: v128): v128 {
  return v128.shuffle<f32>(exp32x2(v), exp32x2(v128.shuffle<f32>(v, v, 2, 3, 2, 3)), 0, 1, 4, 5);
}

/** exp32 of f32 lanes 0 and 1 (one copy of expPair in the f32 module). */
function exp32x2(v: v128): v128 {
  return f32x4.demote_f64x2_zero(expPair(f64x2.promote_low_f32x4(v)));
}

/** tanh32 of four f32 lanes, as exp32x4 does exp32. */
function tanh32x4(v: v128): v128 {
  return v128.shuffle<f32>(tanh32x2(v), tanh32x2(v128.shuffle<f32>(v, v, 2, 3, 2, 3)), 0, 1, 4, 5);
}

function tanh32x2(v: v128): v128 {
  return f32x4.demote_f64x2_zero(tanhPair(f64x2.promote_low_f32x4(v)));
}

/** softmax of one row of `n` values; leaves the row's max and sum in `aux`. */
function softmax<T>(z: usize, a: usize, n: i32, aux: usize): void {
  let m = el<T>(z, 0);
  for (let k = 1; k < n; k++) if (el<T>(z, k) > m) m = el<T>(z, k);
  let sum: T = 0;
  let k = 0;
  if (ASC_FEATURE_SIMD && sizeof<T>() == 8) {
    // The exps two at a time (expPair: exp's bits per lane), the sum still in index order.
    const vm = f64x2.splat(<f64>m);
    for (; k + 1 < n; k += 2) {
      const e = expPair(f64x2.sub(v128.load(z + ((<usize>k) << 3)), vm));
      v128.store(a + ((<usize>k) << 3), e);
      const e0 = <T>f64x2.extract_lane(e, 0);
      sum = k == 0 ? e0 : sum + e0;
      sum += <T>f64x2.extract_lane(e, 1);
    }
  } else if (ASC_FEATURE_SIMD) {
    // f32: four exps at a time (exp32x4), the sum still in index order.
    const vm = f32x4.splat(<f32>m);
    for (; k + 3 < n; k += 4) {
      const e = exp32x4(f32x4.sub(v128.load(z + ((<usize>k) << 2)), vm));
      v128.store(a + ((<usize>k) << 2), e);
      const e0 = <T>f32x4.extract_lane(e, 0);
      sum = k == 0 ? e0 : sum + e0;
      sum += <T>f32x4.extract_lane(e, 1);
      sum += <T>f32x4.extract_lane(e, 2);
      sum += <T>f32x4.extract_lane(e, 3);
    }
  }
  for (; k < n; k++) {
    const e = expT<T>(el<T>(z, k) - m);
    put<T>(a, k, e);
    sum = k == 0 ? e : sum + e;
  }
  for (let k = 0; k < n; k++) put<T>(a, k, el<T>(a, k) / sum);
  put<T>(aux, 0, m);
  put<T>(aux, 1, sum);
}

/** a = f(z) for columns [j0, j1) of `rows` rows of width `n`: any activation but softmax. */
function activateColumns<T>(kind: i32, z: usize, a: usize, rows: i32, n: i32, j0: i32, j1: i32): void {
  for (let r = 0; r < rows; r++) {
    const at = r * n;
    let k = at + j0;
    const end = at + j1;
    if (ASC_FEATURE_SIMD && sizeof<T>() == 8) {
      // Element-wise, lane by lane the scalar expressions below: pmax(0, v) is v > 0 ? v : 0
      // (NaN and -0 give +0), the mask picks v or alpha * v, and expPair / tanhPair give
      // exp's and tanh's bits per lane.
      const zero = f64x2.splat(0);
      const one = f64x2.splat(1.0);
      const vAlpha = f64x2.splat(alpha);
      for (; k + 1 < end; k += 2) {
        const v = v128.load(z + ((<usize>k) << 3));
        let out = v; // linear
        if (kind == ACTIVATION_SIGMOID) out = f64x2.div(one, f64x2.add(one, expPair(f64x2.neg(v))));
        else if (kind == ACTIVATION_TANH) out = tanhPair(v);
        else if (kind == ACTIVATION_RELU) out = f64x2.pmax(zero, v);
        else if (kind == ACTIVATION_LEAKY_RELU) out = v128.bitselect(v, f64x2.mul(vAlpha, v), f64x2.gt(v, zero));
        v128.store(a + ((<usize>k) << 3), out);
      }
    } else if (ASC_FEATURE_SIMD) {
      // f32: four lanes at a time, as above; exp32x4 and tanh32x4 give exp32's and tanh32's bits per lane.
      const zero = v128.splat<T>(0);
      const one = v128.splat<T>(<T>1.0);
      const vAlpha = v128.splat<T>(<T>alpha);
      const L = lanes<T>();
      for (; k + L - 1 < end; k += L) {
        const v = v128.load(z + ((<usize>k) << alignof<T>()));
        let out = v; // linear
        if (kind == ACTIVATION_SIGMOID) out = v128.div<T>(one, v128.add<T>(one, exp32x4(v128.neg<T>(v))));
        else if (kind == ACTIVATION_TANH) out = tanh32x4(v);
        else if (kind == ACTIVATION_RELU) out = v128.pmax<T>(zero, v);
        else if (kind == ACTIVATION_LEAKY_RELU) out = v128.bitselect(v, v128.mul<T>(vAlpha, v), v128.gt<T>(v, zero));
        v128.store(a + ((<usize>k) << alignof<T>()), out);
      }
    }
    for (; k < end; k++) {
      const v = el<T>(z, k);
      let out = v; // linear
      if (kind == ACTIVATION_SIGMOID) out = <T>1.0 / (<T>1.0 + expT<T>(-v));
      else if (kind == ACTIVATION_TANH) out = tanhT<T>(v);
      else if (kind == ACTIVATION_RELU) out = v > 0 ? v : <T>0.0;
      else if (kind == ACTIVATION_LEAKY_RELU) out = v > 0 ? v : <T>alpha * v;
      put<T>(a, k, out);
    }
  }
}

/**
 * z_l = (W_l . a_{l-1}) + b_l and a_l = f(z_l) for `rows` rows of the batch. Element-wise
 * activations are applied inside the forward job, by whichever thread computed the column.
 */
function forwardLayer<T>(net: usize, layer: i32, input: usize, rows: i32, productDone: bool): void {
  const nOut = field(net, layer, L_OUT);
  const kind = field(net, layer, L_ACTIVATION);
  const z = at<T>(field(net, layer, L_Z));
  const a = at<T>(field(net, layer, L_A));
  if (!productDone) parallel<T>(net, JOB_FORWARD, layer, rows, <i32>(input >> alignof<T>()), false);
  else if (kind != ACTIVATION_SOFTMAX) activateColumns<T>(kind, z, a, rows, nOut, 0, nOut);
  if (kind != ACTIVATION_SOFTMAX) return;
  const outBytes = (<usize>nOut) << alignof<T>();
  const aux = at<T>(header(net, H_AUX));
  for (let r = 0; r < rows; r++) softmax<T>(z + <usize>r * outBytes, a + <usize>r * outBytes, nOut, aux + ((<usize>r) << (alignof<T>() + 1)));
}

/** The forward pass of the batch's input rows through every layer (z_1 already there when `firstDone`). */
function forward<T>(net: usize, rows: i32, firstDone: bool): void {
  const layers = header(net, H_LAYERS);
  let input = batchInputs;
  for (let l = 0; l < layers; l++) {
    forwardLayer<T>(net, l, input, rows, firstDone && l == 0);
    input = at<T>(field(net, l, L_A));
  }
}

/**
 * Adds each row's loss and correctness to the running totals and, when `deltas`, writes the
 * output deltas delta_L.
 */
function score<T>(net: usize, rows: i32, deltas: bool): void {
  const last = header(net, H_LAYERS) - 1;
  const loss = header(net, H_LOSS);
  const n = field(net, last, L_OUT);
  const kind = field(net, last, L_ACTIVATION);
  const rowBytes = (<usize>n) << alignof<T>();
  let a = at<T>(field(net, last, L_A));
  let z = at<T>(field(net, last, L_Z));
  let d = at<T>(field(net, last, L_D));
  let y = batchTargets;
  let aux = at<T>(header(net, H_AUX));
  for (let r = 0; r < rows; r++) {
    if (loss == LOSS_MSE) {
      let squares: T = 0;
      for (let k = 0; k < n; k++) {
        const e = el<T>(y, k) - el<T>(a, k);
        squares = k == 0 ? e * e : squares + e * e;
      }
      addLoss(<f64>(squares / <T>n));
    } else if (loss == LOSS_CROSS_ENTROPY) {
      const m = el<T>(aux, 0);
      const logSum = logT<T>(el<T>(aux, 1));
      let sum: T = 0;
      for (let k = 0; k < n; k++) {
        const term = el<T>(y, k) * ((el<T>(z, k) - m) - logSum);
        sum = k == 0 ? term : sum + term;
      }
      addLoss(<f64>-sum);
    } else {
      let sum: T = 0;
      for (let k = 0; k < n; k++) {
        const ak = el<T>(a, k);
        const yk = el<T>(y, k);
        let logA: T;
        let logB: T;
        if (ASC_FEATURE_SIMD && sizeof<T>() == 8) {
          // Both logs in one logPair (log's bits per lane).
          const logs = logPair(f64x2.replace_lane(f64x2.splat(<f64>ak), 1, 1.0 - <f64>ak));
          logA = <T>f64x2.extract_lane(logs, 0);
          logB = <T>f64x2.extract_lane(logs, 1);
        } else {
          logA = logT<T>(ak);
          logB = logT<T>(<T>1.0 - ak);
        }
        if (logA < <T>-100.0) logA = <T>-100.0;
        if (logB < <T>-100.0) logB = <T>-100.0;
        const term = yk * logA + (<T>1.0 - yk) * logB;
        sum = k == 0 ? term : sum + term;
      }
      addLoss(<f64>(-sum / <T>n));
    }
    if (n == 1) {
      if ((el<T>(a, 0) >= <T>0.5) == (el<T>(y, 0) >= <T>0.5)) correct++;
    } else {
      let best = 0;
      let truth = 0;
      for (let k = 1; k < n; k++) {
        if (el<T>(a, k) > el<T>(a, best)) best = k;
        if (el<T>(y, k) > el<T>(y, truth)) truth = k;
      }
      if (best == truth) correct++;
    }
    if (deltas) {
      if (loss != LOSS_MSE) {
        for (let k = 0; k < n; k++) put<T>(d, k, el<T>(a, k) - el<T>(y, k));
      } else if (kind == ACTIVATION_SOFTMAX) {
        let c: T = 0;
        for (let k = 0; k < n; k++) {
          const g = el<T>(a, k) - el<T>(y, k);
          put<T>(d, k, g);
          c = k == 0 ? g * el<T>(a, k) : c + g * el<T>(a, k);
        }
        for (let k = 0; k < n; k++) put<T>(d, k, el<T>(a, k) * (el<T>(d, k) - c));
      } else {
        for (let k = 0; k < n; k++) put<T>(d, k, (el<T>(a, k) - el<T>(y, k)) * derivative<T>(kind, el<T>(a, k), el<T>(z, k)));
      }
    }
    a += rowBytes;
    z += rowBytes;
    d += rowBytes;
    y += rowBytes;
    aux += 2 * sizeof<T>();
  }
}

/** delta_{l-1} = (W_l^T . delta_l) * f'_{l-1}, from the weights before their update (one job). */
function hiddenDeltas<T>(net: usize, layer: i32, rows: i32): void {
  parallel<T>(net, JOB_BACK, layer, rows, 0, false);
}

/** delta *= f'(a, z) for columns [i0, i1) of `rows` rows of width `n`. */
function derivativeColumns<T>(kind: i32, d: usize, a: usize, z: usize, rows: i32, n: i32, i0: i32, i1: i32): void {
  for (let r = 0; r < rows; r++) {
    const at = r * n;
    let i = at + i0;
    const end = at + i1;
    if (ASC_FEATURE_SIMD) {
      // Lane by lane derivative() below: the same products, the same 1 / 0 / alpha factors.
      const zero = v128.splat<T>(0);
      const one = v128.splat<T>(<T>1.0);
      const vAlpha = v128.splat<T>(<T>alpha);
      const L = lanes<T>();
      for (; i + L - 1 < end; i += L) {
        const p = (<usize>i) << alignof<T>();
        const av = v128.load(a + p);
        let f = one; // linear
        if (kind == ACTIVATION_SIGMOID) f = v128.mul<T>(av, v128.sub<T>(one, av));
        else if (kind == ACTIVATION_TANH) f = v128.sub<T>(one, v128.mul<T>(av, av));
        else if (kind == ACTIVATION_RELU) f = v128.and(v128.gt<T>(v128.load(z + p), zero), one);
        else if (kind == ACTIVATION_LEAKY_RELU) f = v128.bitselect(one, vAlpha, v128.gt<T>(v128.load(z + p), zero));
        v128.store(d + p, v128.mul<T>(v128.load(d + p), f));
      }
    }
    for (; i < end; i++) put<T>(d, i, el<T>(d, i) * derivative<T>(kind, el<T>(a, i), el<T>(z, i)));
  }
}

/**
 * Applies the optimizer to `count` parameters from element `first`, gradients / `rows`. Reads
 * the current copy and writes H_SHIFT elements away: in place when it is 0, else into the
 * other copy (the state only where the optimizer has one), element for element the same.
 */
function update<T>(net: usize, first: i32, count: i32, rows: T, decay: bool): void {
  const optimizer = header(net, H_OPTIMIZER);
  const offset = first - header(net, H_PARAMS);
  const shift = header(net, H_SHIFT);
  const w = at<T>(first);
  const g = at<T>(header(net, H_GRADS) + offset);
  const s1 = at<T>(header(net, H_STATE1) + offset);
  const s2 = at<T>(header(net, H_STATE2) + offset);
  const wOut = at<T>(first + shift);
  const s1Out = at<T>(header(net, H_STATE1) + offset + shift);
  const s2Out = at<T>(header(net, H_STATE2) + offset + shift);
  // The hyperparameters as T (f32: each rounded once); 1 - beta^t in f64, then rounded once.
  const lr = <T>learningRate;
  const mu = <T>momentum;
  const b1 = <T>beta1;
  const b2 = <T>beta2;
  const eps = <T>epsilon;
  const wd = <T>weightDecay;
  const c1 = <T>1.0 - b1;
  const c2 = <T>1.0 - b2;
  const k1 = <T>(1.0 - beta1Power);
  const k2 = <T>(1.0 - beta2Power);
  let p = 0;
  if (ASC_FEATURE_SIMD) {
    // Element-wise: lanes are parameters, each updated exactly as the scalar loop does.
    const vRows = v128.splat<T>(rows);
    const vDecay = v128.splat<T>(wd);
    const vLr = v128.splat<T>(lr);
    const L = lanes<T>();
    for (; p + L - 1 < count; p += L) {
      const at2 = (<usize>p) << alignof<T>();
      const wv = v128.load(w + at2);
      let grad = v128.div<T>(v128.load(g + at2), vRows);
      if (decay) grad = v128.add<T>(grad, v128.mul<T>(vDecay, wv));
      if (optimizer == OPTIMIZER_SGD) {
        v128.store(wOut + at2, v128.sub<T>(wv, v128.mul<T>(vLr, grad)));
      } else if (optimizer == OPTIMIZER_MOMENTUM) {
        const v = v128.add<T>(v128.mul<T>(v128.splat<T>(mu), v128.load(s1 + at2)), grad);
        v128.store(s1Out + at2, v);
        v128.store(wOut + at2, v128.sub<T>(wv, v128.mul<T>(vLr, v)));
      } else {
        const m = v128.add<T>(v128.mul<T>(v128.splat<T>(b1), v128.load(s1 + at2)), v128.mul<T>(v128.splat<T>(c1), grad));
        const v = v128.add<T>(v128.mul<T>(v128.splat<T>(b2), v128.load(s2 + at2)), v128.mul<T>(v128.splat<T>(c2), v128.mul<T>(grad, grad)));
        v128.store(s1Out + at2, m);
        v128.store(s2Out + at2, v);
        const mHat = v128.div<T>(m, v128.splat<T>(k1));
        const vHat = v128.div<T>(v, v128.splat<T>(k2));
        v128.store(wOut + at2, v128.sub<T>(wv, v128.div<T>(v128.mul<T>(vLr, mHat), v128.add<T>(v128.sqrt<T>(vHat), v128.splat<T>(eps)))));
      }
    }
  }
  for (; p < count; p++) {
    let grad = el<T>(g, p) / rows;
    if (decay) grad = grad + wd * el<T>(w, p);
    if (optimizer == OPTIMIZER_SGD) {
      put<T>(wOut, p, el<T>(w, p) - lr * grad);
    } else if (optimizer == OPTIMIZER_MOMENTUM) {
      const v = mu * el<T>(s1, p) + grad;
      put<T>(s1Out, p, v);
      put<T>(wOut, p, el<T>(w, p) - lr * v);
    } else {
      const m = b1 * el<T>(s1, p) + c1 * grad;
      const v = b2 * el<T>(s2, p) + c2 * (grad * grad);
      put<T>(s1Out, p, m);
      put<T>(s2Out, p, v);
      const mHat = m / k1;
      const vHat = v / k2;
      put<T>(wOut, p, el<T>(w, p) - (lr * mHat) / (sqrt<T>(vHat) + eps));
    }
  }
}

/**
 * One job over a layer for the range [from, to) of its outputs (of its inputs for JOB_BACK):
 * the forward product, the deltas' back-product, or the gradient sums followed by the update
 * of the same weight rows. The whole job is the range [0, jobWidth).
 */
function runJob<T>(net: usize, job: i32, layer: i32, rows: i32, input: i32, decay: bool, from: i32, to: i32): void {
  const nIn = field(net, layer, L_IN);
  const nOut = field(net, layer, L_OUT);
  const weights = field(net, layer, L_WEIGHTS);
  const biases = field(net, layer, L_BIASES);
  if (job == JOB_FORWARD) {
    const z = at<T>(field(net, layer, L_Z));
    forwardProduct<T>(at<T>(weights), at<T>(biases), at<T>(input), z, rows, nIn, nOut, at<T>(header(net, H_PACK)), from, to);
    const kind = field(net, layer, L_ACTIVATION);
    if (kind != ACTIVATION_SOFTMAX) activateColumns<T>(kind, z, at<T>(field(net, layer, L_A)), rows, nOut, from, to);
  } else if (job == JOB_BACK) {
    const below = layer - 1;
    const d = at<T>(field(net, below, L_D));
    backProduct<T>(at<T>(weights), at<T>(field(net, layer, L_D)), d, rows, nIn, nOut, from, to);
    const kind = field(net, below, L_ACTIVATION);
    derivativeColumns<T>(kind, d, at<T>(field(net, below, L_A)), at<T>(field(net, below, L_Z)), rows, nIn, from, to);
  } else {
    const shift = header(net, H_GRADS) - header(net, H_PARAMS);
    gradientProduct<T>(at<T>(field(net, layer, L_D)), at<T>(input), at<T>(weights + shift), at<T>(biases + shift), rows, nIn, nOut, from, to);
    update<T>(net, weights + from * nIn, (to - from) * nIn, <T>rows, decay);
    update<T>(net, biases + from, to - from, <T>rows, false);
  }
}

/** The outputs a job is cut across (the inputs for JOB_BACK). */
// @ts-ignore: decorator
@inline function jobWidth(net: usize, job: i32, layer: i32): i32 {
  return field(net, layer, job == JOB_BACK ? L_IN : L_OUT);
}

/**
 * Outputs per piece of a split job: PARALLEL_PIECE micro-kernel units, more when the job has
 * more pieces than a share word counts (its two halves are 16 bits).
 */
// @ts-ignore: decorator
@inline function pieceWidth<T>(width: i32): i32 {
  const u = unit<T>();
  return u * max(PARALLEL_PIECE, (width / u + 0x7ffe) / 0x7fff);
}

/** Byte address of `part`'s share word: next piece | end << 16. */
// @ts-ignore: decorator
@inline function share<T>(net: usize, part: i32): usize {
  return at<T>(header(net, H_SHARES)) + ((<usize>part) << 2);
}

/**
 * Takes a piece of `part`'s share: its next one (`front`, the owner) or its last one (another
 * thread); -1 when none is left.
 */
function takePiece<T>(net: usize, part: i32, front: bool): i32 {
  const word = share<T>(net, part);
  while (true) {
    const shares = atomic.load<i32>(word);
    const next = shares & 0xffff;
    const end = shares >>> 16;
    if (next >= end) return -1;
    const taken = front ? next : end - 1;
    const after = front ? shares + 1 : shares - 0x10000;
    if (atomic.cmpxchg<i32>(word, shares, after) == shares) return taken;
  }
  return -1; // unreachable
}

/**
 * This thread's work on a split job: the pieces of its own share in order, then the last
 * pieces left in the others' shares, until no piece is left.
 */
function runShare<T>(net: usize, job: i32, layer: i32, rows: i32, input: i32, decay: bool, part: i32, parts: i32): void {
  const width = jobWidth(net, job, layer);
  const size = pieceWidth<T>(width);
  for (let k = 0; k < parts; k++) {
    const owner = (part + k) % parts;
    for (let piece = takePiece<T>(net, owner, k == 0); piece >= 0; piece = takePiece<T>(net, owner, k == 0)) {
      runJob<T>(net, job, layer, rows, input, decay, piece * size, min(width, (piece + 1) * size));
    }
  }
}

/** Byte address of i32 field `f` of the job block. */
// @ts-ignore: decorator
@inline function sync<T>(net: usize, f: i32): usize {
  return at<T>(header(net, H_SYNC)) + ((<usize>f) << 2);
}

/**
 * Polls (0.14 ms on the 2-core host of the bench; an atomic load a poll) before sleeping in
 * atomic.wait: between two jobs the calling thread does a batch's serial work, and a futex
 * wake-up after it costs more than the job saves; measured on wide-b64 with 2 threads, 1.6x
 * at 2,000 polls, 1.84x at 300,000 (3,000,000 polls gave no measurable gain over 300,000).
 * Idle workers sleep after that, so a net that is not training costs nothing.
 */
const SPIN: i32 = 300000;

/**
 * Runs a job on the calling thread (part 0) and every admitted worker, and returns when all
 * parts are done. The workers (work() below) sleep on the job block's generation counter.
 * Workers arrive when they can (the host attaches them to a net asynchronously), so each job
 * first admits the ones that have arrived; the split never changes the bits.
 */
function parallel<T>(net: usize, job: i32, layer: i32, rows: i32, input: i32, decay: bool): void {
  const work = <i64>rows * <i64>field(net, layer, L_IN) * <i64>field(net, layer, L_OUT);
  // Small jobs stay on this thread (PARALLEL_* in src/backends/layout.ts says why).
  if (!ASC_FEATURE_THREADS || header(net, H_THREADS) <= 1 || rows < PARALLEL_MIN_ROWS || work < <i64>PARALLEL_WORK) {
    runJob<T>(net, job, layer, rows, input, decay, 0, jobWidth(net, job, layer));
    return;
  }
  if (ASC_FEATURE_THREADS) {
    const parts = admit<T>(net);
    if (parts <= 1) {
      runJob<T>(net, job, layer, rows, input, decay, 0, jobWidth(net, job, layer));
      return;
    }
    // Each part's share: an equal run of whole pieces (published by the generation's bump).
    const width = jobWidth(net, job, layer);
    const size = pieceWidth<T>(width);
    const pieces = (width + size - 1) / size;
    for (let p = 0; p < parts; p++) store<i32>(share<T>(net, p), (pieces * p / parts) | ((pieces * (p + 1) / parts) << 16));
    storeSettings<T>(net); // the workers' update() reads t and the powers from memory
    store<i32>(sync<T>(net, SYNC_JOB), job);
    store<i32>(sync<T>(net, SYNC_LAYER), layer);
    store<i32>(sync<T>(net, SYNC_ROWS), rows);
    store<i32>(sync<T>(net, SYNC_INPUT), input);
    store<i32>(sync<T>(net, SYNC_DECAY), decay ? 1 : 0);
    store<i32>(sync<T>(net, SYNC_PARTS), parts);
    atomic.store<i32>(sync<T>(net, SYNC_DONE), 0);
    atomic.add<i32>(sync<T>(net, SYNC_GENERATION), 1);
    atomic.notify(sync<T>(net, SYNC_GENERATION), parts - 1);
    runShare<T>(net, job, layer, rows, input, decay, 0, parts);
    const canWait = header(net, H_CAN_WAIT) != 0;
    for (let spins = 0; ; spins++) {
      const done = atomic.load<i32>(sync<T>(net, SYNC_DONE));
      if (done >= parts - 1) break;
      // A browser's main thread may not block: it only spins.
      if (canWait && spins >= SPIN) atomic.wait<i32>(sync<T>(net, SYNC_DONE), done, 1000000);
    }
  }
}

/**
 * Lets the workers that arrived since the last job take part from the next generation on;
 * returns the threads taking part. Admitted workers take part in every later job of their
 * session, so the caller only ever waits for workers that are already here.
 */
function admit<T>(net: usize): i32 {
  const lobby = atomic.load<i32>(sync<T>(net, SYNC_LOBBY));
  if (lobby != atomic.load<i32>(sync<T>(net, SYNC_ADMITTED))) {
    atomic.store<i32>(sync<T>(net, SYNC_BASE), atomic.load<i32>(sync<T>(net, SYNC_GENERATION)));
    atomic.store<i32>(sync<T>(net, SYNC_ADMITTED), lobby);
    atomic.notify(sync<T>(net, SYNC_ADMITTED), -1);
  }
  return 1 + (lobby & (SESSION_STEP - 1));
}

/**
 * Joins session `session` of the job block and waits to be admitted; returns this worker's
 * part, or 0 when the session ended first (the host moved this net's workers elsewhere).
 */
function join<T>(net: usize, session: i32): i32 {
  let part = 0;
  while (part == 0) {
    const lobby = atomic.load<i32>(sync<T>(net, SYNC_LOBBY));
    if ((lobby & ~(SESSION_STEP - 1)) != session) return 0;
    if (atomic.cmpxchg<i32>(sync<T>(net, SYNC_LOBBY), lobby, lobby + 1) == lobby) part = (lobby & (SESSION_STEP - 1)) + 1;
  }
  for (let spins = 0; ; spins++) {
    const admitted = atomic.load<i32>(sync<T>(net, SYNC_ADMITTED));
    if ((admitted & ~(SESSION_STEP - 1)) != session) return 0;
    if ((admitted & (SESSION_STEP - 1)) >= part) return part;
    if (spins >= SPIN) atomic.wait<i32>(sync<T>(net, SYNC_ADMITTED), admitted, 100000000);
  }
  return 0; // unreachable
}

// @ts-ignore: decorator
@inline function ended<T>(net: usize, session: i32): bool {
  return (atomic.load<i32>(sync<T>(net, SYNC_LOBBY)) & ~(SESSION_STEP - 1)) != session;
}

/**
 * A worker thread's visit to a net: joins `session` (the host's attach message names it),
 * then waits for a job, does its part, reports, and waits again until a JOB_QUIT. Called by
 * the host's worker script each time the host attaches the worker to a net.
 */
export function work<T>(net: usize, session: i32): void {
  if (!ASC_FEATURE_THREADS) return;
  if (ASC_FEATURE_THREADS) {
    const part = join<T>(net, session);
    let seen = part > 0 ? atomic.load<i32>(sync<T>(net, SYNC_BASE)) : 0;
    while (part > 0) {
      let generation = atomic.load<i32>(sync<T>(net, SYNC_GENERATION));
      for (let spins = 0; generation == seen; spins++) {
        if (spins >= SPIN) {
          // A finite sleep: back in wasm now and then, a terminated worker is seen to end.
          atomic.wait<i32>(sync<T>(net, SYNC_GENERATION), seen, 100000000);
          if (ended<T>(net, session)) return;
        }
        generation = atomic.load<i32>(sync<T>(net, SYNC_GENERATION));
      }
      seen = generation;
      // The session first: a job of a later session (the caller moved on) is not ours.
      if (ended<T>(net, session)) return;
      const job = load<i32>(sync<T>(net, SYNC_JOB));
      if (job == JOB_QUIT) break;
      loadSettings<T>(net);
      runShare<T>(net, job, load<i32>(sync<T>(net, SYNC_LAYER)), load<i32>(sync<T>(net, SYNC_ROWS)), load<i32>(sync<T>(net, SYNC_INPUT)), load<i32>(sync<T>(net, SYNC_DECAY)) != 0, part, load<i32>(sync<T>(net, SYNC_PARTS)));
      atomic.add<i32>(sync<T>(net, SYNC_DONE), 1);
      atomic.notify(sync<T>(net, SYNC_DONE), 1);
    }
  }
}

/** Backward pass and one update of every layer for the batch (the general path). */
function backward<T>(net: usize, rows: i32): void {
  const last = header(net, H_LAYERS) - 1;
  step += 1;
  beta1Power = beta1Power * beta1;
  beta2Power = beta2Power * beta2;
  const decay = weightDecay > 0;
  for (let l = last; l >= 0; l--) {
    if (l > 0) hiddenDeltas<T>(net, l, rows);
    const input = l == 0 ? <i32>(batchInputs >> alignof<T>()) : field(net, l - 1, L_A);
    parallel<T>(net, JOB_GRADIENTS, l, rows, input, decay);
  }
}

/**
 * One row j of the fused pass: out[i] = W[j][i] - lr * (d * x[i]) (`out` is the row itself or
 * its place in the other copy) and, when `below` is set, below[i] (+)= W[j][i] * d from the
 * weight before its update (`first`: j == 0 sets). Returns the sum of |out[i]| when `sum`
 * (in any order: a check, see writeChecks), else 0; four chains of lanes keep the sum from
 * slowing the pass.
 */
// @ts-ignore: decorator
@inline function fusedRow<T>(row: usize, out: usize, below: usize, x: usize, d: T, nIn: i32, lr: T, first: bool, sum: bool): f64 {
  let i = 0;
  let total: f64 = 0;
  if (ASC_FEATURE_SIMD) {
    const vd = v128.splat<T>(d);
    const vLr = v128.splat<T>(lr);
    if (sizeof<T>() == 8) {
      let s0 = f64x2.splat(0);
      if (sum) {
        let s1 = s0;
        let s2 = s0;
        let s3 = s0;
        for (; i + 7 < nIn; i += 8) {
          const at2 = (<usize>i) << 3;
          s0 = f64x2.add(s0, f64x2.abs(fusedPair<T>(row, out, below, x, vd, vLr, first, at2)));
          s1 = f64x2.add(s1, f64x2.abs(fusedPair<T>(row, out, below, x, vd, vLr, first, at2 + 16)));
          s2 = f64x2.add(s2, f64x2.abs(fusedPair<T>(row, out, below, x, vd, vLr, first, at2 + 32)));
          s3 = f64x2.add(s3, f64x2.abs(fusedPair<T>(row, out, below, x, vd, vLr, first, at2 + 48)));
        }
        s0 = f64x2.add(f64x2.add(s0, s1), f64x2.add(s2, s3));
      }
      for (; i + 1 < nIn; i += 2) {
        const updated = fusedPair<T>(row, out, below, x, vd, vLr, first, (<usize>i) << 3);
        if (sum) s0 = f64x2.add(s0, f64x2.abs(updated));
      }
      total = f64x2.extract_lane(s0, 0) + f64x2.extract_lane(s0, 1);
    } else {
      // f32: the check is summed in f64 (an f32 sum could overflow where no value does).
      for (; i + 3 < nIn; i += 4) fusedPair<T>(row, out, below, x, vd, vLr, first, (<usize>i) << 2);
      if (sum) for (let k = 0; k < i; k++) total += abs<f64>(<f64>el<T>(out, k));
    }
  }
  for (; i < nIn; i++) {
    const w = el<T>(row, i);
    if (below != 0) put<T>(below, i, first ? w * d : el<T>(below, i) + w * d);
    const updated = w - lr * (d * el<T>(x, i));
    put<T>(out, i, updated);
    total += abs<f64>(<f64>updated);
  }
  return sum ? total : 0;
}

/** fusedRow's elements from i (at byte offset `at2`), one per lane; returns the new weights. */
// @ts-ignore: decorator
@inline function fusedPair<T>(row: usize, out: usize, below: usize, x: usize, vd: v128, vLr: v128, first: bool, at2: usize): v128 {
  const w = v128.load(row + at2);
  if (below != 0) {
    const product = v128.mul<T>(w, vd);
    v128.store(below + at2, first ? product : v128.add<T>(v128.load(below + at2), product));
  }
  const updated = v128.sub<T>(w, v128.mul<T>(vLr, v128.mul<T>(vd, v128.load(x + at2))));
  v128.store(out + at2, updated);
  return updated;
}

/**
 * Per-sample SGD without weight decay, fused: one pass over each W_l both accumulates
 * delta_{l-1} from the pre-update weights and applies W -= lr * (delta * a). Gives the same
 * bits as backward<T>() with one row (g / 1 == g), with half the memory traffic. When `next`
 * (the address of the next sample's input row) is set, W_1's pass also computes that
 * sample's z_1 (SIMD builds); else, when `checks`, the pass also writes the checks of the
 * parameters it writes (writeChecks' sums, the last update of a call needing no scan after it).
 */
function backwardSample<T>(net: usize, next: usize, checks: bool): void {
  const last = header(net, H_LAYERS) - 1;
  const lr = <T>learningRate;
  const shift = (<usize>header(net, H_SHIFT)) << alignof<T>(); // bytes to the copy written (wraps when < 0)
  step += 1;
  beta1Power = beta1Power * beta1;
  beta2Power = beta2Power * beta2;
  for (let l = last; l >= 0; l--) {
    const nIn = field(net, l, L_IN);
    const nOut = field(net, l, L_OUT);
    const inBytes = (<usize>nIn) << alignof<T>();
    let w = at<T>(field(net, l, L_WEIGHTS));
    const b = at<T>(field(net, l, L_BIASES));
    const d = at<T>(field(net, l, L_D));
    const x = l == 0 ? batchInputs : at<T>(field(net, l - 1, L_A));
    const below: usize = l == 0 ? 0 : at<T>(field(net, l - 1, L_D));
    if (l == 0 && next != 0) {
      if (sizeof<T>() == 8) sgdStepThenForward(w, b, shift, d, x, next, at<T>(field(net, 0, L_Z)), nIn, nOut, <f64>lr);
      else sgdStepThenForward32(w, b, shift, d, x, next, at<T>(field(net, 0, L_Z)), nIn, nOut, <f32>lr);
      continue;
    }
    let total: f64 = 0;
    for (let j = 0; j < nOut; j++) {
      const dj = el<T>(d, j);
      total += fusedRow<T>(w, w + shift, below, x, dj, nIn, lr, j == 0, checks);
      const bias = el<T>(b, j) - lr * dj;
      put<T>(b + shift, j, bias);
      total += abs<f64>(<f64>bias);
      w += inBytes;
    }
    if (checks) set(at<T>(header(net, H_CHECKS)), l, total);
    if (l > 0) derivativeColumns<T>(field(net, l - 1, L_ACTIVATION), below, x, at<T>(field(net, l - 1, L_Z)), 1, nIn, 0, nIn);
  }
  if (checks) set(at<T>(header(net, H_CHECKS)), last + 1, 0); // sgd keeps no state
}

/** Copies n elements; memory.copy costs more than a loop for the short rows of small nets. */
// @ts-ignore: decorator
@inline function copyRow<T>(dst: usize, src: usize, n: i32): void {
  if (n >= 16) memory.copy(dst, src, (<usize>n) << alignof<T>());
  else for (let i = 0; i < n; i++) put<T>(dst, i, el<T>(src, i));
}

// The current batch's input and target rows (byte addresses): straight into the data when
// its rows are consecutive there, else the batch buffers that gather() fills.
let batchInputs: usize = 0;
let batchTargets: usize = 0;

/**
 * Points batchInputs/batchTargets at `rows` samples: rows `first..` of the data in place when
 * order < 0 (no copy), else rows `order[first..]` copied into the batch buffers.
 */
function gather<T>(net: usize, inputs: i32, targets: i32, order: i32, first: i32, rows: i32): void {
  const nIn = field(net, 0, L_IN);
  const nOut = field(net, header(net, H_LAYERS) - 1, L_OUT);
  if (order < 0) {
    batchInputs = at<T>(inputs + first * nIn);
    batchTargets = targets >= 0 ? at<T>(targets + first * nOut) : 0;
    return;
  }
  const x = at<T>(header(net, H_INPUT));
  const y = at<T>(header(net, H_TARGET));
  for (let r = 0; r < rows; r++) {
    const row = load<i32>(at<T>(order) + ((<usize>(first + r)) << 2));
    copyRow<T>(x + ((<usize>(r * nIn)) << alignof<T>()), at<T>(inputs + row * nIn), nIn);
    if (targets >= 0) copyRow<T>(y + ((<usize>(r * nOut)) << alignof<T>()), at<T>(targets + row * nOut), nOut);
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
function evaluateRows<T>(net: usize, inputs: i32, targets: i32, count: i32, outputs: i32): void {
  const capacity = header(net, H_CAPACITY);
  const last = header(net, H_LAYERS) - 1;
  const nOut = field(net, last, L_OUT);
  for (let first = 0; first < count; first += capacity) {
    const rows = min(capacity, count - first);
    gather<T>(net, inputs, targets, -1, first, rows);
    forward<T>(net, rows, false);
    if (targets >= 0) score<T>(net, rows, false);
    if (outputs >= 0) memory.copy(at<T>(outputs + first * nOut), at<T>(field(net, last, L_A)), (<usize>(rows * nOut)) << alignof<T>());
  }
}

/**
 * After the first update of a call that ran out of place (H_SHIFT != 0): the descriptor now
 * points at the copy that update wrote, and later updates run in place there.
 */
function adoptShift(net: usize): void {
  const shift = header(net, H_SHIFT);
  addToHeader(net, H_PARAMS, shift);
  addToHeader(net, H_STATE1, shift);
  addToHeader(net, H_STATE2, shift);
  const layers = header(net, H_LAYERS);
  for (let l = 0; l < layers; l++) {
    addToField(net, l, L_WEIGHTS, shift);
    addToField(net, l, L_BIASES, shift);
  }
  store<i32>(net + ((<usize>H_SHIFT) << 2), 0);
}

/**
 * sum + the sum of |v| over n elements from `p`, in f64. The host only needs a bound and whether
 * it is finite, so the SIMD build sums in several lanes (independent chains, at memory speed).
 */
function sumAbs<T>(p: usize, n: i32, sum: f64): f64 {
  let i = 0;
  if (ASC_FEATURE_SIMD && sizeof<T>() == 4) {
    let a0 = f64x2.splat(0);
    let a1 = a0;
    for (; i + 3 < n; i += 4) {
      const v = f32x4.abs(v128.load(p + ((<usize>i) << 2)));
      a0 = f64x2.add(a0, f64x2.promote_low_f32x4(v));
      a1 = f64x2.add(a1, f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1)));
    }
    const t = f64x2.add(a0, a1);
    sum += f64x2.extract_lane(t, 0) + f64x2.extract_lane(t, 1);
  } else if (ASC_FEATURE_SIMD) {
    let a0 = f64x2.splat(0);
    let a1 = a0;
    let a2 = a0;
    let a3 = a0;
    for (; i + 7 < n; i += 8) {
      const q = p + ((<usize>i) << 3);
      a0 = f64x2.add(a0, f64x2.abs(v128.load(q)));
      a1 = f64x2.add(a1, f64x2.abs(v128.load(q, 16)));
      a2 = f64x2.add(a2, f64x2.abs(v128.load(q, 32)));
      a3 = f64x2.add(a3, f64x2.abs(v128.load(q, 48)));
    }
    const t = f64x2.add(f64x2.add(a0, a1), f64x2.add(a2, a3));
    sum += f64x2.extract_lane(t, 0) + f64x2.extract_lane(t, 1);
  }
  for (; i < n; i++) sum += abs<f64>(<f64>el<T>(p, i));
  return sum;
}

/**
 * checks[l] = sum |W_l| + sum |b_l| of the current copy, checks[L] = sum |state| over the
 * optimizer's state (0 for sgd): a non-finite value anywhere makes its sum non-finite, and
 * a finite sum bounds every value, so the host checks the result without scanning it.
 */
function writeChecks<T>(net: usize): void {
  const layers = header(net, H_LAYERS);
  const checks = at<T>(header(net, H_CHECKS));
  for (let l = 0; l < layers; l++) {
    const n = field(net, l, L_OUT);
    set(checks, l, sumAbs<T>(at<T>(field(net, l, L_BIASES)), n, sumAbs<T>(at<T>(field(net, l, L_WEIGHTS)), n * field(net, l, L_IN), 0)));
  }
  const optimizer = header(net, H_OPTIMIZER);
  const count = header(net, H_PARAM_COUNT);
  let state: f64 = 0;
  if (optimizer != OPTIMIZER_SGD) state = sumAbs<T>(at<T>(header(net, H_STATE1)), count, state);
  if (optimizer == OPTIMIZER_ADAM) state = sumAbs<T>(at<T>(header(net, H_STATE2)), count, state);
  set(checks, layers, state);
}

/**
 * The end of a train() call that ran `epochs` epochs: settings back to memory, the checks
 * (unless `checked`: the last update wrote them).
 */
function finishTraining<T>(net: usize, epochs: i32, checked: bool): i32 {
  storeSettings<T>(net);
  if (!checked) writeChecks<T>(net);
  return epochs;
}

/** Resumes the running totals a call that paused inside an epoch left, `terms` of them added. */
function resumeTotals(settings: usize, terms: i32): void {
  lossSum = get(settings, S_PAUSED_LOSS_SUM);
  lossTerms = terms;
  correct = <i32>get(settings, S_PAUSED_CORRECT);
}

/**
 * Trains `epochs` epochs over `count` samples (both >= 1), in row order or, when order >= 0,
 * in the order of the i32 permutations at element `order` (one of `count` per epoch), in
 * batches of H_BATCH. Per epoch writes stats[4e..4e+3] = loss, correct count and, when
 * valCount > 0, the validation loss and correct count. Stops early after an epoch whose
 * loss is below the error threshold or whose loss or validation loss is not finite; returns
 * the epochs completed.
 *
 * An epoch is `count + valCount` positions: its training samples, then its validation rows.
 * The call starts its first epoch at position `from` and ends its last at position `to`
 * (count + valCount for the whole epoch): the first epoch resumes where an earlier call
 * paused, and a `to` short of the end pauses the last one, which is then not counted (its
 * running totals stay in the settings block, S_PAUSED_*). Positions inside the training part
 * are multiples of H_BATCH; a paused epoch's permutation is the first at `order` when it
 * resumes. The bits are those of whole epochs, however they are split.
 *
 * When H_SHIFT != 0 the first update writes into the other copy and the descriptor moves
 * there (adoptShift), leaving the copy the call started from untouched. Ends with the checks
 * of the current parameters written (writeChecks, or the epoch's last fused update; a call
 * that ran no update leaves them as the last update wrote them). Called by the host once
 * per fit, once per chunk of epochs between callbacks, or once per slice of fitAsync.
 */
export function train<T>(
  net: usize, inputs: i32, targets: i32, count: i32, order: i32, epochs: i32, stats: i32,
  valInputs: i32, valTargets: i32, valCount: i32, from: i32, to: i32,
): i32 {
  loadSettings<T>(net);
  storeVectorConstants<T>();
  const batch = header(net, H_BATCH);
  const fused = batch == 1 && header(net, H_OPTIMIZER) == OPTIMIZER_SGD && !(weightDecay > 0);
  const settings = at<T>(header(net, H_SETTINGS));
  const threshold = get(settings, S_ERROR_THRESHOLD);
  const out = at<T>(stats);
  const total = count + valCount;
  let shifted = header(net, H_SHIFT) != 0;
  let checked = from >= count; // the checks describe the parameters (no update yet)
  for (let e = 0; e < epochs; e++) {
    const start = e == 0 ? from : 0;
    const stop = e == epochs - 1 ? to : total;
    if (start < count) {
      if (start == 0) clearTotals();
      else resumeTotals(settings, start);
      const trainStop = min(stop, count);
      let ahead = false; // z_1 of this sample was computed by the previous sample's update
      for (let first = start; first < trainStop; first += batch) {
        const rows = min(batch, count - first);
        gather<T>(net, inputs, targets, order, order < 0 ? first : e * count + first, rows);
        forward<T>(net, rows, ahead);
        score<T>(net, rows, true);
        if (fused) {
          // Look ahead within the call's part of the epoch only: the epoch's end evaluates
          // and may stop, so its last update, which may be the call's last, writes the checks
          // instead (SIMD builds: the scalar build's checks are the in-order sums that
          // writeChecks makes); a pause ends the call before the next sample.
          let next: usize = 0;
          if (ASC_FEATURE_SIMD && first + 1 < trainStop) {
            const row = order < 0 ? first + 1 : load<i32>(at<T>(order) + ((<usize>(e * count + first + 1)) << 2));
            next = at<T>(inputs + row * field(net, 0, L_IN));
          }
          checked = ASC_FEATURE_SIMD && first + 1 >= count;
          backwardSample<T>(net, next, checked);
          ahead = next != 0;
        } else {
          backward<T>(net, rows);
          checked = false;
        }
        if (shifted) {
          adoptShift(net);
          shifted = false;
        }
      }
      if (trainStop < count) {
        set(settings, S_PAUSED_LOSS_SUM, lossSum);
        set(settings, S_PAUSED_CORRECT, <f64>correct);
        return finishTraining<T>(net, e, checked);
      }
      set(out, e * 4, lossSum / <f64>count);
      set(out, e * 4 + 1, <f64>correct);
    } else {
      set(out, e * 4, get(settings, S_PAUSED_TRAIN_LOSS));
      set(out, e * 4 + 1, get(settings, S_PAUSED_TRAIN_CORRECT));
    }
    const loss = get(out, e * 4);
    let finite = isFinite<f64>(loss);
    if (valCount > 0) {
      const valStart = max(start, count) - count;
      if (valStart == 0) clearTotals();
      else resumeTotals(settings, valStart);
      const n0 = field(net, 0, L_IN);
      const nL = field(net, header(net, H_LAYERS) - 1, L_OUT);
      evaluateRows<T>(net, valInputs + valStart * n0, valTargets + valStart * nL, stop - count - valStart, -1);
      if (stop < total) {
        set(settings, S_PAUSED_LOSS_SUM, lossSum);
        set(settings, S_PAUSED_CORRECT, <f64>correct);
        set(settings, S_PAUSED_TRAIN_LOSS, loss);
        set(settings, S_PAUSED_TRAIN_CORRECT, get(out, e * 4 + 1));
        return finishTraining<T>(net, e, checked);
      }
      const valLoss = lossSum / <f64>valCount;
      set(out, e * 4 + 2, valLoss);
      set(out, e * 4 + 3, <f64>correct);
      finite = finite && isFinite<f64>(valLoss);
    }
    if (loss < threshold || !finite) return finishTraining<T>(net, e + 1, checked);
  }
  return finishTraining<T>(net, epochs, checked);
}

/**
 * Runs `count` input rows forward; writes a_L to `outputs` (when >= 0) and, when targets >= 0,
 * adds the rows' losses and correctness to the running totals, which resume == 0 clears
 * first and resume != 0 continues. Writes stats[0..1] = the running loss SUM and correct
 * count (when stats >= 0), so rows streamed through in chunks give the bits of one call;
 * the host divides by the rows for the mean.
 */
export function evaluate<T>(net: usize, inputs: i32, targets: i32, count: i32, outputs: i32, stats: i32, resume: i32): void {
  loadSettings<T>(net);
  storeVectorConstants<T>();
  if (resume == 0) clearTotals();
  evaluateRows<T>(net, inputs, targets, count, outputs);
  if (stats >= 0) {
    set(at<T>(stats), 0, lossSum);
    set(at<T>(stats), 1, <f64>correct);
  }
}
