// The wasm-mlp command line, run as users run it (`node build/node/cli.js ...` in a fresh
// temp directory): `notebook` prints the seed notebook's output byte for byte; `train`
// prints one summary line and writes exactly the library's model, atomically, the same
// bytes on both backends, leaving no temp file and never touching the old model when it
// fails; `predict` prints the library's outputs bit for bit; help and version go to stdout
// with exit 0; and every usage or input error is ONE line on stderr starting 'wasm-mlp: ',
// nothing on stdout, exit 2, no trap, abort text or stack frame, and no file left behind.
import { spawnSync } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MLP } from '../src/index.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'build', 'node', 'cli.js');
// A byte-for-byte copy of /work/shared/seed/expected-output.txt (the numpy notebook's output).
const NOTEBOOK = readFileSync(new URL('./fixtures/notebook-expected-output.txt', import.meta.url));
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

const FORBIDDEN = ['unreachable', 'RuntimeError', 'abort', '    at '];

type Backend = 'wasm' | 'js';
const BACKENDS: Backend[] = ['wasm', 'js'];

interface Spec {
  layers: number[];
  seed: number;
  learningRate: number;
  epochs: number;
  inputs: number[][];
  targets: number[][];
}

const SPEC: Spec = {
  layers: [2, 3, 1],
  seed: 7,
  learningRate: 0.5,
  epochs: 200,
  inputs: [[0, 0], [0, 1], [1, 0], [1, 1]],
  targets: [[0], [1], [1], [0]],
};

/** A small valid model with round numbers, for the predict error cases. */
const MODEL = {
  format: 'wasm-mlp',
  version: 1,
  layers: [2, 3, 1],
  activation: 'sigmoid',
  weights: [[0.1, 0.2, 0.3, 0.4, 0.5, 0.6], [0.7, 0.8, 0.9]],
  biases: [[0.1, 0.2, 0.3], [0.4]],
};

const DIVERGED = 'training diverged: the loss of epoch 1 is Infinity; try a smaller learningRate than 1 (the net is left as it was before fit)';

const LAYERS_EXPECTED = 'an array of at least 2 positive integers (input, hidden..., output sizes)';

beforeAll(() => {
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

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wasm-mlp-cli-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  raw: Buffer;
}

function cli(...args: string[]): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, timeout: 60_000 });
  expect(r.error, `spawn failed: ${r.error}`).toBeUndefined();
  expect(r.signal, 'the CLI was killed (hang or crash)').toBeNull();
  return { status: r.status, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8'), raw: r.stdout };
}

const DIR = Symbol('directory');
type FileContent = string | object | typeof DIR;

function write(files: Record<string, FileContent>): void {
  for (const [name, content] of Object.entries(files)) {
    if (content === DIR) mkdirSync(join(dir, name));
    else writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  }
}

const read = (name: string) => readFileSync(join(dir, name), 'utf8');
const listing = () => readdirSync(dir).sort();

function expectClean(stderr: string): void {
  for (const bad of FORBIDDEN) expect(stderr).not.toContain(bad);
}

/** Exactly one line on stderr, 'wasm-mlp: ' + a message `check` accepts; nothing on stdout; exit 2. */
function expectUserError(r: Run, expected: string | ((message: string) => void)): void {
  expectClean(r.stderr);
  expect(r.stderr).toMatch(/^wasm-mlp: /);
  expect(r.stderr.endsWith('\n'), `stderr must end with a newline: ${JSON.stringify(r.stderr)}`).toBe(true);
  expect(r.stderr.split('\n'), `stderr must be one line: ${JSON.stringify(r.stderr)}`).toHaveLength(2);
  const message = r.stderr.slice('wasm-mlp: '.length, -1);
  if (typeof expected === 'string') expect(message).toBe(expected);
  else expected(message);
  expect(r.stdout).toBe('');
  expect(r.status).toBe(2);
}

/** Trains `spec` through the library: the summary's numbers, the model text and predictions. */
async function libraryRun(spec: Spec, backend: Backend, inputs: number[][] = spec.inputs) {
  const net = await MLP.create({ layers: spec.layers, seed: spec.seed, backend });
  try {
    const { loss } = net.fit(spec.inputs, spec.targets, { epochs: spec.epochs, learningRate: spec.learningRate });
    return { loss, model: `${JSON.stringify(net.toJSON())}\n`, predictions: net.predict(inputs) };
  } finally {
    net.dispose();
  }
}

/** The bit pattern of every number, so -0 vs 0 or a last-ulp change shows. */
function bits(rows: number[][]): string[][] {
  return rows.map((row) =>
    row.map((x) => {
      expect(typeof x).toBe('number');
      return new BigUint64Array(new Float64Array([x]).buffer)[0].toString(16);
    }),
  );
}

describe('notebook', () => {
  it.each([[[]], [['--backend', 'js']], [['--backend', 'wasm']], [['--backend=js']]])('notebook %j prints the expected output byte for byte', (flags) => {
    const r = cli('notebook', ...flags);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(NOTEBOOK.toString('utf8')); // readable diff first
    expect(r.raw.equals(NOTEBOOK)).toBe(true);
    expect(listing()).toEqual([]);
  });
});

describe('train', () => {
  it.each([
    ['wasm', []],
    ['wasm', ['--backend', 'wasm']],
    ['js', ['--backend', 'js']],
  ] as [Backend, string[]][])('%s backend (%j): one summary line and exactly the library model', async (backend, flags) => {
    write({ 'spec.json': SPEC });
    const r = cli('train', 'spec.json', '--out', 'model.json', ...flags);
    const lib = await libraryRun(SPEC, backend);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(
      `trained 2-3-1 on 4 samples for 200 epochs (${backend}, seed 7): loss ${lib.loss[0]} -> ${lib.loss[199]}; wrote model.json\n`,
    );
    expect(r.status).toBe(0);
    expect(listing()).toEqual(['model.json', 'spec.json']);
    const text = read('model.json');
    expect(text).toBe(lib.model);
    const parsed = JSON.parse(text);
    const loaded = await MLP.fromJSON(text, { backend });
    expect(loaded.toJSON()).toEqual(parsed);
    expect(`${JSON.stringify(loaded.toJSON())}\n`).toBe(text);
    loaded.dispose();
  });

  it('--backend wasm and --backend js write byte-identical model files', () => {
    write({ 'spec.json': SPEC });
    for (const backend of BACKENDS) expect(cli('train', 'spec.json', '--out', `${backend}.json`, '--backend', backend).status).toBe(0);
    const wasm = readFileSync(join(dir, 'wasm.json'));
    const js = readFileSync(join(dir, 'js.json'));
    expect(js.toString('utf8')).toBe(wasm.toString('utf8'));
    expect(js.equals(wasm)).toBe(true);
    expect(listing()).toEqual(['js.json', 'spec.json', 'wasm.json']);
  });

  it('replaces an existing model atomically: a new file renamed over the old one', () => {
    write({ 'spec.json': SPEC, 'model.json': 'the old model\n' });
    // A second link to the old file: an in-place rewrite would change what it shows too.
    linkSync(join(dir, 'model.json'), join(dir, 'old-link.json'));
    const before = statSync(join(dir, 'model.json')).ino;
    const r = cli('train', 'spec.json', '--out', 'model.json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(statSync(join(dir, 'model.json')).ino).not.toBe(before);
    expect(read('old-link.json')).toBe('the old model\n');
    expect(JSON.parse(read('model.json')).format).toBe('wasm-mlp');
    expect(listing()).toEqual(['model.json', 'old-link.json', 'spec.json']);
  });

  it.each([
    ['a bad spec (layers [2,0,1])', { ...SPEC, layers: [2, 0, 1] }, 'spec.json: layers must be an array of at least 2 positive integers (input, hidden..., output sizes); got [2,0,1]'],
    ['training that diverges', { ...SPEC, learningRate: 1, inputs: [[1e308, -1e308]], targets: [[1e308]] }, DIVERGED],
    ['a spec that is not JSON', '{"layers": [2, 3, 1],', undefined],
  ])('when training fails (%s) the old model is left untouched', (_name, spec, message) => {
    write({ 'spec.json': spec, 'model.json': 'the old model\n' });
    const before = statSync(join(dir, 'model.json'));
    const r = cli('train', 'spec.json', '--out', 'model.json');
    expectUserError(r, message ?? ((m) => expect(m).toMatch(/^spec\.json is not valid JSON \(.*\)(; is the file truncated\?)?$/)));
    const after = statSync(join(dir, 'model.json'));
    expect(read('model.json')).toBe('the old model\n');
    expect(after.ino).toBe(before.ino);
    expect(after.mtimeMs).toBe(before.mtimeMs);
    expect(listing()).toEqual(['model.json', 'spec.json']);
  });
});

describe('predict', () => {
  const ROWS = [[0, 0], [0, 1], [1, 0], [1, 1], [0.5, 0.25], [-3, 7.125]];

  it.each(BACKENDS)('%s backend: an array-of-rows file prints the library predictions, bit for bit', async (backend) => {
    const lib = await libraryRun(SPEC, backend, ROWS);
    write({ 'model.json': lib.model, 'inputs.json': ROWS });
    const r = cli('predict', 'model.json', 'inputs.json', '--backend', backend);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${JSON.stringify(lib.predictions)}\n`);
    expect(r.stdout.split('\n')).toHaveLength(2);
    expect(bits(JSON.parse(r.stdout))).toEqual(bits(lib.predictions));
  });

  it.each(BACKENDS)('%s backend: a spec file with "inputs" prints the predictions for its inputs', async (backend) => {
    const lib = await libraryRun(SPEC, backend);
    write({ 'model.json': lib.model, 'spec.json': SPEC });
    const r = cli('predict', 'model.json', 'spec.json', '--backend', backend);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${JSON.stringify(lib.predictions)}\n`);
    expect(bits(JSON.parse(r.stdout))).toEqual(bits(lib.predictions));
  });

  it('a model trained by the CLI predicts the same bytes on both backends (and by default)', () => {
    write({ 'spec.json': SPEC, 'inputs.json': ROWS });
    expect(cli('train', 'spec.json', '--out', 'model.json').status).toBe(0);
    const wasm = cli('predict', 'model.json', 'inputs.json', '--backend', 'wasm');
    const js = cli('predict', 'model.json', 'inputs.json', '--backend', 'js');
    const plain = cli('predict', 'model.json', 'inputs.json');
    for (const r of [wasm, js, plain]) {
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    }
    expect(js.stdout).toBe(wasm.stdout);
    expect(js.raw.equals(wasm.raw)).toBe(true);
    expect(plain.raw.equals(wasm.raw)).toBe(true);
    expect(JSON.parse(wasm.stdout)).toHaveLength(ROWS.length);
  });
});

const USAGE = `Usage: wasm-mlp <command> [options]

Commands:
  notebook [--backend wasm|js]                          replay the seed notebook
  train SPEC.json --out MODEL.json [--backend wasm|js]  train a net from a JSON spec
  predict MODEL.json INPUTS.json [--backend wasm|js]    print the outputs as JSON

Run 'wasm-mlp <command> --help' for a command's details.
Options: -h, --help    show help    -v, --version    show the version
`;

const NOTEBOOK_USAGE = `Usage: wasm-mlp notebook [--backend wasm|js]

Replays the seed notebook (a 2-2-1 sigmoid net seeded with np.random.seed(42)):
one SGD step, the updated weights, then 10,000 epochs with the loss of every
1000th. The output is byte-identical to the numpy notebook's.

Options:
  --backend wasm|js  the backend to train with (default wasm; both print the same)
  -h, --help         show this help
`;

const TRAIN_USAGE = `Usage: wasm-mlp train SPEC.json --out MODEL.json [--backend wasm|js]

Trains a sigmoid MLP with per-sample SGD and writes the model as JSON
(atomically: a temp file, then rename). SPEC.json:
  { "layers": [2, 8, 1], "seed": 42, "learningRate": 0.1, "epochs": 100,
    "inputs": [[0, 0], [0, 1], ...], "targets": [[0], [1], ...] }
seed is optional (random when omitted), learningRate defaults to 0.1, epochs to 1.

Options:
  --out MODEL.json   where to write the model (required)
  --backend wasm|js  the backend to train with (default wasm; both give the same model)
  -h, --help         show this help
`;

const PREDICT_USAGE = `Usage: wasm-mlp predict MODEL.json INPUTS.json [--backend wasm|js]

Prints the network's outputs for INPUTS.json as one JSON array of rows, every
number in shortest round-trip form. INPUTS.json is an array of input rows, or
an object with an "inputs" array (a train spec works).

Options:
  --backend wasm|js  the backend to run (default wasm; both print the same)
  -h, --help         show this help
`;

describe('help and version', () => {
  it.each([
    [['--help'], USAGE],
    [['-h'], USAGE],
    [['help'], USAGE],
    [[], USAGE],
    [['notebook', '--help'], NOTEBOOK_USAGE],
    [['notebook', '-h'], NOTEBOOK_USAGE],
    [['train', '--help'], TRAIN_USAGE],
    [['train', '-h'], TRAIN_USAGE],
    [['train', 'spec.json', '--out', 'model.json', '--help'], TRAIN_USAGE],
    [['predict', '--help'], PREDICT_USAGE],
    [['predict', '-h'], PREDICT_USAGE],
    [['--version'], `${VERSION}\n`],
    [['-v'], `${VERSION}\n`],
  ])('%j prints the usage on stdout, exit 0', (args, expected) => {
    const r = cli(...args);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(expected);
    expect(r.status).toBe(0);
    expect(listing()).toEqual([]);
  });
});

const BAD_PARSE = (file: string) => (message: string) =>
  expect(message).toMatch(new RegExp(`^${file.replace('.', '\\.')} is not valid JSON \\(.+\\)(; is the file truncated\\?)?$`));


/** Every case: its arguments, the files in the directory before, and the message after 'wasm-mlp: '. */
const ERRORS: [string, string[], Record<string, FileContent>, string | ((message: string) => void)][] = [
  // Usage
  ['unknown command', ['bogus'], {}, "unknown command 'bogus'; expected notebook, train or predict (see 'wasm-mlp --help')"],
  ['unknown option before any command', ['--verbose'], {}, "unknown command '--verbose'; expected notebook, train or predict (see 'wasm-mlp --help')"],
  // The flag is named, but not what is expected (the house rule): the line should list
  // the command's options, e.g. "train: unknown option '--epoch'; expected --out, --backend
  // or --help (see 'wasm-mlp train --help')".
  ['unknown flag (train --epoch 5)', ['train', 'spec.json', '--out', 'model.json', '--epoch', '5'], { 'spec.json': SPEC }, (m) => {
    expect(m).toMatch(/^train: /);
    expect(m).toContain("'--epoch'");
    expect(m).toContain('--out');
    expect(m).toContain('--backend');
  }],
  ['unknown flag (notebook --seed 42)', ['notebook', '--seed', '42'], {}, (m) => {
    expect(m).toMatch(/^notebook: /);
    expect(m).toContain("'--seed'");
    expect(m).toContain('--backend');
  }],
  ['missing --out', ['train', 'spec.json'], { 'spec.json': SPEC }, "train: --out MODEL.json is required (see 'wasm-mlp train --help')"],
  ['--out without its value', ['train', 'spec.json', '--out'], { 'spec.json': SPEC }, (m) => {
    expect(m).toMatch(/^train: /);
    expect(m).toContain('--out');
  }],
  ['missing positional (train)', ['train', '--out', 'model.json'], {}, "train: expected SPEC.json; got none (see 'wasm-mlp train --help')"],
  ['missing positional (predict)', ['predict', 'model.json'], { 'model.json': MODEL }, "predict: expected MODEL.json INPUTS.json; got 'model.json' (see 'wasm-mlp predict --help')"],
  ['extra positional (train)', ['train', 'spec.json', 'extra.json', '--out', 'model.json'], { 'spec.json': SPEC }, "train: expected SPEC.json; got 'spec.json' 'extra.json' (see 'wasm-mlp train --help')"],
  ['extra positional (predict)', ['predict', 'model.json', 'in.json', 'more.json'], { 'model.json': MODEL, 'in.json': [[1, 2]] }, "predict: expected MODEL.json INPUTS.json; got 'model.json' 'in.json' 'more.json' (see 'wasm-mlp predict --help')"],
  ['extra positional (notebook)', ['notebook', 'extra'], {}, "notebook: expected no file arguments; got 'extra' (see 'wasm-mlp notebook --help')"],
  ['--backend gpu (notebook)', ['notebook', '--backend', 'gpu'], {}, `--backend must be one of 'wasm', 'js'; got "gpu"`],
  ['--backend gpu (train)', ['train', 'spec.json', '--out', 'model.json', '--backend', 'gpu'], { 'spec.json': SPEC }, `--backend must be one of 'wasm', 'js'; got "gpu"`],
  ['--backend gpu (predict)', ['predict', 'model.json', 'in.json', '--backend', 'gpu'], { 'model.json': MODEL, 'in.json': [[1, 2]] }, `--backend must be one of 'wasm', 'js'; got "gpu"`],
  // Files
  ['missing spec file', ['train', 'missing.json', '--out', 'model.json'], {}, 'cannot read missing.json: no such file or directory'],
  ['missing model file', ['predict', 'missing.json', 'in.json'], { 'in.json': [[1, 2]] }, 'cannot read missing.json: no such file or directory'],
  ['missing inputs file', ['predict', 'model.json', 'missing.json'], { 'model.json': MODEL }, 'cannot read missing.json: no such file or directory'],
  ['unreadable spec (a directory)', ['train', 'adir', '--out', 'model.json'], { adir: DIR }, 'cannot read adir: it is a directory'],
  ['unreadable model (a directory)', ['predict', 'adir', 'in.json'], { adir: DIR, 'in.json': [[1, 2]] }, 'cannot read adir: it is a directory'],
  ['--out in a nonexistent directory', ['train', 'spec.json', '--out', 'nodir/model.json'], { 'spec.json': SPEC }, 'cannot write nodir/model.json: no such file or directory'],
  ['--out is a directory', ['train', 'spec.json', '--out', 'adir'], { 'spec.json': SPEC, adir: DIR }, 'cannot write adir: it is a directory'],
  // rename(temp, '.') fails with EBUSY, which has no plain wording yet: today the line is
  // "cannot write .: EBUSY: resource busy or locked, rename '...tmp-<pid>-<random>' -> '.'".
  ['--out is the current directory', ['train', 'spec.json', '--out', '.'], { 'spec.json': SPEC }, 'cannot write .: it is a directory'],
  // Specs
  ['a spec that is not JSON', ['train', 'spec.json', '--out', 'model.json'], { 'spec.json': 'layers: [2, 3, 1]\n' }, BAD_PARSE('spec.json')],
  ['a truncated spec', ['train', 'spec.json', '--out', 'model.json'], { 'spec.json': JSON.stringify(SPEC).slice(0, 60) }, BAD_PARSE('spec.json')],
  ['an empty spec file', ['train', 'spec.json', '--out', 'model.json'], { 'spec.json': '' }, BAD_PARSE('spec.json')],
  ['a spec that is not an object', ['train', 'spec.json', '--out', 'model.json'], { 'spec.json': [1, 2] }, 'spec.json must be an object; got [1,2]'],
  ['a spec with an unknown key', ['train', 'spec.json', '--out', 'model.json'], { 'spec.json': { ...SPEC, learningrate: 0.1 } }, "spec.json has an unknown option 'learningrate'; expected one of layers, seed, learningRate, epochs, inputs, targets"],
  ['a spec without targets', ['train', 'spec.json', '--out', 'model.json'], { 'spec.json': { layers: [2, 1], inputs: [[1, 2]] } }, 'spec.json must have "targets"'],
  ['layers [2,0,1]', ['train', 'spec.json', '--out', 'model.json'], { 'spec.json': { ...SPEC, layers: [2, 0, 1] } }, `spec.json: layers must be ${LAYERS_EXPECTED}; got [2,0,1]`],
  ['layers too large', ['train', 'spec.json', '--out', 'model.json'], { 'spec.json': { ...SPEC, layers: [1e6, 1e6, 1e6] } }, 'layers [1000000,1000000,1000000] needs 58.2 TiB for its parameters, gradients, optimizer state and scratch; the limit is 4.0 GiB (WebAssembly memory)'],
  ['seed -1', ['train', 'spec.json', '--out', 'model.json'], { 'spec.json': { ...SPEC, seed: -1 } }, 'spec.json: seed must be an integer from 0 to 4294967295; got -1'],
  ['seed "42"', ['train', 'spec.json', '--out', 'model.json'], { 'spec.json': { ...SPEC, seed: '42' } }, 'spec.json: seed must be an integer from 0 to 4294967295; got "42"'],
  ['learningRate 0', ['train', 'spec.json', '--out', 'model.json'], { 'spec.json': { ...SPEC, learningRate: 0 } }, 'spec.json: learningRate must be a finite number > 0; got 0'],
  ['epochs 1.5', ['train', 'spec.json', '--out', 'model.json'], { 'spec.json': { ...SPEC, epochs: 1.5 } }, 'spec.json: epochs must be an integer from 0 to 2147483647; got 1.5'],
  ['ragged inputs', ['train', 'spec.json', '--out', 'model.json'], { 'spec.json': { ...SPEC, inputs: [[0, 0], [0], [1, 0], [1, 1]] } }, "spec.json: inputs[1] must be a row of 2 numbers (the network's input size); got [0]"],
  ['a string in the inputs', ['train', 'spec.json', '--out', 'model.json'], { 'spec.json': { ...SPEC, inputs: [[0, '1'], [0, 1], [1, 0], [1, 1]] } }, 'spec.json: inputs[0][1] must be a finite number; got "1"'],
  ['1e999 (Infinity) in the targets', ['train', 'spec.json', '--out', 'model.json'], { 'spec.json': JSON.stringify(SPEC).replace('"targets":[[0]', '"targets":[[1e999]') }, 'spec.json: targets[0][0] must be a finite number; got Infinity'],
  ['row counts differ', ['train', 'spec.json', '--out', 'model.json'], { 'spec.json': { ...SPEC, targets: [[0], [1], [1]] } }, 'spec.json: targets must have one row per input row (4); got 3 rows'],
  ['training that diverges', ['train', 'spec.json', '--out', 'model.json'], { 'spec.json': { ...SPEC, learningRate: 1, inputs: [[1e308, -1e308]], targets: [[1e308]] } }, DIVERGED],
  // The loss of the only epoch is finite but its update overflows a weight to -Infinity:
  // the model must not be written (it would hold "weights":[[null,...]], which predict refuses).
  ['a last update that overflows a weight', ['train', 'spec.json', '--out', 'model.json'], {
    'spec.json': { layers: [2, 3, 1], seed: 7, learningRate: 1e308, epochs: 1, inputs: [[1e3, (-1e3 * 0.07630828937395717) / 0.7799187922401146]], targets: [[0]] },
  }, 'training diverged: a parameter overflowed by epoch 1; try a smaller learningRate than 1e+308 (the net is left as it was before fit)'],
  // Models and inputs
  ['NaN written by hand in a model file', ['predict', 'model.json', 'in.json'], { 'model.json': JSON.stringify(MODEL).replace('[[0.1,', '[[NaN,'), 'in.json': [[1, 2]] }, (m) => {
    BAD_PARSE('model.json')(m);
    expect(m).toContain('NaN');
  }],
  // V8's JSON.parse message quotes the text around the error, newlines included: the line
  // must still be whole and show the NaN.
  ['NaN written by hand in a pretty-printed model file', ['predict', 'model.json', 'in.json'], { 'model.json': JSON.stringify(MODEL, null, 2).replace('0.1,', 'NaN,'), 'in.json': [[1, 2]] }, (m) => {
    expect(m).toMatch(/^model\.json is not valid JSON \(/);
    expect(m).toContain('NaN');
  }],
  ['a model with the wrong shapes', ['predict', 'model.json', 'in.json'], { 'model.json': { ...MODEL, weights: [[0.1, 0.2, 0.3, 0.4, 0.5], [0.7, 0.8, 0.9]] }, 'in.json': [[1, 2]] }, 'model weights[0] must be an array of 6 numbers (layer 1: 3 outputs x 2 inputs); got [0.1,0.2,0.3,0.4,0.5]'],
  ['a model whose layers do not match its weights', ['predict', 'model.json', 'in.json'], { 'model.json': { ...MODEL, layers: [2, 3, 2] }, 'in.json': [[1, 2]] }, 'model weights[1] must be an array of 6 numbers (layer 2: 2 outputs x 3 inputs); got [0.7,0.8,0.9]'],
  ['a model of another version', ['predict', 'model.json', 'in.json'], { 'model.json': { ...MODEL, version: 3 }, 'in.json': [[1, 2]] }, 'model version must be 1 or 2 (the versions this wasm-mlp reads); got 3'],
  ['a spec given as the model', ['predict', 'spec.json', 'spec.json'], { 'spec.json': SPEC }, "model format must be 'wasm-mlp'; got undefined"],
  ['a truncated model file', ['predict', 'model.json', 'in.json'], { 'model.json': JSON.stringify(MODEL).slice(0, 70), 'in.json': [[1, 2]] }, (m) => {
    BAD_PARSE('model.json')(m);
    expect(m).toMatch(/; is the file truncated\?$/);
  }],
  ['an inputs file that is not rows', ['predict', 'model.json', 'in.json'], { 'model.json': MODEL, 'in.json': { foo: 1 } }, 'in.json must be an array of input rows or an object with an "inputs" array; got {"foo":1}'],
  ['inputs of the wrong width', ['predict', 'model.json', 'in.json'], { 'model.json': MODEL, 'in.json': [[1, 2, 3]] }, "inputs[0] must be a row of 2 numbers (the network's input size); got [1,2,3]"],
  ['empty inputs', ['predict', 'model.json', 'in.json'], { 'model.json': MODEL, 'in.json': [] }, 'inputs must be at least one row; got []'],
];

describe('errors: one line on stderr, nothing on stdout, exit 2, no file left behind', () => {
  it.each(ERRORS)('%s', (_name, args, files, expected) => {
    write(files);
    const before = listing();
    expectUserError(cli(...args), expected);
    expect(listing(), 'a failed command must not create or leave files').toEqual(before);
  });
});
