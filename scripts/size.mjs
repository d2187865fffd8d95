// Prints the sizes of the browser builds (`npm run size`, after `npm run build`): each file of
// build/browser raw and gzipped (level 9), what a page loads to train with the default backend
// (the library's entry, the chunk it imports, and the SIMD kernel), what each lazy piece adds
// when a page first uses it, and with --inputs the bytes each source file puts into each
// output (from the esbuild metafiles the build keeps in build/meta/).
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { DEFAULT_KERNEL, defaultPage, lazyPieces } from './browser-files.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = `${root}build/browser/`;

/** Raw and gzipped bytes of the files, each gzipped on its own (as a server sends them). */
export function sizes(files) {
  let raw = 0;
  let gzip = 0;
  for (const file of files) {
    const bytes = readFileSync(`${dir}${file}`);
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  return { raw, gzip };
}

/** Kernels a lazy piece brings with it: the threads build replaces the SIMD one for nets with threads. */
const PIECE_KERNELS = { 'thread-pool': ['wasm-mlp-threads.wasm.deflate'] };

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const kb = (n) => `${(n / 1000).toFixed(1)} KB`.padStart(9);
  const row = (name, { raw, gzip }) => console.log(`${name.padEnd(56)}${kb(raw)}${kb(gzip)}`);
  console.log(`${'build/browser/'.padEnd(56)}${'raw'.padStart(9)}${'gzip'.padStart(9)}`);
  for (const file of readdirSync(dir).sort()) row(file, sizes([file]));
  const page = defaultPage();
  console.log('\nA page training with the defaults (JS it imports + the kernel it instantiates):');
  const pageSizes = sizes(page);
  row(`  ${page.join(' + ')}`, pageSizes);
  console.log(`  (${pageSizes.raw.toLocaleString('en')} bytes, ${pageSizes.gzip.toLocaleString('en')} gzipped)`);
  console.log('Lazy pieces, each fetched when a page first uses it:');
  for (const { name, files } of lazyPieces()) {
    const all = [...files, ...(PIECE_KERNELS[name] ?? [])];
    row(`  ${name}: ${all.join(' + ')}`, sizes(all));
  }
  console.log(`  (simd: false fetches wasm-mlp.wasm.deflate, ${(sizes(['wasm-mlp.wasm.deflate']).raw / 1000).toFixed(1)} KB, in place of ${DEFAULT_KERNEL})`);
  if (process.argv.includes('--inputs')) {
    for (const meta of readdirSync(`${root}build/meta`).sort()) {
      const { outputs } = JSON.parse(readFileSync(`${root}build/meta/${meta}`, 'utf8'));
      if (outputs === undefined) continue; // not esbuild's metafile: the browser builds' mangle cache
      for (const [output, { inputs }] of Object.entries(outputs)) {
        console.log(`\n${output}`);
        const rows = Object.entries(inputs).sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput);
        for (const [input, { bytesInOutput }] of rows) if (bytesInOutput > 0) console.log(`${String(bytesInOutput).padStart(8)}  ${input}`);
      }
    }
  }
}
