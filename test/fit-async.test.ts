// fitAsync against fit. fitAsync slices epochs (it yields inside an epoch) and gives fit's
// bits on every kernel (SIMD, scalar, 2 threads, js), optimizer and batch size, with shuffling,
// validation and early stopping. An onEpochEnd that returns a promise: fitAsync awaits it
// (resolving false stops, rejecting rolls the fit back and rethrows), the net answers reads
// with that epoch's parameters while it waits, other fits are BUSY, dispose ends the wait;
// plain fit refuses a promise.
import { afterAll, describe, expect, it } from 'vitest';
import { MLP, MLPError, type BackendName, type CreateOptions, type EpochStats, type FitOptions, type History, type MLPErrorCode, type Optimizer } from '../src/index.ts';
import { ANGLE_X, ANGLE_Y } from './helpers/angle-classes.ts';

const BACKENDS: BackendName[] = ['wasm', 'js'];

/** A number with its IEEE-754 bits, for failure messages. */
function show(value: number | undefined): string {
  if (value === undefined) return 'undefined';
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  return `${String(value)} (0x${view.getBigUint64(0).toString(16).padStart(16, '0')})`;
}

function expectSameBits(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) expect.fail(`${what}[${i}]: got ${show(actual[i])}, expected ${show(expected[i])}`);
  }
}

function expectSameHistory(actual: History, expected: History, what: string): void {
  expect(actual.epochs, `${what}: epochs`).toBe(expected.epochs);
  expect(actual.stopReason, `${what}: stopReason`).toBe(expected.stopReason);
  for (const key of ['loss', 'valLoss', 'accuracy', 'valAccuracy'] as const) expectSameBits(actual[key], expected[key], `${what}: ${key}`);
}

/** The full state as text: equal text is equal bits (the model JSON round-trips doubles exactly). */
function stateText(net: MLP): string {
  return JSON.stringify(net.toJSON({ includeOptimizer: true }));
}

const nets: MLP[] = [];
async function create(options: CreateOptions): Promise<MLP> {
  const net = await MLP.create(options);
  nets.push(net);
  return net;
}
afterAll(() => {
  for (const net of nets) net.dispose();
});

async function caught(call: () => unknown): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  return expect.fail('expected the call to throw');
}

async function expectError(call: () => unknown, code: MLPErrorCode, parts: string[]): Promise<void> {
  const error = await caught(call);
  expect(error, String(error)).toBeInstanceOf(MLPError);
  expect((error as MLPError).code, (error as MLPError).message).toBe(code);
  for (const part of parts) expect((error as MLPError).message).toContain(part);
}

const X = ANGLE_X;
const Y = ANGLE_Y;
const CLASSIFIER: CreateOptions = { layers: [2, 6, 3], activation: ['tanh', 'softmax'], loss: 'cross-entropy', init: 'xavier', seed: 31, classes: ['a', 'b', 'c'] };
const OPTIONS: FitOptions = { epochs: 12, learningRate: 0.05, optimizer: 'adam', batchSize: 4, shuffle: true, validationSplit: 0.2, normalize: 'zscore' };

/** A promise resolved with `value` after a timer, so the fit really waits. */
function later<T>(value: T): Promise<T> {
  return new Promise((resolve) => setTimeout(() => resolve(value), 1));
}

/** What the net answers about itself, from inside a callback. */
function views(net: MLP) {
  return {
    predict: net.predict(X.slice(0, 7)),
    predictInto: [...net.predictInto(X)],
    predictClass: net.predictClass(X),
    evaluate: net.evaluate(X, Y),
    json: stateText(net),
  };
}

describe('fitAsync awaits a promise from onEpochEnd', () => {
  for (const backend of BACKENDS) {
    it(`a promise resolving false stops after that epoch, with the bits of a synchronous false (${backend})`, async () => {
      const sync = await create({ ...CLASSIFIER, backend });
      const expected = sync.fit(X, Y, { ...OPTIONS, onEpochEnd: ({ epoch }) => epoch < 5 });
      expect([expected.epochs, expected.stopReason]).toEqual([5, 'callback']);
      const net = await create({ ...CLASSIFIER, backend });
      const seen: number[] = [];
      const h = await net.fitAsync(X, Y, { ...OPTIONS, onEpochEnd: ({ epoch }) => (seen.push(epoch), later(epoch < 5)) });
      expect(seen).toEqual([1, 2, 3, 4, 5]);
      expectSameHistory(h, expected, 'async false vs sync false');
      expect(stateText(net)).toBe(stateText(sync));
      // Resolving true or undefined goes on: all epochs, as without a callback.
      const plain = await create({ ...CLASSIFIER, backend });
      const all = plain.fit(X, Y, OPTIONS);
      for (const answer of [true, undefined]) {
        const on = await create({ ...CLASSIFIER, backend });
        expectSameHistory(await on.fitAsync(X, Y, { ...OPTIONS, onEpochEnd: () => later(answer) }), all, `resolving ${answer}`);
        expect(stateText(on)).toBe(stateText(plain));
      }
    });

    it(`a rejecting promise rolls the fit back and rethrows the rejection (${backend})`, async () => {
      const net = await create({ ...CLASSIFIER, backend });
      net.fit(X, Y, { ...OPTIONS, epochs: 2 });
      const before = stateText(net);
      const reason = new Error('the page went away');
      const error = await caught(() => net.fitAsync(X, Y, { ...OPTIONS, onEpochEnd: ({ epoch }) => (epoch === 3 ? Promise.reject(reason) : later(true)) }));
      expect(error).toBe(reason);
      expect(stateText(net)).toBe(before);
      // A thenable that is not a Promise, and a rejection that is not an Error, alike.
      const odd = { then: (_: unknown, reject: (why: unknown) => void) => reject('no') } as unknown as PromiseLike<void>;
      expect(await caught(() => net.fitAsync(X, Y, { ...OPTIONS, onEpochEnd: () => odd }))).toBe('no');
      expect(stateText(net)).toBe(before);
      // The net trains on as if the failed fits never happened.
      const twin = await create({ ...CLASSIFIER, backend });
      twin.fit(X, Y, { ...OPTIONS, epochs: 2 });
      expectSameHistory(await net.fitAsync(X, Y, OPTIONS), twin.fit(X, Y, OPTIONS), 'after the rejections');
      expect(stateText(net)).toBe(stateText(twin));
    });

    it(`while the promise is pending the net answers with that epoch's parameters, as in a synchronous callback (${backend})`, async () => {
      const sync = await create({ ...CLASSIFIER, backend });
      const expected: ReturnType<typeof views>[] = [];
      const h0 = sync.fit(X, Y, { ...OPTIONS, callbackEvery: 4, onEpochEnd: () => void expected.push(views(sync)) });
      const net = await create({ ...CLASSIFIER, backend });
      const seen: ReturnType<typeof views>[] = [];
      const h = await net.fitAsync(X, Y, {
        ...OPTIONS,
        callbackEvery: 4,
        onEpochEnd: () =>
          new Promise<void>((resolve) =>
            setTimeout(() => {
              seen.push(views(net));
              resolve();
            }, 1),
          ),
      });
      expect(seen.length).toBe(3);
      seen.forEach((view, i) => {
        expect(view.json, `toJSON after callback ${i + 1}`).toBe(expected[i].json);
        view.predict.forEach((row, r) => expectSameBits(row, expected[i].predict[r], `predict ${i + 1}, row ${r}`));
        expectSameBits(view.predictInto, expected[i].predictInto, `predictInto ${i + 1}`);
        expect(view.predictClass).toEqual(expected[i].predictClass);
        expect(Object.is(view.evaluate.loss, expected[i].evaluate.loss)).toBe(true);
        expect(view.evaluate).toStrictEqual(expected[i].evaluate);
      });
      // The reads changed nothing: the same training as with no callback at all.
      const plain = await create({ ...CLASSIFIER, backend });
      expectSameHistory(h, plain.fit(X, Y, OPTIONS), 'with reads while waiting vs none');
      expectSameHistory(h0, h, 'sync vs async callback');
      expect(stateText(net)).toBe(stateText(plain));
    });
  }

  it("fit and fitAsync called while the promise is pending throw 'BUSY'; the waiting fit goes on undisturbed", async () => {
    const net = await create({ ...CLASSIFIER, backend: 'wasm' });
    const outcomes: unknown[] = [];
    const h = await net.fitAsync(X, Y, {
      ...OPTIONS,
      onEpochEnd: async ({ epoch }) => {
        await later(undefined);
        if (epoch !== 2) return;
        outcomes.push(await caught(() => net.fit(X, Y)));
        outcomes.push(await caught(() => net.fitAsync(X, Y)));
      },
    });
    expect(outcomes.map((e) => (e instanceof MLPError ? [e.code, e.message.includes('fitAsync')] : e))).toEqual([['BUSY', true], ['BUSY', true]]);
    const twin = await create({ ...CLASSIFIER, backend: 'wasm' });
    expectSameHistory(h, twin.fit(X, Y, OPTIONS), 'fitAsync with BUSY calls vs fit');
    expect(stateText(net)).toBe(stateText(twin));
    // The same from code outside the callback (a timer) while the promise is pending.
    let release!: () => void;
    const waiting = net.fitAsync(X, Y, { ...OPTIONS, onEpochEnd: ({ epoch }) => (epoch === 1 ? new Promise<void>((resolve) => (release = resolve)) : undefined) });
    await later(undefined);
    expect(release).toBeTypeOf('function');
    await expectError(() => net.fit(X, Y), 'BUSY', ['net.fit', 'fitAsync']);
    await expectError(() => net.fitAsync(X, Y), 'BUSY', ['net.fitAsync', 'fitAsync']);
    release();
    await waiting;
  });

  for (const backend of BACKENDS) {
    it(`plain fit given a promise throws 'INVALID_ARGUMENT' and changes nothing (${backend})`, async () => {
      const net = await create({ ...CLASSIFIER, backend });
      net.fit(X, Y, { ...OPTIONS, epochs: 1 });
      const before = stateText(net);
      let calls = 0;
      await expectError(
        () => net.fit(X, Y, { ...OPTIONS, onEpochEnd: (s: EpochStats) => (calls++, Promise.reject(new Error(`late ${s.epoch}`))) }),
        'INVALID_ARGUMENT',
        ['onEpochEnd returned a promise', 'net.fit cannot wait', 'fitAsync'],
      );
      expect(calls).toBe(1);
      expect(stateText(net)).toBe(before);
      await expectError(() => net.fit(X, Y, { ...OPTIONS, onEpochEnd: () => ({ then() {} }) as unknown as boolean }), 'INVALID_ARGUMENT', ['onEpochEnd returned a promise']);
      expect(stateText(net)).toBe(before);
    });

    it(`dispose while the promise is pending ends the fit with 'DISPOSED' (${backend})`, async () => {
      const net = await MLP.create({ ...CLASSIFIER, backend });
      let epochs = 0;
      // A promise that never settles: only the dispose can end the wait.
      const running = net.fitAsync(X, Y, { ...OPTIONS, onEpochEnd: () => (epochs++, new Promise(() => undefined)) });
      await later(undefined);
      net.dispose();
      await expectError(() => running, 'DISPOSED', ['net.fit']);
      expect(epochs).toBe(1);
      // Disposed from inside the pending answer, then resolving: DISPOSED too.
      const other = await MLP.create({ ...CLASSIFIER, backend });
      const h = other.fitAsync(X, Y, { ...OPTIONS, onEpochEnd: () => later(undefined).then(() => other.dispose()) });
      await expectError(() => h, 'DISPOSED', ['net.fit']);
    });
  }
});

/**
 * Rows of a `width`-input, `classes`-class problem: noisy copies of one prototype per class,
 * labelled `mislabel` classes further on (1: every label wrong, so learning raises their loss).
 */
function blobs(rows: number, width: number, classes: number, seed: number, mislabel = 0): { x: Float64Array; y: Float64Array } {
  const x = new Float64Array(rows * width);
  const y = new Float64Array(rows * classes);
  for (let r = 0; r < rows; r++) {
    const k = (r * 7 + seed) % classes;
    for (let i = 0; i < width; i++) x[r * width + i] = Math.sin((k + 1) * (i + 1)) + 0.6 * Math.sin(r * 12.9898 + i * 78.233 + seed);
    y[r * classes + ((k + mislabel) % classes)] = 1;
  }
  return { x, y };
}

/** Event-loop turns until `until` settles (a setImmediate chain: one turn per fitAsync yield). */
async function turnsDuring<T>(until: Promise<T>): Promise<{ value: T; turns: number }> {
  let done = false;
  let turns = 0;
  const turn = () => {
    if (done) return;
    turns++;
    setImmediate(turn);
  };
  setImmediate(turn);
  try {
    return { value: await until, turns };
  } finally {
    done = true;
  }
}

const KERNELS: { name: string; create: Pick<CreateOptions, 'backend' | 'simd' | 'threads'> }[] = [
  { name: 'wasm SIMD', create: { backend: 'wasm', simd: true } },
  { name: 'wasm scalar', create: { backend: 'wasm', simd: false } },
  { name: 'wasm, 2 threads', create: { backend: 'wasm', threads: 2 } },
  { name: 'js', create: { backend: 'js' } },
];

describe('fitAsync slices epochs and gives the bits of fit', () => {
  for (const kernel of KERNELS) {
    for (const optimizer of ['sgd', 'momentum', 'adam'] as Optimizer[]) {
      for (const batchSize of [1, 6]) {
        it(`${kernel.name}, ${optimizer}, batch ${batchSize}: shuffled, with validation data and early stopping`, async () => {
          // A few slices per epoch (some 1,100 samples of this net per slice on the SIMD
          // kernel, fewer on the others), which do not divide its 4,000 rows; with 2 threads a
          // wide layer and batches of 32 (7 batches a slice), so that the threads share the
          // products.
          const wide = kernel.create.threads === 2 && batchSize > 1;
          const shape: CreateOptions = {
            layers: wide ? [64, 256, 10] : [16, 48, 48, 4],
            activation: wide ? ['relu', 'softmax'] : ['tanh', 'relu', 'softmax'],
            loss: 'cross-entropy', init: 'he', seed: 5, ...kernel.create,
          };
          const rows = wide ? 800 : 4000;
          const train = blobs(rows, shape.layers[0], shape.layers.at(-1)!, 1);
          // Mislabelled validation rows: their loss soon rises, and patience stops the fit.
          const val = blobs(90, shape.layers[0], shape.layers.at(-1)!, 2, 1);
          const options: FitOptions = {
            epochs: 8, optimizer, batchSize: wide ? 32 : batchSize, learningRate: optimizer === 'adam' ? 0.003 : 0.02, shuffle: true,
            validationData: { inputs: { data: val.x, rows: 90 }, targets: { data: val.y, rows: 90 } }, patience: 2, restoreBestWeights: true,
          };
          const inputs = { data: train.x, rows };
          const targets = { data: train.y, rows };
          const a = await create(shape);
          const b = await create(shape);
          const expected = a.fit(inputs, targets, options);
          const { value: h, turns } = await turnsDuring(b.fitAsync(inputs, targets, options));
          expectSameHistory(h, expected, 'fitAsync vs fit');
          expect(h.stopReason).toBe('earlyStopping');
          expect(stateText(b)).toBe(stateText(a));
          expect(turns, 'event-loop turns: several slices per epoch').toBeGreaterThan(2 * h.epochs);
        });
      }
    }
  }

  it('a fit whose last update makes the predictions on a late row overflow: fitAsync, looking in slices, names the row as fit does', async () => {
    // One batch of all rows: every loss is finite before the update; row 25000 (x = 1e130,
    // target 2e130) drives w1 and w2 to ~3e255, so its prediction overflows while the other
    // rows' (x = 0, held at 0 by relu and b1 = -1e128) stay finite. The bound proves
    // nothing, so the rows are run forward: in slices of fewer rows than that by fitAsync.
    const rows = 30000;
    const x = new Float64Array(rows);
    const y = new Float64Array(rows);
    x[25000] = 1e130;
    y[25000] = 2e130;
    const model = (await create({ layers: [1, 1, 1], activation: ['relu', 'linear'], loss: 'mse', seed: 1 })).toJSON();
    model.weights = [[1], [1]];
    model.biases = [[-1e128], [0]];
    for (const kernel of KERNELS) {
      const outcomes: string[] = [];
      for (const method of ['fit', 'fitAsync'] as const) {
        const net = await MLP.fromJSON(model, kernel.create);
        nets.push(net);
        const before = stateText(net);
        const error = await caught(() => net[method]({ data: x, rows }, { data: y, rows }, { epochs: 1, batchSize: rows, learningRate: 1 }));
        expect(error, `${kernel.name} ${method}`).toBeInstanceOf(MLPError);
        outcomes.push(`${(error as MLPError).code}: ${(error as MLPError).message}`);
        expect(stateText(net)).toBe(before);
      }
      expect(outcomes[0]).toBe('TRAINING_DIVERGED: training diverged: the predictions on training row 25000 overflow by epoch 1; try a smaller learningRate than 1 (the net is left as it was before fit)');
      expect(outcomes[1], kernel.name).toBe(outcomes[0]);
    }
  });

  it('yields inside an epoch: a one-epoch fitAsync lets timers and other work run', async () => {
    const shape: CreateOptions = { layers: [16, 48, 48, 4], activation: ['tanh', 'relu', 'softmax'], loss: 'cross-entropy', seed: 9, backend: 'wasm' };
    const { x, y } = blobs(12000, 16, 4, 3);
    const net = await create(shape);
    let resolved = false;
    let timerBefore: boolean | undefined;
    const timer = setTimeout(() => (timerBefore = !resolved), 0);
    const { value: h, turns } = await turnsDuring(net.fitAsync({ data: x, rows: 12000 }, { data: y, rows: 12000 }, { epochs: 1, learningRate: 0.01, shuffle: true }));
    resolved = true;
    clearTimeout(timer);
    expect(h.epochs).toBe(1);
    expect(timerBefore, 'the timer ran before fitAsync resolved').toBe(true);
    // 12,000 samples of some 13,000 multiply-adds each, 15e6 per slice: about ten slices.
    expect(turns).toBeGreaterThanOrEqual(6);
    const twin = await create(shape);
    expectSameHistory(h, twin.fit({ data: x, rows: 12000 }, { data: y, rows: 12000 }, { epochs: 1, learningRate: 0.01, shuffle: true }), 'one sliced epoch vs fit');
    expect(stateText(net)).toBe(stateText(twin));
  });
});
