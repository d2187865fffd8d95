// The two backends agree bit for bit: for several hundred random configurations (depth,
// widths, data, seed, learning rate, epochs) a 'wasm' and a 'js' net created with the same
// seed give the same initial parameters, per-epoch losses, trained parameters and
// predictions, every number compared with Object.is. A trained net saved with toJSON, sent
// through JSON text and loaded into the other backend predicts the same bits and keeps
// training exactly as the original does. A second property does the same over random
// combinations of every training option (activation per layer and alpha, loss, init,
// optimizer and its hyperparameters, weight decay, batch size, shuffling, validation split
// or data, normalisation, error threshold, patience with restoreBestWeights, classes, a
// callback that stops training), and compares the SIMD kernel with the scalar one as well
// as with js: history (loss, valLoss, accuracy, valAccuracy, epochs,
// stopReason), callback stats, parameters, optimizer and random state, normalisation,
// predictions and evaluate must be the same bits, a fit that throws (divergence) must throw
// the same MLPError on both, and a second fit must carry on identically. fast-check runs
// with a fixed seed; a failure prints the shrunk configuration with its seed and path (set
// FC_SEED / FC_RUNS / FC_OPTION_RUNS to explore further) and the first differing number
// with its hex bits. Both properties run for float32 nets as well (dtype: 'float32', on
// FC_F32_RUNS / FC_F32_OPTION_RUNS configurations): single precision, the same bits.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MLP, MLPError, type Dtype, type EpochStats, type FitOptions, type History, type ModelJSON } from '../src/index.ts';
import { configOf, extremeInputValue, inputValue, optionConfig, type Config, type OptionConfig } from './helpers/property-configs.ts';

const FC_SEED = Number(process.env.FC_SEED ?? 20261124);
const FC_RUNS = Number(process.env.FC_RUNS ?? 1000);
const FC_OPTION_RUNS = Number(process.env.FC_OPTION_RUNS ?? 2000);
const FC_F32_RUNS = Number(process.env.FC_F32_RUNS ?? 150);
const FC_F32_OPTION_RUNS = Number(process.env.FC_F32_OPTION_RUNS ?? 500);

/** A number, its value and its IEEE-754 bit pattern, for failure messages. */
function show(value: number | undefined): string {
  if (value === undefined) return 'undefined';
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  return `${Object.is(value, -0) ? '-0' : String(value)} (0x${view.getBigUint64(0).toString(16).padStart(16, '0')})`;
}

/** Throws, naming the first differing index and both values, unless a and b are the same bits. */
function sameBits(what: string, a: ArrayLike<number>, b: ArrayLike<number>, names = ['wasm', 'js']): void {
  if (a.length !== b.length) throw new Error(`${what}: length ${a.length} (${names[0]}) vs ${b.length} (${names[1]})`);
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i])) {
      throw new Error(`${what}[${i}] differs: ${names[0]} ${show(a[i])} vs ${names[1]} ${show(b[i])}`);
    }
  }
}

function sameRows(what: string, a: readonly ArrayLike<number>[], b: readonly ArrayLike<number>[], names?: string[]): void {
  if (a.length !== b.length) throw new Error(`${what}: ${a.length} rows vs ${b.length} rows`);
  a.forEach((row, r) => sameBits(`${what}[${r}]`, row, b[r], names));
}

function sameModel(what: string, a: ModelJSON, b: ModelJSON, names?: string[]): void {
  for (const key of ['format', 'version', 'loss', 'alpha', 'dtype'] as const) {
    if (a[key] !== b[key]) throw new Error(`${what}.${key}: ${a[key]} vs ${b[key]}`);
  }
  if (JSON.stringify(a.activations) !== JSON.stringify(b.activations)) throw new Error(`${what}.activations differ`);
  sameBits(`${what}.layers`, a.layers, b.layers, names);
  sameRows(`${what}.weights`, a.weights, b.weights, names);
  sameRows(`${what}.biases`, a.biases, b.biases, names);
}

/** fit's loss, or the MLPError it threw (a diverging fit must diverge identically on both). */
function fitOutcome(net: MLP, c: Config, epochs: number): number[] | string {
  try {
    return net.fit(c.inputs, c.targets, { epochs, learningRate: c.learningRate }).loss;
  } catch (error) {
    if (error instanceof MLPError) return `${error.code}: ${error.message}`;
    throw error;
  }
}

function sameOutcome(what: string, a: number[] | string, b: number[] | string, names?: string[]): void {
  if (typeof a === 'string' || typeof b === 'string') {
    if (a !== b) throw new Error(`${what}: ${JSON.stringify(a).slice(0, 200)} vs ${JSON.stringify(b).slice(0, 200)}`);
    return;
  }
  sameBits(what, a, b, names);
}


async function checkConfig(c: Config, dtype: Dtype = 'float64'): Promise<void> {
  const nets: MLP[] = [];
  try {
    const create = async (backend: 'wasm' | 'js') => {
      const net = await MLP.create({ layers: c.layers, seed: c.seed, backend, dtype });
      if (net.dtype !== dtype) throw new Error(`net.dtype ${net.dtype}, created with ${dtype}`);
      nets.push(net);
      return net;
    };
    const wasm = await create('wasm');
    const js = await create('js');

    sameModel('initial parameters', wasm.toJSON(), js.toJSON());
    sameRows('initial predictions', wasm.predict(c.inputs), js.predict(c.inputs));

    const wasmLoss = fitOutcome(wasm, c, c.epochs);
    const jsLoss = fitOutcome(js, c, c.epochs);
    sameOutcome('loss', wasmLoss, jsLoss);
    if (typeof wasmLoss !== 'string' && wasmLoss.length !== c.epochs) {
      throw new Error(`fit returned ${wasmLoss.length} losses for ${c.epochs} epochs`);
    }
    const trained = wasm.toJSON();
    sameModel('trained parameters', trained, js.toJSON());
    const predictions = wasm.predict(c.inputs);
    sameRows('predictions', predictions, js.predict(c.inputs));

    // Save each through JSON text and load it into the other backend.
    const wasmToJs = await MLP.fromJSON(JSON.stringify(trained), { backend: 'js' });
    nets.push(wasmToJs);
    const jsToWasm = await MLP.fromJSON(JSON.parse(JSON.stringify(js.toJSON())), { backend: 'wasm' });
    nets.push(jsToWasm);
    if (wasmToJs.backend !== 'js' || jsToWasm.backend !== 'wasm') throw new Error('fromJSON ignored { backend }');
    if (wasmToJs.dtype !== dtype || jsToWasm.dtype !== dtype) throw new Error(`fromJSON made ${wasmToJs.dtype} / ${jsToWasm.dtype} nets of a ${dtype} model`);
    const loadedNames = ['original', 'loaded'];
    sameModel('wasm model loaded into js', trained, wasmToJs.toJSON(), loadedNames);
    sameRows('wasm predictions vs its copy loaded into js', predictions, wasmToJs.predict(c.inputs), loadedNames);
    sameRows('js predictions vs its copy loaded into wasm', js.predict(c.inputs), jsToWasm.predict(c.inputs), loadedNames);

    // Training on after the round trip is training on the original.
    const more = [wasm, js, wasmToJs, jsToWasm].map((net) => fitOutcome(net, c, c.moreEpochs));
    const names = ['wasm', 'js', 'wasm model loaded into js', 'js model loaded into wasm'];
    const after = [wasm, js, wasmToJs, jsToWasm].map((net) => net.toJSON());
    const predicted = [wasm, js, wasmToJs, jsToWasm].map((net) => net.predict(c.inputs));
    for (let n = 1; n < names.length; n++) {
      const pair = [names[0], names[n]];
      sameOutcome(`continued loss (${pair.join(' vs ')})`, more[0], more[n], pair);
      sameModel(`continued parameters (${pair.join(' vs ')})`, after[0], after[n], pair);
      sameRows(`continued predictions (${pair.join(' vs ')})`, predicted[0], predicted[n], pair);
    }
  } finally {
    for (const net of nets) net.dispose();
  }
}

// ---------------------------------------------------------------------------------------
// Every training option, in random combinations.


/** What one fit call produced: its history and callback stats, or the MLPError it threw. */
interface FitResult {
  history?: History;
  /** The stats onEpochEnd saw, timing fields left out. */
  stats: Omit<EpochStats, 'samplesPerSecond' | 'elapsed'>[];
  error?: string;
}

async function runFit(net: MLP, c: OptionConfig, epochs: number): Promise<FitResult> {
  const stats: FitResult['stats'] = [];
  const options: FitOptions = { ...c.fit, epochs };
  if (c.stopAt !== undefined) {
    const stopAt = c.stopAt;
    options.onEpochEnd = (s) => {
      if (!(s.samplesPerSecond > 0) || !(s.elapsed >= 0)) throw new Error(`bad timing stats ${JSON.stringify(s)}`);
      const { samplesPerSecond, elapsed, ...rest } = s;
      stats.push(rest);
      return s.epoch < stopAt;
    };
  }
  try {
    const history = c.fitAsync === net.backend ? await net.fitAsync(c.inputs, c.targets, options) : net.fit(c.inputs, c.targets, options);
    return { history, stats };
  } catch (error) {
    if (error instanceof MLPError) return { stats, error: `${error.code}: ${error.message}` };
    throw error;
  }
}

function sameFit(what: string, a: FitResult, b: FitResult): void {
  if (a.error !== b.error) throw new Error(`${what}: wasm ${a.error ?? 'returned'} vs js ${b.error ?? 'returned'}`);
  if (a.stats.length !== b.stats.length) throw new Error(`${what}: onEpochEnd called ${a.stats.length} times (wasm) vs ${b.stats.length} (js)`);
  a.stats.forEach((s, i) => {
    const t = b.stats[i];
    const keys = Object.keys(s).join();
    if (keys !== Object.keys(t).join()) throw new Error(`${what} stats[${i}] keys: ${keys} vs ${Object.keys(t).join()}`);
    const fields = ['epoch', 'epochs', 'loss', 'valLoss', 'accuracy', 'valAccuracy'] as const;
    sameBits(`${what} stats[${i}] (${fields.join(', ')})`, fields.map((f) => s[f] ?? NaN), fields.map((f) => t[f] ?? NaN));
  });
  if (!a.history || !b.history) return;
  const h = a.history;
  const k = b.history;
  if (h.epochs !== k.epochs) throw new Error(`${what}.epochs: wasm ${h.epochs} vs js ${k.epochs}`);
  if (h.stopReason !== k.stopReason) throw new Error(`${what}.stopReason: wasm ${h.stopReason} vs js ${k.stopReason}`);
  for (const key of ['loss', 'valLoss', 'accuracy', 'valAccuracy'] as const) sameBits(`${what}.${key}`, h[key], k[key]);
}

/** Everything toJSON({ includeOptimizer: true }) holds, number for number. */
function sameState(what: string, a: ModelJSON, b: ModelJSON): void {
  sameModel(what, a, b);
  for (const key of ['classes', 'features', 'target'] as const) {
    if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) throw new Error(`${what}.${key}: ${JSON.stringify(a[key])} vs ${JSON.stringify(b[key])}`);
  }
  const [n, m] = [a.normalization, b.normalization];
  if ((n === null) !== (m === null) || (n && m && n.kind !== m.kind)) throw new Error(`${what}.normalization: ${JSON.stringify(n)} vs ${JSON.stringify(m)}`);
  if (n && m) {
    sameBits(`${what}.normalization.offset`, n.offset, m.offset);
    sameBits(`${what}.normalization.scale`, n.scale, m.scale);
  }
  const [s, t] = [a.training!, b.training!];
  if (s.optimizer !== t.optimizer) throw new Error(`${what}.training.optimizer: ${s.optimizer} vs ${t.optimizer}`);
  sameBits(`${what}.training (step, beta1Power, beta2Power, random.position)`, [s.step, s.beta1Power, s.beta2Power, s.random.position], [t.step, t.beta1Power, t.beta2Power, t.random.position]);
  sameBits(`${what}.training.state1`, s.state1, t.state1);
  sameBits(`${what}.training.state2`, s.state2, t.state2);
  sameBits(`${what}.training.random.key`, s.random.key, t.random.key);
}

/** What the option property saw, to check it really covered each option and outcome. */
const coverage = new Map<string, number>();
const saw = (key: string) => coverage.set(key, (coverage.get(key) ?? 0) + 1);

/** The stopping rules of docs/training.md, checked on the history (both backends share the host's decisions). */
function checkHistory(c: OptionConfig, epochs: number, r: FitResult): void {
  const h = r.history;
  if (!h) return;
  const fail = (why: string) => {
    throw new Error(`history ${JSON.stringify({ ...h, loss: h.loss.length, valLoss: h.valLoss.length })}: ${why}`);
  };
  const validated = c.fit.validationSplit !== undefined || c.fit.validationData !== undefined;
  if (h.loss.length !== h.epochs || h.epochs > epochs) fail(`${h.loss.length} losses for ${h.epochs} epochs of ${epochs}`);
  if (h.valLoss.length !== (validated ? h.epochs : 0)) fail(`${h.valLoss.length} validation losses`);
  if (h.accuracy.length !== 0 && h.accuracy.length !== h.epochs) fail(`${h.accuracy.length} accuracies`);
  if (h.stopReason === 'completed' && h.epochs !== epochs) fail(`'completed' after ${h.epochs} of ${epochs} epochs`);
  if (h.stopReason === 'aborted') fail('aborted without a signal');
  // errorThreshold: stop after the first epoch whose loss is below it.
  const threshold = c.fit.errorThreshold ?? -Infinity;
  const below = h.loss.findIndex((l) => l < threshold);
  if (h.stopReason === 'errorThreshold' ? below !== h.epochs - 1 : below >= 0) fail(`errorThreshold ${threshold}: first loss below it at epoch ${below + 1}`);
  // patience: stop once the validation loss has not been strictly below the best for `patience` epochs.
  if (c.fit.patience !== undefined && h.stopReason !== 'errorThreshold') {
    let best = Infinity;
    let waited = 0;
    let stop = 0;
    for (let e = 0; e < h.valLoss.length && stop === 0; e++) {
      if (h.valLoss[e] < best) {
        best = h.valLoss[e];
        waited = 0;
      } else if (++waited >= c.fit.patience) stop = e + 1;
    }
    if (h.stopReason === 'earlyStopping' ? stop !== h.epochs : stop !== 0) fail(`patience ${c.fit.patience}: the rule stops at epoch ${stop}`);
  } else if (h.stopReason === 'earlyStopping') fail('earlyStopping without patience, or before errorThreshold');
  // onEpochEnd runs every callbackEvery epochs and after the last; it returns false from stopAt on.
  if (c.stopAt !== undefined && (h.stopReason === 'completed' || h.stopReason === 'callback') && epochs > 0) {
    const every = c.fit.callbackEvery ?? 1;
    const expected = Math.min(Math.ceil(c.stopAt / every) * every, epochs);
    // Returning false after the last epoch asked for may be reported either way.
    if (!(h.epochs === expected && (h.stopReason === 'callback' || h.epochs === epochs))) fail(`the callback (every ${every}, false from epoch ${c.stopAt}) should stop at epoch ${expected}`);
  } else if (h.stopReason === 'callback') fail("'callback' without a callback returning false");
  if (r.stats.length > 0 && r.stats[r.stats.length - 1].epoch !== h.epochs) fail(`the last callback saw epoch ${r.stats[r.stats.length - 1].epoch}`);
  for (const s of r.stats) {
    if (!Object.is(s.loss, h.loss[s.epoch - 1]) || s.epochs !== epochs) fail(`callback stats ${JSON.stringify(s)} disagree with the history`);
  }
}

async function checkOptionConfig(c: OptionConfig, dtype: Dtype = 'float64'): Promise<void> {
  const nets: MLP[] = [];
  try {
    const create = async (backend: 'wasm' | 'js', simd?: boolean) => {
      const net = await MLP.create({
        layers: c.layers, seed: c.seed, backend, simd, activation: c.activation, alpha: c.alpha, loss: c.loss, init: c.init, classes: c.classes, dtype,
      });
      nets.push(net);
      return net;
    };
    // The SIMD kernel against the pure-JS backend and against the scalar kernel.
    const wasm = await create('wasm');
    const others: [string, MLP][] = [['js', await create('js')], ['scalar', await create('wasm', false)]];
    if (!wasm.simd || others[1][1].simd) throw new Error('the simd option did not pick the kernel');
    for (const [name, other] of others) sameState(`initial state (${name})`, wasm.toJSON({ includeOptimizer: true }), other.toJSON({ includeOptimizer: true }));

    const epochs = c.fit.epochs ?? 1;
    for (const [call, count] of [['fit', epochs], ['second fit', c.moreEpochs]] as const) {
      const a = await runFit(wasm, c, count);
      checkHistory(c, count, a);
      saw(a.error ? a.error.slice(0, a.error.indexOf(':')) : a.history!.stopReason);
      const rows = c.fit.validationData ? [...c.inputs, ...(c.fit.validationData.inputs as number[][])] : c.inputs;
      // A net whose outputs (or loss) on these rows leave float64 says so on every backend alike.
      const inference = (net: MLP) => () => {
        net.predict(rows);
        net.predictClass(c.inputs);
        net.evaluate(c.inputs, c.targets);
      };
      const overflow = overflowMessage(inference(wasm));
      if (overflow !== null) {
        for (const [name, other] of others) {
          sameFit(`${call} (${name})`, a, await runFit(other, c, count));
          sameState(`state after the ${call} (${name})`, wasm.toJSON({ includeOptimizer: true }), other.toJSON({ includeOptimizer: true }));
          const theirs = overflowMessage(inference(other));
          if (theirs !== overflow) throw new Error(`after the ${call}: wasm says '${overflow}', ${name} says '${theirs}'`);
        }
        continue;
      }
      const p = wasm.predictClass(c.inputs);
      const e = wasm.evaluate(c.inputs, c.targets);
      for (const [name, other] of others) {
        const b = await runFit(other, c, count);
        sameFit(`${call} (${name})`, a, b);
        sameState(`state after the ${call} (${name})`, wasm.toJSON({ includeOptimizer: true }), other.toJSON({ includeOptimizer: true }));
        sameRows(`predictions after the ${call}`, wasm.predict(rows), other.predict(rows), ['wasm', name]);
        const q = other.predictClass(c.inputs);
        if (JSON.stringify(p) !== JSON.stringify(q)) throw new Error(`predictClass after the ${call}: ${JSON.stringify(p)} vs ${JSON.stringify(q)} (${name})`);
        const f = other.evaluate(c.inputs, c.targets);
        sameBits(`evaluate (loss, accuracy) after the ${call}`, [e.loss, e.accuracy ?? NaN], [f.loss, f.accuracy ?? NaN], ['wasm', name]);
        if ((e.accuracy === null) !== (f.accuracy === null) || (e.confusion === null) !== (f.confusion === null)) {
          throw new Error(`evaluate after the ${call}: ${JSON.stringify(e)} vs ${JSON.stringify(f)} (${name})`);
        }
        if (e.confusion && f.confusion) sameRows(`evaluate confusion after the ${call}`, e.confusion, f.confusion, ['wasm', name]);
      }
    }
    const f = c.fit;
    saw(`optimizer ${f.optimizer ?? 'default'}`);
    saw(`output ${Array.isArray(c.activation) ? c.activation[c.activation.length - 1] : c.activation}`);
    saw(`loss ${c.loss ?? 'default'}`);
    saw(`init ${c.init ?? 'default'}`);
    saw(`normalize ${f.normalize ?? 'default'}`);
    saw(f.validationSplit !== undefined ? 'validationSplit' : f.validationData ? 'validationData' : 'no validation');
    if (f.shuffle) saw('shuffle');
    if (f.weightDecay) saw('weightDecay');
    if ((f.batchSize ?? 1) > 1) saw('batchSize > 1');
    if ((f.batchSize ?? 1) > c.inputs.length) saw('batchSize > rows');
    if (f.restoreBestWeights) saw('restoreBestWeights');
    if (c.fitAsync !== 'none') saw('fitAsync');
    if (c.inputs.some((row) => row.some((v) => Math.abs(v) > 100))) saw('extreme inputs');
    for (const a of Array.isArray(c.activation) ? c.activation : [c.activation]) saw(`activation ${a}`);
  } finally {
    for (const net of nets) net.dispose();
  }
}

// A thousand fits a configuration, on a shared 2-core machine: the suite's 120 s per test is
// too little under load, while nothing here is a timing.
const PROPERTY_TIMEOUT = { timeout: 600_000 };

describe('wasm and js backends are bitwise identical', PROPERTY_TIMEOUT, () => {
  it(`on ${FC_RUNS} random configurations (fast-check seed ${FC_SEED})`, async () => {
    await fc.assert(fc.asyncProperty(configOf(inputValue), (c) => checkConfig(c)), { seed: FC_SEED, numRuns: FC_RUNS });
  });

  it(`with extreme inputs that saturate the sigmoids, on ${Math.ceil(FC_RUNS / 5)} configurations (fast-check seed ${FC_SEED})`, async () => {
    await fc.assert(fc.asyncProperty(configOf(extremeInputValue), (c) => checkConfig(c)), { seed: FC_SEED, numRuns: Math.ceil(FC_RUNS / 5) });
  });

  it(`over random combinations of every training option, SIMD and scalar kernels too, on ${FC_OPTION_RUNS} configurations (fast-check seed ${FC_SEED})`, async () => {
    coverage.clear();
    await fc.assert(fc.asyncProperty(optionConfig, (c) => checkOptionConfig(c)), { seed: FC_SEED, numRuns: FC_OPTION_RUNS });
    // The generator really reached every option value and every way a fit can end.
    const expected = [
      'completed', 'errorThreshold', 'earlyStopping', 'callback', 'TRAINING_DIVERGED',
      'optimizer sgd', 'optimizer momentum', 'optimizer adam', 'optimizer default',
      'output sigmoid', 'output tanh', 'output relu', 'output leaky-relu', 'output linear', 'output softmax',
      'activation sigmoid', 'activation tanh', 'activation relu', 'activation leaky-relu', 'activation linear',
      'loss mse', 'loss cross-entropy', 'loss binary-cross-entropy', 'loss default',
      'init uniform', 'init xavier', 'init he', 'init default',
      'normalize none', 'normalize zscore', 'normalize minmax', 'normalize default',
      'validationSplit', 'validationData', 'no validation',
      'shuffle', 'weightDecay', 'batchSize > 1', 'batchSize > rows', 'restoreBestWeights', 'fitAsync', 'extreme inputs',
    ];
    const counts = Object.fromEntries(expected.map((key) => [key, coverage.get(key) ?? 0]));
    for (const key of expected) expect(counts[key], `${key} in ${JSON.stringify(Object.fromEntries(coverage))}`).toBeGreaterThanOrEqual(3);
  });
});

// After the float64 properties: a process that has run float32 nets runs the js backend's
// float64 code slower (its array accesses have seen two element types).
describe('float32: wasm SIMD, wasm scalar and js are bitwise identical', PROPERTY_TIMEOUT, () => {
  it(`on ${FC_F32_RUNS} random configurations (fast-check seed ${FC_SEED})`, async () => {
    await fc.assert(fc.asyncProperty(configOf(inputValue), (c) => checkConfig(c, 'float32')), { seed: FC_SEED, numRuns: FC_F32_RUNS });
  });

  it(`with extreme inputs, on ${Math.ceil(FC_F32_RUNS / 5)} configurations (fast-check seed ${FC_SEED})`, async () => {
    await fc.assert(fc.asyncProperty(configOf(extremeInputValue), (c) => checkConfig(c, 'float32')), { seed: FC_SEED, numRuns: Math.ceil(FC_F32_RUNS / 5) });
  });

  it(`over random combinations of every training option, on ${FC_F32_OPTION_RUNS} configurations (fast-check seed ${FC_SEED})`, async () => {
    await fc.assert(fc.asyncProperty(optionConfig, (c) => checkOptionConfig(c, 'float32')), { seed: FC_SEED, numRuns: FC_F32_OPTION_RUNS });
  });
});

/** The message of the OVERFLOW error `run` throws, or null when it returns. */
function overflowMessage(run: () => void): string | null {
  try {
    run();
    return null;
  } catch (error) {
    if (error instanceof MLPError && error.code === 'OVERFLOW') return error.message;
    throw error;
  }
}
