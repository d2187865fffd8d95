// Prints the sizes of the browser builds (`npm run size`, after `npm run build`): each file of
// build/browser raw and gzipped (level 9), what a page must load to train with the default
// backend (the library and the SIMD kernel), and with --inputs the bytes each source file
// puts into each build (from the esbuild metafiles the build keeps in build/meta/).
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

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

/** What a page loads to train with the default backend (wasm, SIMD). */
export const DEFAULT_PAGE = ['wasm-mlp.js', 'wasm-mlp-simd.wasm'];

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const kb = (n) => `${(n / 1000).toFixed(1)} KB`.padStart(9);
  const row = (name, { raw, gzip }) => console.log(`${name.padEnd(40)}${kb(raw)}${kb(gzip)}`);
  console.log(`${'build/browser/'.padEnd(40)}${'raw'.padStart(9)}${'gzip'.padStart(9)}`);
  for (const file of readdirSync(dir).sort()) row(file, sizes([file]));
  row(DEFAULT_PAGE.join(' + '), sizes(DEFAULT_PAGE));
  if (process.argv.includes('--inputs')) {
    for (const meta of readdirSync(`${root}build/meta`).sort()) {
      const { outputs } = JSON.parse(readFileSync(`${root}build/meta/${meta}`, 'utf8'));
      for (const [output, { inputs }] of Object.entries(outputs)) {
        console.log(`\n${output}`);
        const rows = Object.entries(inputs).sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput);
        for (const [input, { bytesInOutput }] of rows) if (bytesInOutput > 0) console.log(`${String(bytesInOutput).padStart(8)}  ${input}`);
      }
    }
  }
}
