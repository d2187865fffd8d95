// The public MLP API with real values: the notebook's seed-42 initial parameters (numpy's
// first rand draws) and the toJSON shape; seeds 0 and 4294967295 and omitted seeds; the
// three accepted data shapes giving identical bits; predict's shape and its sigmoid forward
// pass; fit's loss (one per epoch, defined before each update, default options) and a fit
// longer than the kernel's per-call chunk equalling the same training split in two calls;
// net.layers and net.backend; dispose() making every later use throw MLPError('DISPOSED').
import { describe, expect, it } from 'vitest';
import { MLP, MLPError, type BackendName, type ModelJSON } from '../src/index.ts';

const BACKENDS: BackendName[] = ['wasm', 'js'];

// np.random.seed(s); np.random.rand(9) -- for layers [2, 2, 1] that is W1 (2x2, row-major),
// b1 (2), W2 (1x2), b2 (1), drawn in that order.
const NUMPY_RAND: Record<number, number[]> = {
  42: [
    0.3745401188473625, 0.9507143064099162, 0.7319939418114051, 0.5986584841970366,
    0.15601864044243652, 0.15599452033620265, 0.05808361216819946, 0.8661761457749352,
    0.6011150117432088,
  ],
  0: [
    0.5488135039273248, 0.7151893663724195, 0.6027633760716439, 0.5448831829968969,
    0.4236547993389047, 0.6458941130666561, 0.4375872112626925, 0.8917730007820798,
    0.9636627605010293,
  ],
  4294967295: [
    0.0976320289940138, 0.9123828453026218, 0.78903530185164, 0.7800035981134678,
    0.01793967398674523, 0.9695059322147525, 0.5931753493510109, 0.14611715599393837,
    0.9093750727977705,
  ],
};

/** The [2, 2, 1] model numpy's draws for `seed` make. */
function numpyModel(seed: number): ModelJSON {
  const r = NUMPY_RAND[seed];
  return {
    format: 'wasm-mlp',
    version: 2,
    layers: [2, 2, 1],
    activations: ['sigmoid', 'sigmoid'],
    alpha: 0.01,
    loss: 'mse',
    normalization: null,
    classes: null,
    features: null,
    target: null,
    weights: [r.slice(0, 4), r.slice(6, 8)],
    biases: [r.slice(4, 6), r.slice(8, 9)],
  };
}

const XOR_X = [[0, 0], [0, 1], [1, 0], [1, 1]];
const XOR_Y = [[0], [1], [1], [0]];

/** Fails naming the first index whose bits differ, rather than printing two long arrays. */
function expectSameBits(actual: ArrayLike<number>, expected: ArrayLike<number>, what = 'value'): void {
  expect(actual.length, `${what} length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) expect.fail(`${what}[${i}]: got ${actual[i]}, expected ${expected[i]}`);
  }
}

function expectSameRows(actual: readonly ArrayLike<number>[], expected: readonly ArrayLike<number>[], what = 'rows'): void {
  expect(actual.length, `${what} row count`).toBe(expected.length);
  expected.forEach((row, r) => expectSameBits(actual[r], row, `${what}[${r}]`));
}

function expectSameModel(actual: ModelJSON, expected: ModelJSON, what = 'model'): void {
  expect(actual.layers).toEqual(expected.layers);
  expectSameRows(actual.weights, expected.weights, `${what}.weights`);
  expectSameRows(actual.biases, expected.biases, `${what}.biases`);
}

/** Runs `use` on a fresh net and always disposes it. */
async function withNet<T>(options: Parameters<typeof MLP.create>[0], use: (net: MLP) => T | Promise<T>): Promise<T> {
  const net = await MLP.create(options);
  try {
    return await use(net);
  } finally {
    net.dispose();
  }
}

/** The error `call` throws (failing the test if it returns). */
function thrown(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  return expect.fail('expected a throw');
}

describe('initial parameters', () => {
  for (const backend of BACKENDS) {
    it(`are the notebook's: numpy's first rand draws for seed 42, untouched by epochs: 0 (${backend})`, async () => {
      await withNet({ layers: [2, 2, 1], seed: 42, backend }, (net) => {
        expect(net.seed).toBe(42);
        expect(net.fit([[0, 1]], [[1]], { epochs: 0 })).toStrictEqual({
          loss: [], valLoss: [], accuracy: [], valAccuracy: [], epochs: 0, stopReason: 'completed',
        });
        const json = net.toJSON();
        // The exact shape, key for key, and every parameter bit for bit.
        expect(json).toStrictEqual({
          format: 'wasm-mlp',
          version: 2,
          layers: [2, 2, 1],
          activations: ['sigmoid', 'sigmoid'],
          alpha: 0.01,
          loss: 'mse',
          normalization: null,
          classes: null,
          features: null,
          target: null,
          weights: [
            [0.3745401188473625, 0.9507143064099162, 0.7319939418114051, 0.5986584841970366],
            [0.05808361216819946, 0.8661761457749352],
          ],
          biases: [[0.15601864044243652, 0.15599452033620265], [0.6011150117432088]],
        });
        expect(Object.keys(json)).toEqual(['format', 'version', 'layers', 'activations', 'alpha', 'loss', 'normalization', 'classes', 'features', 'target', 'weights', 'biases']);
        expectSameModel(json, numpyModel(42));
        // Plain arrays, so JSON.stringify writes lists, and exact through JSON text.
        expect(json.weights.every(Array.isArray) && json.biases.every(Array.isArray)).toBe(true);
        expectSameModel(JSON.parse(JSON.stringify(json)) as ModelJSON, json, 'round-tripped');
      });
    });

    for (const seed of [0, 4294967295]) {
      it(`for seed ${seed} are numpy's draws for that seed, and the net trains (${backend})`, async () => {
        await withNet({ layers: [2, 2, 1], seed, backend }, (net) => {
          expect(net.seed).toBe(seed);
          expectSameModel(net.toJSON(), numpyModel(seed));
          const { loss } = net.fit(XOR_X, XOR_Y, { epochs: 5, learningRate: 0.5 });
          expect(loss).toHaveLength(5);
          for (const l of loss) expect(l > 0 && l < 1).toBe(true);
          expect(net.toJSON().weights[0]).not.toEqual(numpyModel(seed).weights[0]);
        });
      });
    }
  }

  it('omitting the seed draws one at random, and net.seed reproduces the net', async () => {
    const a = await MLP.create({ layers: [3, 4, 2] });
    const b = await MLP.create({ layers: [3, 4, 2] });
    try {
      for (const net of [a, b]) {
        expect(Number.isInteger(net.seed)).toBe(true);
        expect(net.seed).toBeGreaterThanOrEqual(0);
        expect(net.seed).toBeLessThanOrEqual(4294967295);
      }
      // Two random 32-bit seeds collide with probability 2^-32.
      expect(a.seed).not.toBe(b.seed);
      for (const net of [a, b]) {
        for (const backend of BACKENDS) {
          await withNet({ layers: [3, 4, 2], seed: net.seed, backend }, (again) => {
            expect(again.seed).toBe(net.seed);
            expectSameModel(again.toJSON(), net.toJSON(), `seed ${net.seed} on ${backend}`);
          });
        }
      }
    } finally {
      a.dispose();
      b.dispose();
    }
  });

  it('a net loaded from JSON has no seed', async () => {
    await withNet({ layers: [2, 2, 1], seed: 42 }, async (net) => {
      const loaded = await MLP.fromJSON(net.toJSON());
      try {
        expect(loaded.seed).toBeUndefined();
        expectSameModel(loaded.toJSON(), net.toJSON());
      } finally {
        loaded.dispose();
      }
    });
  });
});

describe('data shapes', () => {
  // 5 samples, 3 inputs, 2 outputs.
  const rows = [
    [0.5, -1.25, 2],
    [0, 0, 0],
    [-3, 1.5, 0.1],
    [2.75, -0.3, -2.2],
    [1, 1, -1],
  ];
  const targets = [[0, 1], [1, 1], [0.25, 0.75], [1, 0], [0.5, 0.5]];
  const flat = (m: number[][]) => Float64Array.from(m.flat());
  const shapes = {
    'number[][]': (m: number[][]) => m,
    'row-major Float64Array': (m: number[][]) => flat(m),
    '{ data: Float64Array, rows }': (m: number[][]) => ({ data: flat(m), rows: m.length }),
    '{ data: number[], rows }': (m: number[][]) => ({ data: m.flat(), rows: m.length }),
  };

  for (const backend of BACKENDS) {
    it(`number[][], Float64Array and { data, rows } give identical fits and predictions (${backend})`, async () => {
      const results: { name: string; loss: number[]; model: ModelJSON; predictions: number[][] }[] = [];
      for (const [name, shape] of Object.entries(shapes)) {
        const x = shape(rows);
        const y = shape(targets);
        const xCopy = structuredClone(x);
        await withNet({ layers: [3, 4, 2], seed: 7, backend }, (net) => {
          const { loss } = net.fit(x, y, { epochs: 20, learningRate: 0.7 });
          results.push({ name, loss, model: net.toJSON(), predictions: net.predict(shape(rows)) });
        });
        expect(x, `${name} inputs are left as they were`).toStrictEqual(xCopy);
      }
      const [first, ...rest] = results;
      expect(first.loss).toHaveLength(20);
      for (const r of rest) {
        expectSameBits(r.loss, first.loss, `${r.name} loss`);
        expectSameModel(r.model, first.model, r.name);
        expectSameRows(r.predictions, first.predictions, `${r.name} predictions`);
      }
    });
  }
});

describe('predict', () => {
  it('returns number[][] with one row of outputSize numbers per input row', async () => {
    await withNet({ layers: [3, 5, 4], seed: 1 }, (net) => {
      const out = net.predict([[1, 2, 3], [0, 0, 0], [-1, 0.5, 2]]);
      expect(Array.isArray(out)).toBe(true);
      expect(out).toHaveLength(3);
      for (const row of out) {
        expect(Array.isArray(row)).toBe(true);
        expect(row).toHaveLength(4);
        for (const v of row) expect(v > 0 && v < 1).toBe(true);
      }
      expect(net.predict(Float64Array.of(1, 2, 3))).toHaveLength(1);
      // Predicting changes nothing: same answer twice, parameters untouched.
      const before = net.toJSON();
      expectSameRows(net.predict([[1, 2, 3]]), [out[0]]);
      expectSameModel(net.toJSON(), before);
    });
  });

  it('is the sigmoid forward pass sigmoid(W2 . sigmoid(W1 . x + b1) + b2)', async () => {
    const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
    const [w11, w12, w21, w22, b11, b12, v1, v2, c] = NUMPY_RAND[42];
    for (const backend of BACKENDS) {
      await withNet({ layers: [2, 2, 1], seed: 42, backend }, (net) => {
        for (const [x1, x2] of [[0, 1], [1, 0], [-2.5, 0.75], [3, 3]]) {
          const h1 = sigmoid(w11 * x1 + w12 * x2 + b11);
          const h2 = sigmoid(w21 * x1 + w22 * x2 + b12);
          const expected = sigmoid(v1 * h1 + v2 * h2 + c);
          // Our exp may differ from Math.exp in the last bit, nothing more.
          const [[got]] = net.predict([[x1, x2]]);
          expect(Math.abs(got - expected)).toBeLessThanOrEqual(4 * Number.EPSILON * expected);
        }
      });
    }
  });
});

describe('fit', () => {
  it('returns one loss per epoch; epochs defaults to 1 and learningRate to 0.1', async () => {
    for (const epochs of [1, 2, 7, 33]) {
      await withNet({ layers: [2, 3, 1], seed: 5 }, (net) => {
        expect(net.fit(XOR_X, XOR_Y, { epochs }).loss).toHaveLength(epochs);
      });
    }
    const explicit = await withNet({ layers: [2, 3, 1], seed: 5 }, (net) => ({
      loss: net.fit(XOR_X, XOR_Y, { epochs: 1, learningRate: 0.1 }).loss,
      model: net.toJSON(),
    }));
    for (const options of [undefined, {}]) {
      await withNet({ layers: [2, 3, 1], seed: 5 }, (net) => {
        const { loss } = net.fit(XOR_X, XOR_Y, options);
        expectSameBits(loss, explicit.loss, 'default-options loss');
        expectSameModel(net.toJSON(), explicit.model, 'default options');
      });
    }
    // A different rate gives a different net: the default is really used.
    await withNet({ layers: [2, 3, 1], seed: 5 }, (net) => {
      net.fit(XOR_X, XOR_Y, { learningRate: 0.2 });
      expect(net.toJSON().weights).not.toEqual(explicit.model.weights);
    });
  });

  it('loss is mean((y - output)^2) taken before the update', async () => {
    for (const backend of BACKENDS) {
      await withNet({ layers: [3, 4, 2], seed: 11, backend }, (net) => {
        const x = [[0.2, -1, 2.5]];
        const y = [[0.9, 0.1]];
        const [output] = net.predict(x);
        let squares = 0;
        for (let k = 0; k < 2; k++) squares += (y[0][k] - output[k]) ** 2;
        const { loss } = net.fit(x, y, { epochs: 2, learningRate: 0.5 });
        expect(loss[0]).toBe(squares / 2);
        // The first update helped on this one sample.
        expect(loss[1]).toBeLessThan(loss[0]);
        expect(loss[0]).toBeGreaterThan(0.1);
      });
    }
  });

  it('one epoch over n samples is n one-sample fits in order, its loss their mean', async () => {
    for (const backend of BACKENDS) {
      const whole = await withNet({ layers: [2, 3, 1], seed: 3, backend }, (net) => ({
        loss: net.fit(XOR_X, XOR_Y, { learningRate: 1.5 }).loss,
        model: net.toJSON(),
      }));
      await withNet({ layers: [2, 3, 1], seed: 3, backend }, (net) => {
        let sum = 0;
        XOR_X.forEach((x, s) => {
          sum += net.fit([x], [XOR_Y[s]], { learningRate: 1.5 }).loss[0];
        });
        expect(whole.loss).toEqual([sum / XOR_X.length]);
        expectSameModel(net.toJSON(), whole.model, 'sample by sample');
      });
    }
  });

  it('70,000 epochs (more than one kernel call) equal the same training split over two fits', async () => {
    // EPOCHS_PER_CALL in src/api/mlp.ts is 65,536: the one fit crosses a chunk boundary, the
    // split fits cross none at the same place.
    const total = 70_000;
    const x = [[0.8]];
    const y = [[0.3]];
    const results: { loss: number[]; model: ModelJSON }[] = [];
    for (const backend of BACKENDS) {
      const one = await withNet({ layers: [1, 1, 1], seed: 2024, backend }, (net) => ({
        loss: net.fit(x, y, { epochs: total, learningRate: 0.001 }).loss,
        model: net.toJSON(),
      }));
      expect(one.loss).toHaveLength(total);
      for (const first of [12_345, 65_536]) {
        await withNet({ layers: [1, 1, 1], seed: 2024, backend }, (net) => {
          const a = net.fit(x, y, { epochs: first, learningRate: 0.001 }).loss;
          const b = net.fit(x, y, { epochs: total - first, learningRate: 0.001 }).loss;
          expect(a).toHaveLength(first);
          expect(b).toHaveLength(total - first);
          expectSameBits([...a, ...b], one.loss, `${backend} split at ${first}: loss`);
          expectSameModel(net.toJSON(), one.model, `${backend} split at ${first}`);
        });
      }
      // At this small rate it is still learning across the boundary: every epoch after the
      // 65,536th really ran.
      expect(one.loss[65_536]).toBeLessThan(one.loss[65_535]);
      expect(one.loss[total - 1]).toBeLessThan(one.loss[65_536] * 0.6);
      results.push(one);
    }
    expectSameBits(results[1].loss, results[0].loss, 'js vs wasm loss');
    expectSameModel(results[1].model, results[0].model, 'js vs wasm');
  });
});

describe('net properties', () => {
  it('net.layers gives the sizes, as a copy', async () => {
    await withNet({ layers: [3, 5, 4, 2], seed: 1 }, (net) => {
      const layers = net.layers;
      expect(layers).toEqual([3, 5, 4, 2]);
      layers[0] = 99;
      expect(net.layers).toEqual([3, 5, 4, 2]);
      expect(net.toJSON().layers).toEqual([3, 5, 4, 2]);
    });
  });

  it("the default backend is 'wasm', for create and fromJSON; { backend: 'js' } is honoured", async () => {
    await withNet({ layers: [2, 1], seed: 1 }, async (net) => {
      expect(net.backend).toBe('wasm');
      const loaded = await MLP.fromJSON(net.toJSON());
      const js = await MLP.fromJSON(JSON.stringify(net.toJSON()), { backend: 'js' });
      try {
        expect(loaded.backend).toBe('wasm');
        expect(js.backend).toBe('js');
        expect(js.layers).toEqual([2, 1]);
      } finally {
        loaded.dispose();
        js.dispose();
      }
    });
    await withNet({ layers: [2, 1], seed: 1, backend: 'js' }, (net) => expect(net.backend).toBe('js'));
  });

  it('nets are independent: training one leaves another with the same seed untouched', async () => {
    const a = await MLP.create({ layers: [2, 3, 1], seed: 9 });
    const b = await MLP.create({ layers: [2, 3, 1], seed: 9 });
    try {
      const before = b.toJSON();
      const predicted = b.predict(XOR_X);
      a.fit(XOR_X, XOR_Y, { epochs: 10, learningRate: 1 });
      a.predict([[5, -5]]);
      expectSameModel(b.toJSON(), before);
      expectSameRows(b.predict(XOR_X), predicted);
    } finally {
      a.dispose();
      b.dispose();
    }
  });
});

describe('dispose', () => {
  for (const backend of BACKENDS) {
    it(`makes every later use throw MLPError DISPOSED (${backend})`, async () => {
      const net = await MLP.create({ layers: [2, 2, 1], seed: 42, backend });
      net.fit(XOR_X, XOR_Y);
      net.dispose();
      const uses: [string, () => unknown][] = [
        ['fit', () => net.fit(XOR_X, XOR_Y)],
        ['predict', () => net.predict(XOR_X)],
        ['toJSON', () => net.toJSON()],
        ['layers', () => net.layers],
        ['backend', () => net.backend],
        ['toJSON', () => JSON.stringify(net)],
      ];
      for (const [method, use] of uses) {
        const error = thrown(use);
        expect(error, method).toBeInstanceOf(MLPError);
        expect((error as MLPError).code, method).toBe('DISPOSED');
        expect((error as MLPError).name).toBe('MLPError');
        expect((error as MLPError).message, method).toContain(`net.${method}`);
      }
      // Disposing again is harmless, and other nets carry on.
      expect(() => net.dispose()).not.toThrow();
      await withNet({ layers: [2, 2, 1], seed: 42, backend }, (other) => {
        expectSameModel(other.toJSON(), numpyModel(42));
      });
    });
  }
});
