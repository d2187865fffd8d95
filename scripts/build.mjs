// Builds everything under build/: assembly/layout-constants.ts, the WebAssembly kernels (release -O3 scalar and SIMD, and
// debug), the Node entry and CLI, the dependency-free browser bundle, the benchmarks
// (bench and bench:peers) and the .d.ts types.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
process.chdir(root);
const bin = (name) => `node_modules/.bin/${name}`;
const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit' });

// Outputs are overwritten in place, never deleted first, so a test run that reads build/
// while another build runs does not find it missing.
mkdirSync('build/wasm', { recursive: true });
// The kernel's descriptor offsets and codes come from the host's layout (src/backends/layout.ts).
run('node', ['scripts/gen-layout.mjs']);
for (const target of ['release', 'simd', 'threads', 'debug']) {
  run(bin('asc'), ['--config', 'asconfig.json', '--target', target]);
}

const common = { bundle: true, format: 'esm', loader: { '.wasm': 'binary' }, logLevel: 'warning', legalComments: 'none' };
await esbuild.build({
  ...common,
  entryPoints: { index: 'src/index.ts', cli: 'src/cli/main.ts' },
  outdir: 'build/node',
  platform: 'node',
  target: 'node20',
  // CommonJS dependencies bundled into ESM (cli-progress) still call require().
  banner: { js: "#!/usr/bin/env node\nimport { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);" },
});
chmodSync('build/node/cli.js', 0o755);
await esbuild.build({
  ...common,
  entryPoints: ['src/browser.ts'],
  outfile: 'build/browser/wasm-mlp.js',
  platform: 'browser',
  target: 'es2022',
  minify: true,
});
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
run(bin('tsc'), ['-p', 'tsconfig.build.json']);
