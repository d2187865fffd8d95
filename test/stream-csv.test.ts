// csvSource: a CSV streamed with csv-parse's streaming API trains the model that loadCSV's
// rows train in memory, bit for bit; its errors are loadCSV's; a file several times larger
// than the fit's memory budget streams with the process's resident memory bounded.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { csvSource, loadCSV, MLP, MLPError, type FitOptions } from '../src/index.ts';
import { CLASSES, rowsInMemory, writeCsv } from './helpers/stream-csv.ts';

const dir = mkdtempSync(join(tmpdir(), 'wasm-mlp-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FEATURES = 40;
const netOptions = { layers: [FEATURES, 12, 3], activation: ['relu', 'softmax'] as const, loss: 'cross-entropy' as const, seed: 3 };
const fitOptions: FitOptions = { epochs: 2, batchSize: 16, learningRate: 0.05, optimizer: 'momentum', normalize: 'zscore' };

describe('csvSource', () => {
  it('streams the rows loadCSV reads: the same model text, whatever the block size', async () => {
    const path = join(dir, 'small.csv');
    await writeCsv(path, 1500, FEATURES);
    const reference = await MLP.create({ ...netOptions, activation: [...netOptions.activation] });
    const history = await reference.fitAsync(loadCSV(path), fitOptions);
    const expected = JSON.stringify({ model: reference.toJSON({ includeOptimizer: true }), history });
    for (const blockRows of [1, 7, 1500, undefined]) {
      const source = await csvSource(path, { blockRows });
      expect([source.classes, source.features.length, source.target, source.targetWidth]).toEqual([CLASSES, FEATURES, 'label', 3]);
      const net = await MLP.create({ ...netOptions, activation: [...netOptions.activation] });
      const h = await net.fitAsync(source, fitOptions);
      expect(JSON.stringify({ model: net.toJSON({ includeOptimizer: true }), history: h }), `blocks of ${blockRows}`).toBe(expected);
      expect(net.classes).toEqual(CLASSES);
    }
  });

  it('takes the column rules of loadCSV: features, target, numeric and binary targets, given classes', async () => {
    const path = join(dir, 'rules.csv');
    writeFileSync(path, 'x,y,kind,z\n1,2,dog,0.5\n3,4,cat,1.5\n5,6,dog,2.5\n');
    const read = async (options: Parameters<typeof csvSource>[1]) => {
      const source = await csvSource(path, options);
      const blocks = [];
      for await (const block of source.batches()) blocks.push([...(block.inputs as Float64Array)], [...(block.targets as Float64Array)]);
      return { classes: source.classes, features: source.features, blocks };
    };
    expect(await read({ target: 'kind', blockRows: 2 })).toEqual({ classes: ['cat', 'dog'], features: ['x', 'y', 'z'], blocks: [[1, 2, 0.5, 3, 4, 1.5], [0, 1, 1, 0], [5, 6, 2.5], [0, 1]] });
    expect(await read({ target: 'kind', binary: true })).toEqual({ classes: ['cat', 'dog'], features: ['x', 'y', 'z'], blocks: [[1, 2, 0.5, 3, 4, 1.5, 5, 6, 2.5], [1, 0, 1]] });
    expect(await read({ target: 'kind', classes: ['dog', 'cat', 'cow'], targetType: 'categorical', features: ['z', 'x'] })).toEqual({
      classes: ['dog', 'cat', 'cow'], features: ['z', 'x'], blocks: [[0.5, 1, 1.5, 3, 2.5, 5], [1, 0, 0, 0, 1, 0, 1, 0, 0]],
    });
    expect(await read({ features: ['x', 'y'] })).toEqual({ classes: undefined, features: ['x', 'y'], blocks: [[1, 2, 3, 4, 5, 6], [0.5, 1.5, 2.5]] });
  });

  it("fails as loadCSV fails, naming the file, line and column (while training: the fit is rolled back)", async () => {
    const cases: [string, string, Parameters<typeof csvSource>[1]][] = [
      ['a,b,t\n1,2,x\n3,oops,y\n', '', { target: 't' }],
      ['a,b,t\n1,2,x\n3,4\n', '', {}],
      ['a,b,t\n1,2,x\n3,,y\n', '', {}],
      ['a,b,t\n1,2,x\n3,4,z\n', '', { classes: ['x', 'y'], targetType: 'categorical' }],
      ['a,b,t\n', '', {}],
      ['a,a,t\n1,2,x\n', '', {}],
      ['a,b,t\n1,2,x\n', '', { features: ['a', 'q'] }],
    ];
    for (const [text, , options] of cases) {
      const path = join(dir, 'bad.csv');
      writeFileSync(path, text);
      let expected: unknown;
      try {
        loadCSV(path, options);
      } catch (error) {
        expected = error;
      }
      expect(expected, text).toBeInstanceOf(MLPError);
      const net = await MLP.create({ layers: [2, 2], seed: 1 });
      const before = JSON.stringify(net.toJSON());
      const error = await csvSource(path, options).then((source) => net.fitAsync(source, { epochs: 1 })).catch((e: unknown) => e);
      expect(error, text).toBeInstanceOf(MLPError);
      expect((error as Error).message, text).toBe((expected as Error).message);
      expect(JSON.stringify(net.toJSON())).toBe(before);
    }
    await expect(csvSource(join(dir, 'missing.csv'))).rejects.toThrow(`cannot read ${join(dir, 'missing.csv')}: no such file or directory`);
  });

  it('wasm-mlp train --data FILE.csv --stream writes the model file training in memory writes, byte for byte', async () => {
    const path = join(dir, 'cli.csv');
    await writeCsv(path, 700, 6);
    const cli = fileURLToPath(new URL('../build/node/cli.js', import.meta.url));
    const train = (out: string, ...more: string[]) =>
      spawnSync(process.execPath, [cli, 'train', '--data', path, '--layers', '6,5,3', '--epochs', '3', '--seed', '4', '--out', join(dir, out), ...more], { encoding: 'utf8' });
    const inMemory = train('memory.json', '--no-shuffle');
    const streamed = train('streamed.json', '--no-shuffle', '--stream');
    expect([inMemory.status, streamed.status, streamed.stderr]).toEqual([0, 0, '']);
    expect(streamed.stdout.split('\n')[0]).toBe(inMemory.stdout.split('\n')[0].replace(`${path} for`, `${path} (streamed) for`).replace(join(dir, 'memory.json'), join(dir, 'streamed.json')));
    expect(readFileSync(join(dir, 'streamed.json'), 'utf8')).toBe(readFileSync(join(dir, 'memory.json'), 'utf8'));
    const shuffled = train('shuffled.json', '--stream', '--shuffle');
    expect(shuffled.stdout).toContain('--normalize zscore --shuffle-buffer 10000\n');
    const refused = train('x.json', '--no-shuffle', '--stream', '--test-fraction', '0.2');
    expect([refused.status, refused.stderr]).toEqual([2, 'wasm-mlp: --test-fraction draws a shuffled hold-out from the whole file, which --stream never holds; hold out a file of its own and score it with wasm-mlp evaluate\n']);
  });

  it('streams a file several times larger than its memory budget with resident memory bounded, to the model of the same rows in memory', async () => {
    // 300,000 rows of 40 features, about 80 MB of text (96 MB as doubles); the fit, in a
    // child process whose code is already compiled, may grow its resident memory by 24 MB
    // at most.
    const rows = 300_000;
    const path = join(dir, 'large.csv');
    const bytes = await writeCsv(path, rows, FEATURES);
    const warm = join(dir, 'warm.csv');
    await writeCsv(warm, 5000, FEATURES);
    const budget = 24 * 2 ** 20;
    expect(bytes / budget).toBeGreaterThan(3);
    const create = { ...netOptions, classes: CLASSES };
    const options: FitOptions = { epochs: 1, batchSize: 32, learningRate: 0.05, optimizer: 'momentum' };
    const child = spawnSync(process.execPath, ['--max-semi-space-size=1', fileURLToPath(new URL('./helpers/stream-rss.mjs', import.meta.url)), path, warm, JSON.stringify(create), JSON.stringify(options)], { encoding: 'utf8' });
    expect(child.stderr).toBe('');
    const { growth, model, history } = JSON.parse(child.stdout) as { growth: number; model: unknown; history: unknown };
    expect(growth, `resident memory grew by ${(growth / 2 ** 20).toFixed(1)} MB`).toBeLessThan(budget);
    // The same rows, made again in memory, trained in memory: the same model text.
    const { inputs, targets } = rowsInMemory(rows, FEATURES);
    const reference = await MLP.create({ ...create, activation: [...create.activation] });
    const features = Array.from({ length: FEATURES }, (_, c) => `f${c}`);
    const h = await reference.fitAsync({ inputs: { data: inputs, rows }, targets: { data: targets, rows }, features, target: 'label' }, options);
    expect(JSON.stringify({ model, history })).toBe(JSON.stringify({ model: reference.toJSON(), history: h }));
  }, 180_000);
});
