#!/usr/bin/env node
// Measures streamed training on a large CSV through the CLI: writes a CSV of about --bytes
// (default 1 GB: 784 pixel-like columns with three decimals and a class label of 10) into a
// temporary folder, then runs `wasm-mlp train --data FILE --stream` on a 784-256-10 net and
// prints the wall time and samples per second; with --in-memory-rows N, also trains the
// first N rows in memory (a file of its own, without --stream) for comparison. Peak resident
// memory: run this under `/usr/bin/time -v` (it reports the largest of this process and the
// CLI's). Needs `npm run build` first. Options: --bytes N, --epochs N (1), --batch-size N
// (64), --normalize none|zscore|minmax (none), --shuffle-buffer N (no shuffling when left
// out), --in-memory-rows N, --dir DIR (default: a new folder in the system's temp), --keep.
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: o } = parseArgs({
  options: {
    bytes: { type: 'string', default: '1e9' },
    epochs: { type: 'string', default: '1' },
    'batch-size': { type: 'string', default: '64' },
    normalize: { type: 'string', default: 'none' },
    'shuffle-buffer': { type: 'string' },
    'in-memory-rows': { type: 'string' },
    dir: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const FEATURES = 784;
const CLASSES = 10;
const cli = fileURLToPath(new URL('../build/node/cli.js', import.meta.url));
const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'wasm-mlp-measure-'));
mkdirSync(dir, { recursive: true });

/** Writes `rows` rows (or until `bytes` bytes) of the seeded data set; returns the rows written. */
async function writeCsv(path, bytes, maxRows = Infinity) {
  const out = createWriteStream(path);
  const write = async (text) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write(`${Array.from({ length: FEATURES }, (_, c) => `p${c}`).join(',')},label\n`);
  let s = 7;
  let written = 0;
  let rows = 0;
  let chunk = '';
  while (written < bytes && rows < maxRows) {
    const cells = new Array(FEATURES);
    for (let c = 0; c < FEATURES; c++) {
      s = (s * 1103515245 + 12345) % 2147483648;
      cells[c] = (s / 2147483648).toFixed(3);
    }
    // The class is the tenth of the first pixel: every class about equally often.
    const line = `${cells.join(',')},${Math.min(CLASSES - 1, Math.floor(Number(cells[0]) * CLASSES))}\n`;
    chunk += line;
    written += line.length;
    rows++;
    if (chunk.length > 1 << 20) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(chunk);
  out.end();
  await once(out, 'finish');
  return rows;
}

function train(data, rows, streamed) {
  const args = [cli, 'train', '--data', data, '--layers', `${FEATURES},256,${CLASSES}`, '--epochs', o.epochs, '--batch-size', o['batch-size'], '--normalize', o.normalize, '--seed', '1', '--out', join(dir, streamed ? 'streamed.json' : 'in-memory.json')];
  if (o['shuffle-buffer'] === undefined) args.push('--no-shuffle');
  else if (streamed) args.push('--shuffle', '--shuffle-buffer', o['shuffle-buffer']);
  if (streamed) args.push('--stream');
  console.log(`$ node ${args.map((a) => (a.includes(' ') ? JSON.stringify(a) : a)).join(' ')}`);
  const started = performance.now();
  const run = spawnSync(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  const seconds = (performance.now() - started) / 1000;
  if (run.status !== 0) throw new Error(`the CLI exited with ${run.status}`);
  const samples = rows * Number(o.epochs);
  console.log(`${streamed ? 'streamed' : 'in memory'}: ${rows} rows x ${o.epochs} epoch(s) in ${seconds.toFixed(1)} s wall, ${Math.round(samples / seconds)} samples/s (wall time includes reading the file: for --stream, the pass over the class column and any normalisation passes)`);
}

try {
  const path = join(dir, 'data.csv');
  let started = performance.now();
  const rows = await writeCsv(path, Number(o.bytes));
  console.log(`wrote ${path}: ${rows} rows, ${statSync(path).size} bytes in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  train(path, rows, true);
  if (o['in-memory-rows'] !== undefined) {
    const small = join(dir, 'head.csv');
    started = performance.now();
    const head = await writeCsv(small, Infinity, Number(o['in-memory-rows']));
    console.log(`wrote ${small}: ${head} rows, ${statSync(small).size} bytes`);
    train(small, head, false);
    train(small, head, true);
  }
} finally {
  if (!o.keep && o.dir === undefined) rmSync(dir, { recursive: true, force: true });
}
