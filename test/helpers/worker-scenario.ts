// What a worker net must do as its in-thread twin does, run wherever the library runs: in
// Node (test/worker-net.test.ts) and, shipped as source text, in a browser page (the test
// passes `lib`, the library's exports there). Each case runs the same calls on an in-thread
// MLP and on a WorkerMLP and records both sides as text in which every number is its 16
// IEEE-754 hex digits; facts that only the worker side has are recorded beside them. The
// function uses nothing but its argument and standard globals.
import type * as Library from '../../src/index.ts';

export interface WorkerOutcome {
  /** Per case: [in-thread, worker], each as bit-exact text; the two must be equal. */
  pairs: Record<string, [string, string]>;
  facts: Record<string, unknown>;
}

export async function workerScenario(lib: typeof Library): Promise<WorkerOutcome> {
  const { MLP } = lib;
  const view = new DataView(new ArrayBuffer(8));
  const hex = (x: number): string => {
    view.setFloat64(0, x);
    return view.getBigUint64(0).toString(16).padStart(16, '0');
  };
  const text = (value: unknown): string =>
    JSON.stringify(value, (_key, v) => (typeof v === 'number' ? hex(v) : ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v)) ?? 'undefined';
  const pairs: Record<string, [string, string]> = {};
  const facts: Record<string, unknown> = {};
  const same = (name: string, inThread: unknown, inWorker: unknown): void => {
    pairs[name] = [text(inThread), text(inWorker)];
  };
  /** What a call threw: an MLPError's class, code and message, or the thrown value itself. */
  const caught = async (call: () => unknown): Promise<unknown> => {
    try {
      await call();
      return 'no error';
    } catch (error) {
      return error instanceof lib.MLPError ? { MLPError: true, code: error.code, message: error.message } : error;
    }
  };
  const epochFigures = (s: Library.EpochStats) => ({ epoch: s.epoch, epochs: s.epochs, loss: s.loss, valLoss: s.valLoss, accuracy: s.accuracy, valAccuracy: s.valAccuracy });

  // Exact dyadic data from an integer LCG: the same doubles in every engine.
  let state = 4242;
  const next = (): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 4294967296;
  };
  const inputs = Array.from({ length: 40 }, () => Array.from({ length: 5 }, () => next() * 4 - 2));
  const targets = inputs.map((row) => [0, 1, 2].map((k) => (k === (row[0] + row[1] > 0 ? 0 : row[2] > 0 ? 1 : 2) ? 1 : 0)));
  const flatInputs = Float64Array.from(inputs.flat());
  const create: Library.CreateOptions = { layers: [5, 9, 3], activation: ['tanh', 'softmax'], loss: 'cross-entropy', init: 'xavier', seed: 7, classes: ['a', 'b', 'c'] };
  const fitOptions: Library.FitOptions = { epochs: 8, learningRate: 0.05, batchSize: 4, optimizer: 'adam', shuffle: true, validationSplit: 0.25 };

  const t = await MLP.create(create);
  const w = await MLP.create({ ...create, worker: true });
  facts.isWorkerMLP = w instanceof lib.WorkerMLP && !(t instanceof lib.WorkerMLP);
  same('getters', [t.layers, t.backend, t.simd, t.threads, t.classes, t.seed], [w.layers, w.backend, w.simd, w.threads, w.classes, w.seed]);
  same('initial parameters', t.toJSON(), await w.toJSON());

  // A fit that validates, shuffles, and is stopped by onEpochEnd after epoch 5; predict and
  // toJSON from inside the callback see that epoch's parameters.
  const seen: [unknown[], unknown[]] = [[], []];
  const inCallback: [unknown[], Promise<unknown>[]] = [[], []];
  const history = [
    t.fit(inputs, targets, {
      ...fitOptions,
      onEpochEnd: (s) => {
        seen[0].push(epochFigures(s));
        inCallback[0].push([t.predict(inputs.slice(0, 3)), t.toJSON().weights]);
        return s.epoch < 5;
      },
    }),
    await w.fit(inputs, targets, {
      ...fitOptions,
      onEpochEnd: (s) => {
        seen[1].push(epochFigures(s));
        inCallback[1].push(Promise.all([w.predict(inputs.slice(0, 3)), w.toJSON().then((j) => j.weights)]));
        return s.epoch < 5;
      },
    }),
  ];
  same('fit stopped by onEpochEnd: history', history[0], history[1]);
  same('fit: epoch reports', seen[0], seen[1]);
  same('fit: predict and toJSON inside onEpochEnd', inCallback[0], await Promise.all(inCallback[1]));
  same('fit: parameters', t.toJSON({ includeOptimizer: true }), await w.toJSON({ includeOptimizer: true }));

  same('predict', t.predict(inputs), await w.predict(inputs));
  same('predict from a Float64Array', t.predict(flatInputs), await w.predict(flatInputs));
  const out = new Float64Array(inputs.length * 3);
  const filled = await w.predictInto(flatInputs, out);
  facts.predictIntoFillsOut = filled === out;
  facts.inputsStillAttached = flatInputs.length === inputs.length * 5;
  same('predictInto', t.predictInto(inputs), out);
  same('predictInto without out', t.predictInto(inputs), await w.predictInto(inputs));
  if (typeof SharedArrayBuffer !== 'undefined') {
    const shared = new Float64Array(new SharedArrayBuffer(inputs.length * 5 * 8));
    shared.set(flatInputs);
    const sharedOut = new Float64Array(new SharedArrayBuffer(inputs.length * 3 * 8));
    facts.sharedOutWrittenInPlace = (await w.predictInto(shared, sharedOut)) === sharedOut;
    same('predictInto on shared memory', t.predictInto(inputs), sharedOut);
  }
  same('predictClass', t.predictClass(inputs), await w.predictClass(inputs));
  same('evaluate', t.evaluate(inputs, targets), await w.evaluate(inputs, targets));

  // fromJSON with the optimizer state, then fitAsync with an async onEpochEnd that reads the
  // net while the fit waits for it.
  const model = t.toJSON({ includeOptimizer: true });
  const t2 = await MLP.fromJSON(model);
  const w2 = await MLP.fromJSON(JSON.stringify(model), { worker: true });
  same('fromJSON', t2.toJSON({ includeOptimizer: true }), await w2.toJSON({ includeOptimizer: true }));
  const asyncSeen: [unknown[], unknown[]] = [[], []];
  const asyncOptions = (net: typeof t2 | typeof w2, into: unknown[]): Library.FitOptions => ({
    epochs: 4, learningRate: 0.02, batchSize: 8, optimizer: 'adam', shuffle: true,
    onEpochEnd: async (s) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      into.push([epochFigures(s), (await net.toJSON()).biases]);
      return s.epoch < 3;
    },
  });
  same('fitAsync with an async onEpochEnd', await t2.fitAsync(inputs, targets, asyncOptions(t2, asyncSeen[0])), await w2.fitAsync(inputs, targets, asyncOptions(w2, asyncSeen[1])));
  same('fitAsync: what onEpochEnd read', asyncSeen[0], asyncSeen[1]);
  same('fitAsync: parameters', t2.toJSON({ includeOptimizer: true }), await w2.toJSON({ includeOptimizer: true }));

  // Errors: the same MLPErrors, code and message, and the net unchanged.
  const before = [t.toJSON({ includeOptimizer: true }), await w.toJSON({ includeOptimizer: true })];
  const both = async (name: string, call: (net: typeof t | typeof w) => unknown) => same(`error: ${name}`, await caught(() => call(t)), await caught(() => call(w)));
  await both('a row of the wrong width', (net) => net.predict([[1, 2]]));
  await both('a cell that is NaN', (net) => net.predict([[1, 2, 3, 4, 5], [1, 2, Number.NaN, 4, 5]]));
  await both('a cell that is not a number', (net) => net.predictClass([[1, 2, 3, 4, 'x' as never]]));
  await both('a negative learningRate', (net) => net.fit(inputs, targets, { learningRate: -1 }));
  await both('a function for learningRate', (net) => net.fit(inputs, targets, { learningRate: (() => 1) as never }));
  await both('onEpochEnd that is not a function', (net) => net.fit(inputs, targets, { onEpochEnd: 5 as never }));
  await both('an unknown fit option', (net) => net.fit(inputs, targets, { epoch: 3 } as never));
  await both('evaluate without targets', (net) => net.evaluate(inputs));
  await both('predictInto with an out of the wrong length', (net) => net.predictInto(inputs, new Float64Array(3)));
  await both('predictInto with an array for out', (net) => net.predictInto(inputs, [1, 2] as never));
  await both('toJSON with a bad option', (net) => net.toJSON({ includeOptimizer: 'yes' as never }));
  await both('fit with an async onEpochEnd', (net) => net.fit(inputs, targets, { epochs: 3, onEpochEnd: async () => {} }));
  await both('a fit that diverges', (net) => net.fit(inputs, targets.map((r) => r.map((y) => y * 1e300)), { learningRate: 1e300, epochs: 3 }));
  same('errors leave the net as it was', before[0], before[1]);
  same('error: MLP.create with bad layers', await caught(() => MLP.create({ layers: [5] })), await caught(() => MLP.create({ layers: [5], worker: true })));
  same('error: MLP.fromJSON with broken JSON', await caught(() => MLP.fromJSON('{"format"')), await caught(() => MLP.fromJSON('{"format"', { worker: true })));
  facts.badWorkerOption = await caught(() => MLP.create({ ...create, worker: 'yes' as never }));
  {
    const tFit = t.fitAsync(inputs, targets, { epochs: 3 });
    const tBusy = await caught(() => t.predict(inputs));
    await tFit;
    const wFit = w.fitAsync(inputs, targets, { epochs: 3 });
    const wBusy = await caught(() => w.predict(inputs));
    await wFit;
    same('error: predict while fitAsync runs', tBusy, wBusy);
  }

  // A callback that throws: the fit rejects with the user's own error object, and the net is
  // rolled back (in-thread as in the worker).
  {
    const parameters = [t.toJSON({ includeOptimizer: true }), await w.toJSON({ includeOptimizer: true })];
    const boom = new Error('boom at epoch 2');
    const throwing = { ...fitOptions, onEpochEnd: (s: Library.EpochStats) => {
      if (s.epoch === 2) throw boom;
    } };
    const thrown = [await caught(() => t.fit(inputs, targets, throwing)), await caught(() => w.fit(inputs, targets, throwing))];
    facts.callbackErrorIsTheUsersOwn = thrown[0] === boom && thrown[1] === boom;
    same('a throwing onEpochEnd rolls back', parameters[0], await w.toJSON({ includeOptimizer: true }));
    same('rolled back as in-thread', t.toJSON({ includeOptimizer: true }), await w.toJSON({ includeOptimizer: true }));
    const rejecting = { ...fitOptions, onEpochEnd: async (s: Library.EpochStats) => {
      if (s.epoch === 3) throw boom;
    } };
    facts.rejectingCallbackErrorIsTheUsersOwn = (await caught(() => w.fitAsync(inputs, targets, rejecting))) === boom;
    same('a rejecting onEpochEnd rolls back', parameters[1], await w.toJSON({ includeOptimizer: true }));
  }

  // Aborting: from inside onEpochEnd (after that very epoch), before the fit, and from outside
  // while it runs (then the net equals an in-thread net trained for the epochs it ran).
  {
    const abortAt2 = (): Library.FitOptions => {
      const controller = new AbortController();
      return { ...fitOptions, signal: controller.signal, onEpochEnd: (s) => void (s.epoch === 2 && controller.abort()) };
    };
    same('abort from onEpochEnd', t.fit(inputs, targets, abortAt2()), await w.fit(inputs, targets, abortAt2()));
    same('abort from onEpochEnd: parameters', t.toJSON({ includeOptimizer: true }), await w.toJSON({ includeOptimizer: true }));
    same('a signal aborted before the fit', t.fit(inputs, targets, { signal: AbortSignal.abort() }), await w.fit(inputs, targets, { signal: AbortSignal.abort() }));
    const outside = await MLP.create({ ...create, worker: true });
    const controller = new AbortController();
    const running = outside.fit(inputs, targets, { epochs: 1_000_000, learningRate: 0.01, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const aborted = await running;
    facts.abortFromOutside = { stopReason: aborted.stopReason, stoppedEarly: aborted.epochs > 0 && aborted.epochs < 1_000_000 };
    const reference = await MLP.create(create);
    reference.fit(inputs, targets, { epochs: aborted.epochs, learningRate: 0.01 });
    same('abort from outside: the epochs it ran', reference.toJSON(), await outside.toJSON());
    reference.dispose();
    await outside.dispose();
  }

  // Two threads inside the worker: the same bits as one thread in-thread.
  {
    const wide = { layers: [5, 64, 3], activation: ['relu', 'softmax'], loss: 'cross-entropy', init: 'he', seed: 3 } as const;
    const t3 = await MLP.create(wide);
    const w3 = await MLP.create({ ...wide, threads: 2, worker: true });
    facts.threadsInWorker = w3.threads;
    const options = { epochs: 3, batchSize: 16, learningRate: 0.01, optimizer: 'adam' } as const;
    same('threads: 2 in a worker', [t3.fit(inputs, targets, options), t3.toJSON()], [await w3.fit(inputs, targets, options), await w3.toJSON()]);
    t3.dispose();
    await w3.dispose();
  }

  // Disposed: every later use fails as in-thread.
  t.dispose();
  await w.dispose();
  await w.dispose();
  same('disposed: predict', await caught(() => t.predict(inputs)), await caught(() => w.predict(inputs)));
  same('disposed: fit', await caught(() => t.fit(inputs, targets)), await caught(() => w.fit(inputs, targets)));
  same('disposed: a getter', await caught(() => t.layers), await caught(() => w.layers));
  t2.dispose();
  await w2.dispose();
  return { pairs, facts };
}
