// The training and inference loops: docs/training.md's definitions, over flat buffers laid
// out by the host. src/backends/js/mlp.ts is its operation-for-operation twin; change both or
// neither (test/property.test.ts compares them bit for bit).
import { exp, expPair, storeExpConstants } from './exp';
import { backProduct, forwardProduct, gradientProduct, sgdStepThenForward, splitAt, unit } from './linalg';
import { log, logPair, storeLogConstants } from './log';
import { storeTanhConstants, tanh, tanhPair } from './tanh';
import {
  addToField, addToHeader, at, field, get, header, set,
  ACTIVATION_LEAKY_RELU, ACTIVATION_LINEAR, ACTIVATION_RELU, ACTIVATION_SIGMOID, ACTIVATION_SOFTMAX, ACTIVATION_TANH,
  H_AUX, H_BATCH, H_CAN_WAIT, H_CAPACITY, H_CHECKS, H_GRADS, H_INPUT, H_LAYERS, H_LOSS, H_OPTIMIZER, H_PACK, H_PARAM_COUNT, H_PARAMS, H_SETTINGS, H_SHIFT, H_STATE1, H_STATE2, H_SYNC, H_TARGET, H_THREADS,
  JOB_BACK, JOB_FORWARD, JOB_GRADIENTS, JOB_QUIT, SESSION_STEP, SYNC_ADMITTED, SYNC_BASE, SYNC_DECAY, SYNC_DONE, SYNC_GENERATION, SYNC_INPUT, SYNC_JOB, SYNC_LAYER,
  SYNC_LOBBY, SYNC_PARTS, SYNC_ROWS,
  L_A, L_ACTIVATION, L_BIASES, L_D, L_IN, L_OUT, L_WEIGHTS, L_Z, PARALLEL_MIN_ROWS, PARALLEL_WORK,
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

function loadSettings(net: usize): void {
  const s = at(header(net, H_SETTINGS));
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

/** The SIMD build's constant pools (expPair's, logPair's, tanhPair's), before any job reads them. */
function storeVectorConstants(): void {
  if (ASC_FEATURE_SIMD) {
    storeExpConstants();
    storeLogConstants();
    storeTanhConstants();
  }
}

function storeSettings(net: usize): void {
  const s = at(header(net, H_SETTINGS));
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
@inline function derivative(kind: i32, a: f64, z: f64): f64 {
  if (kind == ACTIVATION_SIGMOID) return a * (1.0 - a);
  if (kind == ACTIVATION_TANH) return 1.0 - a * a;
  if (kind == ACTIVATION_RELU) return z > 0 ? 1.0 : 0.0;
  if (kind == ACTIVATION_LEAKY_RELU) return z > 0 ? 1.0 : alpha;
  return 1.0;
}

/** softmax of one row of `n` values; leaves the row's max and sum in `aux`. */
function softmax(z: usize, a: usize, n: i32, aux: usize): void {
  let m = get(z, 0);
  for (let k = 1; k < n; k++) if (get(z, k) > m) m = get(z, k);
  let sum: f64 = 0;
  let k = 0;
  if (ASC_FEATURE_SIMD) {
    // The exps two at a time (expPair: exp's bits per lane), the sum still in index order.
    const vm = f64x2.splat(m);
    for (; k + 1 < n; k += 2) {
      const e = expPair(f64x2.sub(v128.load(z + ((<usize>k) << 3)), vm));
      v128.store(a + ((<usize>k) << 3), e);
      const e0 = f64x2.extract_lane(e, 0);
      sum = k == 0 ? e0 : sum + e0;
      sum += f64x2.extract_lane(e, 1);
    }
  }
  for (; k < n; k++) {
    const e = exp(get(z, k) - m);
    set(a, k, e);
    sum = k == 0 ? e : sum + e;
  }
  for (let k = 0; k < n; k++) set(a, k, get(a, k) / sum);
  set(aux, 0, m);
  set(aux, 1, sum);
}

/** a = f(z) for columns [j0, j1) of `rows` rows of width `n`: any activation but softmax. */
function activateColumns(kind: i32, z: usize, a: usize, rows: i32, n: i32, j0: i32, j1: i32): void {
  for (let r = 0; r < rows; r++) {
    const at = r * n;
    let k = at + j0;
    const end = at + j1;
    if (ASC_FEATURE_SIMD) {
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
    }
    for (; k < end; k++) {
      const v = get(z, k);
      let out = v; // linear
      if (kind == ACTIVATION_SIGMOID) out = 1.0 / (1.0 + exp(-v));
      else if (kind == ACTIVATION_TANH) out = tanh(v);
      else if (kind == ACTIVATION_RELU) out = v > 0 ? v : 0.0;
      else if (kind == ACTIVATION_LEAKY_RELU) out = v > 0 ? v : alpha * v;
      set(a, k, out);
    }
  }
}

/**
 * z_l = (W_l . a_{l-1}) + b_l and a_l = f(z_l) for `rows` rows of the batch. Element-wise
 * activations are applied inside the forward job, by whichever thread computed the column.
 */
function forwardLayer(net: usize, layer: i32, input: usize, rows: i32, productDone: bool): void {
  const nOut = field(net, layer, L_OUT);
  const kind = field(net, layer, L_ACTIVATION);
  const z = at(field(net, layer, L_Z));
  const a = at(field(net, layer, L_A));
  if (!productDone) parallel(net, JOB_FORWARD, layer, rows, <i32>(input >> 3), false);
  else if (kind != ACTIVATION_SOFTMAX) activateColumns(kind, z, a, rows, nOut, 0, nOut);
  if (kind != ACTIVATION_SOFTMAX) return;
  const outBytes = (<usize>nOut) << 3;
  const aux = at(header(net, H_AUX));
  for (let r = 0; r < rows; r++) softmax(z + <usize>r * outBytes, a + <usize>r * outBytes, nOut, aux + ((<usize>r) << 4));
}

/** The forward pass of the batch's input rows through every layer (z_1 already there when `firstDone`). */
function forward(net: usize, rows: i32, firstDone: bool): void {
  const layers = header(net, H_LAYERS);
  let input = batchInputs;
  for (let l = 0; l < layers; l++) {
    forwardLayer(net, l, input, rows, firstDone && l == 0);
    input = at(field(net, l, L_A));
  }
}

/**
 * Adds each row's loss and correctness to the running totals and, when `deltas`, writes the
 * output deltas delta_L.
 */
function score(net: usize, rows: i32, deltas: bool): void {
  const last = header(net, H_LAYERS) - 1;
  const loss = header(net, H_LOSS);
  const n = field(net, last, L_OUT);
  const kind = field(net, last, L_ACTIVATION);
  const rowBytes = (<usize>n) << 3;
  let a = at(field(net, last, L_A));
  let z = at(field(net, last, L_Z));
  let d = at(field(net, last, L_D));
  let y = batchTargets;
  let aux = at(header(net, H_AUX));
  for (let r = 0; r < rows; r++) {
    if (loss == LOSS_MSE) {
      let squares: f64 = 0;
      for (let k = 0; k < n; k++) {
        const e = get(y, k) - get(a, k);
        squares = k == 0 ? e * e : squares + e * e;
      }
      addLoss(squares / <f64>n);
    } else if (loss == LOSS_CROSS_ENTROPY) {
      const m = get(aux, 0);
      const logSum = log(get(aux, 1));
      let sum: f64 = 0;
      for (let k = 0; k < n; k++) {
        const term = get(y, k) * ((get(z, k) - m) - logSum);
        sum = k == 0 ? term : sum + term;
      }
      addLoss(-sum);
    } else {
      let sum: f64 = 0;
      for (let k = 0; k < n; k++) {
        const ak = get(a, k);
        const yk = get(y, k);
        let logA: f64;
        let logB: f64;
        if (ASC_FEATURE_SIMD) {
          // Both logs in one logPair (log's bits per lane).
          const logs = logPair(f64x2.replace_lane(f64x2.splat(ak), 1, 1.0 - ak));
          logA = f64x2.extract_lane(logs, 0);
          logB = f64x2.extract_lane(logs, 1);
        } else {
          logA = log(ak);
          logB = log(1.0 - ak);
        }
        if (logA < -100.0) logA = -100.0;
        if (logB < -100.0) logB = -100.0;
        const term = yk * logA + (1.0 - yk) * logB;
        sum = k == 0 ? term : sum + term;
      }
      addLoss(-sum / <f64>n);
    }
    if (n == 1) {
      if ((get(a, 0) >= 0.5) == (get(y, 0) >= 0.5)) correct++;
    } else {
      let best = 0;
      let truth = 0;
      for (let k = 1; k < n; k++) {
        if (get(a, k) > get(a, best)) best = k;
        if (get(y, k) > get(y, truth)) truth = k;
      }
      if (best == truth) correct++;
    }
    if (deltas) {
      if (loss != LOSS_MSE) {
        for (let k = 0; k < n; k++) set(d, k, get(a, k) - get(y, k));
      } else if (kind == ACTIVATION_SOFTMAX) {
        let c: f64 = 0;
        for (let k = 0; k < n; k++) {
          const g = get(a, k) - get(y, k);
          set(d, k, g);
          c = k == 0 ? g * get(a, k) : c + g * get(a, k);
        }
        for (let k = 0; k < n; k++) set(d, k, get(a, k) * (get(d, k) - c));
      } else {
        for (let k = 0; k < n; k++) set(d, k, (get(a, k) - get(y, k)) * derivative(kind, get(a, k), get(z, k)));
      }
    }
    a += rowBytes;
    z += rowBytes;
    d += rowBytes;
    y += rowBytes;
    aux += 16;
  }
}

/** delta_{l-1} = (W_l^T . delta_l) * f'_{l-1}, from the weights before their update (one job). */
function hiddenDeltas(net: usize, layer: i32, rows: i32): void {
  parallel(net, JOB_BACK, layer, rows, 0, false);
}

/** delta *= f'(a, z) for columns [i0, i1) of `rows` rows of width `n`. */
function derivativeColumns(kind: i32, d: usize, a: usize, z: usize, rows: i32, n: i32, i0: i32, i1: i32): void {
  for (let r = 0; r < rows; r++) {
    const at = r * n;
    let i = at + i0;
    const end = at + i1;
    if (ASC_FEATURE_SIMD) {
      // Lane by lane derivative() below: the same products, the same 1 / 0 / alpha factors.
      const zero = f64x2.splat(0);
      const one = f64x2.splat(1.0);
      const vAlpha = f64x2.splat(alpha);
      for (; i + 1 < end; i += 2) {
        const p = (<usize>i) << 3;
        const av = v128.load(a + p);
        let f = one; // linear
        if (kind == ACTIVATION_SIGMOID) f = f64x2.mul(av, f64x2.sub(one, av));
        else if (kind == ACTIVATION_TANH) f = f64x2.sub(one, f64x2.mul(av, av));
        else if (kind == ACTIVATION_RELU) f = v128.and(f64x2.gt(v128.load(z + p), zero), one);
        else if (kind == ACTIVATION_LEAKY_RELU) f = v128.bitselect(one, vAlpha, f64x2.gt(v128.load(z + p), zero));
        v128.store(d + p, f64x2.mul(v128.load(d + p), f));
      }
    }
    for (; i < end; i++) set(d, i, get(d, i) * derivative(kind, get(a, i), get(z, i)));
  }
}

/**
 * Applies the optimizer to `count` parameters from element `first`, gradients / `rows`. Reads
 * the current copy and writes H_SHIFT elements away: in place when it is 0, else into the
 * other copy (the state only where the optimizer has one), element for element the same.
 */
function update(net: usize, first: i32, count: i32, rows: f64, decay: bool): void {
  const optimizer = header(net, H_OPTIMIZER);
  const offset = first - header(net, H_PARAMS);
  const shift = header(net, H_SHIFT);
  const w = at(first);
  const g = at(header(net, H_GRADS) + offset);
  const s1 = at(header(net, H_STATE1) + offset);
  const s2 = at(header(net, H_STATE2) + offset);
  const wOut = at(first + shift);
  const s1Out = at(header(net, H_STATE1) + offset + shift);
  const s2Out = at(header(net, H_STATE2) + offset + shift);
  const lr = learningRate;
  const c1 = 1.0 - beta1;
  const c2 = 1.0 - beta2;
  const k1 = 1.0 - beta1Power;
  const k2 = 1.0 - beta2Power;
  let p = 0;
  if (ASC_FEATURE_SIMD) {
    // Element-wise: lanes are two parameters, each updated exactly as the scalar loop does.
    const vRows = f64x2.splat(rows);
    const vDecay = f64x2.splat(weightDecay);
    const vLr = f64x2.splat(lr);
    for (; p + 1 < count; p += 2) {
      const at2 = (<usize>p) << 3;
      const wv = v128.load(w + at2);
      let grad = f64x2.div(v128.load(g + at2), vRows);
      if (decay) grad = f64x2.add(grad, f64x2.mul(vDecay, wv));
      if (optimizer == OPTIMIZER_SGD) {
        v128.store(wOut + at2, f64x2.sub(wv, f64x2.mul(vLr, grad)));
      } else if (optimizer == OPTIMIZER_MOMENTUM) {
        const v = f64x2.add(f64x2.mul(f64x2.splat(momentum), v128.load(s1 + at2)), grad);
        v128.store(s1Out + at2, v);
        v128.store(wOut + at2, f64x2.sub(wv, f64x2.mul(vLr, v)));
      } else {
        const m = f64x2.add(f64x2.mul(f64x2.splat(beta1), v128.load(s1 + at2)), f64x2.mul(f64x2.splat(c1), grad));
        const v = f64x2.add(f64x2.mul(f64x2.splat(beta2), v128.load(s2 + at2)), f64x2.mul(f64x2.splat(c2), f64x2.mul(grad, grad)));
        v128.store(s1Out + at2, m);
        v128.store(s2Out + at2, v);
        const mHat = f64x2.div(m, f64x2.splat(k1));
        const vHat = f64x2.div(v, f64x2.splat(k2));
        v128.store(wOut + at2, f64x2.sub(wv, f64x2.div(f64x2.mul(vLr, mHat), f64x2.add(f64x2.sqrt(vHat), f64x2.splat(epsilon)))));
      }
    }
  }
  for (; p < count; p++) {
    let grad = get(g, p) / rows;
    if (decay) grad = grad + weightDecay * get(w, p);
    if (optimizer == OPTIMIZER_SGD) {
      set(wOut, p, get(w, p) - lr * grad);
    } else if (optimizer == OPTIMIZER_MOMENTUM) {
      const v = momentum * get(s1, p) + grad;
      set(s1Out, p, v);
      set(wOut, p, get(w, p) - lr * v);
    } else {
      const m = beta1 * get(s1, p) + c1 * grad;
      const v = beta2 * get(s2, p) + c2 * (grad * grad);
      set(s1Out, p, m);
      set(s2Out, p, v);
      const mHat = m / k1;
      const vHat = v / k2;
      set(wOut, p, get(w, p) - (lr * mHat) / (sqrt<f64>(vHat) + epsilon));
    }
  }
}

/**
 * This thread's part of one job over a layer: the forward product, the deltas'
 * back-product, or the gradient sums followed by the update of the same weight rows.
 */
function runJob(net: usize, job: i32, layer: i32, rows: i32, input: i32, decay: bool, part: i32, parts: i32): void {
  const nIn = field(net, layer, L_IN);
  const nOut = field(net, layer, L_OUT);
  const weights = field(net, layer, L_WEIGHTS);
  const biases = field(net, layer, L_BIASES);
  if (job == JOB_FORWARD) {
    const z = at(field(net, layer, L_Z));
    forwardProduct(at(weights), at(biases), at(input), z, rows, nIn, nOut, at(header(net, H_PACK)), part, parts);
    const kind = field(net, layer, L_ACTIVATION);
    if (kind != ACTIVATION_SOFTMAX) {
      activateColumns(kind, z, at(field(net, layer, L_A)), rows, nOut, splitAt(nOut, unit(), part, parts), splitAt(nOut, unit(), part + 1, parts));
    }
  } else if (job == JOB_BACK) {
    const below = layer - 1;
    const d = at(field(net, below, L_D));
    backProduct(at(weights), at(field(net, layer, L_D)), d, rows, nIn, nOut, part, parts);
    const kind = field(net, below, L_ACTIVATION);
    derivativeColumns(kind, d, at(field(net, below, L_A)), at(field(net, below, L_Z)), rows, nIn, splitAt(nIn, unit(), part, parts), splitAt(nIn, unit(), part + 1, parts));
  } else {
    const shift = header(net, H_GRADS) - header(net, H_PARAMS);
    gradientProduct(at(field(net, layer, L_D)), at(input), at(weights + shift), at(biases + shift), rows, nIn, nOut, part, parts);
    const j0 = splitAt(nOut, unit(), part, parts);
    const j1 = splitAt(nOut, unit(), part + 1, parts);
    update(net, weights + j0 * nIn, (j1 - j0) * nIn, <f64>rows, decay);
    update(net, biases + j0, j1 - j0, <f64>rows, false);
  }
}

/** Byte address of i32 field `f` of the job block. */
// @ts-ignore: decorator
@inline function sync(net: usize, f: i32): usize {
  return at(header(net, H_SYNC)) + ((<usize>f) << 2);
}

/**
 * Polls (about a millisecond) before sleeping in atomic.wait: between two jobs the calling
 * thread does a batch's serial work, and a futex wake-up after it costs more than the job
 * saves; measured on wide-b64 with 2 threads, 1.6x at 2,000 polls, 1.84x at 300,000. Idle
 * workers sleep after that, so a net that is not training costs nothing.
 */
const SPIN: i32 = 300000;

/**
 * Runs a job on the calling thread (part 0) and every admitted worker, and returns when all
 * parts are done. The workers (work() below) sleep on the job block's generation counter.
 * Workers arrive when they can (the host attaches them to a net asynchronously), so each job
 * first admits the ones that have arrived; the split never changes the bits.
 */
function parallel(net: usize, job: i32, layer: i32, rows: i32, input: i32, decay: bool): void {
  const work = <i64>rows * <i64>field(net, layer, L_IN) * <i64>field(net, layer, L_OUT);
  // Small jobs stay on this thread (PARALLEL_* in src/backends/layout.ts says why).
  if (!ASC_FEATURE_THREADS || header(net, H_THREADS) <= 1 || rows < PARALLEL_MIN_ROWS || work < <i64>PARALLEL_WORK) {
    runJob(net, job, layer, rows, input, decay, 0, 1);
    return;
  }
  if (ASC_FEATURE_THREADS) {
    const parts = admit(net);
    if (parts <= 1) {
      runJob(net, job, layer, rows, input, decay, 0, 1);
      return;
    }
    storeSettings(net); // the workers' update() reads t and the powers from memory
    store<i32>(sync(net, SYNC_JOB), job);
    store<i32>(sync(net, SYNC_LAYER), layer);
    store<i32>(sync(net, SYNC_ROWS), rows);
    store<i32>(sync(net, SYNC_INPUT), input);
    store<i32>(sync(net, SYNC_DECAY), decay ? 1 : 0);
    store<i32>(sync(net, SYNC_PARTS), parts);
    atomic.store<i32>(sync(net, SYNC_DONE), 0);
    atomic.add<i32>(sync(net, SYNC_GENERATION), 1);
    atomic.notify(sync(net, SYNC_GENERATION), parts - 1);
    runJob(net, job, layer, rows, input, decay, 0, parts);
    const canWait = header(net, H_CAN_WAIT) != 0;
    for (let spins = 0; ; spins++) {
      const done = atomic.load<i32>(sync(net, SYNC_DONE));
      if (done >= parts - 1) break;
      // A browser's main thread may not block: it only spins.
      if (canWait && spins >= SPIN) atomic.wait<i32>(sync(net, SYNC_DONE), done, 1000000);
    }
  }
}

/**
 * Lets the workers that arrived since the last job take part from the next generation on;
 * returns the threads taking part. Admitted workers take part in every later job of their
 * session, so the caller only ever waits for workers that are already here.
 */
function admit(net: usize): i32 {
  const lobby = atomic.load<i32>(sync(net, SYNC_LOBBY));
  if (lobby != atomic.load<i32>(sync(net, SYNC_ADMITTED))) {
    atomic.store<i32>(sync(net, SYNC_BASE), atomic.load<i32>(sync(net, SYNC_GENERATION)));
    atomic.store<i32>(sync(net, SYNC_ADMITTED), lobby);
    atomic.notify(sync(net, SYNC_ADMITTED), -1);
  }
  return 1 + (lobby & (SESSION_STEP - 1));
}

/**
 * Joins session `session` of the job block and waits to be admitted; returns this worker's
 * part, or 0 when the session ended first (the host moved this net's workers elsewhere).
 */
function join(net: usize, session: i32): i32 {
  let part = 0;
  while (part == 0) {
    const lobby = atomic.load<i32>(sync(net, SYNC_LOBBY));
    if ((lobby & ~(SESSION_STEP - 1)) != session) return 0;
    if (atomic.cmpxchg<i32>(sync(net, SYNC_LOBBY), lobby, lobby + 1) == lobby) part = (lobby & (SESSION_STEP - 1)) + 1;
  }
  for (let spins = 0; ; spins++) {
    const admitted = atomic.load<i32>(sync(net, SYNC_ADMITTED));
    if ((admitted & ~(SESSION_STEP - 1)) != session) return 0;
    if ((admitted & (SESSION_STEP - 1)) >= part) return part;
    if (spins >= SPIN) atomic.wait<i32>(sync(net, SYNC_ADMITTED), admitted, 100000000);
  }
  return 0; // unreachable
}

// @ts-ignore: decorator
@inline function ended(net: usize, session: i32): bool {
  return (atomic.load<i32>(sync(net, SYNC_LOBBY)) & ~(SESSION_STEP - 1)) != session;
}

/**
 * A worker thread's visit to a net: joins `session` (the host's attach message names it),
 * then waits for a job, does its part, reports, and waits again until a JOB_QUIT. Called by
 * the host's worker script each time the host attaches the worker to a net.
 */
export function work(net: usize, session: i32): void {
  if (!ASC_FEATURE_THREADS) return;
  if (ASC_FEATURE_THREADS) {
    const part = join(net, session);
    let seen = part > 0 ? atomic.load<i32>(sync(net, SYNC_BASE)) : 0;
    while (part > 0) {
      let generation = atomic.load<i32>(sync(net, SYNC_GENERATION));
      for (let spins = 0; generation == seen; spins++) {
        if (spins >= SPIN) {
          // A finite sleep: back in wasm now and then, a terminated worker is seen to end.
          atomic.wait<i32>(sync(net, SYNC_GENERATION), seen, 100000000);
          if (ended(net, session)) return;
        }
        generation = atomic.load<i32>(sync(net, SYNC_GENERATION));
      }
      seen = generation;
      // The session first: a job of a later session (the caller moved on) is not ours.
      if (ended(net, session)) return;
      const job = load<i32>(sync(net, SYNC_JOB));
      if (job == JOB_QUIT) break;
      loadSettings(net);
      runJob(net, job, load<i32>(sync(net, SYNC_LAYER)), load<i32>(sync(net, SYNC_ROWS)), load<i32>(sync(net, SYNC_INPUT)), load<i32>(sync(net, SYNC_DECAY)) != 0, part, load<i32>(sync(net, SYNC_PARTS)));
      atomic.add<i32>(sync(net, SYNC_DONE), 1);
      atomic.notify(sync(net, SYNC_DONE), 1);
    }
  }
}

/** Backward pass and one update of every layer for the batch (the general path). */
function backward(net: usize, rows: i32): void {
  const last = header(net, H_LAYERS) - 1;
  step += 1;
  beta1Power = beta1Power * beta1;
  beta2Power = beta2Power * beta2;
  const decay = weightDecay > 0;
  for (let l = last; l >= 0; l--) {
    if (l > 0) hiddenDeltas(net, l, rows);
    const input = l == 0 ? <i32>(batchInputs >> 3) : field(net, l - 1, L_A);
    parallel(net, JOB_GRADIENTS, l, rows, input, decay);
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
@inline function fusedRow(row: usize, out: usize, below: usize, x: usize, d: f64, nIn: i32, lr: f64, first: bool, sum: bool): f64 {
  let i = 0;
  let total: f64 = 0;
  if (ASC_FEATURE_SIMD) {
    const vd = f64x2.splat(d);
    const vLr = f64x2.splat(lr);
    let s0 = f64x2.splat(0);
    if (sum) {
      let s1 = s0;
      let s2 = s0;
      let s3 = s0;
      for (; i + 7 < nIn; i += 8) {
        const at2 = (<usize>i) << 3;
        s0 = f64x2.add(s0, f64x2.abs(fusedPair(row, out, below, x, vd, vLr, first, at2)));
        s1 = f64x2.add(s1, f64x2.abs(fusedPair(row, out, below, x, vd, vLr, first, at2 + 16)));
        s2 = f64x2.add(s2, f64x2.abs(fusedPair(row, out, below, x, vd, vLr, first, at2 + 32)));
        s3 = f64x2.add(s3, f64x2.abs(fusedPair(row, out, below, x, vd, vLr, first, at2 + 48)));
      }
      s0 = f64x2.add(f64x2.add(s0, s1), f64x2.add(s2, s3));
    }
    for (; i + 1 < nIn; i += 2) {
      const updated = fusedPair(row, out, below, x, vd, vLr, first, (<usize>i) << 3);
      if (sum) s0 = f64x2.add(s0, f64x2.abs(updated));
    }
    total = f64x2.extract_lane(s0, 0) + f64x2.extract_lane(s0, 1);
  }
  for (; i < nIn; i++) {
    const w = get(row, i);
    if (below != 0) set(below, i, first ? w * d : get(below, i) + w * d);
    const updated = w - lr * (d * get(x, i));
    set(out, i, updated);
    total += abs<f64>(updated);
  }
  return sum ? total : 0;
}

/** fusedRow's elements i, i+1 (at byte offset `at2`), in lanes; returns the two new weights. */
// @ts-ignore: decorator
@inline function fusedPair(row: usize, out: usize, below: usize, x: usize, vd: v128, vLr: v128, first: bool, at2: usize): v128 {
  const w = v128.load(row + at2);
  if (below != 0) {
    const product = f64x2.mul(w, vd);
    v128.store(below + at2, first ? product : f64x2.add(v128.load(below + at2), product));
  }
  const updated = f64x2.sub(w, f64x2.mul(vLr, f64x2.mul(vd, v128.load(x + at2))));
  v128.store(out + at2, updated);
  return updated;
}

/**
 * Per-sample SGD without weight decay, fused: one pass over each W_l both accumulates
 * delta_{l-1} from the pre-update weights and applies W -= lr * (delta * a). Gives the same
 * bits as backward() with one row (g / 1 == g), with half the memory traffic. When `next`
 * (the address of the next sample's input row) is set, W_1's pass also computes that
 * sample's z_1 (SIMD builds); else, when `checks`, the pass also writes the checks of the
 * parameters it writes (writeChecks' sums, the last update of a call needing no scan after it).
 */
function backwardSample(net: usize, next: usize, checks: bool): void {
  const last = header(net, H_LAYERS) - 1;
  const lr = learningRate;
  const shift = (<usize>header(net, H_SHIFT)) << 3; // bytes to the copy written (wraps when < 0)
  step += 1;
  beta1Power = beta1Power * beta1;
  beta2Power = beta2Power * beta2;
  for (let l = last; l >= 0; l--) {
    const nIn = field(net, l, L_IN);
    const nOut = field(net, l, L_OUT);
    const inBytes = (<usize>nIn) << 3;
    let w = at(field(net, l, L_WEIGHTS));
    const b = at(field(net, l, L_BIASES));
    const d = at(field(net, l, L_D));
    const x = l == 0 ? batchInputs : at(field(net, l - 1, L_A));
    const below: usize = l == 0 ? 0 : at(field(net, l - 1, L_D));
    if (l == 0 && next != 0) {
      sgdStepThenForward(w, b, shift, d, x, next, at(field(net, 0, L_Z)), nIn, nOut, lr);
      continue;
    }
    let total: f64 = 0;
    for (let j = 0; j < nOut; j++) {
      const dj = get(d, j);
      total += fusedRow(w, w + shift, below, x, dj, nIn, lr, j == 0, checks);
      const bias = get(b, j) - lr * dj;
      set(b + shift, j, bias);
      total += abs<f64>(bias);
      w += inBytes;
    }
    if (checks) set(at(header(net, H_CHECKS)), l, total);
    if (l > 0) derivativeColumns(field(net, l - 1, L_ACTIVATION), below, x, at(field(net, l - 1, L_Z)), 1, nIn, 0, nIn);
  }
  if (checks) set(at(header(net, H_CHECKS)), last + 1, 0); // sgd keeps no state
}

/** Copies n doubles; memory.copy costs more than a loop for the short rows of small nets. */
// @ts-ignore: decorator
@inline function copyRow(dst: usize, src: usize, n: i32): void {
  if (n >= 16) memory.copy(dst, src, (<usize>n) << 3);
  else for (let i = 0; i < n; i++) set(dst, i, get(src, i));
}

// The current batch's input and target rows (byte addresses): straight into the data when
// its rows are consecutive there, else the batch buffers that gather() fills.
let batchInputs: usize = 0;
let batchTargets: usize = 0;

/**
 * Points batchInputs/batchTargets at `rows` samples: rows `first..` of the data in place when
 * order < 0 (no copy), else rows `order[first..]` copied into the batch buffers.
 */
function gather(net: usize, inputs: i32, targets: i32, order: i32, first: i32, rows: i32): void {
  const nIn = field(net, 0, L_IN);
  const nOut = field(net, header(net, H_LAYERS) - 1, L_OUT);
  if (order < 0) {
    batchInputs = at(inputs + first * nIn);
    batchTargets = targets >= 0 ? at(targets + first * nOut) : 0;
    return;
  }
  const x = at(header(net, H_INPUT));
  const y = at(header(net, H_TARGET));
  for (let r = 0; r < rows; r++) {
    const row = load<i32>(at(order) + ((<usize>(first + r)) << 2));
    copyRow(x + ((<usize>(r * nIn)) << 3), at(inputs + row * nIn), nIn);
    if (targets >= 0) copyRow(y + ((<usize>(r * nOut)) << 3), at(targets + row * nOut), nOut);
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
function evaluateRows(net: usize, inputs: i32, targets: i32, count: i32, outputs: i32): void {
  const capacity = header(net, H_CAPACITY);
  const last = header(net, H_LAYERS) - 1;
  const nOut = field(net, last, L_OUT);
  for (let first = 0; first < count; first += capacity) {
    const rows = min(capacity, count - first);
    gather(net, inputs, targets, -1, first, rows);
    forward(net, rows, false);
    if (targets >= 0) score(net, rows, false);
    if (outputs >= 0) memory.copy(at(outputs + first * nOut), at(field(net, last, L_A)), (<usize>(rows * nOut)) << 3);
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
 * sum + the sum of |v| over n doubles from `p`. The host only needs a bound and whether it is
 * finite, so the SIMD build sums in eight lanes (four independent chains, at memory speed).
 */
function sumAbs(p: usize, n: i32, sum: f64): f64 {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
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
  for (; i < n; i++) sum += abs<f64>(get(p, i));
  return sum;
}

/**
 * checks[l] = sum |W_l| + sum |b_l| of the current copy, checks[L] = sum |state| over the
 * optimizer's state (0 for sgd): a non-finite value anywhere makes its sum non-finite, and
 * a finite sum bounds every value, so the host checks the result without scanning it.
 */
function writeChecks(net: usize): void {
  const layers = header(net, H_LAYERS);
  const checks = at(header(net, H_CHECKS));
  for (let l = 0; l < layers; l++) {
    const n = field(net, l, L_OUT);
    set(checks, l, sumAbs(at(field(net, l, L_BIASES)), n, sumAbs(at(field(net, l, L_WEIGHTS)), n * field(net, l, L_IN), 0)));
  }
  const optimizer = header(net, H_OPTIMIZER);
  const count = header(net, H_PARAM_COUNT);
  let state: f64 = 0;
  if (optimizer != OPTIMIZER_SGD) state = sumAbs(at(header(net, H_STATE1)), count, state);
  if (optimizer == OPTIMIZER_ADAM) state = sumAbs(at(header(net, H_STATE2)), count, state);
  set(checks, layers, state);
}

/**
 * The end of a train() call that ran `epochs` epochs: settings back to memory, the checks
 * (unless `checked`: the last update wrote them).
 */
function finishTraining(net: usize, epochs: i32, checked: bool): i32 {
  storeSettings(net);
  if (!checked) writeChecks(net);
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
export function train(
  net: usize, inputs: i32, targets: i32, count: i32, order: i32, epochs: i32, stats: i32,
  valInputs: i32, valTargets: i32, valCount: i32, from: i32, to: i32,
): i32 {
  loadSettings(net);
  storeVectorConstants();
  const batch = header(net, H_BATCH);
  const fused = batch == 1 && header(net, H_OPTIMIZER) == OPTIMIZER_SGD && !(weightDecay > 0);
  const settings = at(header(net, H_SETTINGS));
  const threshold = get(settings, S_ERROR_THRESHOLD);
  const out = at(stats);
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
        gather(net, inputs, targets, order, order < 0 ? first : e * count + first, rows);
        forward(net, rows, ahead);
        score(net, rows, true);
        if (fused) {
          // Look ahead within the call's part of the epoch only: the epoch's end evaluates
          // and may stop, so its last update, which may be the call's last, writes the checks
          // instead (SIMD builds: the scalar build's checks are the in-order sums that
          // writeChecks makes); a pause ends the call before the next sample.
          let next: usize = 0;
          if (ASC_FEATURE_SIMD && first + 1 < trainStop) {
            const row = order < 0 ? first + 1 : load<i32>(at(order) + ((<usize>(e * count + first + 1)) << 2));
            next = at(inputs + row * field(net, 0, L_IN));
          }
          checked = ASC_FEATURE_SIMD && first + 1 >= count;
          backwardSample(net, next, checked);
          ahead = next != 0;
        } else {
          backward(net, rows);
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
        return finishTraining(net, e, checked);
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
      evaluateRows(net, valInputs + valStart * n0, valTargets + valStart * nL, stop - count - valStart, -1);
      if (stop < total) {
        set(settings, S_PAUSED_LOSS_SUM, lossSum);
        set(settings, S_PAUSED_CORRECT, <f64>correct);
        set(settings, S_PAUSED_TRAIN_LOSS, loss);
        set(settings, S_PAUSED_TRAIN_CORRECT, get(out, e * 4 + 1));
        return finishTraining(net, e, checked);
      }
      const valLoss = lossSum / <f64>valCount;
      set(out, e * 4 + 2, valLoss);
      set(out, e * 4 + 3, <f64>correct);
      finite = finite && isFinite<f64>(valLoss);
    }
    if (loss < threshold || !finite) return finishTraining(net, e + 1, checked);
  }
  return finishTraining(net, epochs, checked);
}

/**
 * Runs `count` input rows forward; writes a_L to `outputs` (when >= 0) and, when targets >= 0,
 * adds the rows' losses and correctness to the running totals, which resume == 0 clears
 * first and resume != 0 continues. Writes stats[0..1] = the running loss SUM and correct
 * count (when stats >= 0), so rows streamed through in chunks give the bits of one call;
 * the host divides by the rows for the mean.
 */
export function evaluate(net: usize, inputs: i32, targets: i32, count: i32, outputs: i32, stats: i32, resume: i32): void {
  loadSettings(net);
  storeVectorConstants();
  if (resume == 0) clearTotals();
  evaluateRows(net, inputs, targets, count, outputs);
  if (stats >= 0) {
    set(at(stats), 0, lossSum);
    set(at(stats), 1, <f64>correct);
  }
}
