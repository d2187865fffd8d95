import * as esbuild from 'esbuild';
import { gzipSync } from 'node:zlib';
import { resolve, join } from 'node:path';
import sm from 'source-map-js';
const kernelSource = (variant) => ({ name: 'ks', setup(build) { build.onResolve({ filter: /^\.\/kernel-source\.ts$/ }, (args) => args.importer.endsWith(join('wasm', 'kernel.ts')) ? { path: join(args.resolveDir, `kernel-source.${variant}.ts`) } : undefined); } });
const computedExpTable = { name: 'cet', setup(build) { build.onResolve({ filter: /\/exp-table\.ts$/ }, (args) => ({ path: resolve(args.resolveDir, args.path).replace(/\.ts$/, '.browser.ts') })); } };
const lazyExternal = { name: 'lazy', setup(build) { build.onResolve({ filter: /.*/ }, (args) => args.kind === 'dynamic-import' ? { path: args.path, external: true } : undefined); } };
const r = await esbuild.build({ entryPoints: ['src/browser.ts'], bundle: true, format: 'esm', write: false, minify: true, platform: 'browser', target: 'es2022', legalComments: 'none', loader: { '.deflate': 'binary' }, alias: { '@assemblyscript/loader': './src/backends/wasm/loader.browser.ts' }, plugins: [lazyExternal, kernelSource('browser'), computedExpTable], sourcemap: 'external', outfile: '/tmp/b2/x.js' });
const js = r.outputFiles.find((f) => f.path.endsWith('.js')).text;
const map = JSON.parse(r.outputFiles.find((f) => f.path.endsWith('.map')).text);
const c = new sm.SourceMapConsumer(map);
const lines = js.split('\n');
const lineStart = []; let o = 0; for (const l of lines) { lineStart.push(o); o += l.length + 1; }
const owner = new Array(js.length).fill('?');
const ms = []; c.eachMapping((m) => ms.push(m));
ms.sort((a, b) => (lineStart[a.generatedLine - 1] + a.generatedColumn) - (lineStart[b.generatedLine - 1] + b.generatedColumn));
for (let i = 0; i < ms.length; i++) { const s = lineStart[ms[i].generatedLine - 1] + ms[i].generatedColumn; const e = i + 1 < ms.length ? lineStart[ms[i + 1].generatedLine - 1] + ms[i + 1].generatedColumn : js.length; for (let k = s; k < e; k++) owner[k] = ms[i].source; }
const total = gzipSync(js, { level: 9 }).length;
const files = [...new Set(owner)];
const rows = files.map((f) => { let kept = ''; let n = 0; for (let k = 0; k < js.length; k++) if (owner[k] !== f) kept += js[k]; else n++; return [f, n, total - gzipSync(kept, { level: 9 }).length]; }).sort((a, b) => b[2] - a[2]);
console.log('total raw', js.length, 'gzip', total);
for (const [f, n, g] of rows) console.log(String(n).padStart(7), String(g).padStart(7), f);
