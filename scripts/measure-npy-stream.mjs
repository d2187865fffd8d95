// Measures training from .npy files streamed in blocks (fitAsync on npySource) against the
// same rows in memory (net.fit and net.fitAsync on Float64Arrays): samples per second of a
// 784-256-10 net (relu, softmax, cross-entropy), batch 64, no shuffling, so all three runs
// train the same model, which the script checks bit for bit. Runs alternate (in memory,
// streamed, ...) so that a shared machine's noise falls on both alike; the ratio reported is
// the median of the per-round ratios.
//
// Usage: npm run build && node scripts/measure-npy-stream.mjs [--rows N] [--epochs E]
//          [--rounds R] [--block-rows B] [--dtype float64|float32] [--backend wasm|js]
// (defaults: 20000 rows, 1 epoch, 3 rounds, npySource's default blocks, float64 files, wasm).
// --dtype float32 stores the inputs as '<f4', read through the conversion buffer.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadNpy, MLP, npySource, saveNpy } from '../build/node/index.js';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '20000' },
    epochs: { type: 'string', default: '1' },
    rounds: { type: 'string', default: '3' },
    'block-rows': { type: 'string' },
    dtype: { type: 'string', default: 'float64' },
    backend: { type: 'string', default: 'wasm' },
  },
});
const rows = Number(args.rows);
const epochs = Number(args.epochs);
const rounds = Number(args.rounds);
const blockRows = args['block-rows'] === undefined ? undefined : Number(args['block-rows']);
const LAYERS = [784, 256, 10];
const CREATE = { layers: LAYERS, activation: ['relu', 'softmax'], loss: 'cross-entropy', init: 'xavier', seed: 7, backend: args.backend };
const FIT = { epochs, batchSize: 64, learningRate: 0.01, optimizer: 'sgd', shuffle: false };

const dir = mkdtempSync(join(tmpdir(), 'wasm-mlp-npy-stream-'));
try {
  // MNIST-like numbers: inputs in [0, 1), one-hot targets of a class the inputs decide.
  const x = new Float64Array(rows * 784);
  const y = new Float64Array(rows * 10);
  let state = 12345;
  for (let i = 0; i < x.length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    x[i] = (state >>> 8) / 2 ** 24;
  }
  for (let r = 0; r < rows; r++) y[r * 10 + (Math.floor(x[r * 784] * 10) % 10)] = 1;
  const xPath = join(dir, 'x.npy');
  const yPath = join(dir, 'y.npy');
  saveNpy(xPath, args.dtype === 'float32' ? Float32Array.from(x) : x, [rows, 784]);
  saveNpy(yPath, y, [rows, 10]);
  const inputs = loadNpy(xPath).data;
  const targets = loadNpy(yPath).data;
  console.log(`${rows} rows x 784 (${(statSync(xPath).size / 2 ** 20).toFixed(1)} MiB, ${args.dtype}), ${LAYERS.join('-')}, batch 64, ${epochs} epoch(s), ${args.backend}, ${rounds} rounds`);

  const runs = {
    'fit (in memory)': (net) => net.fit(inputs, targets, FIT),
    'fitAsync (in memory)': (net) => net.fitAsync(inputs, targets, FIT),
    'fitAsync (npySource)': (net) => net.fitAsync(npySource(xPath, yPath, blockRows === undefined ? undefined : { blockRows }), FIT),
  };
  const rates = Object.fromEntries(Object.keys(runs).map((k) => [k, []]));
  const models = {};
  for (let round = 0; round < rounds; round++) {
    for (const [name, run] of Object.entries(runs)) {
      const net = await MLP.create(CREATE);
      try {
        const start = process.hrtime.bigint();
        await run(net);
        const seconds = Number(process.hrtime.bigint() - start) / 1e9;
        rates[name].push((rows * epochs) / seconds);
        models[name] ??= JSON.stringify(net.toJSON());
      } finally {
        net.dispose();
      }
    }
  }
  const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
  for (const [name, list] of Object.entries(rates)) console.log(`${name.padEnd(24)} ${list.map((r) => `${Math.round(r)}`).join(' ')} samples/s (median ${Math.round(median(list))})`);
  const names = Object.keys(runs);
  for (const reference of names.slice(0, 2)) {
    const ratios = rates[names[2]].map((r, i) => r / rates[reference][i]);
    console.log(`streamed / ${reference}: median ${(median(ratios) * 100).toFixed(1)} % (per round: ${ratios.map((q) => `${(q * 100).toFixed(1)} %`).join(', ')})`);
  }
  const same = new Set(Object.values(models)).size === 1;
  console.log(`the three models are ${same ? 'bitwise identical' : 'DIFFERENT (a bug)'}`);
  if (!same) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
