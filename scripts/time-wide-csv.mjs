// Times loadCSV on wide files (one header, a few rows, 10k/40k/100k columns) to check that
// parsing stays linear in the number of columns. Run after `npm run build`:
//   node scripts/time-wide-csv.mjs [COLUMNS...]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCSV } from '../build/node/index.js';

const widths = process.argv.slice(2).map(Number);
const dir = mkdtempSync(join(tmpdir(), 'wasm-mlp-wide-'));
try {
  for (const columns of widths.length > 0 ? widths : [10_000, 40_000, 100_000]) {
    const names = Array.from({ length: columns }, (_, i) => `f${i}`);
    const rows = Array.from({ length: 3 }, (_, r) => names.map((_, i) => (i * 7 + r) % 10).join(','));
    const path = join(dir, `wide-${columns}.csv`);
    writeFileSync(path, `${names.join(',')}\n${rows.join('\n')}\n`);
    const start = process.hrtime.bigint();
    const data = loadCSV(path);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    console.log(`${columns} columns: ${seconds.toFixed(3)} s (${data.features.length} features, ${data.inputs.length} rows)`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
