// Builds everything under build/ (after regenerating src/api/options.generated.ts from the
// option registry and assembly/layout-constants.ts from src/backends/layout.ts): the
// WebAssembly kernels (release -O3 scalar and SIMD, and
// debug), the Node entry and CLI, the dependency-free browser bundle, the benchmarks
// (bench and bench:peers) and the .d.ts types of the two entries. The package ships the
// entries and their types (package.json "files"); the kernels are inlined in the bundles.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

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

// ---- Worker nets (src/worker/) ----------------------------------------------------------
// Node runs a worker net in a worker_thread started from build/node/worker.js, one more
// entry beside index and cli (sharing their library chunk).
const NODE_WORKER_ENTRY = { worker: 'src/worker/node-worker.ts' };

/**
 * A browser worker net runs the library's own source, from a blob URL, so nothing else need
 * be hosted: the library's whole body is one self-contained function, wasmMlpLibrary, which
 * returns its exports and is called with itself (named twice, so that a bundler's minifier
 * cannot inline it away); the library makes its worker's source from that function's text
 * (src/worker/worker-spawner.ts). The body is esbuild's ES module of src/worker/browser-bundle.ts
 * with its closing export clause turned into a return, so import.meta keeps working. The file
 * exports what src/browser.ts exports. Returns the build's metafile.
 */
async function buildBrowserLibrary(options, outfile) {
  const result = await esbuild.build({ ...options, entryPoints: ['src/worker/browser-bundle.ts'], format: 'esm', write: false, metafile: true, outfile });
  const text = result.outputFiles[0].text;
  const exportClause = /export\s*\{([^}]*)\};?\s*$/.exec(text);
  if (!exportClause) throw new Error(`${outfile}: esbuild's output does not end with its export clause`);
  const exported = exportClause[1].split(',').map((item) => item.trim().split(/\s+as\s+/)).map(([local, name = local]) => ({ local, name }));
  const body = `${text.slice(0, exportClause.index)}return{${exported.map(({ local, name }) => `${name}:${local}`).join(',')}}`;
  const names = exported.map(({ name }) => name).filter((name) => name !== 'serveWorker');
  mkdirSync(dirname(outfile), { recursive: true });
  writeFileSync(outfile, `function wasmMlpLibrary(wasmMlpLibrarySelf){${body}}\nexport const{${names.join(',')}}=wasmMlpLibrary(wasmMlpLibrary);\n`);
  return result.metafile;
}
// ---- end of worker nets ----------------------------------------------------------------

const common = { bundle: true, format: 'esm', loader: { '.wasm': 'binary' }, logLevel: 'warning', legalComments: 'none' };
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
pruneExcept('build/node', Object.keys(node.metafile.outputs));
await buildBrowserLibrary({ ...common, platform: 'browser', target: 'es2022', minify: true }, 'build/browser/wasm-mlp.js');
// The benchmark (`npm run bench`) is bundled whole, csv-parse included, so it runs the
// very sources it was built from with nothing but node.
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
