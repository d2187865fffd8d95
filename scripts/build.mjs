// Builds everything under build/ (after regenerating src/api/options.generated.ts from the
// option registry and assembly/layout-constants.ts from src/backends/layout.ts): the
// WebAssembly kernels (release -O3 scalar, SIMD and threads, and debug), the Node entry and
// CLI, the dependency-free browser builds, the benchmarks (bench and bench:peers) and the
// .d.ts types of the entries. The package ships the entries and their types (package.json
// "files"); the Node entry carries the kernels deflated inside, the browser library fetches
// them from the files beside it.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateRawSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { makeDataPassive } from './passive-data.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
process.chdir(root);
const bin = (name) => `node_modules/.bin/${name}`;
const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit' });

// Outputs are overwritten in place, never deleted first, so a test run that reads build/
// while another build runs does not find it missing.
run('node', ['scripts/gen-options.mjs']);
mkdirSync('build/wasm', { recursive: true });
// The kernel's descriptor offsets and codes come from the host's layout (src/backends/layout.ts).
run('node', ['scripts/gen-layout.mjs']);
for (const target of ['release', 'simd', 'threads', 'debug']) {
  run(bin('asc'), ['--config', 'asconfig.json', '--target', target]);
}
// Workers instantiate the threads build on a running net's memory: its data must never be rewritten.
makeDataPassive('build/wasm/wasm-mlp-threads.wasm');
// Each kernel deflated too (build/wasm/*.wasm.deflate), for the builds that carry them inside:
// the Node entry and the standalone browser build (src/backends/wasm/kernel-source*.ts).
const KERNEL_FILES = ['wasm-mlp.wasm', 'wasm-mlp-simd.wasm', 'wasm-mlp-threads.wasm'];
for (const file of KERNEL_FILES) writeFileSync(`build/wasm/${file}.deflate`, deflateRawSync(readFileSync(`build/wasm/${file}`), { level: 9 }));

// ---- Worker nets (src/worker/) ----------------------------------------------------------
// Node runs a worker net in a worker_thread started from build/node/worker.js, one more
// entry beside index and cli (sharing their library chunk).
const NODE_WORKER_ENTRY = { worker: 'src/worker/node-worker.ts' };
/** The browser library's entry: src/browser.ts, and serveWorker for its worker nets. */
const LIBRARY_ENTRY = 'src/worker/browser-bundle.ts';

/**
 * A browser worker net runs the library's own source, from a blob URL, so nothing else need
 * be hosted: the library's whole body becomes one self-contained function, wasmMlpLibrary,
 * which returns its exports and is called with itself (named twice, so that a bundler's
 * minifier cannot inline it away); the library makes its worker's source from that
 * function's text (src/worker/worker-spawner.ts). The body is esbuild's ES module with its
 * closing export clause turned into a return, so import.meta keeps working; the file exports
 * what src/browser.ts exports.
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
// ---- end of worker nets ----------------------------------------------------------------

const common = { bundle: true, format: 'esm', loader: { '.deflate': 'binary' }, logLevel: 'warning', legalComments: 'none' };
// The Node entry and the CLI share one chunk (build/node/library.js), minified (names kept,
// for stack traces), so that the package stays small.
const node = await esbuild.build({
  ...common,
  entryPoints: { index: 'src/index.ts', cli: 'src/cli/bin.ts', ...NODE_WORKER_ENTRY },
  outdir: 'build/node',
  splitting: true,
  chunkNames: 'library',
  metafile: true,
  minify: true,
  keepNames: true,
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
// The browser builds (build/browser/), every one a single ES module, minified:
//   wasm-mlp.js             the library: src/browser.ts with its kernels as files beside it
//                           (wasm-mlp.wasm, wasm-mlp-simd.wasm, wasm-mlp-threads.wasm, copied
//                           here), each fetched on first use through import.meta.url;
//   wasm-mlp-standalone.js  the same library with the three kernels deflated inside it, for a
//                           page that hosts one file;
//   csv.js                  wasm-mlp/csv (csv-parse's browser build), taking MLPError from
//                           ./wasm-mlp.js, so errors are the library's own class;
//   format.js               wasm-mlp/format (no imports; Node's entry too).
// The library stays ONE module, with no lazy chunk: worker nets run its own source text.
// build/meta/ keeps each build's esbuild metafile for `npm run size`.
mkdirSync('build/meta', { recursive: true });
mkdirSync('build/browser', { recursive: true });
for (const file of KERNEL_FILES) copyFileSync(`build/wasm/${file}`, `build/browser/${file}`);
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
const browser = { ...common, platform: 'browser', target: 'es2022', minify: true, metafile: true, outdir: 'build/browser' };
const browserBuilds = {
  'wasm-mlp': { entryPoints: { 'wasm-mlp': LIBRARY_ENTRY }, plugins: [kernelSource('browser')] },
  'wasm-mlp-standalone': { entryPoints: { 'wasm-mlp-standalone': LIBRARY_ENTRY }, plugins: [kernelSource('inline')] },
  csv: { entryPoints: { csv: 'src/csv.ts' }, plugins: [libraryError], alias: { 'csv-parse/sync': 'csv-parse/browser/esm/sync' } },
  format: { entryPoints: { format: 'src/format.ts' }, platform: 'neutral' },
};
for (const [name, options] of Object.entries(browserBuilds)) {
  const { metafile } = await esbuild.build({ ...browser, ...options });
  writeFileSync(`build/meta/${name}.json`, JSON.stringify(metafile));
}
for (const name of ['wasm-mlp', 'wasm-mlp-standalone']) wrapLibrary(`build/browser/${name}.js`);
pruneExcept('build/browser', [...KERNEL_FILES, ...Object.keys(browserBuilds).map((name) => `${name}.js`)].map((file) => `build/browser/${file}`));
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
