// Builds everything under build/ (after regenerating src/api/options.generated.ts from the
// option registry and assembly/layout-constants.ts from src/backends/layout.ts and kernel-codes.ts): the
// WebAssembly kernels (release -O3 scalar, SIMD and threads, and debug), the Node entry and
// CLI, the dependency-free browser builds, the benchmarks (bench and bench:peers) and the
// .d.ts types of the entries. The package ships the entries and their types (package.json
// "files"); the Node entry carries the kernels deflated inside, the browser library fetches
// them from the files beside it.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { deflateAsync as zopfliDeflate } from '@gfx/zopfli';
import * as esbuild from 'esbuild';
import { minify as terserMinify } from 'terser';
import { makeDataPassive } from './passive-data.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
process.chdir(root);
const bin = (name) => `node_modules/.bin/${name}`;
const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit' });

// Outputs are overwritten in place, never deleted first, so a test run that reads build/
// while another build runs does not find it missing.
run('node', ['scripts/gen-options.mjs']);
mkdirSync('build/wasm', { recursive: true });
// The kernel's descriptor offsets and codes come from the host's layout (src/backends/layout.ts, kernel-codes.ts).
run('node', ['scripts/gen-layout.mjs']);
// The js backend's float64 and float32 kernels come from one template (src/backends/js/template/).
run('node', ['scripts/gen-js-kernels.mjs']);
// Each asconfig target is built twice, from one generic source: the float64 kernel
// (assembly/index.ts, the files asconfig.json names) and the float32 one (assembly/index-f32.ts,
// the same names with -f32), so that a module carries one dtype's code and a float64 page never
// downloads the float32 one.
// The one-thread kernels then get a second optimisation round (wasm-opt -Oz) before anything
// reads them, Node's entry and the browser's files alike: asc's -O3 output packs about 2%
// smaller deflated after it, at the same speed (npm run bench). Binaryen keeps every float
// operation as written (no fast-math), so the bits do not change; the .wat is written again to
// match. Not the threads kernels: with it, a threads net's first fit hung in
// test/thread-pool.test.ts (why is not known yet), and no page needs them smaller.
const secondRound = (wasm, wat) => {
  run(bin('wasm-opt'), ['--all-features', wasm, '-Oz', '-o', wasm]);
  run(bin('wasm-dis'), ['--all-features', wasm, '-o', wat]);
};
for (const target of ['release', 'simd', 'threads', 'debug']) {
  run(bin('asc'), ['assembly/index.ts', '--config', 'asconfig.json', '--target', target]);
  if (target === 'debug') continue;
  const { outFile, textFile } = JSON.parse(readFileSync('asconfig.json', 'utf8')).targets[target];
  const f32 = (file) => file.replace(/\.(wasm|wat)$/, '-f32.$1');
  run(bin('asc'), ['assembly/index-f32.ts', '--config', 'asconfig.json', '--target', target, '--outFile', f32(outFile), '--textFile', f32(textFile)]);
  if (target === 'threads') continue;
  secondRound(outFile, textFile);
  secondRound(f32(outFile), f32(textFile));
}
// Workers instantiate the threads build on a running net's memory: its data must never be rewritten.
makeDataPassive('build/wasm/wasm-mlp-threads.wasm');
makeDataPassive('build/wasm/wasm-mlp-threads-f32.wasm');
// Each kernel deflated too (build/wasm/*.wasm.deflate), for the Node entry, which carries them
// inside (src/backends/wasm/kernel-source.ts); the browser builds' own are made below.
const KERNEL_FILES = ['wasm-mlp.wasm', 'wasm-mlp-simd.wasm', 'wasm-mlp-threads.wasm', 'wasm-mlp-f32.wasm', 'wasm-mlp-simd-f32.wasm', 'wasm-mlp-threads-f32.wasm'];
for (const file of KERNEL_FILES) writeFileSync(`build/wasm/${file}.deflate`, deflateRawSync(readFileSync(`build/wasm/${file}`), { level: 9 }));

// Node runs a worker net in a worker_thread started from build/node/worker.js, one more
// entry beside index and cli.
const NODE_WORKER_ENTRY = { worker: 'src/worker/node-worker.ts' };

const common = { bundle: true, format: 'esm', loader: { '.deflate': 'binary' }, logLevel: 'warning', legalComments: 'none' };
/**
 * Makes every lazy piece (a module the library loads with import()) import `entry` too, so
 * that all the entry needs has one set of entries reaching it, and esbuild puts it in ONE
 * chunk (the library's core) rather than in one chunk per combination of pieces sharing it:
 * a page fetches the entry (re-exports) and the core, and gzip sees the core whole. The Node
 * build does the same, so that its entries share one chunk.
 */
const oneCore = (entry) => ({
  name: 'one-core',
  setup(build) {
    build.onResolve({ filter: /.*/ }, async (args) => {
      if (args.kind !== 'dynamic-import' || args.namespace !== 'file') return undefined;
      const { path, errors } = await build.resolve(args.path, { kind: 'import-statement', importer: args.importer, resolveDir: args.resolveDir });
      return errors.length > 0 ? { errors } : { path, namespace: 'lazy-piece' };
    });
    build.onLoad({ filter: /.*/, namespace: 'lazy-piece' }, (args) => ({
      contents: `export * from ${JSON.stringify(args.path)};\nimport ${JSON.stringify(resolve(entry))};\n`,
      resolveDir: root,
      loader: 'js',
    }));
  },
});
// The Node entries (index, cli, worker) share their code in chunks beside them (what only
// some calls need, the js backend or the thread pool, is loaded on first use as in the
// browser), without whitespace (names as written, for stack traces), so that the package
// stays small.
const node = await esbuild.build({
  ...common,
  entryPoints: { index: 'src/index.ts', cli: 'src/cli/bin.ts', ...NODE_WORKER_ENTRY },
  outdir: 'build/node',
  splitting: true,
  chunkNames: '[name]-[hash]',
  plugins: [oneCore('src/index.ts')],
  metafile: true,
  // Whitespace and syntax only: the names stay as written, for stack traces, without
  // keepNames, whose name-setting call on every function a call creates costs the hot calls.
  minifyWhitespace: true,
  minifySyntax: true,
  platform: 'node',
  target: 'node20',
  // CommonJS dependencies bundled into ESM (cli-progress) still call require().
  banner: { js: "#!/usr/bin/env node\nimport { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);" },
});
chmodSync('build/node/cli.js', 0o755);
// wasm-mlp/csv in Node: re-exports of the Node entry (one library, one MLPError).
await esbuild.build({
  ...common,
  entryPoints: { csv: 'src/csv.node.ts' },
  outdir: 'build/node',
  platform: 'node',
  plugins: [{ name: 'node-entry', setup: (build) => build.onResolve({ filter: /^\.\/index\.ts$/ }, () => ({ path: './index.js', external: true })) }],
});
pruneExcept('build/node', [...Object.keys(node.metafile.outputs), 'build/node/csv.js']);

// ---------------------------------------------------------------------------------------------
// The browser builds (build/browser/), ES modules, minified:
//   wasm-mlp.js             the library: src/browser.ts with its kernels as files beside it
//                           (wasm-mlp.wasm, wasm-mlp-simd.wasm, wasm-mlp-threads.wasm and their
//                           -f32 twins for float32 nets, each also deflated as .wasm.deflate),
//                           each fetched on first use through import.meta.url; what only
//                           some pages use (src/browser.ts names it) is in chunks beside it
//                           (NAME-HASH.js), loaded with import() on first use. The chunks sit in
//                           the same folder, so that a kernel's URL is the same from any of them;
//   wasm-mlp-standalone.js  the same library in ONE file, the three kernels deflated inside it
//                           and every lazy piece with it, for a page that hosts one file;
//   csv.js                  wasm-mlp/csv (csv-parse's browser build), taking MLPError from
//                           ./wasm-mlp.js, so errors are the library's own class;
//   format.js               wasm-mlp/format (no imports; Node's entry too).
// A browser worker net's worker runs the worker's side of the library (src/worker/browser-worker.ts,
// built first, whole, as one module) from a blob URL: its text is a string in the chunk that
// starts worker nets (src/worker/worker-library.ts), so no file is hosted for it and a
// bundler that takes the library in leaves it as it is. The standalone build runs its own
// text instead (wrapLibrary), so that it carries the library once.
// build/meta/ keeps each build's esbuild metafile for `npm run size`, and the browser builds'
// mangle cache (mangle-cache.json: each internal name and its short name).
mkdirSync('build/meta', { recursive: true });
mkdirSync('build/browser', { recursive: true });
// The browser library's kernels: each without the diagnostics the host never calls in a page
// (expArray, logArray, tanhArray: the tests run them in Node), which wasm-opt removes with
// whatever only they reach and nothing else (no optimisation pass: every other function keeps
// its instructions), as NAME.wasm and deflated as NAME.wasm.deflate, the file a page fetches
// (src/backends/wasm/kernel-source.browser.ts). Zopfli's deflate is about 4% smaller than
// zlib's best, and any inflater reads it.
const DIAGNOSTICS = ['expArray', 'logArray', 'tanhArray'];
await Promise.all(KERNEL_FILES.map(async (file) => {
  run(bin('wasm-opt'), ['--all-features', `build/wasm/${file}`, `--remove-exports=${DIAGNOSTICS.join(',')}`, '--remove-unused-module-elements', '-o', `build/browser/${file}`]);
  const kernel = readFileSync(`build/browser/${file}`);
  const deflated = await zopfliDeflate(kernel, { numiterations: 15 });
  if (!inflateRawSync(deflated).equals(kernel)) throw new Error(`${file}: zopfli's deflate does not inflate to the kernel`);
  writeFileSync(`build/browser/${file}.deflate`, deflated);
}));
const BROWSER_KERNEL_FILES = KERNEL_FILES.flatMap((file) => [file, `${file}.deflate`]);
/** Builds src/backends/wasm/kernel.ts with its kernel source swapped for kernel-source.<variant>.ts. */
const kernelSource = (variant) => ({
  name: 'kernel-source',
  setup(build) {
    build.onResolve({ filter: /^\.\/kernel-source\.ts$/ }, (args) =>
      args.importer.endsWith(join('wasm', 'kernel.ts')) ? { path: join(args.resolveDir, `kernel-source.${variant}.ts`) } : undefined);
  },
});
/** Resolves the error class to the library module's export (see src/api/mlp-error.ts). */
const libraryError = {
  name: 'library-error',
  setup(build) {
    build.onResolve({ filter: /\/mlp-error\.ts$/ }, () => ({ path: './wasm-mlp.js', external: true }));
  },
};
/**
 * The exp table (src/math/exp-table.ts, upstream's words as hexadecimal BigInt literals, 5.3 KB
 * minified) computed at load by src/math/exp-table.browser.ts (0.5 KB), checked here to give
 * the same doubles, bit for bit (the browser tests compare every backend's bits with Node's too).
 */
const loadTable = async (file) => {
  const source = (await esbuild.build({ entryPoints: [file], bundle: true, write: false, format: 'esm', logLevel: 'warning' })).outputFiles[0].text;
  return (await import(`data:text/javascript,${encodeURIComponent(source)}`)).EXP_TABLE;
};
const [upstreamTable, computedTable] = await Promise.all([loadTable('src/math/exp-table.ts'), loadTable('src/math/exp-table.browser.ts')]);
if (upstreamTable.length !== computedTable.length || upstreamTable.some((x, i) => !Object.is(x, computedTable[i]))) {
  throw new Error('src/math/exp-table.browser.ts does not compute the doubles of src/math/exp-table.ts');
}
const computedExpTable = {
  name: 'computed-exp-table',
  setup(build) {
    build.onResolve({ filter: /\/exp-table\.ts$/ }, (args) => ({ path: resolve(args.resolveDir, args.path).replace(/\.ts$/, '.browser.ts') }));
  },
};
/**
 * Property names the browser builds shorten (esbuild's mangleProps), about 1% of what a page
 * gzips: fields and methods of the host's own objects (the net's layout and memory, the
 * backends, the random stream, the fit's bookkeeping), never read by name and never carried
 * out of the library's code: not an option, model-file, message or kernel-export name, nor
 * a name a built-in or DOM object has, nor a module's export (a lazy piece's exports are read
 * from its module object). checkInternalNames() below refuses one written in quotes in src/
 * (a read by name), exported by a module, or found in a file whose names cross the library's edge.
 */
const INTERNAL_NAMES = [
  'floats', 'doubles', 'ints', 'slots', 'inSize', 'outSize', 'paramCount', 'stride', 'grads', 'capacity', 'unit', 'layout',
  'alignDouble', 'doublesFor', 'elementsForDoubles', 'writeDescriptor', 'withCapacity', 'ensureCapacity', 'setTraining',
  'pointAt', 'clearShift', 'nextUint32',
  'randomSample', 'needsSquares', 'addSquares', 'setNormalization', 'switchOptimizer', 'rollback', 'classifies',
  'lossSum', 'lossTerms', 'trainRows', 'inputSize', 'outputSize', 'nested', 'cells', 'alive', 'take', 'reserve', 'top', 'copy', 'generate', 'pos',
];
/** Files whose property names cross the library's edge: options, model files, worker messages, kernel exports, stores. */
const EDGE_FILES = [
  'src/api/options.generated.ts', 'src/api/net-types.ts', 'src/io/model-json.ts', 'src/data/data-source.ts',
  'src/worker/worker-protocol.ts', 'src/backends/wasm/kernel.ts', 'src/platform/browser-storage.ts',
];
function checkInternalNames() {
  const sources = readdirSync('src', { recursive: true }).filter((file) => file.endsWith('.ts')).map((file) => join('src', file));
  for (const file of sources) {
    const text = readFileSync(file, 'utf8');
    const code = text.replace(/^\s*(\/\/|\*|\/\*).*$/gm, '').replace(/from '[^']*'/g, '');
    for (const name of INTERNAL_NAMES) {
      if (new RegExp(`['"\`]${name}['"\`]`).test(code)) throw new Error(`${file} reads '${name}' by name: take it out of INTERNAL_NAMES (scripts/build.mjs)`);
      if (new RegExp(`export (async )?(function|const|let|class) ${name}\\b|export \\{[^}]*\\b${name}\\b`).test(code)) throw new Error(`${file} exports '${name}': take it out of INTERNAL_NAMES (scripts/build.mjs)`);
      if (EDGE_FILES.includes(file) && new RegExp(`\\b${name}\\b`).test(code)) throw new Error(`${file} uses '${name}', which crosses the library's edge: take it out of INTERNAL_NAMES (scripts/build.mjs)`);
    }
  }
}
checkInternalNames();
// The browser builds instantiate the kernels with WebAssembly's own calls (see
// src/backends/wasm/loader.browser.ts) and compute the exp table at load. They share one
// mangle cache, so that every build gives an internal name the same short name.
const mangleCache = {};
const browser = {
  ...common, platform: 'browser', target: 'es2022', minify: true, metafile: true, outdir: 'build/browser',
  mangleProps: new RegExp(`^(${INTERNAL_NAMES.join('|')})$`), mangleCache,
  alias: { '@assemblyscript/loader': './src/backends/wasm/loader.browser.ts' },
};
/**
 * The worker's side opens its net with `worker` off (src/worker/worker-host.ts), so it never
 * starts a worker net itself: worker-net.ts (the caller's side, about 8 KB) is left out of it.
 */
const noNestedWorkerNets = {
  name: 'no-nested-worker-nets',
  setup(build) {
    build.onResolve({ filter: /^\.\/worker-net\.ts$/ }, () => ({ path: 'worker-net', namespace: 'no-nested-worker-nets' }));
    build.onLoad({ filter: /.*/, namespace: 'no-nested-worker-nets' }, () => ({
      contents: "import { MLPError } from './src/api/errors.ts';\nexport async function openWorkerNet() { throw new MLPError('INTERNAL', 'wasm-mlp internal error: a worker net\\'s worker opened a worker net'); }",
      resolveDir: root,
      loader: 'ts',
    }));
  },
};
/**
 * A second minifying pass over esbuild's minified output, by terser (safe transforms only: no
 * unsafe math, every float operation kept as written), which gzips about 3% smaller: esbuild
 * minifies file by file in one pass, terser compresses the whole module over several passes.
 */
async function compact(text) {
  const { code } = await terserMinify(text, { module: true, compress: { passes: 2, hoist_funs: true }, format: { comments: false } });
  if (code === undefined) throw new Error('terser returned no code');
  return code;
}
const workerSide = await esbuild.build({
  ...browser,
  stdin: { contents: "import { serveWorker } from './src/worker/browser-worker.ts';\nserveWorker();\n", resolveDir: root, sourcefile: 'worker-side.js' },
  outdir: undefined,
  write: false,
  plugins: [kernelSource('worker'), computedExpTable, noNestedWorkerNets],
});
Object.assign(mangleCache, workerSide.mangleCache);
const workerSideText = await compact(workerSide.outputFiles[0].text);
writeFileSync('build/meta/worker-library.json', JSON.stringify(workerSide.metafile));
/** Swaps src/worker/worker-library.ts for a workerLibrary() that returns `body`'s value. */
const workerLibrary = (body) => ({
  name: 'worker-library',
  setup(build) {
    build.onResolve({ filter: /\/worker-library\.ts$/ }, () => ({ path: 'worker-library', namespace: 'worker-library' }));
    build.onLoad({ filter: /.*/, namespace: 'worker-library' }, () => ({ contents: `export function workerLibrary() { return ${body}; }`, loader: 'js' }));
  },
});
/**
 * The standalone build is one function, wasmMlpLibrary, that returns its exports and is called
 * with itself (named twice, so that a bundler's minifier cannot inline it away); a worker net
 * runs that function's text, calling its serveWorker. The body is esbuild's ES module with its
 * closing export clause turned into a return; the file exports what src/browser.ts exports.
 */
function wrapLibrary(file) {
  const text = readFileSync(file, 'utf8');
  const exportClause = /export\s*\{([^}]*)\};?\s*$/.exec(text);
  if (!exportClause) throw new Error(`${file}: esbuild's output does not end with its export clause`);
  const exported = exportClause[1].split(',').map((item) => item.trim().split(/\s+as\s+/)).map(([local, name = local]) => ({ local, name }));
  const body = `${text.slice(0, exportClause.index)}return{${exported.map(({ local, name }) => `${name}:${local}`).join(',')}}`;
  const names = exported.map(({ name }) => name).filter((name) => name !== 'serveWorker');
  writeFileSync(file, `function wasmMlpLibrary(wasmMlpLibrarySelf){${body}}\nexport const{${names.join(',')}}=wasmMlpLibrary(wasmMlpLibrary);\n`);
}
const OWN_TEXT = 'typeof wasmMlpLibrarySelf === "function" ? `(${wasmMlpLibrarySelf})(null).serveWorker();\\n` : undefined';
const browserBuilds = {
  'wasm-mlp': {
    entryPoints: { 'wasm-mlp': 'src/browser.ts' }, splitting: true, chunkNames: '[name]-[hash]',
    plugins: [oneCore('src/browser.ts'), kernelSource('browser'), computedExpTable, workerLibrary(JSON.stringify(workerSideText))],
  },
  'wasm-mlp-standalone': {
    stdin: { contents: "export * from './src/browser.ts';\nexport { serveWorker } from './src/worker/browser-worker.ts';\n", resolveDir: root, sourcefile: 'standalone.js' },
    outdir: undefined, outfile: 'build/browser/wasm-mlp-standalone.js', plugins: [kernelSource('inline'), computedExpTable, workerLibrary(OWN_TEXT)],
  },
  csv: { entryPoints: { csv: 'src/csv.ts' }, plugins: [libraryError], alias: { ...browser.alias, 'csv-parse/sync': 'csv-parse/browser/esm/sync' } },
  format: { entryPoints: { format: 'src/format.ts' }, platform: 'neutral' },
};
const browserOutputs = [];
for (const [name, options] of Object.entries(browserBuilds)) {
  const { metafile, mangleCache: names } = await esbuild.build({ ...browser, ...options });
  Object.assign(mangleCache, names);
  writeFileSync(`build/meta/${name}.json`, JSON.stringify(metafile));
  browserOutputs.push(...Object.keys(metafile.outputs));
}
wrapLibrary('build/browser/wasm-mlp-standalone.js');
writeFileSync('build/meta/mangle-cache.json', JSON.stringify(mangleCache, null, 1));
// build/meta/'s byte counts are esbuild's, before this pass.
await Promise.all(browserOutputs.filter((file) => file.endsWith('.js')).map(async (file) => writeFileSync(file, await compact(readFileSync(file, 'utf8')))));
pruneExcept('build/browser', [...BROWSER_KERNEL_FILES.map((file) => `build/browser/${file}`), ...browserOutputs]);
// ---------------------------------------------------------------------------------------------

// The benchmark (`npm run bench`) is bundled whole, csv-parse included, so it runs the
// very sources it was built from with nothing but node. Beside it the wasm of its ceiling
// (assembly/bench/peak.ts: the SIMD peak of one core), which no library build contains.
run(bin('asc'), ['--config', 'assembly/bench/asconfig.json']);
await esbuild.build({
  ...common,
  entryPoints: ['bench/bench.ts'],
  outfile: 'build/bench/bench.js',
  platform: 'node',
  target: 'node20',
});
// `npm run bench:peers` likewise, except the peers themselves: they stay imports resolved
// from node_modules at run time (devDependencies), since tfjs-backend-wasm finds its .wasm
// files beside its own code and brain.js is CommonJS; the build needs neither installed.
await esbuild.build({
  ...common,
  entryPoints: ['bench/peers.ts'],
  outfile: 'build/bench/peers.js',
  platform: 'node',
  target: 'node20',
  external: ['brain.js', '@tensorflow/*'],
});
// Types: tsconfig.build.json names the entries, so build/types holds what they export and
// what that refers to; declarations an earlier build left (a moved or internal file) go.
const emitted = new Set(
  execFileSync(bin('tsc'), ['-p', 'tsconfig.build.json', '--listEmittedFiles'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.startsWith('TSFILE: '))
    .map((line) => resolve(line.slice('TSFILE: '.length).trim())),
);
pruneExcept('build/types', emitted);

/** Removes the files under `dir` that this build did not write (package.json ships whole folders). */
function pruneExcept(dir, written) {
  const keep = new Set([...written].map((path) => resolve(path)));
  const entries = readdirSync(dir, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    const path = resolve(join(entry.parentPath, entry.name));
    if (entry.isFile() && !keep.has(path)) rmSync(path);
  }
  // Deepest first, so that a folder emptied by its subfolders' removal goes too.
  const folders = entries.filter((e) => e.isDirectory()).map((e) => join(e.parentPath, e.name));
  for (const folder of folders.sort((a, b) => b.length - a.length)) {
    if (readdirSync(folder).length === 0) rmSync(folder, { recursive: true });
  }
}
