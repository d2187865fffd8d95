// The files of the browser library (build/browser/wasm-mlp.js and its chunks), read from the
// esbuild metafile the build keeps (build/meta/wasm-mlp.json): which a page loads up front,
// and which each lazy piece adds when a page first uses it. For `npm run size`, the demo
// site's build and the tests.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The library's outputs, by file name in build/browser/. */
function outputs() {
  const { outputs: all } = JSON.parse(readFileSync(`${root}build/meta/wasm-mlp.json`, 'utf8'));
  return new Map(Object.entries(all).map(([path, output]) => [basename(path), output]));
}

/** `file` and the files it imports statically, transitively. */
function staticClosure(all, file, seen = new Set()) {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const { path, kind } of all.get(file).imports) if (kind === 'import-statement') staticClosure(all, basename(path), seen);
  return seen;
}

/** Every JavaScript file of the library: wasm-mlp.js first, then its chunks. */
export function libraryFiles() {
  return [...outputs().keys()].sort((a, b) => (a === 'wasm-mlp.js' ? -1 : b === 'wasm-mlp.js' ? 1 : a.localeCompare(b)));
}

/** The kernel file a page on the default backend fetches (deflated; see src/backends/wasm/kernel-source.browser.ts). */
export const DEFAULT_KERNEL = 'wasm-mlp-simd.wasm.deflate';

/** What a page loads to train with the defaults: wasm-mlp.js, the chunks it imports, the SIMD kernel. */
export function defaultPage() {
  return [...staticClosure(outputs(), 'wasm-mlp.js'), DEFAULT_KERNEL];
}

/** Each lazy piece (a module the library loads with import()): its name and the files it adds to the default page's. */
export function lazyPieces() {
  const all = outputs();
  const page = new Set(defaultPage());
  const pieces = [];
  for (const [file, output] of all) {
    if (output.entryPoint === undefined || file === 'wasm-mlp.js') continue;
    const name = basename(output.entryPoint).replace(/\.ts$/, '');
    pieces.push({ name, files: [...staticClosure(all, file)].filter((f) => !page.has(f)) });
  }
  return pieces.sort((a, b) => a.name.localeCompare(b.name));
}
