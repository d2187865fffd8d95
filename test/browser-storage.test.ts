// net.save() and MLP.load() to browser storage, in real browsers (headless Chromium and Firefox
// ESR through test/helpers/browsers.ts): for 'indexeddb://NAME' and 'localstorage://NAME', a
// net saved, the page reloaded and the net loaded has the same toJSON and predictions bit for
// bit, and the stored text is the model file's (Node's net.save writes the same bytes). A
// missing name, corrupt stored text, a quota exceeded and an aborted IndexedDB write are
// MLPErrors naming the URL, and a failed save keeps the model saved before. Worker nets save
// and load through the page's thread. In Node, these URLs are refused with an MLPError.
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as node from '../src/index.ts';
// @ts-expect-error: a plain .mjs build script, no types
import { libraryFiles } from '../scripts/browser-files.mjs';
import { BROWSER_NAMES, launch, serveStatic, type StaticServer, type TestBrowser, type TestPage } from './helpers/browsers.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const BROWSER_BUILD = `${root}build/browser/`;
const BUNDLE = `${BROWSER_BUILD}wasm-mlp.js`;
/** The library module, its chunks and the kernels it fetches beside it (after `npm run build`). */
const SERVED = () => [...libraryFiles(), ...['wasm-mlp-simd', 'wasm-mlp', 'wasm-mlp-threads', 'wasm-mlp-simd-f32', 'wasm-mlp-f32', 'wasm-mlp-threads-f32'].map((name) => `${name}.wasm.deflate`)];

const PAGE_HTML = `<!doctype html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>wasm-mlp storage</title>
<script>addEventListener('error', () => { window.loadFailed = true; }, true);</script></head>
<body><script type="module">
import * as lib from './wasm-mlp.js';
window.wasmMlp = lib;
</script></body></html>`;

type Lib = typeof node;
const SCHEMES = ['indexeddb', 'localstorage'] as const;

/** What a page reports of a net: its full JSON text and its predictions as bit patterns. */
interface NetView {
  json: string;
  predictions: string[];
}
/** An error as the page saw it. */
interface Failure {
  name: string;
  code?: string;
  message: string;
}

/** The page's library (set by PAGE_HTML's module). */
function lib(): Lib {
  return (window as unknown as { wasmMlp: Lib }).wasmMlp;
}

// Page functions travel as source text: each uses only its argument, lib() (shipped with it)
// and the page's globals.

async function trainAndSave({ url, libSource }: { url: string; libSource: string }): Promise<NetView> {
  const { MLP } = ((0, eval)(`(${libSource})`) as () => Lib)();
  const view = new DataView(new ArrayBuffer(8));
  const bits = (x: number) => (view.setFloat64(0, x), view.getBigUint64(0).toString(16).padStart(16, '0'));
  const inputs = Array.from({ length: 16 }, (_, i) => [Math.cos(i), Math.sin(i * 0.7), i / 16]);
  const targets = inputs.map((_, i) => [0, 1, 2].map((k) => (k === i % 3 ? 1 : 0)));
  const net = await MLP.create({ layers: [3, 8, 3], activation: ['tanh', 'softmax'], loss: 'cross-entropy', seed: 17, classes: ['a', 'b', 'c'] });
  net.fit(inputs, targets, { epochs: 20, optimizer: 'adam', learningRate: 0.05, batchSize: 4, shuffle: true, normalize: 'zscore' });
  await net.save(url, { includeOptimizer: true });
  const result = { json: JSON.stringify(net.toJSON({ includeOptimizer: true })), predictions: net.predict(inputs).flat().map(bits) };
  net.dispose();
  return result;
}

async function loadBack({ url, libSource }: { url: string; libSource: string }): Promise<NetView> {
  const { MLP } = ((0, eval)(`(${libSource})`) as () => Lib)();
  const view = new DataView(new ArrayBuffer(8));
  const bits = (x: number) => (view.setFloat64(0, x), view.getBigUint64(0).toString(16).padStart(16, '0'));
  const inputs = Array.from({ length: 16 }, (_, i) => [Math.cos(i), Math.sin(i * 0.7), i / 16]);
  const net = await MLP.load(url);
  const result = { json: JSON.stringify(net.toJSON({ includeOptimizer: true })), predictions: net.predict(inputs).flat().map(bits) };
  net.dispose();
  return result;
}

/** The text stored for `name`, read with the browser's own API. */
async function storedText({ scheme, name }: { scheme: string; name: string }): Promise<unknown> {
  if (scheme === 'localstorage') return localStorage.getItem(`wasm-mlp/${name}`);
  return new Promise((resolve, reject) => {
    const open = indexedDB.open('wasm-mlp');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const get = db.transaction('models', 'readonly').objectStore('models').get(name);
      get.onsuccess = () => {
        db.close();
        resolve(get.result);
      };
      get.onerror = () => reject(get.error);
    };
  });
}

/** Stores `value` for `name` with the browser's own API (to plant corrupt entries). */
async function plant({ scheme, name, value }: { scheme: string; name: string; value: unknown }): Promise<void> {
  if (scheme === 'localstorage') return localStorage.setItem(`wasm-mlp/${name}`, value as string);
  await new Promise<void>((resolve, reject) => {
    const open = indexedDB.open('wasm-mlp');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const tx = db.transaction('models', 'readwrite');
      tx.objectStore('models').put(value, name);
      tx.oncomplete = () => {
        db.close();
        resolve();
      };
      tx.onabort = () => reject(tx.error);
    };
  });
}

/** The error MLP.load(url) rejects with. */
async function loadFailure({ url, libSource }: { url: string; libSource: string }): Promise<Failure | string> {
  const { MLP } = ((0, eval)(`(${libSource})`) as () => Lib)();
  try {
    await MLP.load(url);
    return 'loaded';
  } catch (error) {
    const e = error as { name: string; code?: string; message: string };
    return { name: e.name, code: e.code, message: e.message };
  }
}

/**
 * A save that fails for real: localStorage past its quota (a net whose model text is some
 * 30 MB), or an IndexedDB write whose transaction aborts after the put. Returns its error.
 */
async function failingSave({ url, scheme, libSource }: { url: string; scheme: string; libSource: string }): Promise<Failure | string> {
  const { MLP } = ((0, eval)(`(${libSource})`) as () => Lib)();
  const big = scheme === 'localstorage';
  const net = await MLP.create({ layers: big ? [1000, 1500, 10] : [3, 8, 3], seed: 99 });
  const put = IDBObjectStore.prototype.put;
  if (!big) {
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
      const request = put.apply(this, args);
      this.transaction.abort();
      return request;
    };
  }
  try {
    await net.save(url);
    return 'saved';
  } catch (error) {
    const e = error as { name: string; code?: string; message: string };
    return { name: e.name, code: e.code, message: e.message };
  } finally {
    IDBObjectStore.prototype.put = put;
    net.dispose();
  }
}

/** A worker net saved to `url` and loaded back as a worker net: both JSON texts. */
async function workerRoundTrip({ url, libSource }: { url: string; libSource: string }): Promise<{ saved: string; loaded: string }> {
  const { MLP } = ((0, eval)(`(${libSource})`) as () => Lib)();
  const inputs = Array.from({ length: 12 }, (_, i) => [Math.cos(i), Math.sin(i)]);
  const targets = inputs.map(([a, b]) => [a * b > 0 ? 1 : 0]);
  const net = await MLP.create({ layers: [2, 5, 1], seed: 3, worker: true });
  await net.fit(inputs, targets, { epochs: 30, learningRate: 0.5, optimizer: 'momentum' });
  await net.save(url, { includeOptimizer: true });
  const saved = JSON.stringify(await net.toJSON({ includeOptimizer: true }));
  await net.dispose();
  const back = await MLP.load(url, { worker: true });
  const loaded = JSON.stringify(await back.toJSON({ includeOptimizer: true }));
  await back.dispose();
  return { saved, loaded };
}

let site: string | undefined;
let server: StaticServer | undefined;
const LIB_SOURCE = lib.toString();

beforeAll(async () => {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} not found: run \`npm run build\` first (npm test does).`);
  site = mkdtempSync(join(tmpdir(), 'wasm-mlp-storage-'));
  writeFileSync(join(site, 'index.html'), PAGE_HTML);
  for (const file of SERVED()) copyFileSync(`${BROWSER_BUILD}${file}`, join(site, file));
  server = await serveStatic(site);
});

afterAll(async () => {
  await server?.close();
  if (site) rmSync(site, { recursive: true, force: true });
});

describe.each(BROWSER_NAMES)('save and load in browser storage, headless %s', (browserName) => {
  let browser: TestBrowser | undefined;
  let page: TestPage;

  /** (Re)loads the page, as a user reloading it would: the origin's storage stays. */
  async function open(): Promise<void> {
    await page.goto(`${server!.url}/`);
    await page.waitForFunction("'wasmMlp' in window || 'loadFailed' in window");
    if (!(await page.evaluate(() => 'wasmMlp' in window))) throw new Error(`the page did not load the bundle: ${page.consoleErrors.join('; ')}`);
  }

  beforeAll(async () => {
    browser = await launch(browserName);
    page = await browser.newPage();
    await open();
  });

  afterAll(async () => {
    await browser?.close();
  });

  for (const scheme of SCHEMES) {
    it(`${scheme}://: a saved net survives a reload bit for bit, stored as the model file's text`, async () => {
      const url = `${scheme}://trained net`;
      const saved = await page.evaluate(trainAndSave, { url, libSource: LIB_SOURCE });
      await open();
      const loaded = await page.evaluate(loadBack, { url, libSource: LIB_SOURCE });
      expect(loaded.json).toBe(saved.json);
      expect(loaded.predictions).toEqual(saved.predictions);
      expect(saved.predictions).toHaveLength(48);
      // The stored text is what Node's save writes for the same net, byte for byte.
      const text = await page.evaluate(storedText, { scheme, name: 'trained net' });
      expect(typeof text).toBe('string');
      const dir = mkdtempSync(join(tmpdir(), 'wasm-mlp-storage-file-'));
      try {
        const net = await node.MLP.fromJSON(text);
        await net.save(join(dir, 'model.json'), { includeOptimizer: true });
        net.dispose();
        expect(readFileSync(join(dir, 'model.json'), 'utf8')).toBe(text);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it(`${scheme}://: a missing name and corrupt stored text are MLPErrors naming the URL`, async () => {
      const missing = await page.evaluate(loadFailure, { url: `${scheme}://never saved`, libSource: LIB_SOURCE });
      expect(missing).toEqual({ name: 'MLPError', code: 'IO', message: expect.stringContaining(`cannot load ${scheme}://never saved: no model is saved under that name`) });
      await page.evaluate(plant, { scheme, name: 'corrupt', value: '{"version": 2, "layers": [2, 1' });
      const corrupt = await page.evaluate(loadFailure, { url: `${scheme}://corrupt`, libSource: LIB_SOURCE });
      expect(corrupt).toEqual({ name: 'MLPError', code: 'INVALID_MODEL', message: expect.stringContaining(`the model stored at ${scheme}://corrupt is not valid: `) });
      if (scheme === 'indexeddb') {
        await page.evaluate(plant, { scheme, name: 'not text', value: { layers: [2, 1] } });
        const object = await page.evaluate(loadFailure, { url: 'indexeddb://not text', libSource: LIB_SOURCE });
        expect(object).toEqual({ name: 'MLPError', code: 'INVALID_MODEL', message: 'the model stored at indexeddb://not text is not valid: it holds {"layers":[2,1]}, not the text net.save() writes' });
      }
      const empty = await page.evaluate(loadFailure, { url: `${scheme}://`, libSource: LIB_SOURCE });
      expect(empty).toEqual({ name: 'MLPError', code: 'INVALID_ARGUMENT', message: `path must be '${scheme}://NAME' with a non-empty NAME; got "${scheme}://"` });
    });

    it(`${scheme}://: a failed save is an MLPError naming the URL and keeps the model saved before`, async () => {
      const url = `${scheme}://kept`;
      const saved = await page.evaluate(trainAndSave, { url, libSource: LIB_SOURCE });
      const failure = await page.evaluate(failingSave, { url, scheme, libSource: LIB_SOURCE });
      expect(failure).toEqual({
        name: 'MLPError', code: 'IO',
        message: expect.stringMatching(scheme === 'localstorage' ? /^cannot save localstorage:\/\/kept: this origin's storage quota is used up/ : /^cannot save indexeddb:\/\/kept: AbortError/),
      });
      await open();
      const loaded = await page.evaluate(loadBack, { url, libSource: LIB_SOURCE });
      expect(loaded).toEqual(saved);
    });
  }

  it('a worker net saves to and loads from both stores, from the page\'s thread', async () => {
    for (const scheme of SCHEMES) {
      const { saved, loaded } = await page.evaluate(workerRoundTrip, { url: `${scheme}://worker net`, libSource: LIB_SOURCE });
      expect(JSON.parse(saved).layers).toEqual([2, 5, 1]);
      expect(loaded, scheme).toBe(saved);
    }
  });

  it('the pages logged no errors', () => {
    expect(page.consoleErrors).toEqual([]);
  });
});

describe('in Node', () => {
  it('browser storage URLs are refused with an MLPError naming the path', async () => {
    const net = await node.MLP.create({ layers: [2, 1], seed: 1 });
    try {
      for (const scheme of SCHEMES) {
        for (const call of [() => net.save(`${scheme}://model`), () => node.MLP.load(`${scheme}://model`)]) {
          const error = await call().then(() => undefined, (e: unknown) => e);
          expect(error).toBeInstanceOf(node.MLPError);
          expect((error as node.MLPError).code).toBe('INVALID_ARGUMENT');
          expect((error as node.MLPError).message).toBe(`path "${scheme}://model" names browser storage (${scheme === 'indexeddb' ? 'IndexedDB' : 'localStorage'}), which only the browser build of wasm-mlp has; in Node save to a file path`);
        }
      }
      // Nothing was written: no such folder appeared.
      expect(existsSync('indexeddb:')).toBe(false);
      expect(existsSync('localstorage:')).toBe(false);
    } finally {
      net.dispose();
    }
  });
});
