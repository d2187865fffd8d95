// Training control with real values, on both backends where results could differ: resuming
// exactly (toJSON/fromJSON and save/load with includeOptimizer, for sgd, momentum and adam,
// with shuffling and mini-batches; without the optimizer state adam differs); the model JSON
// round trip of every field and version 1 files; onEpochEnd (when it is called, its stats,
// stopping with 'callback', chunking not changing any bit); AbortSignal; fitAsync (same bits
// as fit, yields to the event loop, BUSY while it runs, DISPOSED when disposed under it);
// errorThreshold and early stopping with restoreBestWeights against shorter runs; divergence
// leaving the net as it was; evaluate and predictClass on hand-checkable nets; loadCSV and
// parseCSV (encodings, options, every error naming line, column and value, normalisation
// fitted on the training rows only); and option validation naming option, value and
// expectation.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  loadCSV, MLP, MLPError, parseCSV, type BackendName, type CreateOptions, type EpochStats, type FitOptions, type History,
  type MLPErrorCode, type ModelJSON,
} from '../src/index.ts';
import { ANGLE_X, ANGLE_Y } from './helpers/angle-classes.ts';

const BACKENDS: BackendName[] = ['wasm', 'js'];

// ---------------------------------------------------------------------------------------
// Helpers

/** A number with its IEEE-754 bits, for failure messages. */
function show(value: number | undefined): string {
  if (value === undefined) return 'undefined';
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  return `${Object.is(value, -0) ? '-0' : String(value)} (0x${view.getBigUint64(0).toString(16).padStart(16, '0')})`;
}

/** Fails naming the first index whose bits differ. */
function expectSameBits(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) expect.fail(`${what}[${i}]: got ${show(actual[i])}, expected ${show(expected[i])}`);
  }
}

function expectSameRows(actual: readonly ArrayLike<number>[], expected: readonly ArrayLike<number>[], what: string): void {
  expect(actual.length, `${what}: rows`).toBe(expected.length);
  expected.forEach((row, r) => expectSameBits(actual[r], row, `${what}[${r}]`));
}

function expectSameParameters(actual: ModelJSON, expected: ModelJSON, what: string): void {
  expectSameRows(actual.weights, expected.weights, `${what}: weights`);
  expectSameRows(actual.biases, expected.biases, `${what}: biases`);
}

function expectSameHistory(actual: History, expected: History, what: string): void {
  expect(actual.epochs, `${what}: epochs`).toBe(expected.epochs);
  expect(actual.stopReason, `${what}: stopReason`).toBe(expected.stopReason);
  for (const key of ['loss', 'valLoss', 'accuracy', 'valAccuracy'] as const) expectSameBits(actual[key], expected[key], `${what}: ${key}`);
}

/** True when some weight or bias differs in its bits. */
function parametersDiffer(a: ModelJSON, b: ModelJSON): boolean {
  const flat = (m: ModelJSON) => [...m.weights.flat(), ...m.biases.flat()];
  const x = flat(a);
  const y = flat(b);
  return x.length !== y.length || x.some((v, i) => !Object.is(v, y[i]));
}

const nets: MLP[] = [];
/** A net disposed after the file's tests. */
async function create(options: CreateOptions): Promise<MLP> {
  const net = await MLP.create(options);
  nets.push(net);
  return net;
}
async function fromJSON(json: unknown, options?: Parameters<typeof MLP.fromJSON>[1]): Promise<MLP> {
  const net = await MLP.fromJSON(json, options);
  nets.push(net);
  return net;
}
const temps: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wasm-mlp-control-'));
  temps.push(dir);
  return dir;
}
afterAll(() => {
  for (const net of nets) net.dispose();
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** The error a call throws or a promise rejects with, failing if there is none. */
async function caught(call: () => unknown): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  return expect.fail('expected the call to throw');
}

/** Expects an MLPError of `code` whose message contains every part. */
async function expectError(call: () => unknown, code: MLPErrorCode, parts: (string | RegExp)[]): Promise<MLPError> {
  const error = await caught(call);
  expect(error, String(error)).toBeInstanceOf(MLPError);
  const e = error as MLPError;
  expect(e.code, e.message).toBe(code);
  for (const part of parts) {
    if (typeof part === 'string') expect(e.message).toContain(part);
    else expect(e.message).toMatch(part);
  }
  expect(e.message, 'one line').not.toContain('\n');
  return e;
}

// ---------------------------------------------------------------------------------------
// Data

const CLS_X = ANGLE_X;
const CLS_Y = ANGLE_Y;

/** 24 rows, 3 inputs, a smooth real-valued target (not 0/1: a regression). */
const REG_X: number[][] = [];
const REG_Y: number[][] = [];
for (let i = 0; i < 24; i++) {
  const x = [Math.sin(i), Math.cos(2 * i) * 2, i / 12 - 1];
  REG_X.push(x);
  REG_Y.push([0.5 * x[0] - x[1] * x[2] + 0.3]);
}

const CLASSIFIER: CreateOptions = { layers: [2, 6, 3], activation: ['tanh', 'softmax'], loss: 'cross-entropy', init: 'xavier', seed: 31 };
const REGRESSOR: CreateOptions = { layers: [3, 5, 1], activation: ['tanh', 'linear'], seed: 8 };

// ---------------------------------------------------------------------------------------

describe('resuming training exactly', () => {
  const optimizers = [
    { optimizer: 'sgd', learningRate: 0.2 },
    { optimizer: 'momentum', learningRate: 0.05, momentum: 0.8 },
    { optimizer: 'adam', learningRate: 0.01, beta1: 0.85, beta2: 0.99 },
  ] as const;

  for (const backend of BACKENDS) {
    for (const opt of optimizers) {
      it(`${opt.optimizer}, shuffled batches of 3: 10 epochs, JSON text, 15 more = 25 in one go = 10 + 15 on one net = save/load (${backend})`, async () => {
        const options: FitOptions = { ...opt, shuffle: true, batchSize: 3, weightDecay: 1e-3 };
        const whole = await create({ ...CLASSIFIER, backend });
        const all = whole.fit(CLS_X, CLS_Y, { ...options, epochs: 25 });
        const expected = whole.toJSON();
        expect(all.loss).toHaveLength(25);
        expect(all.accuracy).toHaveLength(25);

        // Through JSON text.
        const first = await create({ ...CLASSIFIER, backend });
        const h10 = first.fit(CLS_X, CLS_Y, { ...options, epochs: 10 });
        const saved = first.toJSON({ includeOptimizer: true });
        expect(saved.training!.optimizer).toBe(opt.optimizer);
        // 30 rows in batches of 3: 10 updates an epoch.
        expect(saved.training!.step).toBe(100);
        if (opt.optimizer === 'adam') {
          // beta1^100 by repeated multiplication.
          let p = 1;
          for (let t = 0; t < 100; t++) p *= opt.beta1;
          expect(saved.training!.beta1Power).toBe(p);
          expect(saved.training!.state2.some((v) => v !== 0)).toBe(true);
        }
        if (opt.optimizer !== 'sgd') expect(saved.training!.state1.some((v) => v !== 0)).toBe(true);
        const resumed = await fromJSON(JSON.stringify(saved), { backend });
        const h15 = resumed.fit(CLS_X, CLS_Y, { ...options, epochs: 15 });
        expectSameBits([...h10.loss, ...h15.loss], all.loss, 'resumed loss');
        expectSameBits([...h10.accuracy, ...h15.accuracy], all.accuracy, 'resumed accuracy');
        expectSameParameters(resumed.toJSON(), expected, 'resumed through JSON');

        // Two fit calls on the same net.
        const h15b = first.fit(CLS_X, CLS_Y, { ...options, epochs: 15 });
        expectSameBits([...h10.loss, ...h15b.loss], all.loss, 'second fit call loss');
        expectSameParameters(first.toJSON(), expected, 'two fit calls');

        // Through a file, written atomically.
        const dir = tempDir();
        const path = join(dir, 'model.json');
        const other = await create({ ...CLASSIFIER, backend });
        other.fit(CLS_X, CLS_Y, { ...options, epochs: 10 });
        await other.save(path, { includeOptimizer: true });
        await other.save(path, { includeOptimizer: true }); // over an existing file
        expect(readdirSync(dir)).toEqual(['model.json']);
        const text = readFileSync(path, 'utf8');
        expect(text.endsWith('}\n')).toBe(true);
        expect(JSON.parse(text)).toStrictEqual(JSON.parse(JSON.stringify(saved)));
        const loaded = await MLP.load(path, { backend });
        nets.push(loaded);
        const h15c = loaded.fit(CLS_X, CLS_Y, { ...options, epochs: 15 });
        expectSameBits([...h10.loss, ...h15c.loss], all.loss, 'loaded loss');
        expectSameParameters(loaded.toJSON(), expected, 'resumed through save/load');
      });
    }

    it(`a save that fails leaves no temp file and throws MLPError 'IO'; loading a missing file throws 'IO' (${backend})`, async () => {
      const net = await create({ ...CLASSIFIER, backend });
      const dir = tempDir();
      // The target is a directory: the rename over it fails after the temp file was written.
      const target = join(dir, 'model.json');
      writeFileSync(join(dir, 'keep.txt'), 'x');
      mkdirSync(join(target, 'inside'), { recursive: true });
      const error = await caught(() => net.save(target, { includeOptimizer: true }));
      expect(readdirSync(dir).sort(), 'no temp file left behind').toEqual(['keep.txt', 'model.json']);
      expect(readdirSync(target)).toEqual(['inside']);
      expect.soft(error instanceof MLPError ? `${error.code}: ${error.message}` : `not an MLPError: ${String(error)}`).toMatch(new RegExp(`^IO: .*${target}`));
      const missing = join(dir, 'none.json');
      const loadError = await caught(() => MLP.load(missing, { backend }));
      expect.soft(loadError instanceof MLPError ? `${loadError.code}: ${loadError.message}` : `not an MLPError: ${String(loadError)}`).toMatch(new RegExp(`^IO: cannot read ${missing}`));
    });

    it(`adam, then sgd, then adam: sgd's model holds no state, and adam starts again from fresh moments (${backend})`, async () => {
      const adam: FitOptions = { ...optimizers[2], batchSize: 3 };
      const net = await create({ ...CLASSIFIER, backend });
      net.fit(CLS_X, CLS_Y, { ...adam, epochs: 5 });
      // Two sgd fits: each fit's updates land in the other copy, so the second ends in the copy
      // that holds adam's moments.
      for (const epochs of [2, 1]) net.fit(CLS_X, CLS_Y, { ...optimizers[0], batchSize: 3, epochs });
      const sgd = net.toJSON({ includeOptimizer: true }).training!;
      expect(sgd.optimizer).toBe('sgd');
      expect([...sgd.state1, ...sgd.state2].every((v) => v === 0), 'no moment of the adam run left').toBe(true);
      // A twin with the same parameters and no optimizer history.
      const twin = await fromJSON(JSON.stringify(net.toJSON()), { backend });
      const a = net.fit(CLS_X, CLS_Y, { ...adam, epochs: 4 });
      const b = twin.fit(CLS_X, CLS_Y, { ...adam, epochs: 4 });
      expectSameBits(a.loss, b.loss, 'adam after sgd');
      expectSameParameters(net.toJSON(), twin.toJSON(), 'adam after sgd');
      const [ta, tb] = [net, twin].map((n) => n.toJSON({ includeOptimizer: true }).training!);
      expectSameBits([...ta.state1, ...ta.state2], [...tb.state1, ...tb.state2], 'adam moments');
    });

    it(`without includeOptimizer an adam run does not resume exactly, sgd does (no shuffling) (${backend})`, async () => {
      for (const opt of [optimizers[0], optimizers[2]]) {
        const options: FitOptions = { ...opt, batchSize: 3 };
        const whole = await create({ ...CLASSIFIER, backend });
        const all = whole.fit(CLS_X, CLS_Y, { ...options, epochs: 25 });
        const first = await create({ ...CLASSIFIER, backend });
        const h10 = first.fit(CLS_X, CLS_Y, { ...options, epochs: 10 });
        const withState = await fromJSON(JSON.stringify(first.toJSON({ includeOptimizer: true })), { backend });
        const without = await fromJSON(JSON.stringify(first.toJSON()), { backend });
        expect(first.toJSON().training).toBeUndefined();
        const a = withState.fit(CLS_X, CLS_Y, { ...options, epochs: 15 });
        const b = without.fit(CLS_X, CLS_Y, { ...options, epochs: 15 });
        expectSameBits([...h10.loss, ...a.loss], all.loss, `${opt.optimizer} with its state`);
        if (opt.optimizer === 'sgd') {
          expectSameBits([...h10.loss, ...b.loss], all.loss, 'sgd has no state to lose');
          expectSameParameters(without.toJSON(), whole.toJSON(), 'sgd without state');
        } else {
          // Fresh moments and t = 0: the bias correction starts again, and every later epoch differs.
          expect(parametersDiffer(without.toJSON(), whole.toJSON())).toBe(true);
          for (let e = 0; e < 15; e++) expect(b.loss[e], `epoch ${11 + e} loss`).not.toBe(all.loss[10 + e]);
        }
      }
    });
  }
});

describe('model JSON round trip', () => {
  const CSV = [
    'width,height,depth,kind',
    '1.5,2,0.25,box',
    '3,-1,2,tube',
    '0.5,0.5,0.5,cone',
    '2.25,4,1,box',
    '-1,3,0,tube',
    '0,1.75,3,cone',
    '1,1,1,box',
    '4,0,2.5,tube',
  ].join('\n');

  for (const [from, to] of [['wasm', 'js'], ['js', 'wasm'], ['wasm', 'wasm']] as const) {
    it(`toJSON -> JSON text -> fromJSON keeps every field bit for bit (${from} -> ${to})`, async () => {
      const data = parseCSV(CSV, { normalize: 'zscore' });
      const net = await create({
        layers: [3, 5, 4, 3], activation: ['leaky-relu', 'tanh', 'softmax'], alpha: 0.25, loss: 'cross-entropy', init: 'he', seed: 77, backend: from,
      });
      net.fit(data, { epochs: 12, optimizer: 'momentum', learningRate: 0.05, batchSize: 2 });
      const json = net.toJSON({ includeOptimizer: true });
      expect(json.layers).toEqual([3, 5, 4, 3]);
      expect(json.activations).toEqual(['leaky-relu', 'tanh', 'softmax']);
      expect(json.alpha).toBe(0.25);
      expect(json.loss).toBe('cross-entropy');
      expect(json.classes).toEqual(['box', 'cone', 'tube']);
      expect(json.features).toEqual(['width', 'height', 'depth']);
      expect(json.target).toBe('kind');
      expect(json.normalization!.kind).toBe('zscore');
      const loaded = await fromJSON(JSON.stringify(json), { backend: to });
      // toStrictEqual compares numbers with Object.is: bit for bit (finite doubles).
      expect(loaded.toJSON({ includeOptimizer: true })).toStrictEqual(json);
      expectSameParameters(loaded.toJSON(), json, 'loaded');
      expectSameBits(loaded.toJSON().normalization!.offset, json.normalization!.offset, 'normalization.offset');
      expectSameBits(loaded.toJSON().normalization!.scale, json.normalization!.scale, 'normalization.scale');
      expect(loaded.layers).toEqual([3, 5, 4, 3]);
      expect(loaded.classes).toEqual(['box', 'cone', 'tube']);
      expect(loaded.backend).toBe(to);
      expectSameRows(loaded.predict(data.inputs), net.predict(data.inputs), 'predictions');
      expect(loaded.predictClass(data.inputs)).toEqual(net.predictClass(data.inputs));
      // Without the optimizer: the same model minus `training`.
      const plain = await fromJSON(net.toJSON(), { backend: to });
      const { training, ...rest } = json;
      expect(training).toBeDefined();
      expect(plain.toJSON()).toStrictEqual(rest);
    });
  }

  it('a version 1 model still loads, and predicts and trains as its version 2 equivalent', async () => {
    const weights = [[0.3745401188473625, -0.9507143064099162, 0.7319939418114051, 0.5986584841970366, -1.5, 2.25], [0.05808361216819946, -0.8661761457749352, 1.25]];
    const biases = [[0.15601864044243652, -0.15599452033620265, 0.5], [-0.6011150117432088]];
    const v1 = { format: 'wasm-mlp', version: 1, layers: [2, 3, 1], activation: 'sigmoid', weights, biases };
    const v2: ModelJSON = {
      format: 'wasm-mlp', version: 2, layers: [2, 3, 1], activations: ['sigmoid', 'sigmoid'], alpha: 0.01, loss: 'mse',
      normalization: null, classes: null, features: null, target: null, weights, biases,
    };
    const x = [[0, 0], [1, -2], [0.5, 3], [-4, 1.25]];
    for (const backend of BACKENDS) {
      const old = await fromJSON(JSON.stringify(v1), { backend, seed: 5 });
      const now = await fromJSON(v2, { backend, seed: 5 });
      expect(old.toJSON()).toStrictEqual(v2);
      const predicted = old.predict(x);
      expectSameRows(predicted, now.predict(x), `${backend} v1 vs v2 predictions`);
      // The sigmoid net by hand (our exp may differ from Math.exp in the last bit).
      const sig = (z: number) => 1 / (1 + Math.exp(-z));
      x.forEach(([a, b], r) => {
        const h = [0, 1, 2].map((j) => sig(weights[0][2 * j] * a + weights[0][2 * j + 1] * b + biases[0][j]));
        const out = sig(weights[1][0] * h[0] + weights[1][1] * h[1] + weights[1][2] * h[2] + biases[1][0]);
        expect(Math.abs(predicted[r][0] - out)).toBeLessThan(1e-15);
      });
      const y = [[0], [1], [1], [0]];
      const h1 = old.fit(x, y, { epochs: 5, shuffle: true, learningRate: 0.5 });
      const h2 = now.fit(x, y, { epochs: 5, shuffle: true, learningRate: 0.5 });
      expectSameHistory(h1, h2, `${backend} v1 vs v2 training`);
      expectSameParameters(old.toJSON(), now.toJSON(), `${backend} v1 vs v2 trained`);
    }
  });
});

describe('onEpochEnd', () => {
  for (const backend of BACKENDS) {
    it(`is called every callbackEvery epochs and after the last, with the history's numbers (${backend})`, async () => {
      const net = await create({ ...CLASSIFIER, backend });
      const seen: EpochStats[] = [];
      const h = net.fit(CLS_X, CLS_Y, {
        epochs: 10, callbackEvery: 3, validationSplit: 0.2, learningRate: 0.1, onEpochEnd: (s) => void seen.push({ ...s }),
      });
      expect(h.stopReason).toBe('completed');
      expect(seen.map((s) => s.epoch)).toEqual([3, 6, 9, 10]);
      let elapsed = 0;
      for (const s of seen) {
        expect(Object.keys(s).sort()).toEqual(['accuracy', 'elapsed', 'epoch', 'epochs', 'loss', 'samplesPerSecond', 'valAccuracy', 'valLoss']);
        expect(s.epochs).toBe(10);
        expect(Object.is(s.loss, h.loss[s.epoch - 1]), `loss of epoch ${s.epoch}`).toBe(true);
        expect(Object.is(s.valLoss, h.valLoss[s.epoch - 1])).toBe(true);
        expect(Object.is(s.accuracy, h.accuracy[s.epoch - 1])).toBe(true);
        expect(Object.is(s.valAccuracy, h.valAccuracy[s.epoch - 1])).toBe(true);
        // 24 training rows and 6 validation rows: accuracies are counts over those.
        expect(Math.abs(s.accuracy! * 24 - Math.round(s.accuracy! * 24))).toBeLessThan(1e-9);
        expect(Math.abs(s.valAccuracy! * 6 - Math.round(s.valAccuracy! * 6))).toBeLessThan(1e-9);
        expect(s.samplesPerSecond).toBeGreaterThan(0);
        expect(Number.isFinite(s.samplesPerSecond)).toBe(true);
        expect(s.elapsed).toBeGreaterThanOrEqual(elapsed);
        elapsed = s.elapsed;
      }
    });

    it(`a regression without validation gets only epoch, epochs, loss and timing (${backend})`, async () => {
      const net = await create({ ...REGRESSOR, backend });
      const seen: EpochStats[] = [];
      const h = net.fit(REG_X, REG_Y, { epochs: 4, learningRate: 0.05, onEpochEnd: (s) => void seen.push(s) });
      expect(seen.map((s) => Object.keys(s).sort())).toEqual(Array(4).fill(['elapsed', 'epoch', 'epochs', 'loss', 'samplesPerSecond']));
      expect(seen.map((s) => s.loss)).toEqual(h.loss);
      expect(h.accuracy).toEqual([]);
    });

    it(`returning false stops with stopReason 'callback' at that epoch (${backend})`, async () => {
      const options: FitOptions = { epochs: 20, learningRate: 0.1, batchSize: 4, shuffle: true, optimizer: 'momentum' };
      const full = await create({ ...CLASSIFIER, backend });
      const all = full.fit(CLS_X, CLS_Y, options);
      const short = await create({ ...CLASSIFIER, backend });
      const four = short.fit(CLS_X, CLS_Y, { ...options, epochs: 4 });

      const net = await create({ ...CLASSIFIER, backend });
      const epochsSeen: number[] = [];
      const h = net.fit(CLS_X, CLS_Y, { ...options, onEpochEnd: ({ epoch }) => (epochsSeen.push(epoch), epoch < 4) });
      expect(epochsSeen).toEqual([1, 2, 3, 4]);
      expect(h.epochs).toBe(4);
      expect(h.stopReason).toBe('callback');
      expectSameBits(h.loss, all.loss.slice(0, 4), 'loss');
      expectSameParameters(net.toJSON(), short.toJSON(), 'stopped at 4 vs 4 epochs');
      expectSameBits(four.loss, h.loss, 'loss vs 4 epochs');

      // With callbackEvery 3 the callback first runs after epoch 3.
      const every3 = await create({ ...CLASSIFIER, backend });
      const h3 = every3.fit(CLS_X, CLS_Y, { ...options, callbackEvery: 3, onEpochEnd: () => false });
      expect(h3.epochs).toBe(3);
      expect(h3.stopReason).toBe('callback');
      // Returning undefined or true never stops.
      const quiet = await create({ ...CLASSIFIER, backend });
      expect(quiet.fit(CLS_X, CLS_Y, { ...options, onEpochEnd: () => undefined }).stopReason).toBe('completed');
    });

    it(`a callback every epoch (or every 7) gives the same bits as none: chunking changes nothing (${backend})`, async () => {
      for (const options of [
        { epochs: 23, learningRate: 0.05, optimizer: 'adam', batchSize: 4, shuffle: true, validationSplit: 0.2, normalize: 'minmax' },
        { epochs: 23, learningRate: 0.3 },
      ] as FitOptions[]) {
        const plain = await create({ ...CLASSIFIER, backend });
        const expected = plain.fit(CLS_X, CLS_Y, options);
        for (const callbackEvery of [1, 7]) {
          const net = await create({ ...CLASSIFIER, backend });
          let calls = 0;
          const h = net.fit(CLS_X, CLS_Y, { ...options, callbackEvery, onEpochEnd: () => void calls++ });
          expect(calls).toBe(callbackEvery === 1 ? 23 : 4);
          expectSameHistory(h, expected, `callbackEvery ${callbackEvery}`);
          expectSameParameters(net.toJSON(), plain.toJSON(), `callbackEvery ${callbackEvery}`);
        }
      }
    });
  }
});

describe('signal', () => {
  for (const backend of BACKENDS) {
    it(`an abort from onEpochEnd stops at the next check with stopReason 'aborted' (${backend})`, async () => {
      const options: FitOptions = { epochs: 30, learningRate: 0.1, batchSize: 5, shuffle: true };
      const four = await create({ ...CLASSIFIER, backend });
      const expected = four.fit(CLS_X, CLS_Y, { ...options, epochs: 4 });
      const net = await create({ ...CLASSIFIER, backend });
      const controller = new AbortController();
      let calls = 0;
      const h = net.fit(CLS_X, CLS_Y, {
        ...options,
        signal: controller.signal,
        onEpochEnd: ({ epoch }) => {
          calls++;
          if (epoch === 4) controller.abort();
        },
      });
      expect(calls).toBe(4);
      expect(h.epochs).toBe(4);
      expect(h.stopReason).toBe('aborted');
      expectSameBits(h.loss, expected.loss, 'loss');
      expectSameParameters(net.toJSON(), four.toJSON(), 'aborted after 4 vs 4 epochs');
    });

    it(`an already aborted signal runs no epoch: parameters, optimizer state and shuffling stream unchanged (${backend})`, async () => {
      const options: FitOptions = { epochs: 10, shuffle: true, optimizer: 'adam', learningRate: 0.01, batchSize: 4 };
      const net = await create({ ...CLASSIFIER, backend });
      const twin = await create({ ...CLASSIFIER, backend });
      for (const n of [net, twin]) n.fit(CLS_X, CLS_Y, { ...options, epochs: 2 });
      const before = net.toJSON({ includeOptimizer: true });
      const h = net.fit(CLS_X, CLS_Y, { ...options, signal: AbortSignal.abort() });
      expect(h).toStrictEqual({ loss: [], valLoss: [], accuracy: [], valAccuracy: [], epochs: 0, stopReason: 'aborted' });
      expect(net.toJSON({ includeOptimizer: true })).toStrictEqual(before);
      const again = await net.fitAsync(CLS_X, CLS_Y, { ...options, signal: AbortSignal.abort() });
      expect(again).toStrictEqual(h);
      expect(net.toJSON({ includeOptimizer: true })).toStrictEqual(before);
      // Training on is training on the twin that never saw the aborted calls.
      expectSameHistory(net.fit(CLS_X, CLS_Y, options), twin.fit(CLS_X, CLS_Y, options), 'after the aborted calls');
      expectSameParameters(net.toJSON(), twin.toJSON(), 'after the aborted calls');
    });
  }

  it('an abort from a timer stops fitAsync between slices; the epochs run equal a fit of that many', async () => {
    const { x, y } = bigData();
    const net = await create({ ...BIG, backend: 'wasm' });
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 0);
    const h = await net.fitAsync(x, y, { epochs: 1000, learningRate: 0.05, shuffle: true, signal: controller.signal });
    clearTimeout(timer);
    expect(h.stopReason).toBe('aborted');
    expect(h.epochs).toBeGreaterThan(0);
    expect(h.epochs).toBeLessThan(1000);
    const twin = await create({ ...BIG, backend: 'wasm' });
    const expected = twin.fit(x, y, { epochs: h.epochs, learningRate: 0.05, shuffle: true });
    // The shuffling stream drew exactly the permutations of the epochs run.
    expect(net.toJSON({ includeOptimizer: true }).training!.random).toStrictEqual(twin.toJSON({ includeOptimizer: true }).training!.random);
    expectSameBits(h.loss, expected.loss, 'loss');
    expectSameParameters(net.toJSON(), twin.toJSON(), 'aborted fitAsync vs fit');
  });
});

/** A net and data for which fitAsync runs many slices (each ~4e6 multiply-adds: a few epochs). */
const BIG: CreateOptions = { layers: [2, 48, 48, 3], activation: ['relu', 'tanh', 'softmax'], loss: 'cross-entropy', init: 'he', seed: 12 };
function bigData(): { x: number[][]; y: number[][] } {
  const x: number[][] = [];
  const y: number[][] = [];
  for (let i = 0; i < 200; i++) {
    const angle = (i * 0.61803) % (2 * Math.PI);
    x.push([Math.cos(angle) * (1 + (i % 5) / 5), Math.sin(angle)]);
    const k = Math.floor((angle / (2 * Math.PI)) * 3) % 3;
    y.push([0, 1, 2].map((j) => (j === k ? 1 : 0)));
  }
  return { x, y };
}

describe('fitAsync', () => {
  for (const backend of BACKENDS) {
    it(`gives the same bits as fit, every option on (${backend})`, async () => {
      const options: FitOptions = {
        epochs: 40, learningRate: 0.02, optimizer: 'adam', batchSize: 4, shuffle: true, validationSplit: 0.2, normalize: 'zscore',
        weightDecay: 1e-4, patience: 50,
      };
      const a = await create({ ...CLASSIFIER, backend });
      const b = await create({ ...CLASSIFIER, backend });
      const sync = a.fit(CLS_X, CLS_Y, options);
      const async_ = await b.fitAsync(CLS_X, CLS_Y, options);
      expectSameHistory(async_, sync, 'fitAsync vs fit');
      expect(b.toJSON({ includeOptimizer: true })).toStrictEqual(a.toJSON({ includeOptimizer: true }));
    });
  }

  it('yields to the event loop on a fit of many slices, and equals fit', async () => {
    const { x, y } = bigData();
    const net = await create({ ...BIG, backend: 'wasm' });
    let done = false;
    let timerRanDuring = false;
    const timer = setTimeout(() => {
      timerRanDuring = !done;
    }, 0);
    let ticks = 0;
    const tick = () => {
      if (done) return;
      ticks++;
      setImmediate(tick);
    };
    setImmediate(tick);
    const h = await net.fitAsync(x, y, { epochs: 60, learningRate: 0.05 });
    done = true;
    clearTimeout(timer);
    expect(timerRanDuring).toBe(true);
    expect(ticks).toBeGreaterThanOrEqual(5);
    const twin = await create({ ...BIG, backend: 'wasm' });
    expectSameHistory(h, twin.fit(x, y, { epochs: 60, learningRate: 0.05 }), 'fitAsync vs fit');
    expectSameParameters(net.toJSON(), twin.toJSON(), 'fitAsync vs fit');
  });

  it("every other method called while it runs throws MLPError 'BUSY', and the fit is undisturbed", async () => {
    const { x, y } = bigData();
    const net = await create({ ...BIG, backend: 'wasm', classes: ['a', 'b', 'c'] });
    const dir = tempDir();
    const uses: [string, () => unknown][] = [
      ['fit', () => net.fit(x, y)],
      ['predict', () => net.predict(x)],
      ['predictClass', () => net.predictClass(x)],
      ['evaluate', () => net.evaluate(x, y)],
      ['toJSON', () => net.toJSON()],
      ['save', () => net.save(join(dir, 'busy.json'))],
    ];
    const errors: unknown[] = [];
    let checkedDuring = false;
    const running = net.fitAsync(x, y, { epochs: 40, learningRate: 0.05 });
    await new Promise<void>((resolve) => {
      setTimeout(async () => {
        for (const [, use] of uses) errors.push(await caught(use));
        checkedDuring = true;
        resolve();
      }, 0);
    });
    const h = await running;
    expect(checkedDuring).toBe(true);
    // The net's fixed facts stay readable while it trains.
    expect([net.layers, net.classes, net.backend]).toEqual([BIG.layers, ['a', 'b', 'c'], 'wasm']);
    uses.forEach(([method], i) => {
      const e = errors[i] as MLPError;
      expect(e, method).toBeInstanceOf(MLPError);
      expect(e.code, `${method}: ${e.message}`).toBe('BUSY');
      expect(e.message).toContain(`net.${method}`);
      expect(e.message).toContain('fitAsync');
    });
    expect(existsSync(join(dir, 'busy.json'))).toBe(false);
    // Usable again once it resolved, and it trained exactly as fit does.
    const twin = await create({ ...BIG, backend: 'wasm', classes: ['a', 'b', 'c'] });
    expectSameHistory(h, twin.fit(x, y, { epochs: 40, learningRate: 0.05 }), 'busy fitAsync vs fit');
    expectSameParameters(net.toJSON(), twin.toJSON(), 'busy fitAsync vs fit');
    expectSameRows(net.predict(x.slice(0, 5)), twin.predict(x.slice(0, 5)), 'predictions after');
  });

  it("a second fitAsync while one runs rejects with 'BUSY' and leaves the first undisturbed", async () => {
    const { x, y } = bigData();
    const net = await create({ ...BIG, backend: 'wasm' });
    const first = net.fitAsync(x, y, { epochs: 40, learningRate: 0.05 });
    const second = net.fitAsync(x.slice(0, 10), y.slice(0, 10), { epochs: 3, learningRate: 0.5 }).then(
      (h) => `resolved after ${h.epochs} epochs`,
      (error: unknown) => error,
    );
    const h = await first;
    const outcome = await second;
    const twin = await create({ ...BIG, backend: 'wasm' });
    const expected = twin.fit(x, y, { epochs: 40, learningRate: 0.05 });
    expect.soft(outcome instanceof MLPError ? outcome.code : outcome, 'the second fitAsync').toBe('BUSY');
    expectSameHistory(h, expected, 'first fitAsync vs fit');
    expectSameParameters(net.toJSON(), twin.toJSON(), 'first fitAsync vs fit');
  });

  for (const backend of BACKENDS) {
    it(`dispose during fitAsync makes it reject with 'DISPOSED' (${backend})`, async () => {
      const { x, y } = bigData();
      const net = await MLP.create({ ...BIG, backend });
      const running = net.fitAsync(x, y, { epochs: 1000, learningRate: 0.05 });
      setTimeout(() => net.dispose(), 0);
      const error = await caught(() => running);
      expect(error).toBeInstanceOf(MLPError);
      expect((error as MLPError).code).toBe('DISPOSED');
      expect((error as MLPError).message).toContain('net.fit');
      await expectError(() => net.predict(x), 'DISPOSED', ['net.predict']);
    });
  }
});

describe('errorThreshold', () => {
  /** An epoch k (1-based, >= 3) whose loss is below every earlier one, and a threshold only it and later ones can be below. */
  function thresholdFor(loss: number[]): { k: number; threshold: number } {
    for (let k = 3; k <= loss.length; k++) {
      const before = Math.min(...loss.slice(0, k - 1));
      if (loss[k - 1] < before && k >= loss.length / 3) return { k, threshold: (loss[k - 1] + before) / 2 };
    }
    return expect.fail(`no usable epoch in ${loss}`);
  }

  for (const backend of BACKENDS) {
    for (const variant of [
      { name: 'in row order', options: {} },
      { name: 'shuffled', options: { shuffle: true, batchSize: 3 } },
      { name: 'with patience set too', options: { shuffle: true, validationSplit: 0.25, patience: 100, restoreBestWeights: true } },
    ] as { name: string; options: FitOptions }[]) {
      it(`stops after the first epoch below it, ${variant.name} (${backend})`, async () => {
        const options: FitOptions = { ...variant.options, learningRate: 0.05, optimizer: 'momentum' };
        const reference = await create({ ...REGRESSOR, backend });
        const all = reference.fit(REG_X, REG_Y, { ...options, epochs: 40 });
        const { k, threshold } = thresholdFor(all.loss);
        const net = await create({ ...REGRESSOR, backend });
        const h = net.fit(REG_X, REG_Y, { ...options, epochs: 40, errorThreshold: threshold });
        expect(h.stopReason).toBe('errorThreshold');
        expect(h.epochs).toBe(k);
        expect(h.loss[k - 1]).toBeLessThan(threshold);
        for (const l of h.loss.slice(0, -1)) expect(l).toBeGreaterThanOrEqual(threshold);
        expectSameBits(h.loss, all.loss.slice(0, k), 'loss');
        expectSameBits(h.valLoss, all.valLoss.slice(0, k), 'valLoss');
        const twin = await create({ ...REGRESSOR, backend });
        twin.fit(REG_X, REG_Y, { ...options, epochs: k });
        expectSameParameters(net.toJSON(), twin.toJSON(), `stopped at ${k} vs ${k} epochs`);
        // Crossed at the last epoch asked for: still 'errorThreshold'.
        const last = await create({ ...REGRESSOR, backend });
        const hl = last.fit(REG_X, REG_Y, { ...options, epochs: k, errorThreshold: threshold });
        expect([hl.epochs, hl.stopReason]).toEqual([k, 'errorThreshold']);
        // Above the first epoch's loss: stops after one epoch.
        const one = await create({ ...REGRESSOR, backend });
        const h1 = one.fit(REG_X, REG_Y, { ...options, epochs: 40, errorThreshold: all.loss[0] * 2 });
        expect([h1.epochs, h1.stopReason]).toEqual([1, 'errorThreshold']);
      });
    }
  }
});

describe('early stopping', () => {
  const options: FitOptions = { learningRate: 0.01, optimizer: 'adam', validationSplit: 0.2, batchSize: 4, shuffle: true };
  for (const backend of BACKENDS) {
    for (const restoreBestWeights of [false, true]) {
      it(`patience stops with 'earlyStopping'${restoreBestWeights ? ' and restoreBestWeights restores the best epoch exactly' : ''} (${backend})`, async () => {
        const patience = 5;
        const reference = await create({ ...CLASSIFIER, seed: 3, layers: [2, 8, 3], backend });
        const all = reference.fit(CLS_X, CLS_Y, { ...options, epochs: 60 });
        // The rule by hand: stop when the validation loss has not been strictly below the best for `patience` epochs.
        let best = Infinity;
        let bestEpoch = 0;
        let stop = 0;
        for (let e = 0; e < all.valLoss.length && stop === 0; e++) {
          if (all.valLoss[e] < best) {
            best = all.valLoss[e];
            bestEpoch = e + 1;
          } else if (e + 1 - bestEpoch >= patience) stop = e + 1;
        }
        expect(stop, 'the reference run must overfit within 60 epochs').toBeGreaterThan(0);
        expect(bestEpoch).toBeGreaterThan(1);
        expect(stop).toBe(bestEpoch + patience);

        const net = await create({ ...CLASSIFIER, seed: 3, layers: [2, 8, 3], backend });
        const h = net.fit(CLS_X, CLS_Y, { ...options, epochs: 60, patience, restoreBestWeights });
        expect(h.stopReason).toBe('earlyStopping');
        expect(h.epochs).toBe(stop);
        expectSameBits(h.valLoss, all.valLoss.slice(0, stop), 'valLoss');
        expectSameBits(h.loss, all.loss.slice(0, stop), 'loss');
        const twin = await create({ ...CLASSIFIER, seed: 3, layers: [2, 8, 3], backend });
        twin.fit(CLS_X, CLS_Y, { ...options, epochs: restoreBestWeights ? bestEpoch : stop });
        expectSameParameters(net.toJSON(), twin.toJSON(), restoreBestWeights ? `restored vs ${bestEpoch} epochs` : `stopped vs ${stop} epochs`);
        if (restoreBestWeights) {
          // The restored net's validation loss is the best one.
          const val = net.evaluate(CLS_X.slice(24), CLS_Y.slice(24));
          expect(val.loss).toBe(best);
        }
      });
    }
  }
});

describe('divergence', () => {
  const relu: CreateOptions = { layers: [3, 6, 1], activation: ['relu', 'linear'], seed: 4 };
  const y = REG_Y.map(([v]) => [v * 5]);

  for (const backend of BACKENDS) {
    for (const variant of [
      { name: 'per-sample momentum: the first epoch', options: { optimizer: 'momentum', batchSize: 1 } },
      { name: 'one full batch an epoch: a later epoch', options: { optimizer: 'sgd', batchSize: 24 } },
    ] as { name: string; options: FitOptions }[]) {
      it(`learningRate 1e6 throws TRAINING_DIVERGED naming the epoch (${variant.name}); the net is as before (${backend})`, async () => {
        const options: FitOptions = { ...variant.options, epochs: 50, learningRate: 1e6 };
        const net = await create({ ...relu, backend });
        net.fit(REG_X, y, { ...options, epochs: 3, learningRate: 0.001 });
        const before = net.toJSON({ includeOptimizer: true });
        const predicted = net.predict(REG_X);
        const error = await expectError(() => net.fit(REG_X, y, options), 'TRAINING_DIVERGED', [
          /^training diverged: the loss of epoch \d+ is (Infinity|NaN); try a smaller learningRate than 1000000 \(the net is left as it was before fit\)$/,
        ]);
        const epoch = Number(/epoch (\d+)/.exec(error.message)![1]);
        if (variant.options.batchSize === 1) expect(epoch).toBe(1);
        else expect(epoch).toBeGreaterThan(1);
        expectSameParameters(net.toJSON(), before, 'after the failed fit');
        expect(net.toJSON({ includeOptimizer: true })).toStrictEqual(before);
        expectSameRows(net.predict(REG_X), predicted, 'predictions after the failed fit');
        // The named epoch is the one: a twin runs one epoch fewer without error, and diverges at it.
        if (epoch > 1) {
          const twin = await fromJSON(before, { backend });
          const h = twin.fit(REG_X, y, { ...options, epochs: epoch - 1 });
          expect(h.epochs).toBe(epoch - 1);
          expect(h.loss.every(Number.isFinite)).toBe(true);
          const again = await fromJSON(before, { backend });
          await expectError(() => again.fit(REG_X, y, { ...options, epochs: epoch }), 'TRAINING_DIVERGED', [`epoch ${epoch} `]);
        }
        // And the net carries on as if the failed fit had not happened.
        const fresh = await fromJSON(before, { backend });
        const h1 = net.fit(REG_X, y, { ...options, epochs: 5, learningRate: 0.001 });
        const h2 = fresh.fit(REG_X, y, { ...options, epochs: 5, learningRate: 0.001 });
        expectSameHistory(h1, h2, 'after the failed fit');
        expectSameParameters(net.toJSON(), fresh.toJSON(), 'after the failed fit');
      });
    }

    it(`a diverged fit leaves the normalisation as it was (${backend})`, async () => {
      const net = await create({ ...relu, backend });
      net.fit(REG_X, y, { epochs: 2, learningRate: 0.001, normalize: 'minmax' });
      const before = net.toJSON();
      await expectError(() => net.fit(REG_X.map((r) => r.map((v) => v * 3)), y, { epochs: 20, learningRate: 1e6, normalize: 'zscore' }), 'TRAINING_DIVERGED', []);
      expect(net.toJSON().normalization).toStrictEqual(before.normalization);
      expectSameRows(net.predict(REG_X), (await fromJSON(before, { backend })).predict(REG_X), 'predictions');
    });

    it(`a diverged fit with another optimizer leaves the optimizer state usable: adam resumes as if it had not happened (${backend})`, async () => {
      const net = await create({ ...relu, backend });
      const twin = await create({ ...relu, backend });
      for (const n of [net, twin]) n.fit(REG_X, y, { epochs: 3, learningRate: 0.01, optimizer: 'adam' });
      const before = net.toJSON({ includeOptimizer: true });
      await expectError(() => net.fit(REG_X, y, { epochs: 20, learningRate: 1e6, optimizer: 'sgd' }), 'TRAINING_DIVERGED', []);
      const after = net.toJSON({ includeOptimizer: true }).training!;
      expect.soft(after.optimizer, 'training.optimizer').toBe('adam');
      expect.soft([after.step, after.beta1Power, after.beta2Power], 'training step, beta1Power, beta2Power').toEqual([
        before.training!.step, before.training!.beta1Power, before.training!.beta2Power,
      ]);
      expectSameBits(after.state1, before.training!.state1, "adam's m after the failed sgd fit");
      expectSameBits(after.state2, before.training!.state2, "adam's v after the failed sgd fit");
      const h1 = net.fit(REG_X, y, { epochs: 4, learningRate: 0.01, optimizer: 'adam' });
      const h2 = twin.fit(REG_X, y, { epochs: 4, learningRate: 0.01, optimizer: 'adam' });
      expectSameHistory(h1, h2, 'adam after a diverged sgd fit');
      expectSameParameters(net.toJSON(), twin.toJSON(), 'adam after a diverged sgd fit');
    });

    it(`a diverged shuffled fit leaves the shuffling stream as it was (${backend})`, async () => {
      const net = await create({ ...relu, backend });
      const twin = await create({ ...relu, backend });
      const before = net.toJSON({ includeOptimizer: true });
      await expectError(() => net.fit(REG_X, y, { epochs: 20, learningRate: 1e6, shuffle: true }), 'TRAINING_DIVERGED', []);
      const random = net.toJSON({ includeOptimizer: true }).training!.random;
      expect.soft(random.position, 'random.position').toBe(before.training!.random.position);
      expectSameBits(random.key, before.training!.random.key, 'random.key after the failed fit');
      const h1 = net.fit(REG_X, y, { epochs: 4, learningRate: 0.001, shuffle: true });
      const h2 = twin.fit(REG_X, y, { epochs: 4, learningRate: 0.001, shuffle: true });
      expectSameHistory(h1, h2, 'shuffled fit after a diverged one');
    });
  }
});

describe('evaluate and predictClass', () => {
  // A linear net whose outputs are exact: a = (x0, x1, x0 + x1 - 1).
  const linear: ModelJSON = {
    format: 'wasm-mlp', version: 2, layers: [2, 3], activations: ['linear'], alpha: 0.01, loss: 'mse',
    normalization: null, classes: null, features: null, target: null,
    weights: [[1, 0, 0, 1, 1, 1]], biases: [[0, 0, -1]],
  };
  const x = [[1, 0], [0, 2], [0.5, 0.5], [2, 3], [0, 0], [1.5, 1.5]];
  const y = [[1, 0, 0], [0, 0, 1], [0, 1, 0], [0, 0, 1], [1, 0, 0], [0, 1, 0]];

  for (const backend of BACKENDS) {
    it(`loss, accuracy and confusion (rows = true class, ties to the first maximum) on a hand-checked net (${backend})`, async () => {
      const net = await fromJSON(linear, { backend });
      const a = net.predict(x);
      expect(a).toEqual([[1, 0, 0], [0, 2, 1], [0.5, 0.5, 0], [2, 3, 4], [0, 0, -1], [1.5, 1.5, 2]]);
      // Predicted 0, 1, 0 (tie), 2, 0 (tie), 2; true 0, 2, 1, 2, 0, 1.
      expect(net.predictClass(x)).toEqual([0, 1, 0, 2, 0, 2]);
      const e = net.evaluate(x, y);
      expect(e.confusion).toEqual([[2, 0, 0], [1, 0, 1], [0, 1, 1]]);
      expect(e.accuracy).toBe(0.5);
      // The mse of docs/training.md from predict's outputs: per row (sum of squares in order) / 3, mean in order.
      let sum = 0;
      a.forEach((row, r) => {
        let squares = 0;
        row.forEach((v, k) => {
          const d = y[r][k] - v;
          squares = k === 0 ? d * d : squares + d * d;
        });
        sum = r === 0 ? squares / 3 : sum + squares / 3;
      });
      expect(e.loss).toBe(sum / 6);
      // By hand: squares 0, 4, 0.5, 22, 2, 6.5.
      expect(e.loss).toBeCloseTo(35 / 18, 14);
      // A dataset works the same way.
      expect(net.evaluate({ inputs: x, targets: y })).toEqual(e);
    });

    it(`one output: class 1 when the output (or target) is >= 0.5 (sigmoid(0) is exactly 0.5) (${backend})`, async () => {
      const unlabelled = await fromJSON({ ...linear, layers: [1, 1], activations: ['sigmoid'], weights: [[1]], biases: [[0]] }, { backend });
      // Labels make it a classifier even with targets that are not all 0 or 1.
      const net = await fromJSON({ ...unlabelled.toJSON(), classes: ['no', 'yes'] }, { backend });
      const xs = [[0], [-1], [3], [-0.1], [5]];
      const ys = [[0.5], [0], [0], [0.7], [1]];
      const a = net.predict(xs).map(([v]) => v);
      expect(a[0]).toBe(0.5);
      expect(unlabelled.predictClass(xs)).toEqual([1, 0, 1, 0, 1]);
      expect(net.predictClass(xs)).toEqual(['yes', 'no', 'yes', 'no', 'yes']);
      const e = net.evaluate(xs, ys);
      // True 1, 0, 0, 1, 1; predicted 1, 0, 1, 0, 1.
      expect(e.confusion).toEqual([[1, 1], [1, 2]]);
      expect(e.accuracy).toBe(3 / 5);
      let sum = 0;
      a.forEach((v, r) => {
        const d = ys[r][0] - v;
        sum = r === 0 ? d * d : sum + d * d;
      });
      expect(e.loss).toBe(sum / 5);
      // Without labels and with 0/1 targets it classifies too; with other targets it is a regression.
      expect(unlabelled.evaluate(xs, [[1], [0], [0], [1], [1]]).confusion).toEqual([[1, 1], [1, 2]]);
      expect(unlabelled.evaluate(xs, ys)).toEqual({ loss: e.loss, accuracy: null, confusion: null });
    });
  }

  it('predictClass gives labels with classes (create option or a CSV dataset), indices without', async () => {
    const withLabels = await create({ layers: [2, 3], activation: 'softmax', seed: 2, classes: ['red', 'green', 'blue'] });
    const indices = await create({ layers: [2, 3], activation: 'softmax', seed: 2 });
    const p = indices.predict(x);
    const argmax = p.map((row) => row.indexOf(Math.max(...row)));
    expect(indices.predictClass(x)).toEqual(argmax);
    expect(withLabels.predictClass(x)).toEqual(argmax.map((k) => ['red', 'green', 'blue'][k]));
    expect(withLabels.classes).toEqual(['red', 'green', 'blue']);
    expect(indices.classes).toBeNull();

    const data = parseCSV('a,b,colour\n0,1,red\n1,0,blue\n2,2,green\n-1,0.5,red\n');
    expect(data.classes).toEqual(['blue', 'green', 'red']);
    const fromCsv = await create({ layers: [2, 3], activation: 'softmax', loss: 'cross-entropy', seed: 2 });
    expect(fromCsv.classes).toBeNull();
    fromCsv.fit(data, { epochs: 3 });
    expect(fromCsv.classes).toEqual(['blue', 'green', 'red']);
    const q = fromCsv.predict(data.inputs).map((row) => row.indexOf(Math.max(...row)));
    expect(fromCsv.predictClass(data.inputs)).toEqual(q.map((k) => data.classes![k]));
    // The labels given at create win over the dataset's.
    withLabels.fit(data, { epochs: 1 });
    expect(withLabels.classes).toEqual(['red', 'green', 'blue']);
  });
});

describe('loadCSV and parseCSV', () => {
  const IRIS = [
    'sepal length,sepal width,petal length,species',
    '5.1,3.5,1.4,setosa',
    '7,3.2,4.7,versicolor',
    '6.3,3.3,6,virginica',
    '4.9,3,1.4,setosa',
    '',
    '6.4,3.2,4.5,versicolor',
  ].join('\n');

  it('reads a header, numeric features and a categorical target as one-hot with sorted classes', () => {
    const d = parseCSV(IRIS);
    expect(d.features).toEqual(['sepal length', 'sepal width', 'petal length']);
    expect(d.target).toBe('species');
    expect(d.classes).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(d.inputs).toEqual([[5.1, 3.5, 1.4], [7, 3.2, 4.7], [6.3, 3.3, 6], [4.9, 3, 1.4], [6.4, 3.2, 4.5]]);
    expect(d.targets).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0], [0, 1, 0]]);
    // No normalisation asked for: none travels with the dataset, so fit keeps a model's own.
    expect('normalize' in d).toBe(false);
    // Classes sort as strings, not in order of appearance.
    expect(parseCSV('x,y\n1,b\n2,a\n3,C\n').classes).toEqual(['C', 'a', 'b']);
  });

  it('loadCSV reads a file like parseCSV reads its text', () => {
    const path = join(tempDir(), 'iris.csv');
    writeFileSync(path, IRIS);
    expect(loadCSV(path)).toStrictEqual(parseCSV(IRIS));
    // Text with a line break is CSV, not a path.
    expect(loadCSV(IRIS)).toStrictEqual(parseCSV(IRIS));
  });

  it('a numeric target stays numeric; targetType categorical sorts numerically; binary gives one 0/1 column', () => {
    const text = 'a,b,y\n1,2,10\n3,4,2\n5,6,1\n7,8,2\n';
    const numeric = parseCSV(text);
    expect(numeric.classes).toBeNull();
    expect(numeric.targets).toEqual([[10], [2], [1], [2]]);
    const categorical = parseCSV(text, { targetType: 'categorical' });
    expect(categorical.classes).toEqual(['1', '2', '10']);
    expect(categorical.targets).toEqual([[0, 0, 1], [0, 1, 0], [1, 0, 0], [0, 1, 0]]);
    const binary = parseCSV('a,label\n1,yes\n2,no\n3,yes\n', { binary: true });
    expect(binary.classes).toEqual(['no', 'yes']);
    expect(binary.targets).toEqual([[1], [0], [1]]);
  });

  it('features selects and orders columns; target picks the column; target null reads inputs only', () => {
    const d = parseCSV(IRIS, { features: ['petal length', 'sepal length'], target: 'sepal width' });
    expect(d.features).toEqual(['petal length', 'sepal length']);
    expect(d.target).toBe('sepal width');
    expect(d.inputs[0]).toEqual([1.4, 5.1]);
    expect(d.targets[0]).toEqual([3.5]);
    expect(d.classes).toBeNull();
    const inputsOnly = parseCSV('a,b\n1,2\n3,4\n', { target: null });
    expect(inputsOnly.inputs).toEqual([[1, 2], [3, 4]]);
    expect(inputsOnly.targets).toEqual([]);
    expect(inputsOnly.features).toEqual(['a', 'b']);
  });

  it('errors name the line, the column and the value', async () => {
    await expectError(() => parseCSV('a,b,y\n1,2,p\n3,x4,q\n'), 'INVALID_ARGUMENT', ['CSV line 3', "column 'b'", '"x4" is not a number']);
    await expectError(() => parseCSV('a,b,y\n1,2,p\n3,,q\n', { source: 'data.csv' }), 'INVALID_ARGUMENT', ['data.csv line 3', "column 'b'", 'empty']);
    await expectError(() => parseCSV('a,y\n1,p\n2,q\n3,r\n', { classes: ['p', 'q'] }), 'INVALID_ARGUMENT', ['line 4', "column 'y'", '"r" is not one of the classes p, q']);
    await expectError(() => parseCSV('a,y\n1,p\n', { target: 'label' }), 'INVALID_ARGUMENT', ["target 'label' is not a column", 'a, y']);
    await expectError(() => parseCSV('a,y\n1,p\n', { features: ['a', 'zz'] }), 'INVALID_ARGUMENT', ["'zz' is not a column"]);
    await expectError(() => parseCSV('a,a,y\n1,2,p\n'), 'INVALID_ARGUMENT', ["two columns named 'a'"]);
    await expectError(() => parseCSV('a,b,y\n1,2,p\n3,4\n'), 'INVALID_ARGUMENT', ['CSV line 3', '2 cells', '3 columns']);
    await expectError(() => parseCSV('a,y\n1,x\n2,3\n', { targetType: 'numeric' }), 'INVALID_ARGUMENT', ['line 2', "column 'y'", '"x" is not a number']);
    await expectError(() => parseCSV('a,y\n1,p\n2,q\n3,r\n', { binary: true }), 'INVALID_ARGUMENT', ['2 classes', 'has 3']);
    const missing = join(tempDir(), 'nope.csv');
    await expectError(() => loadCSV(missing), 'IO', [`cannot read ${missing}`, 'no such file']);
    // A file's errors name the file.
    const path = join(tempDir(), 'bad.csv');
    writeFileSync(path, 'a,y\n1,p\nNaN,q\n');
    await expectError(() => loadCSV(path), 'INVALID_ARGUMENT', [`${path} line 3`, "column 'a'", '"NaN" is not a number']);
  });

  for (const backend of BACKENDS) {
    it(`fit(dataset, { normalize, validationSplit }) fits the normalisation on the training rows only; predict applies it (${backend})`, async () => {
      const d = parseCSV(IRIS);
      for (const normalize of ['zscore', 'minmax'] as const) {
        const net = await create({ layers: [3, 4, 3], activation: ['sigmoid', 'softmax'], loss: 'cross-entropy', seed: 9, backend });
        // 5 rows, split 0.4: floor(5 * 0.6) = 3 train, 2 validate.
        const h = net.fit(d, { epochs: 6, normalize, validationSplit: 0.4, learningRate: 0.3 });
        expect(h.valLoss).toHaveLength(6);
        const train = d.inputs.slice(0, 3);
        const offset: number[] = [];
        const scale: number[] = [];
        for (let c = 0; c < 3; c++) {
          const col = train.map((r) => r[c]);
          if (normalize === 'zscore') {
            const mean = col.reduce((s, v) => s + v) / col.length;
            const squares = col.map((v) => (v - mean) * (v - mean)).reduce((s, v) => s + v);
            offset.push(mean);
            scale.push(Math.sqrt(squares / col.length));
          } else {
            offset.push(Math.min(...col));
            scale.push(Math.max(...col) - Math.min(...col));
          }
        }
        const stored = net.toJSON().normalization!;
        expect(stored.kind).toBe(normalize);
        expectSameBits(stored.offset, offset, `${normalize} offset`);
        expectSameBits(stored.scale, scale, `${normalize} scale`);
        // Fitted on all 5 rows it would differ: the held-out rows hold the smallest sepal length.
        if (normalize === 'minmax') expect(stored.offset).toEqual([5.1, 3.2, 1.4]);
        else expect(stored.offset[2]).toBeCloseTo((1.4 + 4.7 + 6) / 3, 14);
        // predict takes raw inputs: the same net without normalisation, fed normalised rows, agrees bit for bit.
        const bare = await fromJSON({ ...net.toJSON(), normalization: null }, { backend });
        const normalised = d.inputs.map((r) => r.map((v, c) => (v - offset[c]) / scale[c]));
        expectSameRows(net.predict(d.inputs), bare.predict(normalised), 'predict(raw) vs predict(normalised) without normalisation');
        expect(net.evaluate(d)).toEqual(bare.evaluate(normalised, d.targets));
      }
      // A dataset's own normalize (from loadCSV) is used when fit does not say.
      const own = await create({ layers: [3, 4, 3], activation: ['sigmoid', 'softmax'], loss: 'cross-entropy', seed: 9, backend });
      own.fit(parseCSV(IRIS, { normalize: 'minmax' }), { epochs: 1 });
      expect(own.toJSON().normalization!.offset).toEqual([4.9, 3, 1.4]);
      expect(own.toJSON().features).toEqual(['sepal length', 'sepal width', 'petal length']);
      expect(own.toJSON().target).toBe('species');
    });
  }
});

describe('option validation', () => {
  const createCases: [string, CreateOptions, (string | RegExp)[]][] = [
    ['softmax on a hidden layer', { layers: [2, 3, 2], activation: ['softmax', 'softmax'] }, ['activation', '"softmax","softmax"', 'hidden layer 1', 'output layer only']],
    ['softmax on one output', { layers: [2, 3, 1], activation: ['tanh', 'softmax'] }, ['softmax output needs at least 2 outputs', '[2,3,1]', 'has 1']],
    ['cross-entropy without softmax', { layers: [2, 2], loss: 'cross-entropy' }, ["loss 'cross-entropy'", 'softmax output', "'sigmoid'"]],
    ['binary-cross-entropy without sigmoid', { layers: [2, 2], activation: 'tanh', loss: 'binary-cross-entropy' }, ["loss 'binary-cross-entropy'", 'sigmoid output', "'tanh'"]],
    ['unknown activation', { layers: [2, 2], activation: 'gelu' as never }, ['activation must be one of', "'leaky-relu'", 'got "gelu"']],
    ['unknown activation in a list', { layers: [2, 3, 2], activation: ['relu', 'swish'] as never }, ['activation[1] must be one of', 'got "swish"']],
    ['activation list of the wrong length', { layers: [2, 3, 2], activation: ['relu'] }, ['activation must be one activation per weight layer (2)', 'got ["relu"]']],
    ['unknown init', { layers: [2, 2], init: 'lecun' as never }, ['init must be one of', "'xavier'", 'got "lecun"']],
    ['unknown loss', { layers: [2, 2], loss: 'hinge' as never }, ['loss must be one of', "'binary-cross-entropy'", 'got "hinge"']],
    ['alpha -1', { layers: [2, 2], activation: 'leaky-relu', alpha: -1 }, ['alpha must be a finite number >= 0', 'got -1']],
    ['alpha NaN', { layers: [2, 2], alpha: NaN }, ['alpha must be', 'got NaN']],
    ['classes of the wrong length', { layers: [2, 3], classes: ['a', 'b'] }, ['classes must be an array of 3 distinct strings', 'got ["a","b"]']],
    ['classes for one output not two', { layers: [2, 1], classes: ['yes'] }, ['classes must be an array of 2 distinct strings', 'negative and positive', 'got ["yes"]']],
    ['repeated classes', { layers: [2, 2], classes: ['a', 'a'] }, ['distinct', 'got ["a","a"]']],
  ];
  for (const [name, options, parts] of createCases) {
    it(`MLP.create: ${name}`, async () => {
      for (const backend of BACKENDS) await expectError(() => MLP.create({ ...options, backend }), 'INVALID_ARGUMENT', parts);
    });
  }

  const fitCases: [string, FitOptions, (string | RegExp)[]][] = [
    ['beta1 1', { optimizer: 'adam', beta1: 1 }, ['beta1 must be a number from 0 up to (not including) 1', 'got 1']],
    ['beta2 -0.1', { optimizer: 'adam', beta2: -0.1 }, ['beta2 must be', 'got -0.1']],
    ['epsilon 0', { optimizer: 'adam', epsilon: 0 }, ['epsilon must be a finite number > 0', 'got 0']],
    ['momentum -1', { optimizer: 'momentum', momentum: -1 }, ['momentum must be a finite number >= 0', 'got -1']],
    ['weightDecay Infinity', { weightDecay: Infinity }, ['weightDecay must be a finite number >= 0', 'got Infinity']],
    ['batchSize 0', { batchSize: 0 }, ['batchSize must be an integer from 1', 'got 0']],
    ['batchSize 2.5', { batchSize: 2.5 }, ['batchSize must be an integer', 'got 2.5']],
    ['validationSplit 1', { validationSplit: 1 }, ['validationSplit must be a fraction from 0 up to (not including) 1', 'got 1']],
    ['validationSplit leaving no training row', { validationSplit: 0.9 }, ['validationSplit 0.9 of 4 rows leaves 0 to train and 4 to validate']],
    ['validationSplit and validationData', { validationSplit: 0.5, validationData: { inputs: [[0, 0]], targets: [[0]] } }, ['validationSplit and validationData were both given']],
    ['validationData without targets', { validationData: { inputs: [[0, 0]] } as never }, ['validationData must be an object { inputs, targets }']],
    ['validationData of the wrong width', { validationData: { inputs: [[0, 0, 0]], targets: [[0]] } }, ['validationData.inputs[0] must be a row of 2 numbers']],
    ['patience without validation', { patience: 3 }, ['patience 3 needs validation data', 'validationSplit or validationData']],
    ['patience 0', { patience: 0, validationSplit: 0.5 }, ['patience must be an integer from 1', 'got 0']],
    ['restoreBestWeights without patience', { restoreBestWeights: true, validationSplit: 0.5 }, ['restoreBestWeights needs patience']],
    ['unknown optimizer', { optimizer: 'rmsprop' as never }, ['optimizer must be one of', "'adam'", 'got "rmsprop"']],
    ['unknown normalize', { normalize: 'l2' as never }, ['normalize must be one of', "'zscore'", 'got "l2"']],
    ['errorThreshold NaN', { errorThreshold: NaN }, ['errorThreshold must be a number', 'got NaN']],
    ['shuffle "yes"', { shuffle: 'yes' as never }, ['shuffle must be true or false', 'got "yes"']],
    ['onEpochEnd not a function', { onEpochEnd: 3 as never }, ['onEpochEnd must be a function', 'got 3']],
    ['callbackEvery 0', { callbackEvery: 0 }, ['callbackEvery must be an integer from 1', 'got 0']],
    ['signal not a signal', { signal: {} as never }, ['signal must be an AbortSignal', 'got {}']],
  ];
  for (const [name, options, parts] of fitCases) {
    it(`fit: ${name}, and the net is left as it was`, async () => {
      for (const backend of BACKENDS) {
        const net = await create({ layers: [2, 3, 1], seed: 6, backend });
        net.fit([[0, 0], [0, 1], [1, 0], [1, 1]], [[0], [1], [1], [0]], { epochs: 2, optimizer: 'adam', shuffle: true });
        const before = net.toJSON({ includeOptimizer: true });
        await expectError(() => net.fit([[0, 0], [0, 1], [1, 0], [1, 1]], [[0], [1], [1], [0]], { epochs: 3, normalize: 'zscore', ...options }), 'INVALID_ARGUMENT', parts);
        await expectError(() => net.fitAsync([[0, 0], [0, 1], [1, 0], [1, 1]], [[0], [1], [1], [0]], { epochs: 3, ...options }), 'INVALID_ARGUMENT', parts);
        expect(net.toJSON({ includeOptimizer: true })).toStrictEqual(before);
      }
    });
  }

  it('toJSON: includeOptimizer must be a boolean; fromJSON and load options are checked', async () => {
    const net = await create({ layers: [2, 1], seed: 1 });
    await expectError(() => net.toJSON({ includeOptimizer: 'yes' as never }), 'INVALID_ARGUMENT', ['includeOptimizer must be true or false', 'got "yes"']);
    await expectError(() => MLP.fromJSON(net.toJSON(), { seed: -1 }), 'INVALID_ARGUMENT', ['seed must be an integer from 0 to 4294967295', 'got -1']);
    await expectError(() => MLP.fromJSON(net.toJSON(), { shuffle: true } as never), 'INVALID_ARGUMENT', ["unknown option 'shuffle'"]);
  });
});
