// dtype 'float32': golden results against numpy float32 (fixtures/gen_training_float32.py,
// docs/training.md's "Single precision" rules; 1e-5 relative, numpy's float32 dot may sum in
// another order), every micro-kernel edge shape bitwise on SIMD, scalar and js, the model JSON
// round trip, Float32Array rows for both dtypes, and the option's and data's checks.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { MLP, MLPError, type Activation, type Dtype, type FitOptions } from '../src/index.ts';

const opened: MLP[] = [];
afterAll(() => opened.forEach((n) => n.dispose()));
async function create(options: Parameters<typeof MLP.create>[0]): Promise<MLP> {
  const net = await MLP.create(options);
  opened.push(net);
  return net;
}

interface GoldenCase {
  name: string;
  spec: FitOptions & { layers: number[]; seed: number; activation: Activation[]; loss: 'mse' | 'cross-entropy'; alpha?: number; init?: 'uniform' | 'xavier' | 'he'; inputs: number[][]; targets: number[][] };
  numpy: { weights: number[][]; biases: number[][]; loss: number[]; predictions: number[][] };
}

const golden = JSON.parse(readFileSync(new URL('./fixtures/training-float32-golden.json', import.meta.url), 'utf8')) as { cases: GoldenCase[] };
const bits = (values: readonly number[]) => values.map((v) => (Object.is(v, -0) ? '-0' : String(v)));

describe('float32 against numpy float32 (1e-5 relative), the backends bitwise', () => {
  for (const c of golden.cases) {
    it(c.name, async () => {
      const results = [];
      for (const variant of [{ backend: 'wasm' }, { backend: 'wasm', simd: false }, { backend: 'js' }] as const) {
        const { layers, seed, activation, loss, alpha, init, inputs, targets, ...fit } = c.spec;
        const net = await create({ layers, seed, activation, loss, alpha, init, dtype: 'float32', ...variant });
        const history = net.fit(inputs, targets, fit);
        const model = net.toJSON();
        results.push({ loss: history.loss, weights: model.weights.flat(), biases: model.biases.flat(), predictions: net.predict(inputs).flat() });
      }
      const reference = { loss: c.numpy.loss, weights: c.numpy.weights.flat(), biases: c.numpy.biases.flat(), predictions: c.numpy.predictions.flat() };
      for (const key of ['loss', 'weights', 'biases', 'predictions'] as const) {
        results[0][key].forEach((v, i) => {
          const r = reference[key][i];
          if (!(Math.abs(v - r) <= 1e-5 * Math.max(Math.abs(v), Math.abs(r)) + 1e-7)) expect.fail(`${key}[${i}]: got ${v}, numpy float32 gives ${r}`);
        });
        for (const other of results.slice(1)) expect(bits(other[key]), key).toEqual(bits(results[0][key]));
      }
      for (const v of [...results[0].weights, ...results[0].biases]) expect(Math.fround(v)).toBe(v);
    });
  }
});

describe('float32 edge shapes: widths 1..17 x batch sizes 1..9, SIMD, scalar and js bitwise', () => {
  // Widths around the f32 micro-kernel's 8-wide panels and 4-wide matvec groups, against every batch size.
  for (const optimizer of ['sgd', 'adam'] as const) {
    for (let width = 1; width <= 17; width += 2) {
      it(`${optimizer}, widths from ${width}, batch 1..9`, async () => {
        for (let batch = 1; batch <= 9; batch++) {
          const layers = [width, ((width + batch) % 17) + 1, ((width * 2 + batch) % 17) + 1, ((batch * 5 + width) % 9) + 1];
          const rows = 2 * batch + 3;
          let state = width * 100 + batch;
          const next = () => (state = (state * 48271) % 2147483647) / 2147483647;
          const inputs = Array.from({ length: rows }, () => Array.from({ length: layers[0] }, () => next() * 4 - 2));
          const targets = Array.from({ length: rows }, () => Array.from({ length: layers[3] }, () => next()));
          const outcomes = [];
          for (const variant of [{ backend: 'wasm' }, { backend: 'wasm', simd: false }, { backend: 'js' }] as const) {
            const net = await create({ layers, seed: width * 10 + batch, activation: ['tanh', 'leaky-relu', 'sigmoid'], dtype: 'float32', ...variant });
            const history = net.fit(inputs, targets, { epochs: 2, batchSize: batch, optimizer, learningRate: 0.05, shuffle: batch % 2 === 0, validationSplit: 0.3 });
            const model = net.toJSON({ includeOptimizer: true });
            outcomes.push(bits([...history.loss, ...history.valLoss, ...model.weights.flat(), ...model.biases.flat(), ...model.training!.state1, ...net.predict(inputs).flat()]));
            net.dispose();
          }
          expect(outcomes[1], `layers ${layers.join('-')} batch ${batch}: scalar vs SIMD`).toEqual(outcomes[0]);
          expect(outcomes[2], `layers ${layers.join('-')} batch ${batch}: js vs SIMD`).toEqual(outcomes[0]);
        }
      });
    }
  }
});

describe('the dtype in the model JSON', () => {
  it('a float32 model says so after "loss", a float64 model has no such field, and fromJSON restores it', async () => {
    const f32 = await create({ layers: [2, 3, 1], seed: 1, dtype: 'float32' });
    const f64 = await create({ layers: [2, 3, 1], seed: 1 });
    expect([f32.dtype, f64.dtype]).toEqual(['float32', 'float64']);
    const json32 = f32.toJSON();
    expect(Object.keys(json32).slice(0, 8)).toEqual(['format', 'version', 'layers', 'activations', 'alpha', 'loss', 'dtype', 'normalization']);
    expect(json32.dtype).toBe('float32');
    expect('dtype' in f64.toJSON()).toBe(false);
    // The float64 net's first weight is numpy's draw; the float32 net's is that draw rounded once.
    expect(json32.weights[0][0]).toBe(Math.fround(f64.toJSON().weights[0][0]));
    for (const backend of ['wasm', 'js'] as const) {
      const back = await MLP.fromJSON(JSON.stringify(json32), { backend });
      opened.push(back);
      expect(back.dtype).toBe('float32');
      expect(JSON.stringify(back.toJSON())).toBe(JSON.stringify(json32));
    }
    const worker = await MLP.create({ layers: [2, 3, 1], seed: 1, dtype: 'float32', worker: true });
    try {
      expect(worker.dtype).toBe('float32');
      expect(JSON.stringify(await worker.toJSON())).toBe(JSON.stringify(json32));
    } finally {
      await worker.dispose();
    }
  });

  it('a model whose dtype is neither is refused', async () => {
    const json = { ...(await create({ layers: [2, 1], seed: 1 })).toJSON(), dtype: 'float16' };
    await expect(MLP.fromJSON(json)).rejects.toThrow("model dtype must be one of 'float64', 'float32'; got \"float16\"");
  });
});

describe('Float32Array rows', () => {
  for (const dtype of ['float64', 'float32'] as Dtype[]) {
    it(`are read exactly by a ${dtype} net: the same bits as the same numbers in number[][]`, async () => {
      const rows = [[0.1, -2.5], [3.25, 0.7], [-1, 1e-3], [2, 2]];
      const targets = [[1], [0], [1], [0]];
      const exact = rows.map((r) => r.map(Math.fround));
      const flat = new Float32Array(rows.flat());
      const a = await create({ layers: [2, 4, 1], seed: 3, dtype });
      const b = await create({ layers: [2, 4, 1], seed: 3, dtype });
      expect(a.fit(flat, { data: new Float32Array(targets.flat()), rows: 4 }, { epochs: 3, batchSize: 2 }).loss)
        .toEqual(b.fit(exact, targets, { epochs: 3, batchSize: 2 }).loss);
      expect(a.predict(flat)).toEqual(b.predict(exact));
      expect(a.evaluate(flat, new Float32Array(targets.flat())).loss).toBe(b.evaluate(exact, targets).loss);
    });
  }
});

describe('checks', () => {
  it('dtype must be a known name', async () => {
    await expect(MLP.create({ layers: [2, 1], dtype: 'float16' as never })).rejects.toThrow("dtype must be one of 'float64', 'float32'; got \"float16\"");
  });

  it('a cell beyond float32 range is refused by a float32 net, which is left as it was', async () => {
    const net = await create({ layers: [2, 1], seed: 1, dtype: 'float32' });
    const before = JSON.stringify(net.toJSON());
    for (const rows of [[[1, 1e39]], new Float64Array([1, -1e39])]) {
      const error = (() => {
        try {
          net.fit(rows, [[1]]);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(MLPError);
      expect((error as MLPError).message).toMatch(/^inputs\[0\]\[1\] must be a number within float32's range \(this net's dtype is 'float32'\); got -?1e\+39/);
    }
    expect(JSON.stringify(net.toJSON())).toBe(before);
    const wide = await create({ layers: [2, 1], seed: 1 });
    expect(wide.predict([[1, 1e39]])[0][0]).toBeGreaterThan(0);
  });

  const thrownBy = async (call: () => unknown): Promise<MLPError> => {
    try {
      await call();
    } catch (error) {
      expect(error).toBeInstanceOf(MLPError);
      return error as MLPError;
    }
    return expect.fail('expected the call to throw');
  };

  it('hyperparameters are rounded once to float32 (docs/training.md): one that rounds to Infinity diverges with the net left as it was, one that rounds to 0 trains with 0', async () => {
    const x = [[0, 0], [0, 1], [1, 0], [1, 1]];
    const y = [[0], [1], [1], [0]];
    for (const backend of ['wasm', 'js'] as const) {
      const net = await create({ layers: [2, 3, 1], seed: 1, dtype: 'float32', backend });
      const twin = await create({ layers: [2, 3, 1], seed: 1, dtype: 'float32', backend });
      const before = JSON.stringify(net.toJSON({ includeOptimizer: true }));
      for (const options of [{ learningRate: 1e39 }, { optimizer: 'momentum', momentum: 1e39 }, { optimizer: 'adam', epsilon: 1e-50, learningRate: 1e39 }] as FitOptions[]) {
        const error = await thrownBy(() => net.fit(x, y, options));
        expect(error.code).toBe('TRAINING_DIVERGED');
        expect(JSON.stringify(net.toJSON({ includeOptimizer: true }))).toBe(before);
      }
      // 1e-50 is 0 in float32: the weights do not move, exactly as with learningRate 0.
      net.fit(x, y, { epochs: 2, learningRate: 1e-50 });
      expect(net.toJSON().weights).toEqual(twin.toJSON().weights);
      expect(net.toJSON().biases).toEqual(twin.toJSON().biases);
    }
  });

  it('a float32 model file with a number float32 cannot hold (or a negative adam v) is refused, not loaded as Infinity', async () => {
    const net = await create({ layers: [2, 3, 1], seed: 1, dtype: 'float32', activation: ['leaky-relu', 'sigmoid'] });
    net.fit([[0, 1], [1, 0]], [[1], [0]], { epochs: 2, optimizer: 'adam' });
    const json = net.toJSON({ includeOptimizer: true });
    const edited = (edit: (m: typeof json) => void) => {
      const m = structuredClone(json);
      edit(m);
      return m;
    };
    const within = "must be a number within float32's range (the model's dtype is 'float32')";
    const cases: [typeof json, string][] = [
      [edited((m) => { m.weights[0][4] = 1e39; }), `model weights[0][4] ${within}; got 1e+39`],
      [edited((m) => { m.biases[1][0] = -1e300; }), `model biases[1][0] ${within}; got -1e+300`],
      [edited((m) => { m.training!.state1[2] = 4e38; }), `model training.state1[2] ${within}; got 4e+38`],
      [edited((m) => { m.training!.state2[0] = 1e39; }), `model training.state2[0] ${within}; got 1e+39`],
      [edited((m) => { m.alpha = 1e39; }), "model alpha must be a number within float32's range (the model's dtype is 'float32'); got 1e+39"],
      [edited((m) => { m.training!.state2[5] = -1e-3; }), "model training.state2[5] must be a number >= 0 (adam's v, a mean of squared gradients); got -0.001"],
    ];
    for (const [model, message] of cases) {
      for (const backend of ['wasm', 'js'] as const) {
        const error = await thrownBy(() => MLP.fromJSON(model, { backend }));
        expect([error.code, error.message]).toEqual(['INVALID_MODEL', message]);
      }
    }
    // A normalisation (float64, as in a float64 model) that maps an input out of float32's range: predict says so.
    const shifted = await MLP.fromJSON(edited((m) => { m.normalization = { kind: 'minmax', offset: [1e39, 0], scale: [0.5, 1] }; }));
    opened.push(shifted);
    expect((await thrownBy(() => shifted.predict([[0, 0]]))).message)
      .toBe("inputs[0][0] must be a number within float32's range (this net's dtype is 'float32'); got 0");
    // The largest float32 and a number that rounds to it load as that float32.
    const largest = await MLP.fromJSON(edited((m) => { m.weights[0][4] = 3.4028235e38; }));
    opened.push(largest);
    expect(largest.toJSON().weights[0][4]).toBe(3.4028234663852886e38);
  });
});
