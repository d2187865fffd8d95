// Every call is a transaction. A call that throws — bad argument, BUSY, OUT_OF_MEMORY,
// divergence, a callback that throws — leaves toJSON({ includeOptimizer: true }) byte for byte
// as it was; a fit that returns leaves a finite net that predicts finite numbers on its rows
// and round-trips through fromJSON; calls made from onEpochEnd see the epoch's parameters and
// change no bit of the training; predict and evaluate never return a silent NaN; values that
// make the engine throw (revoked proxies) become MLPErrors. On every backend.
import { describe, expect, it } from 'vitest';
import { MLP, MLPError, type CreateOptions, type FitOptions, type History } from '../src/index.ts';
import { modelText } from '../src/io/model-json.ts';

const VARIANTS: { name: string; options: Pick<CreateOptions, 'backend' | 'simd'> }[] = [
  { name: 'wasm', options: { backend: 'wasm' } },
  { name: 'wasm scalar', options: { backend: 'wasm', simd: false } },
  { name: 'js', options: { backend: 'js' } },
];

const snapshot = (net: MLP) => modelText(net.toJSON({ includeOptimizer: true }));

/** Runs `call`, expects it to throw, and returns what it threw. */
function thrown(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  return expect.fail('expected the call to throw');
}

async function thrownAsync(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  return expect.fail('expected the call to throw');
}

function expectMLPError(error: unknown, code: string): void {
  expect(error, String(error)).toBeInstanceOf(MLPError);
  expect((error as MLPError).code, (error as MLPError).message).toBe(code);
  expect((error as MLPError).message).not.toMatch(/\n|TypeError|RuntimeError|abort/);
}

const XOR_IN = [[0, 0], [0, 1], [1, 0], [1, 1]];
const XOR_OUT = [[0], [1], [1], [0]];

/** A net with optimizer state worth protecting: trained with adam and shuffling, normalised. */
async function trained(options: Pick<CreateOptions, 'backend' | 'simd'>): Promise<MLP> {
  const net = await MLP.create({ layers: [2, 5, 1], activation: ['tanh', 'sigmoid'], seed: 7, ...options });
  net.fit(XOR_IN, XOR_OUT, { epochs: 20, optimizer: 'adam', learningRate: 0.01, shuffle: true, normalize: 'zscore', batchSize: 2 });
  return net;
}

describe.each(VARIANTS)('$name', ({ options }) => {
  it('a callback that throws: its own error object, and the net as before', async () => {
    const net = await trained(options);
    const before = snapshot(net);
    const mine = new Error('stop here');
    const error = thrown(() =>
      net.fit(XOR_IN, XOR_OUT, { epochs: 10, optimizer: 'momentum', shuffle: true, normalize: 'minmax', onEpochEnd: (s) => { if (s.epoch === 3) throw mine; } }),
    );
    expect(error).toBe(mine);
    expect(snapshot(net)).toBe(before);
    // The net still trains exactly like one that never saw the failed fit.
    const twin = await trained(options);
    expect(net.fit(XOR_IN, XOR_OUT, { epochs: 5, optimizer: 'adam', shuffle: true })).toEqual(twin.fit(XOR_IN, XOR_OUT, { epochs: 5, optimizer: 'adam', shuffle: true }));
    expect(snapshot(net)).toBe(snapshot(twin));
  });

  it('bad arguments, BUSY and OUT_OF_MEMORY leave the net byte for byte as before', async () => {
    const net = await trained(options);
    const before = snapshot(net);
    const cases: [string, () => unknown][] = [
      ['INVALID_ARGUMENT', () => net.fit(XOR_IN, XOR_OUT, { epochs: 3, optimizer: 'momentum', normalize: 'zscore', learningRate: -1 })],
      ['INVALID_ARGUMENT', () => net.fit(XOR_IN, [[0], [1], [1], [NaN]], { epochs: 3, optimizer: 'momentum', normalize: 'minmax' })],
      ['INVALID_ARGUMENT', () => net.fit([[0, 0], [0, 1], [1, 0], [1, Infinity]], XOR_OUT, { optimizer: 'sgd', normalize: 'zscore', shuffle: true })],
      ['INVALID_ARGUMENT', () => net.fit(XOR_IN, XOR_OUT, { validationData: { inputs: [[0, 0]], targets: [[0], [1]] }, optimizer: 'momentum' })],
      ['INVALID_ARGUMENT', () => net.predict([[0, 0], [0]])],
      ['INVALID_ARGUMENT', () => net.evaluate(XOR_IN, [[0], [1]])],
    ];
    for (const [code, call] of cases) {
      expectMLPError(thrown(call), code);
      expect(snapshot(net), code).toBe(before);
    }
    // BUSY: a fit from a fit's callback; the outer fit is then unharmed.
    const plain = await trained(options);
    const reference = plain.fit(XOR_IN, XOR_OUT, { epochs: 4, optimizer: 'adam' });
    let inner: unknown;
    const history = net.fit(XOR_IN, XOR_OUT, {
      epochs: 4,
      optimizer: 'adam',
      onEpochEnd: () => {
        const mid = snapshot(net);
        inner = thrown(() => net.fit(XOR_IN, XOR_OUT));
        expect(snapshot(net)).toBe(mid);
      },
    });
    expectMLPError(inner, 'BUSY');
    expect(history).toEqual(reference);
    expect(snapshot(net)).toBe(snapshot(plain));
    // The campaign's case: a fit too large for memory switched adam to momentum and set a normalisation.
    const source = { async *batches() { yield { inputs: XOR_IN, targets: XOR_OUT }; } };
    const after = snapshot(net);
    expectMLPError(await thrownAsync(() => net.fitAsync(source, { optimizer: 'momentum', normalize: 'zscore', batchSize: 2147483647 })), 'OUT_OF_MEMORY');
    expect(snapshot(net)).toBe(after);
  });

  it('fitAsync: BUSY for a second fit, and a rejected fitAsync leaves the net as before', async () => {
    const net = await trained(options);
    const before = snapshot(net);
    const running = net.fitAsync(XOR_IN, XOR_OUT, { epochs: 30, optimizer: 'momentum', callbackEvery: 1, onEpochEnd: () => undefined });
    expectMLPError(await thrownAsync(() => net.fitAsync(XOR_IN, XOR_OUT)), 'BUSY');
    expectMLPError(thrown(() => net.predict(XOR_IN)), 'BUSY');
    await running;
    const after = snapshot(net);
    expect(after).not.toBe(before);
    const mine = new Error('async stop');
    expect(await thrownAsync(() => net.fitAsync(XOR_IN, XOR_OUT, { epochs: 30, optimizer: 'adam', onEpochEnd: (s) => { if (s.epoch === 20) throw mine; } }))).toBe(mine);
    expect(snapshot(net)).toBe(after);
  });

  it('a streamed fit whose batch needs more than WebAssembly memory is OUT_OF_MEMORY naming batchSize; the net is free, as before, and trains as a twin that never failed', async () => {
    const rows = Array.from({ length: 100 }, (_, i) => [Math.sin(i), Math.cos(2 * i)]);
    const targets = rows.map(([a, b]) => [a * b > 0 ? 1 : 0]);
    const net = await MLP.create({ layers: [2, 6, 1], seed: 5, ...options });
    const twin = await MLP.create({ layers: [2, 6, 1], seed: 5, ...options });
    const before = snapshot(net);
    const huge: FitOptions = { batchSize: 2 ** 31 - 1, epochs: 3, learningRate: 0.5 };
    const source = { async *batches() { yield { inputs: rows, targets }; } };
    const error = await thrownAsync(() => net.fitAsync(source, huge));
    expectMLPError(error, 'OUT_OF_MEMORY');
    expect((error as MLPError).message).toMatch(/^batchSize 2147483647: /);
    expect(snapshot(net)).toBe(before);
    // In memory the rows are known: a batch larger than them is the whole set, one batch of 100
    // (a batch larger than the scratch the net was made with: the scratch grows from where it was).
    expect(net.fit(rows, targets, huge)).toEqual(twin.fit(rows, targets, { ...huge, batchSize: 100 }));
    expect(snapshot(net)).toBe(snapshot(twin));
  });

  it('calls from onEpochEnd see that epoch and change no bit of the training', async () => {
    const fit: FitOptions = { epochs: 12, optimizer: 'adam', learningRate: 0.05, shuffle: true, batchSize: 3, validationSplit: 0.25 };
    const rows = Array.from({ length: 16 }, (_, i) => [Math.sin(i), Math.cos(3 * i)]);
    const targets = rows.map(([a, b]) => [a * b > 0 ? 1 : 0]);
    const plain = await MLP.create({ layers: [2, 6, 1], seed: 3, ...options });
    const seen: string[] = [];
    const plainHistory = plain.fit(rows, targets, { ...fit, onEpochEnd: () => { seen.push(snapshot(plain)); } });
    const busy = await MLP.create({ layers: [2, 6, 1], seed: 3, ...options });
    const busyHistory: History = busy.fit(rows, targets, {
      ...fit,
      onEpochEnd: (s) => {
        // Many rows, so the scratch and data regions of the nested calls are exercised.
        const many = Array.from({ length: 300 }, (_, i) => [i / 300, 1 - i / 300]);
        const outputs = busy.predict(many);
        expect(busy.predictClass(many)).toHaveLength(300);
        busy.evaluate(many, outputs.map((o) => [o[0] > 0.5 ? 1 : 0]));
        busy.predictInto(many);
        expect(snapshot(busy)).toBe(seen[s.epoch - 1]);
      },
    });
    expect(busyHistory).toEqual(plainHistory);
    expect(snapshot(busy)).toBe(snapshot(plain));
  });

  it('dispose from onEpochEnd ends the fit with DISPOSED', async () => {
    const net = await trained(options);
    expectMLPError(thrown(() => net.fit(XOR_IN, XOR_OUT, { epochs: 5, onEpochEnd: () => net.dispose() })), 'DISPOSED');
    expectMLPError(thrown(() => net.predict(XOR_IN)), 'DISPOSED');
  });

  it('a fit that would overflow throws TRAINING_DIVERGED instead of returning, and changes nothing', async () => {
    const cases: { create: Partial<CreateOptions>; fit: FitOptions; inputs: number[][]; targets: number[][] }[] = [
      // The campaign's: reported 'completed', then predicted -Infinity.
      { create: { layers: [2, 2, 1], activation: 'linear', seed: 1 }, fit: { learningRate: 1e200, epochs: 1 }, inputs: [[1, -1]], targets: [[1]] },
      // adam with a weight decay that overflows its second moment: state2 was saved as null.
      { create: { layers: [2, 3, 1], seed: 2 }, fit: { optimizer: 'adam', weightDecay: 1e308, epochs: 2 }, inputs: XOR_IN, targets: XOR_OUT },
      // momentum that amplifies every step.
      { create: { layers: [2, 4, 1], activation: 'linear', seed: 5 }, fit: { optimizer: 'momentum', momentum: 50, learningRate: 0.01, epochs: 400 }, inputs: XOR_IN, targets: XOR_OUT },
      { create: { layers: [2, 4, 4, 1], activation: 'linear', seed: 9 }, fit: { learningRate: 1e200, epochs: 1, batchSize: 4 }, inputs: XOR_IN, targets: XOR_OUT },
    ];
    for (const c of cases) {
      const net = await MLP.create({ layers: [2, 2, 1], ...c.create, ...options });
      const before = snapshot(net);
      const error = thrown(() => net.fit(c.inputs, c.targets, c.fit));
      expectMLPError(error, 'TRAINING_DIVERGED');
      expect(snapshot(net)).toBe(before);
    }
  });

  it('a fit that returns leaves a finite net that predicts finite numbers on its rows and loads back', async () => {
    for (const learningRate of [1e-3, 0.5, 5, 50, 500]) {
      for (const activation of ['linear', 'relu', 'sigmoid'] as const) {
        const net = await MLP.create({ layers: [2, 4, 1], activation, seed: 11, ...options });
        let history: History | undefined;
        try {
          history = net.fit(XOR_IN, XOR_OUT, { learningRate, epochs: 30, optimizer: 'momentum' });
        } catch (error) {
          expectMLPError(error, 'TRAINING_DIVERGED');
          continue;
        }
        expect(history.loss.every(Number.isFinite)).toBe(true);
        expect(net.predict(XOR_IN).flat().every(Number.isFinite)).toBe(true);
        const json = net.toJSON({ includeOptimizer: true });
        expect([...json.weights.flat(), ...json.biases.flat(), ...json.training!.state1, ...json.training!.state2].every(Number.isFinite)).toBe(true);
        expect(snapshot(await MLP.fromJSON(json, options))).toBe(snapshot(net));
      }
    }
  });

  it('a normalisation no model file could hold (a spread that overflows or is subnormal) is refused, in memory and streamed, and changes nothing', async () => {
    const net = await trained(options);
    const twin = await trained(options);
    const before = snapshot(net);
    const source = (inputs: number[][], targets: number[][]) => ({ batches: async function* () { yield { inputs, targets }; } });
    const cases: [number[][], 'zscore' | 'minmax', string][] = [
      [[[1e308, 0], [-1e308, 1]], 'zscore', 'inputs column 0 must be a column whose zscore offset and scale are finite and normal; got [0,Infinity]'],
      [[[0, 1.7e308], [1, -1.7e308]], 'minmax', 'inputs column 1 must be a column whose minmax offset and scale are finite and normal; got [-1.7e+308,Infinity]'],
      [[[5e-324, 0], [0, 1]], 'minmax', 'inputs column 0 must be a column whose minmax offset and scale are finite and normal; got [0,5e-324]'],
      [[[1e-310, 0], [0, 1], [2e-310, 3]], 'zscore', 'inputs column 0 must be a column whose zscore offset and scale are finite and normal; got [1e-310,0]'],
    ];
    for (const [inputs, normalize, message] of cases) {
      const targets = inputs.map((_, i) => [i % 2]);
      for (const error of [thrown(() => net.fit(inputs, targets, { normalize })), await thrownAsync(() => net.fitAsync(source(inputs, targets), { normalize }))]) {
        expectMLPError(error, 'INVALID_ARGUMENT');
        expect((error as MLPError).message).toBe(message);
        expect(snapshot(net)).toBe(before);
      }
    }
    expect(net.fit(XOR_IN, XOR_OUT, { epochs: 3, optimizer: 'adam', shuffle: true, normalize: 'minmax' })).toEqual(twin.fit(XOR_IN, XOR_OUT, { epochs: 3, optimizer: 'adam', shuffle: true, normalize: 'minmax' }));
    expect(snapshot(net)).toBe(snapshot(twin));
  });

  it('predict and evaluate on finite inputs: finite numbers, or OVERFLOW naming the row', async () => {
    const net = await MLP.create({ layers: [1, 1, 1], activation: 'linear', seed: 1, ...options });
    const json = net.toJSON();
    json.weights = [[1e200], [1e200]];
    json.biases = [[0], [0]];
    const big = await MLP.fromJSON(json, options);
    expect(big.predict([[1e-300], [2e-300]])[1][0] / 2e100).toBeCloseTo(1, 12);
    const error = thrown(() => big.predict([[1e-300], [1], [2]]));
    expectMLPError(error, 'OVERFLOW');
    expect((error as MLPError).message).toContain('inputs[1]');
    expectMLPError(thrown(() => big.predictInto([[1e-300], [1]])), 'OVERFLOW');
    expectMLPError(thrown(() => big.evaluate([[1e-300], [3]], [[0], [0]])), 'OVERFLOW');
    // Outputs finite, loss not: (1e200)^2 overflows.
    expectMLPError(thrown(() => big.evaluate([[1e-100]], [[0]])), 'OVERFLOW');
  });

  it('values the engine cannot read (revoked proxies, throwing getters) become MLPErrors', async () => {
    const net = await trained(options);
    const before = snapshot(net);
    const { proxy, revoke } = Proxy.revocable([[0, 0]], {});
    revoke();
    for (const call of [() => net.predict(proxy as never), () => net.fit(proxy as never, XOR_OUT), () => net.evaluate(XOR_IN, proxy as never)]) {
      expectMLPError(thrown(call), 'INVALID_ARGUMENT');
    }
    const row = [0, 0];
    Object.defineProperty(row, 1, { get() { throw new RangeError('getter'); } });
    const e = thrown(() => net.predict([row]));
    expect(e instanceof MLPError || (e instanceof RangeError && e.message === 'getter')).toBe(true);
    expect(snapshot(net)).toBe(before);
  });
});

describe('predictInto', () => {
  it('writes the rows of predict into the caller\'s array, in chunks of any size, bit for bit', async () => {
    for (const backend of ['wasm', 'js'] as const) {
      const net = await MLP.create({ layers: [3, 7, 2], activation: ['tanh', 'softmax'], loss: 'cross-entropy', seed: 4, backend });
      const rows = 70_000;
      const flat = Float64Array.from({ length: rows * 3 }, (_, i) => Math.sin(i * 0.37));
      const out = new Float64Array(rows * 2);
      expect(net.predictInto(flat, out)).toBe(out);
      const some = [0, 1, 63, 64, 65, 4095, 4096, 69_999];
      const expected = net.predict(some.map((r) => Array.from(flat.subarray(r * 3, r * 3 + 3))));
      some.forEach((r, i) => {
        expect(Object.is(out[r * 2], expected[i][0]) && Object.is(out[r * 2 + 1], expected[i][1]), `row ${r}`).toBe(true);
      });
      expectMLPError(thrown(() => net.predictInto(flat, new Float64Array(3))), 'INVALID_ARGUMENT');
      // The message names what was given, as every argument's does.
      const prefix = 'out must be a Float64Array of 70000 rows x 2 outputs = 140000 numbers; got';
      for (const [given, shown] of [[new Float64Array(3), 'a Float64Array of length 3'], [new Float32Array(rows * 2), 'a Float32Array of length 140000'], [[0, 1], '[0,1]'], [null, 'null']] as const) {
        expect((thrown(() => net.predictInto(flat, given as never)) as Error).message).toBe(`${prefix} ${shown}`);
      }
    }
  });
});
