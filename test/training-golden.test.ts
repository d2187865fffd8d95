// Training against numpy: every fixture in fixtures/training-golden.json (written by
// fixtures/gen_training.py from the independent reference fixtures/reference_mlp.py) must
// be reproduced to 1e-10 relative by both backends, and the backends must agree bit for bit.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MLP } from '../src/index.ts';
import { expectClose, expectIdentical } from './helpers/golden.ts';

type Backend = 'wasm' | 'js';

interface Spec {
  layers: number[];
  seed: number;
  learningRate: number;
  epochs: number;
  inputs: number[][];
  targets: number[][];
}

interface Outcome {
  weights: number[][];
  biases: number[][];
  loss: number[];
  predictions: number[][];
}

interface GoldenCase {
  name: string;
  spec: Spec;
  numpy: Outcome;
}

const golden = JSON.parse(
  readFileSync(new URL('./fixtures/training-golden.json', import.meta.url), 'utf8'),
) as { numpy: string; cases: GoldenCase[] };

const BACKENDS: Backend[] = ['wasm', 'js'];

// Each (case, backend) trains once; the numpy and cross-backend checks share the result.
const runs = new Map<string, Promise<Outcome>>();

function train(c: GoldenCase, backend: Backend): Promise<Outcome> {
  const key = `${c.name}/${backend}`;
  let run = runs.get(key);
  if (!run) {
    run = (async () => {
      const { spec } = c;
      const net = await MLP.create({ layers: spec.layers, seed: spec.seed, backend });
      try {
        const { loss } = net.fit(spec.inputs, spec.targets, {
          epochs: spec.epochs,
          learningRate: spec.learningRate,
        });
        const predictions = net.predict(spec.inputs);
        const json = net.toJSON();
        expect(json.format).toBe('wasm-mlp');
        expect(json.version).toBe(2);
        expect(json.activations).toEqual(new Array(spec.layers.length - 1).fill('sigmoid'));
        expect(json.loss).toBe('mse');
        expect(json.layers).toEqual(spec.layers);
        return { weights: json.weights, biases: json.biases, loss, predictions };
      } finally {
        net.dispose();
      }
    })();
    runs.set(key, run);
  }
  return run;
}

/** Walks both outcomes in the same order, naming each number by its path. */
function* pairs(actual: Outcome, expected: Outcome): Generator<[string, unknown, number]> {
  for (const group of ['weights', 'biases', 'predictions'] as const) {
    expect(actual[group], group).toHaveLength(expected[group].length);
    for (let i = 0; i < expected[group].length; i++) {
      expect(actual[group][i], `${group}[${i}]`).toHaveLength(expected[group][i]!.length);
      for (let j = 0; j < expected[group][i]!.length; j++) {
        yield [`${group}[${i}][${j}]`, actual[group][i]![j], expected[group][i]![j]!];
      }
    }
  }
  expect(actual.loss, 'loss').toHaveLength(expected.loss.length);
  for (let e = 0; e < expected.loss.length; e++) yield [`loss[${e}]`, actual.loss[e], expected.loss[e]!];
}

describe('training-golden.json', () => {
  it('spans the intended range of networks', () => {
    const depths = new Set(golden.cases.map((c) => c.spec.layers.length - 1));
    expect([...depths].sort()).toEqual([1, 2, 3, 4, 5]);
    const notebook = golden.cases.find((c) => c.name === 'notebook')!;
    expect(notebook.spec).toMatchObject({ layers: [2, 2, 1], seed: 42, learningRate: 0.1, epochs: 10001 });
    // The notebook's printed "Epoch 1" loss, i.e. after its demonstration step.
    expect(notebook.numpy.loss[1]).toBe(0.050200055006009915);
    expect(notebook.numpy.loss[9001]).toBe(0.00024270155003633162);
  });
});

for (const c of golden.cases) {
  const { spec } = c;
  const shape = `layers [${spec.layers.join(', ')}], ${spec.inputs.length} samples, ${spec.epochs} epochs, lr ${spec.learningRate}, seed ${spec.seed}`;

  describe(`${c.name}: ${shape}`, () => {
    for (const backend of BACKENDS) {
      it(`${backend} matches numpy to 1e-10 relative`, async () => {
        expectClose(pairs(await train(c, backend), c.numpy));
      });
    }

    it('wasm and js are bitwise identical', async () => {
      const [wasm, js] = await Promise.all([train(c, 'wasm'), train(c, 'js')]);
      expectIdentical(pairs(js, wasm));
    });
  });
}
