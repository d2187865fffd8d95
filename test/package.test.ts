// The npm package as a user gets it: `npm pack` holds exactly the Node and browser builds,
// their types, README, LICENSE and docs (at most 500 KB unpacked); installed from the
// tarball into an empty project (offline: it has no runtime dependencies), its CLI replays
// the notebook byte for byte, `import 'wasm-mlp'` trains and predicts exactly as the
// sources do, `import 'wasm-mlp/browser'` does the same on both backends in Node and
// exports no loadCSV, and a strict TypeScript consumer type-checks against each entry's
// own declarations (importing loadCSV from 'wasm-mlp/browser' is a type error).
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MLP } from '../src/index.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const NOTEBOOK = readFileSync(new URL('./fixtures/notebook-expected-output.txt', import.meta.url), 'utf8');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const MAX_UNPACKED = 500_000;

/** Runs a command; the test fails with its output when it does not exit 0. */
function run(command: string, args: string[], options: SpawnSyncOptions): string {
  const r = spawnSync(command, args, { encoding: 'utf8', timeout: 120_000, ...options });
  expect(r.error).toBeUndefined();
  expect(r.status, `${command} ${args.join(' ')}: ${r.stdout}${r.stderr}`).toBe(0);
  return r.stdout as string;
}

interface PackFile {
  path: string;
  size: number;
}
let packed: { files: PackFile[]; unpackedSize: number; filename: string };
let work: string;
let project: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'wasm-mlp-package-'));
  project = join(work, 'consumer');
  // The test run has built build/ already (pretest); --ignore-scripts skips `prepare`'s rebuild.
  [packed] = JSON.parse(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: ROOT }));
  run('mkdir', [project], {});
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error', join(work, packed.filename)], { cwd: project });
}, 180_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the package', () => {
  it(`holds the builds, their types, README, LICENSE and docs, at most ${MAX_UNPACKED / 1000} KB unpacked`, () => {
    // The declarations are those of the files the two entries reach (tsc's own list).
    const program = run(process.execPath, [TSC, '-p', 'tsconfig.build.json', '--listFilesOnly'], { cwd: ROOT })
      .split('\n')
      .map((line) => relative(join(ROOT, 'src'), line.trim()))
      .filter((path) => path.endsWith('.ts') && !path.endsWith('.d.ts') && !path.startsWith('..'))
      .map((path) => `build/types/${path.replace(/\.ts$/, '.d.ts')}`);
    expect(program).toContain('build/types/index.d.ts');
    expect(program).toContain('build/types/browser.d.ts');
    expect(program.filter((path) => path.startsWith('build/types/cli/'))).toEqual([]);
    const expected = [
      'LICENSE',
      'README.md',
      'build/browser/wasm-mlp.js',
      'build/node/cli.js',
      'build/node/index.js',
      'build/node/library.js',
      'build/node/worker.js',
      ...program,
      'docs/training.md',
      'package.json',
    ];
    expect(packed.files.map((f) => f.path).sort()).toEqual(expected.sort());
    expect(packed.unpackedSize).toBeLessThanOrEqual(MAX_UNPACKED);
    expect(packed.files.reduce((sum, f) => sum + f.size, 0)).toBe(packed.unpackedSize);
  });

  it('package.json points each entry at its own build and declarations', () => {
    const pkg = JSON.parse(readFileSync(join(project, 'node_modules', 'wasm-mlp', 'package.json'), 'utf8'));
    expect(pkg.exports).toEqual({
      '.': {
        browser: { types: './build/types/browser.d.ts', default: './build/browser/wasm-mlp.js' },
        types: './build/types/index.d.ts',
        default: './build/node/index.js',
      },
      './browser': { types: './build/types/browser.d.ts', default: './build/browser/wasm-mlp.js' },
      './package.json': './package.json',
    });
    expect(pkg.license).toBe('MIT');
    expect(readFileSync(join(project, 'node_modules', 'wasm-mlp', 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} wasm-mlp contributors\n/);
  });
});

describe('installed from the tarball', () => {
  it('the CLI replays the notebook byte for byte', () => {
    expect(run(join(project, 'node_modules', '.bin', 'wasm-mlp'), ['notebook'], { cwd: project })).toBe(NOTEBOOK);
  });

  // Trains XOR and prints the predictions and losses, as JSON (doubles round-trip exactly).
  const SCRIPT = (entry: string, backend: string) => `import * as api from '${entry}';
const net = await api.MLP.create({ layers: [2, 4, 1], seed: 42, backend: '${backend}', activation: 'tanh,sigmoid'.split(',') });
const inputs = [[0, 0], [0, 1], [1, 0], [1, 1]];
const history = await net.fit(inputs, [[0], [1], [1], [0]], { epochs: 300, learningRate: 0.5, optimizer: 'adam', batchSize: 2 });
console.log(JSON.stringify({ exports: Object.keys(api).sort(), loss: history.loss.at(-1), outputs: net.predict(inputs) }));
`;

  async function expected(backend: 'wasm' | 'js') {
    const net = await MLP.create({ layers: [2, 4, 1], seed: 42, backend, activation: ['tanh', 'sigmoid'] });
    const inputs = [[0, 0], [0, 1], [1, 0], [1, 1]];
    const history = await net.fit(inputs, [[0], [1], [1], [0]], { epochs: 300, learningRate: 0.5, optimizer: 'adam', batchSize: 2 });
    const result = { loss: history.loss.at(-1), outputs: net.predict(inputs) };
    net.dispose();
    return result;
  }

  const BROWSER_EXPORTS = ['MLP', 'MLPError', 'WorkerMLP', 'formatNumpyArray', 'pythonFloatRepr', 'trainTestSplit'];

  it.each([
    ['wasm-mlp', 'wasm', [...BROWSER_EXPORTS, 'loadCSV', 'parseCSV'].sort()],
    ['wasm-mlp', 'js', [...BROWSER_EXPORTS, 'loadCSV', 'parseCSV'].sort()],
    ['wasm-mlp/browser', 'wasm', BROWSER_EXPORTS],
    ['wasm-mlp/browser', 'js', BROWSER_EXPORTS],
  ] as const)("import '%s' (backend %s) trains and predicts exactly as the sources do", async (entry, backend, exports) => {
    writeFileSync(join(project, 'train.mjs'), SCRIPT(entry, backend));
    const got = JSON.parse(run(process.execPath, ['train.mjs'], { cwd: project }));
    expect(got.exports).toEqual(exports);
    const want = await expected(backend);
    expect(got.outputs).toEqual(want.outputs);
    expect(got.loss).toBe(want.loss);
    expect(got.loss).toBeLessThan(0.05);
  });

  const TSCONFIG = (moduleResolution: string, module: string) =>
    JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: 'ES2022', module, moduleResolution, lib: ['ES2022', 'DOM'], types: [] }, files: ['consumer.ts'] });

  it.each([
    ['NodeNext', 'NodeNext'],
    ['Bundler', 'ESNext'],
  ])('a strict TypeScript consumer type-checks against each entry (moduleResolution %s)', (moduleResolution, module) => {
    writeFileSync(
      join(project, 'consumer.ts'),
      `import { MLP, MLPError, loadCSV, parseCSV, trainTestSplit, formatNumpyArray, pythonFloatRepr, type CSVDataset, type ModelJSON } from 'wasm-mlp';
import { MLP as BrowserMLP, MLPError as BrowserError, trainTestSplit as split, type FitOptions } from 'wasm-mlp/browser';

export async function main(): Promise<string> {
  const data: CSVDataset = parseCSV('a,b,y\\n1,2,0\\n3,4,1\\n');
  const net = await MLP.create({ layers: [2, 3, 2], seed: 1 });
  const options: FitOptions = { epochs: 2 };
  await net.fit(data, options);
  const model: ModelJSON = net.toJSON();
  const again = await BrowserMLP.fromJSON(model);
  const parts = split(data, { testFraction: 0.5, seed: 1 });
  const error: unknown = new MLPError('IO', 'x');
  return [typeof loadCSV, formatNumpyArray([1], [1]), pythonFloatRepr(0.1), again.layers.join(), String(parts.train.inputs.length),
    String(error instanceof BrowserError), String(trainTestSplit === split)].join(' ');
}
`,
    );
    writeFileSync(join(project, 'tsconfig.json'), TSCONFIG(moduleResolution, module));
    expect(run(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd: project })).toBe('');
  });

  it("importing loadCSV from 'wasm-mlp/browser' is a type error (it is not in the browser build)", () => {
    writeFileSync(join(project, 'consumer.ts'), "import { loadCSV } from 'wasm-mlp/browser';\nexport const read = loadCSV;\n");
    writeFileSync(join(project, 'tsconfig.json'), TSCONFIG('NodeNext', 'NodeNext'));
    const r = spawnSync(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd: project, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe(`consumer.ts(1,10): error TS2305: Module '"wasm-mlp/browser"' has no exported member 'loadCSV'.\n`);
  });
});
