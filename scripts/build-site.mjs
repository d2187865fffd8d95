// Builds the demo site (`npm run demo`) into build/site/, or into the folder given as the
// first argument: the three pages' HTML with the shared navigation put in, each page's script
// and stylesheet bundled by esbuild (uPlot included), the library's browser bundle beside them
// as ./wasm-mlp.js with its chunks and kernel files (the pages import it instead of bundling
// their own copy), the digits data and the icon. Needs `npm run build` first, for build/browser/wasm-mlp.js.
//
//   node scripts/build-site.mjs [out-dir]
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { libraryFiles } from './browser-files.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = resolve(process.argv[2] ?? join(root, 'build', 'site'));
const LIBRARY = join(root, 'build', 'browser', 'wasm-mlp.js');

/** Each page: its HTML (served under the same name) and its script, which imports its CSS. */
const PAGES = [
  { html: 'site/playground/index.html', name: 'playground', script: 'site/playground/main.ts' },
  { html: 'site/digits/digits.html', name: 'digits', script: 'site/digits/main.ts' },
  { html: 'site/bench/bench.html', name: 'bench', script: 'site/bench/main.ts' },
];
/** Scripts a page starts as module workers. */
const WORKERS = { 'bench-worker': 'site/bench/worker.ts' };

if (!existsSync(LIBRARY)) {
  console.error(`build-site: ${LIBRARY} is missing; run npm run build first`);
  process.exit(1);
}
mkdirSync(join(out, 'data'), { recursive: true });

// The pages import the library through site/shared/library.ts, which re-exports the sources
// for the types; here that import becomes the served bundle.
const libraryAsBundle = {
  name: 'library-as-bundle',
  setup(build) {
    build.onResolve({ filter: /(^|\/)src\/browser\.ts$/ }, () => ({ path: './wasm-mlp.js', external: true }));
  },
};

await esbuild.build({
  absWorkingDir: root,
  entryPoints: { ...Object.fromEntries(PAGES.map((p) => [p.name, p.script])), ...WORKERS },
  outdir: out,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [libraryAsBundle],
});

const nav = readFileSync(join(root, 'site', 'shared', 'nav.html'), 'utf8').trim();
for (const page of PAGES) {
  const file = page.html.split('/').pop();
  const html = readFileSync(join(root, page.html), 'utf8');
  if (!html.includes('<!-- site-nav -->')) throw new Error(`build-site: ${page.html} has no <!-- site-nav --> placeholder`);
  const here = nav.replace(`<a href="${file}">`, `<a href="${file}" aria-current="page">`);
  writeFileSync(join(out, file), html.replace('<!-- site-nav -->', here));
}
for (const file of libraryFiles()) copyFileSync(join(dirname(LIBRARY), file), join(out, file));
// The library fetches its kernel builds from beside itself (import.meta.url).
for (const kernel of readdirSync(dirname(LIBRARY)).filter((name) => /\.wasm(\.deflate)?$/.test(name))) {
  copyFileSync(join(dirname(LIBRARY), kernel), join(out, kernel));
}
copyFileSync(join(root, 'site', 'shared', 'favicon.svg'), join(out, 'favicon.svg'));
copyFileSync(join(root, 'examples', 'data', 'digits.csv'), join(out, 'data', 'digits.csv'));
console.log(`build-site: wrote ${out}`);
