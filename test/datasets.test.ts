// Datasets as a user hands them to fit and evaluate: a resumed model keeps its normalisation
// when the dataset asks for none; a class column that loadCSV read as numbers trains a
// multi-output net as classes (digits.csv's `digit`), and plain 1-wide targets say how to fix
// them; the CLI writes a model to standard output with `--out -`.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadCSV, MLP, MLPError, trainTestSplit } from '../src/index.ts';
import { parseModel } from '../src/io/model-json.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const IRIS = join(ROOT, 'examples', 'data', 'iris.csv');
const DIGITS = join(ROOT, 'examples', 'data', 'digits.csv');

describe.each(['wasm', 'js'] as const)('%s', (backend) => {
  it('a model resumed on a dataset that asks for no normalisation keeps its own', async () => {
    const net = await MLP.create({ layers: [4, 8, 3], activation: ['tanh', 'softmax'], loss: 'cross-entropy', seed: 3, backend });
    const first = net.fit(loadCSV(IRIS, { target: 'species', normalize: 'zscore' }), { epochs: 60, optimizer: 'adam', learningRate: 0.02, batchSize: 8 });
    const saved = net.toJSON({ includeOptimizer: true });
    const resumed = await MLP.fromJSON(saved, { backend });
    const again = resumed.fit(loadCSV(IRIS, { target: 'species' }), { epochs: 1, optimizer: 'adam', learningRate: 0.02, batchSize: 8 });
    expect(resumed.toJSON().normalization).toEqual(saved.normalization);
    // It carries on where it was, not from raw inputs: the loss continues from the last epoch's.
    expect(again.loss[0]).toBeLessThan(first.loss[0] / 4);
    expect(again.loss[0]).toBeLessThan(1.5 * first.loss.at(-1)!);
  });

  it('a class column read as numbers trains a multi-output net as its classes', async () => {
    const data = loadCSV(DIGITS, { target: 'digit' });
    expect(data.targets[0]).toHaveLength(1);
    const { train, test } = trainTestSplit(data, { testFraction: 0.2, seed: 1 });
    const net = await MLP.create({ layers: [64, 32, 10], activation: ['relu', 'softmax'], loss: 'cross-entropy', init: 'he', seed: 1, backend });
    net.fit(train, { epochs: 10, optimizer: 'adam', learningRate: 0.01, batchSize: 32, normalize: 'zscore' });
    expect(net.classes).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    const { accuracy } = net.evaluate(test);
    expect(accuracy).toBeGreaterThan(0.9);
    const predicted = net.predictClass(test.inputs.slice(0, 20));
    const truth = test.targets.slice(0, 20).map((row) => String(row[0]));
    expect(predicted.filter((p, i) => p === truth[i]).length).toBeGreaterThanOrEqual(17);
    // The same as one-hot targets, bit for bit.
    const hot = await MLP.create({ layers: [64, 32, 10], activation: ['relu', 'softmax'], loss: 'cross-entropy', init: 'he', seed: 1, backend });
    hot.fit(train.inputs, train.targets.map(([d]) => Array.from({ length: 10 }, (_, k) => (k === d ? 1 : 0))), { epochs: 10, optimizer: 'adam', learningRate: 0.01, batchSize: 32, normalize: 'zscore' });
    expect(hot.toJSON().weights).toEqual(net.toJSON().weights);
  });

  it('rows of one number for a multi-output net name the fix', async () => {
    const net = await MLP.create({ layers: [2, 3], activation: 'softmax', loss: 'cross-entropy', seed: 1, backend });
    let error: unknown;
    try {
      net.fit([[0, 1], [1, 0]], [[2], [0]]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MLPError);
    expect((error as MLPError).message).toBe(
      "targets[0] must be a row of 3 numbers (the network's output size); got [2]; a class column? one-hot it, or read it with loadCSV(path, { targetType: 'categorical' })",
    );
  });
});

describe('wasm-mlp train --out -', () => {
  it('writes the model to standard output and the summary to standard error', () => {
    const cli = join(ROOT, 'build', 'node', 'cli.js');
    const r = spawnSync(process.execPath, [cli, 'train', '--data', IRIS, '--target', 'species', '--layers', '4,6,3', '--epochs', '5', '--out', '-'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const model = parseModel(r.stdout);
    expect(model.layers).toEqual([4, 6, 3]);
    expect(model.classes).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(r.stderr.split('\n')[0]).toMatch(/^trained 4-6-3 on 150 rows of .*iris\.csv for 5 epochs .*; wrote the model to standard output$/);
  });
});
