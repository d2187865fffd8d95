// Every training option against numpy: each case of fixtures/training-options-golden.json
// (written by fixtures/gen_training_options.py from the independent reference
// fixtures/reference_mlp.py, which implements docs/training.md) is trained through the public
// API on both backends; every weight, bias, history number, normalisation constant and
// prediction must match numpy to 1e-10 relative, the epochs run and stop reason exactly, and
// the two backends must agree bit for bit. The `wasm-mlp train` CLI must accept the same
// specs, all keys included, and write the same model on both backends.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MLP } from '../src/index.ts';
import { close, expectClose, expectIdentical } from './helpers/golden.ts';

type Backend = 'wasm' | 'js';

interface Spec {
  layers: number[];
  seed: number;
  inputs: number[][];
  targets: number[][];
  activation?: string | string[];
  alpha?: number;
  loss?: string;
  init?: string;
  learningRate?: number;
  epochs?: number;
  batchSize?: number;
  optimizer?: string;
  momentum?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  weightDecay?: number;
  shuffle?: boolean;
  validationSplit?: number;
  validationData?: { inputs: number[][]; targets: number[][] };
  errorThreshold?: number;
  patience?: number;
  restoreBestWeights?: boolean;
  normalize?: 'none' | 'zscore' | 'minmax';
}

interface Normalization {
  kind: string;
  offset: number[];
  scale: number[];
}

interface HistoryOut {
  loss: number[];
  valLoss: number[];
  accuracy: number[];
  valAccuracy: number[];
  epochs: number;
  stopReason: string;
}

interface Outcome {
  weights: number[][];
  biases: number[][];
  history: HistoryOut;
  normalization: Normalization | null;
  predictions: number[][];
}

interface GoldenCase {
  name: string;
  covers: string;
  spec: Spec;
  numpy: Outcome;
}

const golden = JSON.parse(
  readFileSync(new URL('./fixtures/training-options-golden.json', import.meta.url), 'utf8'),
) as { numpy: string; cases: GoldenCase[] };

const BACKENDS: Backend[] = ['wasm', 'js'];
const CREATE_KEYS = ['layers', 'seed', 'activation', 'alpha', 'loss', 'init'] as const;
const FIT_KEYS = [
  'epochs', 'learningRate', 'batchSize', 'optimizer', 'momentum', 'beta1', 'beta2', 'epsilon', 'weightDecay',
  'shuffle', 'validationSplit', 'validationData', 'errorThreshold', 'patience', 'restoreBestWeights', 'normalize',
] as const;

function pick(spec: Spec, keys: readonly (keyof Spec)[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (spec[k] !== undefined) out[k] = spec[k];
  return out;
}

function activationsOf(spec: Spec): string[] {
  const a = spec.activation ?? 'sigmoid';
  return typeof a === 'string' ? Array(spec.layers.length - 1).fill(a) : a;
}

// Each (case, backend) trains once; the numpy and cross-backend checks share the result.
const runs = new Map<string, Promise<Outcome>>();

function train(c: GoldenCase, backend: Backend): Promise<Outcome> {
  const key = `${c.name}/${backend}`;
  let run = runs.get(key);
  if (!run) {
    run = (async () => {
      const { spec } = c;
      const net = await MLP.create({ ...pick(spec, CREATE_KEYS), backend } as Parameters<typeof MLP.create>[0]);
      try {
        const history = net.fit(spec.inputs, spec.targets, pick(spec, FIT_KEYS));
        const predictions = net.predict(spec.inputs);
        const json = net.toJSON();
        expect(json.format).toBe('wasm-mlp');
        expect(json.version).toBe(2);
        expect(json.layers).toEqual(spec.layers);
        expect(json.activations).toEqual(activationsOf(spec));
        expect(json.loss).toBe(spec.loss ?? 'mse');
        if (spec.alpha !== undefined) expect(json.alpha).toBe(spec.alpha);
        return {
          weights: json.weights,
          biases: json.biases,
          history: {
            loss: history.loss,
            valLoss: history.valLoss,
            accuracy: history.accuracy,
            valAccuracy: history.valAccuracy,
            epochs: history.epochs,
            stopReason: history.stopReason,
          },
          normalization: json.normalization as Normalization | null,
          predictions,
        };
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
  function* rows(path: string, a: unknown, b: number[][]): Generator<[string, unknown, number]> {
    expect(a, path).toHaveLength(b.length);
    const rowsA = a as unknown[][];
    for (let i = 0; i < b.length; i++) yield* list(`${path}[${i}]`, rowsA[i], b[i]!);
  }
  function* list(path: string, a: unknown, b: number[]): Generator<[string, unknown, number]> {
    expect(a, path).toHaveLength(b.length);
    const items = a as unknown[];
    for (let j = 0; j < b.length; j++) yield [`${path}[${j}]`, items[j], b[j]!];
  }
  // First, so that a run that stopped at the wrong epoch says so rather than "weights differ".
  expect(actual.history.stopReason, 'history.stopReason').toBe(expected.history.stopReason);
  expect(actual.history.epochs, 'history.epochs').toBe(expected.history.epochs);
  yield* rows('weights', actual.weights, expected.weights);
  yield* rows('biases', actual.biases, expected.biases);
  yield* rows('predictions', actual.predictions, expected.predictions);
  for (const k of ['loss', 'valLoss', 'accuracy', 'valAccuracy'] as const) {
    yield* list(`history.${k}`, actual.history[k], expected.history[k]);
  }
  if (expected.normalization === null) {
    expect(actual.normalization ?? null, 'normalization').toBeNull();
  } else {
    expect(actual.normalization, 'normalization').not.toBeNull();
    expect(actual.normalization!.kind, 'normalization.kind').toBe(expected.normalization.kind);
    yield* list('normalization.offset', actual.normalization!.offset, expected.normalization.offset);
    yield* list('normalization.scale', actual.normalization!.scale, expected.normalization.scale);
  }
}


describe('training-options-golden.json', () => {
  it('exercises every option and every way of stopping', () => {
    expect(golden.cases.length).toBeGreaterThanOrEqual(30);
    const used = (f: (s: Spec) => unknown) => new Set(golden.cases.map((c) => f(c.spec)));
    expect(new Set(golden.cases.flatMap((c) => activationsOf(c.spec)))).toEqual(
      new Set(['sigmoid', 'tanh', 'relu', 'leaky-relu', 'linear', 'softmax']),
    );
    expect(used((s) => s.loss ?? 'mse')).toEqual(new Set(['mse', 'cross-entropy', 'binary-cross-entropy']));
    expect(used((s) => s.init ?? 'uniform')).toEqual(new Set(['uniform', 'xavier', 'he']));
    expect(used((s) => s.optimizer ?? 'sgd')).toEqual(new Set(['sgd', 'momentum', 'adam']));
    expect(used((s) => s.normalize ?? 'none')).toEqual(new Set(['none', 'zscore', 'minmax']));
    expect(used((s) => s.shuffle ?? false)).toEqual(new Set([false, true]));
    expect(used((s) => s.batchSize ?? 1)).toContain(3);
    expect(used((s) => s.batchSize ?? 1)).toContain(7);
    for (const k of ['validationSplit', 'validationData', 'errorThreshold', 'patience', 'restoreBestWeights', 'weightDecay', 'alpha', 'momentum', 'beta1', 'beta2', 'epsilon'] as const) {
      expect(golden.cases.some((c) => c.spec[k] !== undefined), k).toBe(true);
    }
    expect(new Set(golden.cases.map((c) => c.numpy.history.stopReason))).toEqual(
      new Set(['completed', 'errorThreshold', 'earlyStopping']),
    );
    // Early stopping shown both ways: with and without putting the best epoch back.
    const early = golden.cases.filter((c) => c.numpy.history.stopReason === 'earlyStopping');
    expect(new Set(early.map((c) => c.spec.restoreBestWeights ?? false))).toEqual(new Set([false, true]));
  });
});

for (const c of golden.cases) {
  describe(`${c.name}: ${c.covers}`, () => {
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

// ------------------------------------------------------------------------------------------
// The CLI: `wasm-mlp train SPEC.json --out MODEL.json`, with every spec key of a case.

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'build', 'node', 'cli.js');
// Between them: adam and momentum, weight decay, shuffle, a partial last batch,
// validationSplit and validationData, early stopping with restore, zscore and minmax.
const CLI_CASES = ['softmax-ce-5-classes-momentum-shuffle', 'adam-weight-decay', 'patience-restore-classes', 'zscore-validation-split', 'minmax-validation-data'];

describe('wasm-mlp train with every option', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wasm-mlp-options-'));
    // `npm test` rebuilds first (pretest); build here only when run on a clean checkout.
    if (existsSync(CLI)) return;
    let log = '';
    for (let attempt = 0; attempt < 3; attempt++) {
      // Another build running at the same time may remove build/ under ours: retry.
      const r = spawnSync('npm', ['run', 'build', '--loglevel=notice'], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
      if (r.status === 0 && existsSync(CLI)) return;
      log += `${r.stdout}\n${r.stderr}\n`;
    }
    throw new Error(`npm run build failed three times:\n${log}`);
  }, 900_000);
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  for (const name of CLI_CASES) {
    it(`${name}: same model bytes on both backends, weights as numpy's`, () => {
      const c = golden.cases.find((g) => g.name === name);
      expect(c, name).toBeDefined();
      const spec = join(dir, `${name}.spec.json`);
      writeFileSync(spec, JSON.stringify(c!.spec));
      const bytes: Record<Backend, Buffer> = {} as Record<Backend, Buffer>;
      for (const backend of BACKENDS) {
        const out = join(dir, `${name}.${backend}.json`);
        const r = spawnSync(process.execPath, [CLI, 'train', spec, '--out', out, '--backend', backend], { cwd: dir, timeout: 60_000 });
        expect(r.error, `spawn failed: ${r.error}`).toBeUndefined();
        expect(r.stderr.toString('utf8'), `${backend} stderr`).toBe('');
        expect(r.status, `${backend} exit status`).toBe(0);
        bytes[backend] = readFileSync(out);
      }
      expect(bytes.js.equals(bytes.wasm), 'the js model file differs from the wasm one').toBe(true);

      const model = JSON.parse(bytes.wasm.toString('utf8')) as { weights: number[][]; biases: number[][]; normalization: Normalization | null };
      const expected = c!.numpy;
      for (const group of ['weights', 'biases'] as const) {
        expect(model[group], group).toHaveLength(expected[group].length);
        expected[group].forEach((row, l) => {
          expect(model[group][l], `${group}[${l}]`).toHaveLength(row.length);
          row.forEach((b, j) => {
            const a = model[group][l]![j];
            if (!close(a, b)) expect.fail(`${group}[${l}][${j}]: the CLI wrote ${String(a)}, numpy gives ${b}`);
          });
        });
      }
      if (expected.normalization === null) {
        expect(model.normalization ?? null).toBeNull();
      } else {
        expect(model.normalization?.kind).toBe(expected.normalization.kind);
        for (const k of ['offset', 'scale'] as const) {
          expected.normalization[k].forEach((b, j) => {
            if (!close(model.normalization![k][j], b)) expect.fail(`normalization.${k}[${j}]: ${model.normalization![k][j]} vs ${b}`);
          });
        }
      }
    });
  }
});
