// A seeded fuzz of the wasm-mlp command line, run in-process through runCli: 1,000 command
// lines of real and misspelled commands and flags (the flags read from the CLI's own command
// table), odd values and awkward files (empty, header-only, BOM, CRLF, quoted, ragged, binary,
// 100,000 columns, broken models and specs). Every run exits 0 or 2, never 1 (our own
// failure); a failure ends stderr with one clean line `wasm-mlp: ...` (no control bytes, stack
// frame, trap or TypeError), prints nothing on stdout, and leaves the directory as it was, any
// existing --out file byte for byte; a successful train writes a model parseModel accepts.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS, runCli } from '../src/cli/main.ts';
import type { CliIO } from '../src/cli/cli-io.ts';
import { parseModel } from '../src/io/model-json.ts';

const SEED = 20261126;
/** A stack frame as V8 prints one: `at name (file:line:column)` or `at file:line:column`. */
const STACK_FRAME = /\bat (\S+ \()?\S+:\d+:\d+\)?/;
const RUNS = 1000;

const dir = mkdtempSync(join(tmpdir(), 'wasm-mlp-cli-fuzz-'));
const at = (name: string) => join(dir, name);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(argv: string[], isTTY = false): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: (text) => void (stdout += text), stderr: (text) => void (stderr += text), isTTY, columns: 100 };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

/** Fixed-seed bytes, so the binary file is the same on every run. */
function garbage(length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    bytes[i] = x >>> 24;
  }
  return bytes;
}

const IRIS_ROWS = readFileSync(new URL('../examples/data/iris.csv', import.meta.url), 'utf8').trim().split('\n');
// Five rows of each class keep every training run tiny.
const IRIS = [IRIS_ROWS[0], ...IRIS_ROWS.slice(1).filter((_, i) => i % 50 < 5)].join('\n') + '\n';
const WIDE_COLUMNS = 100_000;

/** Input files, by name in the temp dir. */
const INPUTS: Record<string, string | Buffer> = {
  'empty.csv': '',
  'header.csv': 'a,b,y\n',
  'bom.csv': '\uFEFFa,b,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n',
  'crlf.csv': 'a,b,y\r\n0,0,0\r\n0,1,1\r\n1,0,1\r\n1,1,0\r\n',
  'quoted.csv': '"a","b,c","y"\n"1","2","x"\n"3","4","y ""q"""\n"5","6","x"\n',
  'ragged.csv': 'a,b,y\n1,2,3\n4,5\n6,7,8,9\n',
  'nan.csv': 'a,b,y\n1,NaN,0\n2,,1\nInfinity,3,0\n',
  'binary.bin': garbage(4096, 7),
  'wide.csv': `${Array.from({ length: WIDE_COLUMNS }, (_, k) => `c${k}`).join(',')}\n${[1, 2, 3].map((r) => Array.from({ length: WIDE_COLUMNS }, (_, k) => (k * r) % 7).join(',')).join('\n')}\n`,
  'iris.csv': IRIS,
  'reg.csv': 'x1,x2,y\n0,0,0.1\n0,1,0.9\n1,0,0.8\n1,1,0.2\n0.5,0.5,0.5\n',
  'spec.json': JSON.stringify({ layers: [2, 3, 1], seed: 3, epochs: 2, learningRate: 0.5, inputs: [[0, 0], [0, 1], [1, 0], [1, 1]], targets: [[0], [1], [1], [0]] }),
  'spec-bad.json': JSON.stringify({ layers: [2, 3, 1], epochz: 2, inputs: [[0, 0]], targets: [[0], [1]] }),
  'spec-shapes.json': JSON.stringify({ layers: [3, 1], epochs: 1, inputs: [[0, 0]], targets: [[0]] }),
  'spec-nan.json': '{"layers":[2,1],"epochs":1,"inputs":[[0,null]],"targets":[[1e999]]}',
  'broken.json': '{"format":"wasm-mlp","layers":[2,',
  'wrong-model.json': JSON.stringify({ format: 'wasm-mlp', version: 2, layers: [2, 3, 1], activation: 'sigmoid', weights: [[1, 2]], biases: [[0]] }),
  'null.json': 'null',
  'inputs.json': '[[5.1,3.5,1.4,0.2],[6.5,3,5.2,2]]',
  'inputs-object.json': '{"inputs":[[0,1],[1,1]]}',
  'inputs-bad.json': '[["a", 1], [1]]',
};
/** Models trained once (beforeAll) from the valid inputs: name -> command line. */
const MODELS: Record<string, string[]> = {
  'iris-model.json': ['train', '--data', at('iris.csv'), '--layers', '4,5,3', '--epochs', '3'],
  'reg-model.json': ['train', '--data', at('reg.csv'), '--layers', '2,3,1', '--epochs', '3'],
  'xor-model.json': ['train', at('spec.json')],
};
/** --out files that exist before every run, with this content. */
const EXISTING_OUTS: Record<string, string> = { 'out-existing.json': 'KNOWN MODEL\n', 'out-existing.csv': 'KNOWN,CSV\n' };
const NEW_OUT = 'out-new.json';

const FILES = [...Object.keys(INPUTS), ...Object.keys(MODELS), 'missing.csv'].map(at).concat([dir]);
const OUTS = [...Object.keys(EXISTING_OUTS), NEW_OUT, 'no-such-dir/out.json'].map(at).concat(['-', dir]);

const NUMBERS = ['0', '1', '2', '-1', '0.5', '-0.1', '1e-12', '1e308', '1e999', '2147483648', 'NaN', 'Infinity', '0x10', ' 3', '3.', '.5', '1,2'];
const WORDS = ['', '-', 'x', 'sigmoid', 'relu,softmax', 'tanh', 'adam', 'sgd', 'momentum', 'xavier', 'he', 'zscore', 'minmax', 'none', 'mse', 'cross-entropy', 'wasm', 'js', 'y', 'species', 'a,b', 'petal_width,sepal_length', 'é\u0007\u001b[31m', 'x'.repeat(300)];
/** Values by flag: training stays tiny (at most 3 epochs, layers at most 8 wide); any other flag takes anything. */
const VALUES: Record<string, readonly string[]> = {
  epochs: ['0', '1', '2', '3', '-1', '1.5', 'NaN', '1e999', '', 'x', '-'],
  layers: ['4,5,3', '4,3', '4,8,8,3', '2,3,1', '2,1', '2,8,2', '3,1', '4,8,1', '0,1', '4', '4,,3', '-4,3', 'a,b', '4.5,3', '1e1,3', ''],
  'log-every': ['1', '2', '0', '-1', '1.5', 'x', ''],
  data: FILES,
  out: OUTS,
  onnx: OUTS,
  target: ['y', 'species', 'c0', 'c99999', 'nope', '', '0'],
  features: ['a,b', 'x1,x2', 'sepal_length,sepal_width,petal_length,petal_width', 'a,a', 'nope', ',', ''],
  backend: ['wasm', 'js', 'WASM', 'threads', ''],
};
const ANY_VALUE = [...NUMBERS, ...WORDS, ...FILES];

const COMMAND_NAMES = Object.keys(COMMANDS);
const ALL_FLAGS = [...new Set(Object.values(COMMANDS).flatMap((c) => c.flags))];

/** A flag name mistyped: a letter dropped, doubled or swapped, a single dash, capitals, a stray prefix. */
const misspelled = (flag: string): fc.Arbitrary<string> =>
  fc.tuple(fc.nat(flag.length - 1), fc.constantFrom('drop', 'double', 'swap', 'single', 'upper', 'prefix')).map(([i, how]) => {
    if (how === 'drop') return `--${flag.slice(0, i)}${flag.slice(i + 1)}`;
    if (how === 'double') return `--${flag.slice(0, i)}${flag[i]}${flag.slice(i)}`;
    if (how === 'swap') return `--${flag.slice(0, i)}${flag.slice(i + 1, i + 2)}${flag[i]}${flag.slice(i + 2)}`;
    if (how === 'single') return `-${flag}`;
    if (how === 'upper') return `--${flag.toUpperCase()}`;
    return `--no-${flag}`;
  });

function tokens(command: string): fc.Arbitrary<string[]> {
  const spec = COMMANDS[command];
  const flags = spec ? spec.flags : ALL_FLAGS;
  const switches = spec ? spec.switches : [];
  const negatable = spec ? spec.negatable : [];
  const flag = fc.constantFrom(...flags);
  const valueOf = (name: string) => fc.constantFrom(...(VALUES[name] ?? ANY_VALUE));
  const withValue = flag.chain((name) => valueOf(name).map((value) => [`--${name}`, value]));
  const inline = flag.chain((name) => valueOf(name).map((value) => [`--${name}=${value}`]));
  const token = fc.oneof(
    { weight: 10, arbitrary: withValue },
    { weight: 2, arbitrary: inline },
    { weight: 2, arbitrary: fc.constantFrom(...flags, ...switches, ...negatable.map((n) => `no-${n}`)).map((name) => [`--${name}`]) },
    { weight: 2, arbitrary: flag.chain(misspelled).chain((typo) => valueOf('').map((value) => [typo, value])) },
    { weight: 3, arbitrary: fc.constantFrom(...FILES).map((file) => [file]) },
    { weight: 1, arbitrary: fc.constantFrom(...ANY_VALUE).map((word) => [word]) },
    { weight: 1, arbitrary: fc.constantFrom(['-h'], ['--help'], ['--'], ['-'], ['-v'], ['-x']) },
  );
  // Few tokens half the time, so that many command lines are valid and run to the end.
  return fc.oneof(fc.array(token, { maxLength: 2 }), fc.array(token, { maxLength: 7 })).map((groups) => groups.flat());
}

/** A command and its arguments, shaped like real use most of the time. */
const commandLine: fc.Arbitrary<string[]> = fc
  .oneof(
    { weight: 12, arbitrary: fc.constantFrom(...COMMAND_NAMES) },
    { weight: 1, arbitrary: fc.constantFrom('help', 'bogus', 'trian', 'TRAIN', '--version', '-v', '--help', '') },
  )
  .chain((command) => {
    // Each command's common shape, then fuzzed tokens after it.
    const start: Record<string, fc.Arbitrary<string[]>> = {
      train: fc.constantFrom(
        [],
        ['--out', at(NEW_OUT)],
        ['--data', at('iris.csv'), '--layers', '4,5,3'],
        ['--data', at('iris.csv'), '--layers', '4,5,3', '--epochs', '2', '--out', at(NEW_OUT)],
        ['--data', at('reg.csv'), '--layers', '2,3,1', '--epochs', '3', '--out', at('out-existing.json')],
        ['--data', at('crlf.csv'), '--layers', '2,2,1', '--epochs', '1', '--out', '-'],
        [at('spec.json'), '--out', at(NEW_OUT)],
      ),
      evaluate: fc.constantFrom([], [at('iris-model.json'), '--data', at('iris.csv')], [at('reg-model.json'), '--data', at('reg.csv')]),
      predict: fc.constantFrom([], [at('iris-model.json'), at('inputs.json')], [at('xor-model.json'), '--data', at('reg.csv')], [at('iris-model.json'), '--data', at('iris.csv')]),
      export: fc.constantFrom([], [at('iris-model.json'), '--onnx', at(NEW_OUT)], [at('reg-model.json'), '--onnx', at('out-existing.json'), '--float32']),
    };
    return fc.tuple(start[command] ?? fc.constant([]), tokens(command)).map(([head, tail]) => [command, ...head, ...tail]);
  });

/** The --out value runCli will use (the last one before `--`), and whether --help is asked. */
function outAndHelp(argv: string[]): { out: string | undefined; help: boolean } {
  let out: string | undefined;
  let help = false;
  for (let i = 1; i < argv.length && argv[i] !== '--'; i++) {
    if (argv[i] === '--out') out = argv[++i];
    else if (argv[i].startsWith('--out=')) out = argv[i].slice('--out='.length);
    else if (argv[i] === '-h' || argv[i] === '--help') help = true;
  }
  return { out, help };
}

/** Every file in the temp dir with its bytes' hash (a folder as such), to compare before and after a run. */
function snapshot(): Record<string, string> {
  const names = readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
  return Object.fromEntries(names.map((name) => {
    const path = at(name);
    return [name, statSync(path).isDirectory() ? '(folder)' : createHash('sha256').update(readFileSync(path)).digest('hex')];
  }));
}

describe(`wasm-mlp command line, ${RUNS} seeded random runs in-process`, () => {
  beforeAll(async () => {
    for (const [name, content] of Object.entries(INPUTS)) writeFileSync(at(name), content);
    for (const [name, argv] of Object.entries(MODELS)) {
      const result = await run([...argv, '--out', at(name)]);
      expect(result, name).toMatchObject({ code: 0, stderr: '' });
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 0 or 2; a failure is one clean last line on stderr, nothing on stdout, no file touched; a trained model parses', async () => {
    let failures = 0;
    let trained = 0;
    await fc.assert(
      fc.asyncProperty(commandLine, fc.constantFrom(false, false, false, true), async (argv, isTTY) => {
        for (const [name, content] of Object.entries(EXISTING_OUTS)) writeFileSync(at(name), content);
        rmSync(at(NEW_OUT), { force: true });
        const before = snapshot();
        const { code, stdout, stderr } = await run(argv, isTTY);
        const shown = `argv ${JSON.stringify(argv)} exit ${code}; stderr ${JSON.stringify(stderr.slice(-600))}`;
        expect([0, 2], shown).toContain(code);
        if (code === 2) {
          failures++;
          expect(stderr.endsWith('\n'), shown).toBe(true);
          const last = stderr.slice(0, -1).split('\n').at(-1)!;
          expect(last.startsWith('wasm-mlp: '), shown).toBe(true);
          expect(last, shown).not.toMatch(/[\u0000-\u001f\u007f]/);
          expect(last, shown).not.toMatch(STACK_FRAME);
          for (const word of ['RuntimeError', 'abort', 'TypeError', 'unreachable', 'internal error']) expect(last, shown).not.toContain(word);
          expect(stdout, shown).toBe('');
          expect(snapshot(), shown).toEqual(before);
          return;
        }
        const { out, help } = outAndHelp(argv);
        if (argv[0] === 'train' && !help && out !== undefined) {
          trained++;
          const text = out === '-' ? stdout : readFileSync(out, 'utf8');
          expect(() => parseModel(text), shown).not.toThrow();
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
    // The mix reaches both outcomes, and real training, often.
    expect(failures).toBeGreaterThan(RUNS / 4);
    expect(RUNS - failures).toBeGreaterThan(RUNS / 20);
    expect(trained).toBeGreaterThan(10);
  });
});
