// The command line with numpy files, run as users run it (`node build/node/cli.js`): `train
// --inputs X.npy --targets Y.npy` writes exactly the model the library trains on the same
// numbers given as arrays, on both backends (float32 and 1-D files included, and with
// --test-fraction); `predict MODEL --inputs X.npy --out P.npy` writes numpy's float64 file of
// exactly the library's outputs, in blocks for a file larger than one; usage and file errors
// are one line on stderr, exit 2, no file left behind.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadNpy, MLP, npySource, saveNpy, trainTestSplit, type FitOptions } from '../src/index.ts';
import { npyHeaderBytes } from '../src/io/npy.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'build', 'node', 'cli.js');

beforeAll(() => {
  // `npm test` rebuilds first (pretest); build here only when run on a clean checkout.
  if (existsSync(CLI)) return;
  const r = spawnSync('npm', ['run', 'build', '--loglevel=notice'], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new Error(`npm run build failed:\n${r.stdout}\n${r.stderr}`);
}, 600_000);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wasm-mlp-npy-cli-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, timeout: 120_000, encoding: 'utf8' });
  expect(r.signal, 'the CLI was killed (hang or crash)').toBeNull();
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const ROWS = 120;
/** Three classes by angle, four features: x, y and two mixtures (with some noise from sin). */
function dataset(rows: number) {
  const x = new Float64Array(rows * 4);
  const y = new Float64Array(rows * 3);
  for (let r = 0; r < rows; r++) {
    const a = (r * 2.399963) % (2 * Math.PI);
    const radius = 0.5 + ((r * 0.618034) % 1);
    const [px, py] = [radius * Math.cos(a), radius * Math.sin(a)];
    x.set([px, py, px * 0.3 - py + Math.sin(r) * 0.05, 2 + px * py], r * 4);
    y[r * 3 + Math.floor(a / ((2 * Math.PI) / 3))] = 1;
  }
  return { x, y };
}
const rowsOf = (data: Float64Array, width: number) => Array.from({ length: data.length / width }, (_, r) => Array.from(data.subarray(r * width, (r + 1) * width)));
const sameBits = (a: Float64Array, b: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

const TRAIN = ['--layers', '4,6,3', '--activation', 'tanh,softmax', '--loss', 'cross-entropy', '--seed', '4', '--epochs', '12', '--learning-rate', '0.05', '--batch-size', '16'];
/** The library's options for TRAIN, with the CLI's defaults for the rest (xavier, adam, zscore, shuffle). */
const CREATE = { layers: [4, 6, 3], activation: ['tanh', 'softmax'], loss: 'cross-entropy', seed: 4, init: 'xavier' };
const FIT: FitOptions = { optimizer: 'adam', learningRate: 0.05, batchSize: 16, epochs: 12, normalize: 'zscore', shuffle: true };

async function libraryModel(inputs: number[][], targets: number[][], backend: 'wasm' | 'js') {
  const net = await MLP.create({ ...CREATE, backend } as never);
  try {
    const history = net.fit({ inputs, targets }, FIT);
    const own = mkdtempSync(join(tmpdir(), 'wasm-mlp-lib-'));
    try {
      await net.save(join(own, 'model.json'));
      return { history, text: readFileSync(join(own, 'model.json'), 'utf8') };
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  } finally {
    net.dispose();
  }
}

describe('train --inputs X.npy --targets Y.npy', () => {
  it.each(['wasm', 'js'] as const)('%s: exactly the library\'s model on the same numbers as arrays; float32 inputs read as their float64 values', async (backend) => {
    const { x, y } = dataset(ROWS);
    const x32 = Float32Array.from(x);
    saveNpy(join(dir, 'x.npy'), x32, [ROWS, 4]);
    saveNpy(join(dir, 'y.npy'), y, [ROWS, 3]);
    const r = cli('train', '--inputs', 'x.npy', '--targets', 'y.npy', ...TRAIN, '--backend', backend, '--out', 'm.json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lib = await libraryModel(rowsOf(Float64Array.from(x32), 4), rowsOf(y, 3), backend);
    expect(readFileSync(join(dir, 'm.json'), 'utf8')).toBe(lib.text);
    const h = lib.history;
    expect(r.stdout.split('\n')[0]).toBe(`trained 4-6-3 on ${ROWS} rows of x.npy and y.npy for 12 epochs (${backend}, seed 4): loss ${h.loss[0]} -> ${h.loss[11]}, accuracy ${h.accuracy[11]}; wrote m.json`);
    const model = JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8'));
    expect([model.features, model.target, model.classes]).toEqual([null, null, null]);
  });

  it('a 1-D targets file is one column; --test-fraction splits as trainTestSplit does on arrays', async () => {
    const { x, y } = dataset(ROWS);
    const column = Float64Array.from({ length: ROWS }, (_, r) => x[r * 4] * 2 - x[r * 4 + 1]);
    saveNpy(join(dir, 'x.npy'), x, [ROWS, 4]);
    saveNpy(join(dir, 'y.npy'), column, [ROWS]);
    expect(y.length).toBe(ROWS * 3);
    const args = ['--layers', '4,5,1', '--seed', '9', '--epochs', '5', '--test-fraction', '0.25'];
    const r = cli('train', '--inputs', 'x.npy', '--targets', 'y.npy', ...args, '--out', 'm.json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const { train, test } = trainTestSplit({ inputs: rowsOf(x, 4), targets: rowsOf(column, 1) }, { testFraction: 0.25, seed: 9 });
    const net = await MLP.create({ layers: [4, 5, 1], activation: ['relu', 'linear'], loss: 'mse', seed: 9, init: 'xavier' });
    try {
      const h = net.fit(train, { ...FIT, learningRate: 0.01, batchSize: 32, epochs: 5 });
      const { loss } = net.evaluate(test);
      await net.save(join(dir, 'lib.json'));
      expect(readFileSync(join(dir, 'm.json'), 'utf8')).toBe(readFileSync(join(dir, 'lib.json'), 'utf8'));
      expect(r.stdout.split('\n')[0]).toBe(
        `trained 4-5-1 on 90 of ${ROWS} rows of x.npy and y.npy (30 held out for testing) for 5 epochs (wasm, seed 9): loss ${h.loss[0]} -> ${h.loss[4]}, test loss ${loss}; wrote m.json`,
      );
    } finally {
      net.dispose();
    }
  });
});

describe('train --inputs X.npy --targets Y.npy --stream', () => {
  it.each(['wasm', 'js'] as const)('%s: without shuffling, the same model bytes as training in memory', (backend) => {
    const { x, y } = dataset(ROWS);
    saveNpy(join(dir, 'x.npy'), x, [ROWS, 4]);
    saveNpy(join(dir, 'y.npy'), y, [ROWS, 3]);
    const args = ['--inputs', 'x.npy', '--targets', 'y.npy', ...TRAIN, '--no-shuffle', '--backend', backend];
    const streamed = cli('train', ...args, '--stream', '--out', 's.json');
    const inMemory = cli('train', ...args, '--out', 'm.json');
    for (const r of [streamed, inMemory]) expect([r.status, r.stderr]).toEqual([0, '']);
    expect(readFileSync(join(dir, 's.json'), 'utf8')).toBe(readFileSync(join(dir, 'm.json'), 'utf8'));
    expect(streamed.stdout).toBe(inMemory.stdout.replace(' and y.npy for ', ' and y.npy (streamed) for ').replace(/; wrote m\.json/, '; wrote s.json'));
  });

  it.each([[['--shuffle-buffer', '30'], 30], [[], 10000]] as const)('shuffling with %j: the library\'s fitAsync on npySource with a shuffle buffer of %i rows', async (flags, buffer) => {
    const { x, y } = dataset(ROWS);
    saveNpy(join(dir, 'x.npy'), x, [ROWS, 4]);
    saveNpy(join(dir, 'y.npy'), y, [ROWS, 3]);
    const r = cli('train', '--inputs', 'x.npy', '--targets', 'y.npy', ...TRAIN, '--stream', ...flags, '--out', 's.json');
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(r.stdout.split('\n')[1].endsWith(flags.length ? '--normalize zscore' : '--normalize zscore --shuffle-buffer 10000')).toBe(true);
    const net = await MLP.create(CREATE as never);
    try {
      await net.fitAsync(npySource(join(dir, 'x.npy'), join(dir, 'y.npy'), { blockRows: 7 }), { ...FIT, shuffleBuffer: buffer });
      await net.save(join(dir, 'lib.json'));
      expect(readFileSync(join(dir, 's.json'), 'utf8')).toBe(readFileSync(join(dir, 'lib.json'), 'utf8'));
    } finally {
      net.dispose();
    }
  });
});

describe('predict MODEL.json --inputs X.npy --out P.npy', () => {
  async function trainedModel() {
    const { x, y } = dataset(ROWS);
    saveNpy(join(dir, 'x.npy'), x, [ROWS, 4]);
    saveNpy(join(dir, 'y.npy'), y, [ROWS, 3]);
    expect(cli('train', '--inputs', 'x.npy', '--targets', 'y.npy', ...TRAIN, '--out', 'm.json').status).toBe(0);
    return MLP.load(join(dir, 'm.json'));
  }

  it.each(['wasm', 'js'] as const)('%s: numpy\'s float64 file of exactly the library\'s outputs', async (backend) => {
    const net = await trainedModel();
    try {
      const r = cli('predict', 'm.json', '--inputs', 'x.npy', '--out', 'p.npy', '--backend', backend);
      expect([r.status, r.stdout, r.stderr]).toEqual([0, '', '']);
      const bytes = readFileSync(join(dir, 'p.npy'));
      const header = npyHeaderBytes([ROWS, 3], 'float64');
      expect(bytes.subarray(0, header.length).equals(header)).toBe(true);
      const p = loadNpy(join(dir, 'p.npy'));
      expect(p.shape).toEqual([ROWS, 3]);
      expect(sameBits(p.data, net.predictInto(loadNpy(join(dir, 'x.npy')).data))).toBe(true);
    } finally {
      net.dispose();
    }
  });

  it('a file of more rows than one block (about 8 MiB): the same bits as predicting it whole', async () => {
    const net = await trainedModel();
    try {
      const rows = 160_000;
      const big = Float32Array.from({ length: rows * 4 }, (_, i) => Math.sin(i * 0.7) * 3);
      saveNpy(join(dir, 'big.npy'), big, [rows, 4]);
      const r = cli('predict', 'm.json', '--inputs', 'big.npy', '--out', 'p.npy');
      expect([r.status, r.stderr]).toEqual([0, '']);
      const p = loadNpy(join(dir, 'p.npy'));
      expect(p.shape).toEqual([rows, 3]);
      expect(sameBits(p.data, net.predictInto(Float64Array.from(big)))).toBe(true);
    } finally {
      net.dispose();
    }
  });
});

describe('errors: one line on stderr, exit 2, no file left behind', () => {
  const { x, y } = dataset(10);
  const cases: [string, string[], string][] = [
    ['rows differ', ['train', '--inputs', 'x.npy', '--targets', 'y9.npy', '--layers', '4,3', '--out', 'm.json'], 'x.npy has 10 rows (shape (10, 4)) but y9.npy has 9 (shape (9, 3)); expected one target row per input row'],
    ['--layers against the inputs', ['train', '--inputs', 'x.npy', '--targets', 'y.npy', '--layers', '5,3', '--out', 'm.json'], '--layers starts with 5 inputs but x.npy has 4 columns per row'],
    ['--layers against the targets', ['train', '--inputs', 'x.npy', '--targets', 'y.npy', '--layers', '4,1', '--out', 'm.json'], '--layers ends with 1 outputs but y.npy has 3 columns per row'],
    ['--inputs without --targets', ['train', '--inputs', 'x.npy', '--layers', '4,3', '--out', 'm.json'], 'train --inputs X.npy needs --targets Y.npy (the target rows)'],
    ['--targets without --inputs', ['train', '--targets', 'y.npy', '--layers', '4,3', '--out', 'm.json'], 'train --targets Y.npy needs --inputs X.npy (the input rows)'],
    ['--inputs and --data', ['train', '--inputs', 'x.npy', '--targets', 'y.npy', '--data', 'd.csv', '--layers', '4,3', '--out', 'm.json'], 'train: give --data FILE.csv or --inputs X.npy --targets Y.npy, not both'],
    ['--inputs and --features', ['train', '--inputs', 'x.npy', '--targets', 'y.npy', '--features', 'a,b', '--layers', '4,3', '--out', 'm.json'], 'train: --features names a CSV column, so it works with --data FILE.csv only, not with --inputs X.npy'],
    ['--inputs with SPEC.json', ['train', 'spec.json', '--inputs', 'x.npy', '--out', 'm.json'], "train: give SPEC.json or --inputs X.npy --targets Y.npy, not both (see 'wasm-mlp train --help')"],
    ['no --layers', ['train', '--inputs', 'x.npy', '--targets', 'y.npy', '--out', 'm.json'], 'train --inputs needs --layers, e.g. --layers 4,8,3 (input, hidden..., output sizes)'],
    ['not a .npy file', ['train', '--inputs', 'spec.json', '--targets', 'y.npy', '--layers', '4,3', '--out', 'm.json'], "spec.json: not a .npy file: it starts with '{}'; expected the magic '\\x93NUMPY'"],
    ['a missing file', ['train', '--inputs', 'none.npy', '--targets', 'y.npy', '--layers', '4,3', '--out', 'm.json'], 'cannot read none.npy: no such file or directory'],
    ['--stream and --test-fraction', ['train', '--inputs', 'x.npy', '--targets', 'y.npy', '--layers', '4,3', '--stream', '--test-fraction', '0.2', '--out', 'm.json'], '--test-fraction draws a shuffled hold-out from the whole file, which --stream never holds; hold out a file of its own and score it with wasm-mlp evaluate'],
    ['--stream with SPEC.json', ['train', 'spec.json', '--stream', '--out', 'm.json'], "train: --stream works with --data FILE.csv or --inputs X.npy --targets Y.npy, not with SPEC.json (see 'wasm-mlp train --help')"],
    ['predict without --out', ['predict', 'm.json', '--inputs', 'x.npy'], "predict: --inputs X.npy needs --out PRED.npy (the outputs are written as a .npy file) (see 'wasm-mlp predict --help')"],
    ['predict to standard output', ['predict', 'm.json', '--inputs', 'x.npy', '--out', '-'], "predict: --inputs X.npy needs --out PRED.npy (the outputs are written as a .npy file) (see 'wasm-mlp predict --help')"],
    ['predict with --data too', ['predict', 'm.json', '--inputs', 'x.npy', '--data', 'd.csv', '--out', 'p.npy'], "predict: give --data FILE.csv or --inputs X.npy, not both (see 'wasm-mlp predict --help')"],
    ['predict on the wrong width', ['predict', 'm.json', '--inputs', 'y.npy', '--out', 'p.npy'], 'm.json takes 4 inputs but y.npy has 3 columns per row'],
    ['predict on a NaN', ['predict', 'm.json', '--inputs', 'nan.npy', '--out', 'p.npy'], 'nan.npy: row 1, column 2, must be a finite number; got NaN'],
    // Before: "inputs[1][2] must be a finite number; got NaN" (streamed: "source block 0 inputs[1][2] ..."), naming no file.
    ['train on a NaN', ['train', '--inputs', 'nan.npy', '--targets', 'y.npy', '--layers', '4,3', '--out', 'm.json'], 'nan.npy: row 1, column 2, must be a finite number; got NaN'],
    ['train --stream on a NaN', ['train', '--inputs', 'nan.npy', '--targets', 'y.npy', '--layers', '4,3', '--stream', '--out', 'm.json'], 'nan.npy: row 1, column 2, must be a finite number; got NaN'],
    ['train on an infinite target', ['train', '--inputs', 'x.npy', '--targets', 'inf.npy', '--layers', '4,3', '--out', 'm.json'], 'inf.npy: row 2, column 1, must be a finite number; got -Infinity'],
  ];
  it.each(cases)('%s', (_name, args, message) => {
    saveNpy(join(dir, 'x.npy'), x, [10, 4]);
    saveNpy(join(dir, 'y.npy'), y, [10, 3]);
    saveNpy(join(dir, 'y9.npy'), y.subarray(0, 27), [9, 3]);
    saveNpy(join(dir, 'nan.npy'), Object.assign(Float64Array.from(x), { 6: NaN }), [10, 4]);
    saveNpy(join(dir, 'inf.npy'), Object.assign(Float64Array.from(y), { 7: -Infinity }), [10, 3]);
    writeFileSync(join(dir, 'spec.json'), '{}');
    writeFileSync(join(dir, 'm.json'), JSON.stringify({ format: 'wasm-mlp', version: 1, layers: [4, 3], activation: 'sigmoid', weights: [[...Array(12).keys()].map((i) => i / 10)], biases: [[0, 0, 0]] }));
    const before = readdirSync(dir).sort();
    const r = cli(...args);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`wasm-mlp: ${message}\n`);
    expect(r.status).toBe(2);
    expect(readdirSync(dir).sort()).toEqual(before);
  });
});
