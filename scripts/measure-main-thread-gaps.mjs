// Prints, as one table, the longest gap in the calling thread's event loop while a net trains
// with `fit`, with `fitAsync`, and as a worker net (`worker: true`), in Node and in headless
// Chromium, on the digits net (64-128-10) and the MNIST-sized one (784-256-10) of
// bench/workloads.ts. A page stays smooth when no gap exceeds a frame (16 ms); that is the
// target for worker nets. A measurement, not a test: run it on a quiet machine after
// `npm run build`, as `npm run measure:gaps` (or node scripts/measure-main-thread-gaps.mjs).
// The gap is measured by a chain of 1 ms timers on the calling thread (browsers stretch a
// chain's delay to 4 ms): the longest time between two of them is the longest the thread was
// busy, give or take that delay. A first, unmeasured run of each kind warms up the engine.
// Machines that run other work preempt the thread too: compare figures of a quiet machine.
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';

const root = fileURLToPath(new URL('..', import.meta.url));
const NODE_ENTRY = `${root}build/node/index.js`;
const BROWSER_DIR = `${root}build/browser/`;
const BUNDLE = `${BROWSER_DIR}wasm-mlp.js`;
const CHROMIUM = '/usr/bin/chromium';
const RUNS = 3;
/** 'idle' trains nothing for as long as a fit: the gaps the machine itself makes. */
const METHODS = ['idle', 'fit', 'fitAsync', 'worker'];
/** The workloads' nets and data (bench/workloads.ts), trained for a few epochs, so that each fit lasts long enough to show its gaps. */
const SETUPS = [
  { row: 'mid-b32', label: 'digits 64-128-10, batch 32, 10 epochs', epochs: 10 },
  { row: 'wide-b64', label: '784-256-10, 2,048 rows, batch 64, 2 epochs', epochs: 2 },
];

/** bench/workloads.ts, bundled (it is TypeScript) beside the builds and imported. */
async function loadWorkloads() {
  const outfile = `${root}build/measure/workloads.mjs`;
  await esbuild.build({ entryPoints: [`${root}bench/workloads.ts`], bundle: true, outfile, format: 'esm', platform: 'node', logLevel: 'warning' });
  return import(outfile);
}

/**
 * One measured fit, in Node or (as source text) in a page: a fresh net, then the fit while the
 * ping-pong runs. Returns the fit's duration and the longest gap, in milliseconds.
 */
async function measureFit(lib, spec, { inputs, targets }) {
  const create = { ...spec.create, layers: spec.layers, seed: 42 };
  const net = await (spec.method === 'worker' ? lib.MLP.create({ ...create, worker: true }) : lib.MLP.create(create));
  const options = { epochs: spec.epochs, batchSize: spec.batchSize, learningRate: spec.learningRate };
  let last = 0;
  let longest = 0;
  let probing = true;
  const tick = () => {
    const now = performance.now();
    if (now - last > longest) longest = now - last;
    last = now;
    if (probing) setTimeout(tick, 1);
  };
  await new Promise((resolve) => setTimeout(resolve, 50));
  last = performance.now();
  setTimeout(tick, 1);
  const started = performance.now();
  if (spec.method === 'idle') await new Promise((resolve) => setTimeout(resolve, 300));
  else if (spec.method === 'fit') net.fit(inputs, targets, options);
  else if (spec.method === 'fitAsync') await net.fitAsync(inputs, targets, options);
  else await net.fit(inputs, targets, options);
  const elapsed = performance.now() - started;
  // The gap that ends with the fit is seen by the next tick.
  await new Promise((resolve) => setTimeout(resolve, 10));
  probing = false;
  await net.dispose();
  return { elapsed, longest };
}

async function inNode(specs, data) {
  const lib = await import(NODE_ENTRY);
  const results = [];
  for (const spec of specs) results.push(await measureFit(lib, spec, data[spec.setup]));
  return results;
}

async function inChromium(specs, data) {
  // The page, and build/browser/'s library and kernel files.
  const types = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.deflate': 'application/octet-stream' };
  const server = createServer((req, res) => {
    const file = `${BROWSER_DIR}${req.url.slice(1)}`;
    if (req.url === '/') res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><link rel="icon" href="data:,"><script type="module">import * as lib from "./wasm-mlp.js"; window.wasmMlp = lib;</script>');
    else if (/^\/[\w.-]+\.(js|wasm|deflate)$/.test(req.url) && existsSync(file)) res.writeHead(200, { 'Content-Type': types[extname(file)] }).end(readFileSync(file));
    else res.writeHead(404).end();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page.waitForFunction(() => 'wasmMlp' in window);
    // The rows travel to the page once, as plain arrays.
    await page.evaluate((rows) => {
      window.measureData = rows.map((d) => ({ inputs: Float64Array.from(d.inputs), targets: Float64Array.from(d.targets) }));
    }, data.map((d) => ({ inputs: Array.from(d.inputs), targets: Array.from(d.targets) })));
    const results = [];
    for (const spec of specs) {
      results.push(await page.evaluate(([source, s]) => (0, eval)(`(${source})`)(window.wasmMlp, s, window.measureData[s.setup]), [measureFit.toString(), spec]));
    }
    return results;
  } finally {
    await browser.close();
    server.close();
  }
}

for (const file of [NODE_ENTRY, BUNDLE]) if (!existsSync(file)) throw new Error(`${file} not found: run npm run build first`);
const { WORKLOADS } = await loadWorkloads();
const specs = [];
const data = [];
for (const [index, setup] of SETUPS.entries()) {
  const w = WORKLOADS.find((workload) => workload.name === setup.row);
  data.push(w.data({ digitsCSV: () => readFileSync(`${root}examples/data/digits.csv`, 'utf8') }));
  for (const method of METHODS) {
    for (let run = 0; run <= RUNS; run++) {
      specs.push({ setup: index, label: setup.label, method, layers: w.layers, create: w.create, epochs: setup.epochs, batchSize: w.batchSize, learningRate: w.learningRate });
    }
  }
}
const table = [];
for (const [environment, run] of [['Node', inNode], ['Chromium', inChromium]]) {
  const results = await run(specs, data);
  for (let i = 0; i < specs.length; i += RUNS + 1) {
    // The first run of each kind only warms up.
    const mine = results.slice(i + 1, i + RUNS + 1);
    table.push({
      environment, workload: specs[i].label, call: { idle: 'none (idle, 300 ms)', worker: 'worker net (fit)' }[specs[i].method] ?? specs[i].method,
      fit: median(mine.map((r) => r.elapsed)), gap: median(mine.map((r) => r.longest)), worst: Math.max(...mine.map((r) => r.longest)),
    });
  }
}
const columns = [
  ['environment', (r) => r.environment], ['workload', (r) => r.workload], ['call', (r) => r.call],
  ['fit ms', (r) => r.fit.toFixed(0)], ['longest gap ms', (r) => r.gap.toFixed(1)], [`worst of ${RUNS} runs`, (r) => r.worst.toFixed(1)],
];
const widths = columns.map(([title, cell]) => Math.max(title.length, ...table.map((r) => cell(r).length)));
const line = (cells) => cells.map((c, i) => (i >= 3 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
console.log(line(columns.map(([title]) => title)));
for (const r of table) console.log(line(columns.map(([, cell]) => cell(r))));
const worst = Math.max(...table.filter((r) => r.call.startsWith('worker')).map((r) => r.gap));
console.log(`\nmedians of ${RUNS} runs; worker nets: longest gap ${worst.toFixed(1)} ms (target: under 16 ms)`);

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
