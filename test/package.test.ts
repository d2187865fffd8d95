// The npm package as a user gets it: `npm pack` holds exactly the Node and browser builds,
// their types, README, LICENSE and docs (at most MAX_UNPACKED); what a page loads to train
// with the defaults (the browser library's entry and core chunk, and its SIMD kernel) stays
// within its size limits, computed from the build and measured in Chromium (the bytes of every
// file a page that creates, fits, predicts and saves to JSON requests);
// installed from the tarball into an empty project (offline: it has no runtime dependencies),
// its CLI replays the notebook byte for byte, every entry exports exactly what its types
// declare (Node's and the browser's resolution alike), `import 'wasm-mlp'`, 'wasm-mlp/browser'
// and 'wasm-mlp/standalone' train and predict exactly as the sources do, wasm-mlp/csv and
// wasm-mlp/format work in both resolutions, and a strict TypeScript consumer type-checks
// against each entry's own declarations (importing loadCSV from 'wasm-mlp/browser' is a type
// error).
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync, inflateRawSync } from 'node:zlib';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MLP } from '../src/index.ts';
// @ts-expect-error: a plain .mjs build script, no types
import { defaultPage, lazyPieces, libraryFiles } from '../scripts/browser-files.mjs';
import { launch, serveStatic } from './helpers/browsers.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const NOTEBOOK = readFileSync(new URL('./fixtures/notebook-expected-output.txt', import.meta.url), 'utf8');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
/**
 * The browser's worker-net piece carries the worker's side of the library as text (about 95 KB
 * of this); numpy .npy files (reader, writer, source, CLI, types) add about 25 KB; the SIMD
 * kernel's two-lane exp, log and tanh about 20 KB (both SIMD builds, each shipped as a file and
 * deflated inside the Node and standalone builds); ONNX export about 25 KB (docs/interop.md,
 * the encoder in the Node build, types); the float32 kernels about 85 KB (three modules, 42 KB
 * as files, deflated inside the Node and standalone builds too); each browser kernel deflated
 * beside its .wasm, the file pages fetch (about 25 KB net: the files lose the diagnostics); the
 * js backend's kernel generated once per dtype (about 30 KB over the Node, browser, worker and
 * standalone builds); the float32 kernels' edge tiles (about 20 KB, files and deflated copies);
 * the lazy pieces' shared chunks and the kernels' magnitude scan (about 2 KB); the Node
 * build's names as written, for stack traces (about 75 KB: esbuild's keepNames instead set the
 * name of every function a call creates, a quarter of a one-sample fit's time).
 */
const MAX_UNPACKED = 1_160_000;
/**
 * What a page loads to train with the defaults: the browser library's entry, the core chunk it
 * imports and the SIMD kernel it fetches, deflated (scripts/browser-files.mjs reads them from the build's
 * metafile), each gzipped on its own (level 9) as a server would send it. `npm run size`
 * prints every file's size and each lazy piece's.
 */
const DEFAULT_PAGE: string[] = defaultPage();
// The targets (60 KB, 25 KB gzipped); measured 55.2 KB raw, 24.97 KB gzipped (the kernel deflated: 7.7 KB either way).
const DEFAULT_PAGE_LIMITS = { raw: 60_000, gzip: 25_000 };

/** Raw and gzipped (level 9, each file on its own) bytes of files. */
function pageBytes(files: Buffer[]): { raw: number; gzip: number } {
  return {
    raw: files.reduce((sum, bytes) => sum + bytes.length, 0),
    gzip: files.reduce((sum, bytes) => sum + gzipSync(bytes, { level: 9 }).length, 0),
  };
}

/** XOR trained from the sources, as the installed builds must train it (the predictions and last loss). */
async function xorRun(backend: 'wasm' | 'js') {
  const net = await MLP.create({ layers: [2, 4, 1], seed: 42, backend, activation: ['tanh', 'sigmoid'] });
  const inputs = [[0, 0], [0, 1], [1, 0], [1, 1]];
  const history = await net.fit(inputs, [[0], [1], [1], [0]], { epochs: 300, learningRate: 0.5, optimizer: 'adam', batchSize: 2 });
  const result = { loss: history.loss.at(-1), outputs: net.predict(inputs) };
  net.dispose();
  return result;
}

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
    expect(program.filter((path) => path.startsWith('build/types/cli/'))).toEqual([]);
    for (const entry of ['index', 'browser', 'csv', 'format']) expect(program).toContain(`build/types/${entry}.d.ts`);
    const expected = [
      'LICENSE',
      'README.md',
      'build/browser/csv.js',
      'build/browser/format.js',
      ...['wasm-mlp-f32', 'wasm-mlp-simd-f32', 'wasm-mlp-simd', 'wasm-mlp-threads-f32', 'wasm-mlp-threads', 'wasm-mlp']
        .flatMap((name) => [`build/browser/${name}.wasm`, `build/browser/${name}.wasm.deflate`]),
      'build/browser/wasm-mlp-standalone.js',
      ...(libraryFiles() as string[]).map((file) => `build/browser/${file}`),
      'build/node/cli.js',
      'build/node/csv.js',
      'build/node/index.js',
      'build/node/worker.js',
      ...program,
      'docs/interop.md',
      'docs/training.md',
      'package.json',
    ];
    // The Node entries' shared code and lazy pieces: chunks beside them, named by content.
    const NODE_CHUNK = /^build\/node\/(chunk|backend-js|browser-storage|model-reader|model-store|fit-async|stream-training|thread-pool|worker-net)-\w{8}\.js$/;
    const paths = packed.files.map((f) => f.path);
    expect(paths.filter((path) => NODE_CHUNK.test(path)).map((path) => path.replace(/-\w{8}\.js$/, '')).filter((p, i, all) => all.indexOf(p) === i).sort())
      .toEqual(['backend-js', 'browser-storage', 'chunk', 'fit-async', 'model-reader', 'model-store', 'stream-training', 'thread-pool', 'worker-net'].map((name) => `build/node/${name}`));
    expect(paths.filter((path) => !NODE_CHUNK.test(path)).sort()).toEqual(expected.sort());
    expect(packed.unpackedSize).toBeLessThanOrEqual(MAX_UNPACKED);
    expect(packed.files.reduce((sum, f) => sum + f.size, 0)).toBe(packed.unpackedSize);
  });

  it(`a page training with the defaults loads at most ${DEFAULT_PAGE_LIMITS.raw / 1000} KB, ${DEFAULT_PAGE_LIMITS.gzip / 1000} KB gzipped`, () => {
    expect(DEFAULT_PAGE).toEqual(['wasm-mlp.js', expect.stringMatching(/^chunk-\w{8}\.js$/), 'wasm-mlp-simd.wasm.deflate']);
    const files = DEFAULT_PAGE.map((file) => readFileSync(join(project, 'node_modules', 'wasm-mlp', 'build', 'browser', file)));
    const { raw, gzip } = pageBytes(files);
    expect(inflateRawSync(files[2]).subarray(0, 4)).toEqual(Buffer.from('\0asm', 'latin1'));
    expect(raw).toBeGreaterThan(DEFAULT_PAGE_LIMITS.raw / 2);
    expect(raw, `raw bytes of ${DEFAULT_PAGE.join(' + ')}`).toBeLessThanOrEqual(DEFAULT_PAGE_LIMITS.raw);
    expect(gzip, `gzipped bytes of ${DEFAULT_PAGE.join(' + ')}`).toBeLessThanOrEqual(DEFAULT_PAGE_LIMITS.gzip);
    // What every page carries is the core; the optional pieces are apart from it.
    expect((lazyPieces() as { name: string }[]).map((piece) => piece.name)).toEqual(['backend-js', 'browser-storage', 'fit-async', 'kernel-files', 'model-reader', 'model-store', 'stream-training', 'thread-pool', 'worker-net']);
  });

  it('a page that creates, fits, predicts and saves to JSON requests exactly those files, in Chromium', async () => {
    // The installed package's build/browser/ served whole, beside a blank page: the page fetches what it needs.
    const site = join(work, 'site');
    cpSync(join(project, 'node_modules', 'wasm-mlp', 'build', 'browser'), site, { recursive: true });
    writeFileSync(join(site, 'index.html'), '<!doctype html><link rel="icon" href="data:,"><title>default page</title>');
    const server = await serveStatic(site);
    const browser = await launch('chromium');
    try {
      const page = await browser.newPage();
      await page.goto(`${server.url}/`);
      // The page's script travels as text, so that the test runner leaves its import() alone.
      const out = await page.evaluate((source: string) => (0, eval)(source) as Promise<{ loss: number; outputs: number[][]; weights: number }>, `(async () => {
        const { MLP } = await import('./wasm-mlp.js');
        const net = await MLP.create({ layers: [2, 4, 1], seed: 42, activation: ['tanh', 'sigmoid'] });
        const inputs = [[0, 0], [0, 1], [1, 0], [1, 1]];
        const history = await net.fit(inputs, [[0], [1], [1], [0]], { epochs: 300, learningRate: 0.5, optimizer: 'adam', batchSize: 2 });
        const json = net.toJSON();
        return { loss: history.loss.at(-1), outputs: net.predict(inputs), weights: json.weights.flat(2).length };
      })()`);
      const want = await xorRun('wasm');
      expect(out).toEqual({ loss: want.loss, outputs: want.outputs, weights: 12 });
      expect(page.consoleErrors).toEqual([]);
      const fetched = page.requests.map((url) => url.slice(server.url.length + 1)).filter((file) => file !== '');
      expect([...fetched].sort()).toEqual([...DEFAULT_PAGE].sort());
      const { raw, gzip } = pageBytes(fetched.map((file) => readFileSync(join(site, file))));
      expect(raw, `raw bytes the page requested (${fetched.join(' + ')})`).toBeLessThanOrEqual(DEFAULT_PAGE_LIMITS.raw);
      expect(gzip, `gzipped bytes the page requested (${fetched.join(' + ')})`).toBeLessThanOrEqual(DEFAULT_PAGE_LIMITS.gzip);
    } finally {
      await browser.close();
      await server.close();
    }
  }, 60_000);

  it('package.json points each entry at its own build and declarations', () => {
    const pkg = JSON.parse(readFileSync(join(project, 'node_modules', 'wasm-mlp', 'package.json'), 'utf8'));
    expect(pkg.exports).toEqual({
      '.': {
        browser: { types: './build/types/browser.d.ts', default: './build/browser/wasm-mlp.js' },
        types: './build/types/index.d.ts',
        default: './build/node/index.js',
      },
      './browser': { types: './build/types/browser.d.ts', default: './build/browser/wasm-mlp.js' },
      './standalone': { types: './build/types/browser.d.ts', default: './build/browser/wasm-mlp-standalone.js' },
      './csv': {
        browser: { types: './build/types/csv.d.ts', default: './build/browser/csv.js' },
        types: './build/types/csv.d.ts',
        default: './build/node/csv.js',
      },
      './format': { types: './build/types/format.d.ts', default: './build/browser/format.js' },
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

  /** Runs an ES module in the consumer project; `browser`: resolve packages as bundlers for the web do. */
  function runModule(code: string, browser = false): string {
    writeFileSync(join(project, 'script.mjs'), code);
    return run(process.execPath, [...(browser ? ['--conditions=browser'] : []), 'script.mjs'], { cwd: project });
  }

  // Trains XOR and prints the predictions and losses, as JSON (doubles round-trip exactly).
  const SCRIPT = (entry: string, backend: string) => `import * as api from '${entry}';
const net = await api.MLP.create({ layers: [2, 4, 1], seed: 42, backend: '${backend}', activation: 'tanh,sigmoid'.split(',') });
const inputs = [[0, 0], [0, 1], [1, 0], [1, 1]];
const history = await net.fit(inputs, [[0], [1], [1], [0]], { epochs: 300, learningRate: 0.5, optimizer: 'adam', batchSize: 2 });
console.log(JSON.stringify({ loss: history.loss.at(-1), outputs: net.predict(inputs) }));
`;

  // The browser builds run in Node too: the library reads its kernel file, the standalone
  // build inflates its own.
  it.each([
    ['wasm-mlp', 'wasm'],
    ['wasm-mlp', 'js'],
    ['wasm-mlp/browser', 'wasm'],
    ['wasm-mlp/browser', 'js'],
    ['wasm-mlp/standalone', 'wasm'],
    ['wasm-mlp/standalone', 'js'],
  ] as const)("import '%s' (backend %s) trains and predicts exactly as the sources do", async (entry, backend) => {
    const got = JSON.parse(runModule(SCRIPT(entry, backend)));
    const want = await xorRun(backend);
    expect(got.outputs).toEqual(want.outputs);
    expect(got.loss).toBe(want.loss);
    expect(got.loss).toBeLessThan(0.05);
  });

  const LIBRARY = ['MLP', 'MLPError', 'WorkerMLP', 'trainTestSplit'];
  const CSV = ['loadCSV', 'parseCSV'];
  const NPY = ['loadNpy', 'npySource', 'saveNpy'];
  const FORMAT = ['formatNumpyArray', 'pythonFloatRepr'];
  /** Node only: the browser bundle leaves the ONNX encoder out. */
  const ONNX = ['modelToONNX'];

  /** The value exports the entry's declarations give a TypeScript consumer, resolving as Node does or as a bundler for the web. */
  function declaredExports(entry: string, browser: boolean): string[] {
    const file = join(project, 'declared.ts');
    writeFileSync(file, `import * as entry from '${entry}';\nexport default entry;\n`);
    const options: ts.CompilerOptions = browser
      ? { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, customConditions: ['browser'] }
      : { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext };
    const program = ts.createProgram([file], { ...options, strict: true, noEmit: true, types: [], lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'] });
    const source = program.getSourceFile(file)!;
    const checker = program.getTypeChecker();
    const specifier = (source.statements[0] as ts.ImportDeclaration).moduleSpecifier;
    const module = checker.getSymbolAtLocation(specifier);
    expect(module, `${entry} resolves to declarations`).toBeDefined();
    return checker
      .getExportsOfModule(module!)
      .filter((symbol) => (symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol).flags & ts.SymbolFlags.Value)
      .map((symbol) => symbol.name)
      .sort();
  }

  it.each([
    ['wasm-mlp', false, [...LIBRARY, ...CSV, 'csvSource', ...NPY, ...ONNX]],
    ['wasm-mlp', true, LIBRARY],
    ['wasm-mlp/browser', false, LIBRARY],
    ['wasm-mlp/standalone', false, LIBRARY],
    ['wasm-mlp/csv', false, CSV],
    ['wasm-mlp/csv', true, CSV],
    ['wasm-mlp/format', false, FORMAT],
    ['wasm-mlp/format', true, FORMAT],
  ] as const)("'%s' (browser condition: %s) exports exactly what its types declare", (entry, browser, names) => {
    const exported = JSON.parse(runModule(`console.log(JSON.stringify(Object.keys(await import('${entry}')).sort()));`, browser));
    expect(exported).toEqual([...names].sort());
    expect(declaredExports(entry, browser)).toEqual(exported);
  });

  // wasm-mlp/csv's browser build brings csv-parse's own browser build; its errors are the
  // library's MLPError (it imports the class from the library module beside it).
  it.each([false, true])('wasm-mlp/csv parses as the sources do and throws the library\'s MLPError (browser condition: %s)', (browser) => {
    const out = JSON.parse(runModule(`import { MLPError } from 'wasm-mlp';
import { parseCSV } from 'wasm-mlp/csv';
const data = parseCSV('a,b,colour\\n0,1.5,red\\n-2,3e2,blue\\n');
let error;
try { parseCSV('a,b,y\\n1,x,p\\n'); } catch (e) { error = { mlp: e instanceof MLPError, code: e.code, message: e.message }; }
console.log(JSON.stringify({ data, error }));
`, browser));
    expect(out.data).toEqual({ inputs: [[0, 1.5], [-2, 300]], targets: [[0, 1], [1, 0]], features: ['a', 'b'], target: 'colour', classes: ['blue', 'red'] });
    expect(out.error).toEqual({ mlp: true, code: 'INVALID_ARGUMENT', message: expect.stringContaining('CSV line 2') });
  });

  it('wasm-mlp/format prints as numpy and Python do', () => {
    const printed = runModule(`import { formatNumpyArray, pythonFloatRepr } from 'wasm-mlp/format';
console.log(formatNumpyArray([0.3745401188473625, 0.9507570214614461, 0.7319939418114051, 0.5994005152003765], [2, 2]));
console.log(pythonFloatRepr(0.050200055006009915));
`);
    expect(printed).toBe('[[0.37454012 0.95075702]\n [0.73199394 0.59940052]]\n0.050200055006009915\n');
  });

  const TSCONFIG = (moduleResolution: string, module: string) =>
    JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: 'ES2022', module, moduleResolution, lib: ['ES2022', 'DOM'], types: [] }, files: ['consumer.ts'] });

  it.each([
    ['NodeNext', 'NodeNext'],
    ['Bundler', 'ESNext'],
  ])('a strict TypeScript consumer type-checks against each entry (moduleResolution %s)', (moduleResolution, module) => {
    writeFileSync(
      join(project, 'consumer.ts'),
      `import { MLP, MLPError, loadCSV, parseCSV, trainTestSplit, type CSVDataset, type ModelJSON } from 'wasm-mlp';
import { MLP as BrowserMLP, MLPError as BrowserError, trainTestSplit as split, type FitOptions } from 'wasm-mlp/browser';
import { MLP as StandaloneMLP } from 'wasm-mlp/standalone';
import { parseCSV as parse, type CSVOptions } from 'wasm-mlp/csv';
import { formatNumpyArray, pythonFloatRepr } from 'wasm-mlp/format';

export async function main(): Promise<string> {
  const csv: CSVOptions = { target: 'y' };
  const data: CSVDataset = parseCSV('a,b,y\\n1,2,0\\n3,4,1\\n', csv);
  const same: CSVDataset = parse('a,b,y\\n1,2,0\\n3,4,1\\n', csv);
  const net = await MLP.create({ layers: [2, 3, 2], seed: 1 });
  const options: FitOptions = { epochs: 2 };
  await net.fit(data, options);
  const model: ModelJSON = net.toJSON();
  const again = await BrowserMLP.fromJSON(model);
  const standalone: StandaloneMLP = await StandaloneMLP.fromJSON(model, { backend: 'js' });
  const parts = split(data, { testFraction: 0.5, seed: 1 });
  const error: unknown = new MLPError('IO', 'x');
  return [typeof loadCSV, formatNumpyArray([1], [1]), pythonFloatRepr(0.1), again.layers.join(), String(parts.train.inputs.length),
    String(error instanceof BrowserError), String(trainTestSplit === split), String(same.inputs.length), standalone.layers.join()].join(' ');
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
