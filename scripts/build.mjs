// Builds everything under build/: the WebAssembly kernel (release -O3 and debug), the Node
// entry and CLI, the dependency-free browser bundle and the .d.ts types.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
process.chdir(root);
const bin = (name) => `node_modules/.bin/${name}`;
const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit' });

rmSync('build', { recursive: true, force: true });
mkdirSync('build/wasm', { recursive: true });
for (const target of ['release', 'debug']) {
  run(bin('asc'), ['--config', 'asconfig.json', '--target', target]);
}

const common = { bundle: true, format: 'esm', loader: { '.wasm': 'binary' }, logLevel: 'warning', legalComments: 'none' };
await esbuild.build({
  ...common,
  entryPoints: { index: 'src/index.ts', cli: 'src/cli.ts' },
  outdir: 'build/node',
  platform: 'node',
  target: 'node20',
  splitting: true,
  banner: { js: '#!/usr/bin/env node' },
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
run(bin('tsc'), ['-p', 'tsconfig.build.json']);
