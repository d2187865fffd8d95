// Worker nets in apps built by bundlers: a tiny app that imports 'wasm-mlp' (the package's
// browser entry, build/browser/wasm-mlp.js, whose kernels are files beside it) is built by
// esbuild (the kernels copied beside the bundle, as README says) and by Vite (which copies
// them itself), each minifying it, served, and run in Chromium. Its worker net, started from
// the worker's side of the library that the bundled worker-net piece carries as text, must
// train to the bits of Node's in-thread net; the page fetches the app's files (with Vite, the
// worker-net piece is a chunk of its own) and the one kernel it runs, once: the worker
// fetches nothing.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { build as viteBuild } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as lib from '../src/index.ts';
import { launch, serveStatic, type TestBrowser } from './helpers/browsers.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface Outcome {
  isWorkerNet: boolean;
  /** History, parameters and predictions, each number as its 16 hex digits. */
  bits: string;
}

/**
 * The app's training, also run in Node on an in-thread net: shipped into the app as source,
 * so it uses nothing but its arguments and standard globals.
 */
async function appScenario(MLP: typeof lib.MLP, worker: boolean): Promise<Outcome> {
  const view = new DataView(new ArrayBuffer(8));
  const hex = (x: number): string => {
    view.setFloat64(0, x);
    return view.getBigUint64(0).toString(16).padStart(16, '0');
  };
  let state = 99;
  const next = (): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 4294967296;
  };
  const inputs = Array.from({ length: 24 }, () => Array.from({ length: 4 }, () => next() * 2 - 1));
  const targets = inputs.map((row) => [0, 1, 2].map((k) => (k === (row[0] > 0 ? 0 : row[1] > 0 ? 1 : 2) ? 1 : 0)));
  const options = { layers: [4, 8, 3], activation: ['relu', 'softmax'], loss: 'cross-entropy', init: 'he', seed: 9 } as const;
  const net = worker ? await MLP.create({ ...options, worker: true }) : await MLP.create(options);
  const reports: number[] = [];
  const history = await net.fit(inputs, targets, {
    epochs: 20, batchSize: 4, optimizer: 'adam', learningRate: 0.01, shuffle: true,
    onEpochEnd: (s) => {
      reports.push(s.loss);
      return s.epoch < 12;
    },
  });
  const json = await net.toJSON();
  const predictions = await net.predict(inputs);
  const isWorkerNet = !(net instanceof MLP);
  await net.dispose();
  const bits = JSON.stringify([history, reports, json.weights, json.biases, predictions], (_key, v) => (typeof v === 'number' ? hex(v) : v));
  return { isWorkerNet, bits };
}

const MAIN = `import { MLP } from 'wasm-mlp';
const appScenario = ${appScenario.toString()};
window.result = appScenario(MLP, true).catch((error) => ({ error: String(error && error.stack || error) }));
`;

const HTML = (script: string) => `<!doctype html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>app</title></head>
<body><script type="module" src="${script}"></script></body></html>`;

describe('worker nets in apps built by bundlers, in Chromium', () => {
  let dir: string;
  let browser: TestBrowser | undefined;
  let inNode: Outcome;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wasm-mlp-bundlers-'));
    // The app's project: its source, and the package as an installed dependency.
    mkdirSync(join(dir, 'app', 'node_modules'), { recursive: true });
    symlinkSync(ROOT, join(dir, 'app', 'node_modules', 'wasm-mlp'), 'dir');
    writeFileSync(join(dir, 'app', 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    writeFileSync(join(dir, 'app', 'main.js'), MAIN);
    writeFileSync(join(dir, 'app', 'index.html'), HTML('/main.js'));
    browser = await launch('chromium');
    inNode = await appScenario(lib.MLP, false);
  });

  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Serves a built app, opens it, and returns what its worker net computed. */
  async function runApp(dist: string): Promise<Outcome & { requests: string[]; errors: string[] }> {
    const server = await serveStatic(dist);
    try {
      const page = await browser!.newPage();
      await page.goto(`${server.url}/`);
      await page.waitForFunction('window.result !== undefined');
      const result = await page.evaluate(() => (window as unknown as { result: Promise<Outcome> }).result);
      await page.close();
      return { ...result, requests: page.requests.map((url) => url.slice(server.url.length)), errors: page.consoleErrors };
    } finally {
      await server.close();
    }
  }

  it('esbuild (bundled, minified): the worker net trains to the in-thread bits of Node', async () => {
    const dist = join(dir, 'esbuild');
    mkdirSync(dist);
    await esbuild.build({
      absWorkingDir: join(dir, 'app'), entryPoints: ['main.js'], bundle: true, minify: true, format: 'esm', platform: 'browser',
      outfile: join(dist, 'app.js'), logLevel: 'silent',
    });
    writeFileSync(join(dist, 'index.html'), HTML('./app.js'));
    copyFileSync(join(ROOT, 'build', 'browser', 'wasm-mlp-simd.wasm.deflate'), join(dist, 'wasm-mlp-simd.wasm.deflate'));
    const app = await runApp(dist);
    expect(app).toEqual({ isWorkerNet: true, bits: inNode.bits, requests: ['/', '/app.js', '/wasm-mlp-simd.wasm.deflate'], errors: [] });
  });

  it('Vite (production build): the worker net trains to the in-thread bits of Node', async () => {
    const dist = join(dir, 'vite');
    await viteBuild({ root: join(dir, 'app'), configFile: false, logLevel: 'silent', build: { outDir: dist, emptyOutDir: true } });
    const app = await runApp(dist);
    expect(app.requests[0]).toBe('/');
    expect(app.requests.slice(1)).toEqual([
      expect.stringMatching(/^\/assets\/index-[\w-]+\.js$/),
      expect.stringMatching(/^\/assets\/worker-net-[\w-]+\.js$/),
      expect.stringMatching(/^\/assets\/wasm-mlp-simd\.wasm-[\w-]+\.deflate$/),
    ]);
    expect({ ...app, requests: undefined }).toEqual({ isWorkerNet: true, bits: inNode.bits, requests: undefined, errors: [] });
  });

  it("Node's in-thread run is a real one", () => {
    expect(inNode.isWorkerNet).toBe(false);
    const [history] = JSON.parse(inNode.bits) as [{ epochs: string; stopReason: string }];
    expect(history.stopReason).toBe('callback');
    expect(history.epochs).toBe('4028000000000000');
  });
});
