// The browser entries as apps use them: a tiny app importing 'wasm-mlp' is built with no
// bundler (an import map over a copy of build/browser/), with esbuild and with Vite into a
// temp folder, served cross-origin isolated, and trained in headless Chromium on every kernel
// (SIMD, scalar, two worker threads) and on js. Every loss, weight and prediction must equal
// Node's bit for bit; the page must fetch only the kernel each net runs, once, and a page
// training with the defaults only the SIMD kernel (deflated; its .wasm where the engine cannot
// inflate); the standalone build fetches none. A kernel file that is missing is an MLPError
// that names it.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { build as viteBuild } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as node from '../src/index.ts';
import { launch, serveStatic, type TestBrowser, type TestPage } from './helpers/browsers.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BROWSER_BUILD = join(ROOT, 'build', 'browser');

type Bundler = 'none' | 'esbuild' | 'vite';

/** The app's page: loads main.js (the app) as a module; the favicon link keeps the page from requesting one. */
const INDEX_HTML = (head = '') => `<!doctype html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>app</title>${head}</head>
<body><script type="module" src="./main.js"></script></body></html>`;

/** Where a page without a bundler finds the package: build/browser/ copied to ./wasm-mlp/. */
const IMPORT_MAP = `<script type="importmap">${JSON.stringify({
  imports: {
    'wasm-mlp': './wasm-mlp/wasm-mlp.js',
    'wasm-mlp/standalone': './wasm-mlp/wasm-mlp-standalone.js',
    'wasm-mlp/csv': './wasm-mlp/csv.js',
    'wasm-mlp/format': './wasm-mlp/format.js',
  },
})}</script>`;

/**
 * Builds an app whose main module is `source` (it imports 'wasm-mlp' and its entries by their
 * package names) in a new folder under `work`, and returns the folder to serve. The package is
 * this repository (node_modules/wasm-mlp links to it), resolved as a bundler resolves it: its
 * "exports" with the browser condition. esbuild leaves `new URL('./kernel.wasm',
 * import.meta.url)` as it is, so the esbuild app copies the kernel files next to its bundle,
 * as README tells esbuild users to.
 */
async function buildApp(bundler: Bundler, source: string, work: string): Promise<string> {
  const project = mkdtempSync(join(work, `${bundler}-`));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  mkdirSync(join(project, 'node_modules'));
  symlinkSync(ROOT, join(project, 'node_modules', 'wasm-mlp'), 'dir');
  writeFileSync(join(project, 'main.js'), source);
  const dist = join(project, 'dist');
  mkdirSync(dist);
  if (bundler === 'none') {
    writeFileSync(join(dist, 'index.html'), INDEX_HTML(IMPORT_MAP));
    copyFileSync(join(project, 'main.js'), join(dist, 'main.js'));
    mkdirSync(join(dist, 'wasm-mlp'));
    for (const file of readdirSync(BROWSER_BUILD)) copyFileSync(join(BROWSER_BUILD, file), join(dist, 'wasm-mlp', file));
  } else if (bundler === 'esbuild') {
    writeFileSync(join(dist, 'index.html'), INDEX_HTML());
    await esbuild.build({
      entryPoints: [join(project, 'main.js')], outfile: join(dist, 'main.js'), absWorkingDir: project,
      bundle: true, format: 'esm', platform: 'browser', minify: true, logLevel: 'silent',
    });
    for (const file of readdirSync(BROWSER_BUILD).filter((f) => /\.wasm(\.deflate)?$/.test(f))) copyFileSync(join(BROWSER_BUILD, file), join(dist, file));
  } else {
    writeFileSync(join(project, 'index.html'), INDEX_HTML());
    await viteBuild({ root: project, configFile: false, logLevel: 'silent', build: { outDir: dist, emptyOutDir: true } });
  }
  return dist;
}

type Lib = typeof node;
type Run = Record<string, { simd: boolean; threads: number; bits: string[] }>;

/**
 * Trains a mini-batch net on each of `variants` (the defaults, a kernel, or js); returns per
 * variant its kernel and the bits of its losses, parameters and predictions. Shipped to the
 * page as source text, so it uses nothing but its arguments and standard globals: there the
 * library is the app's (window.lib).
 */
async function train(variants: string[], lib: Lib = (globalThis as unknown as { lib: Lib }).lib): Promise<Run> {
  const view = new DataView(new ArrayBuffer(8));
  const bits = (x: number): string => {
    view.setFloat64(0, x);
    return view.getBigUint64(0).toString(16).padStart(16, '0');
  };
  let state = 991;
  const next = (): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 4294967296;
  };
  const inputs = Array.from({ length: 40 }, () => Array.from({ length: 9 }, () => next() * 2 - 1));
  const targets = inputs.map((_, i) => [i % 3 === 0 ? 1 : 0, i % 3 === 1 ? 1 : 0, i % 3 === 2 ? 1 : 0]);
  const options: Record<string, object> = { default: {}, simd: { simd: true }, scalar: { simd: false }, threads: { threads: 2 }, js: { backend: 'js' } };
  const out: Run = {};
  for (const name of variants) {
    const net = await lib.MLP.create({ layers: [9, 17, 3], activation: ['tanh', 'softmax'], loss: 'cross-entropy', seed: 8, ...options[name] });
    const history = net.fit(inputs, targets, { epochs: 4, batchSize: 8, optimizer: 'adam', learningRate: 0.02, shuffle: true });
    const { weights, biases } = net.toJSON();
    out[name] = { simd: net.simd, threads: net.threads, bits: [...history.loss, ...weights.flat(), ...biases.flat(), ...net.predict(inputs).flat()].map(bits) };
    net.dispose();
  }
  return out;
}

const VARIANTS = ['default', 'default', 'simd', 'scalar', 'threads', 'js'];
/** The file each float64 kernel build is fetched as. */
const KERNEL_FILES = { simd: 'wasm-mlp-simd.wasm.deflate', scalar: 'wasm-mlp.wasm.deflate', threads: 'wasm-mlp-threads.wasm.deflate' };
/** Vite's default build.assetsInlineLimit: smaller assets become data: URLs in the bundle. */
const VITE_INLINE_LIMIT = 4096;
/** The app: the library on window, for the test to drive. */
const APP = (entry: string) => `import * as lib from '${entry}';\nwindow.lib = lib;\n`;

const APPS: { name: string; bundler: Bundler; entry: string }[] = [
  { name: 'no bundler (import map)', bundler: 'none', entry: 'wasm-mlp' },
  { name: 'esbuild', bundler: 'esbuild', entry: 'wasm-mlp' },
  { name: 'Vite', bundler: 'vite', entry: 'wasm-mlp' },
  { name: 'esbuild, wasm-mlp/standalone', bundler: 'esbuild', entry: 'wasm-mlp/standalone' },
];

describe('apps built with bundlers train in Chromium as Node does', () => {
  let work: string;
  let browser: TestBrowser;
  let expected: Run;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'wasm-mlp-bundlers-'));
    browser = await launch('chromium');
    expected = await train(['default', 'js'], node);
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(work, { recursive: true, force: true });
  });

  for (const app of APPS) {
    it(`${app.name}: the defaults fetch the SIMD kernel alone, once; every kernel and js give Node's bits`, async () => {
      const dist = await buildApp(app.bundler, APP(app.entry), work);
      const server = await serveStatic(dist, { isolated: true });
      let page: TestPage | undefined;
      try {
        page = await browser.newPage();
        await page.goto(`${server.url}/`);
        await page.waitForFunction('window.lib !== undefined', 15_000);
        // The kernels requested, by build (a bundler may add a hash to the file name).
        const kernels = () =>
          page!.requests.map((url) => new URL(url).pathname).filter((path) => /\.(wasm|deflate)$/.test(path))
            .map((path) => (/wasm-mlp-simd[^/]*$/.test(path) ? 'simd' : /wasm-mlp-threads[^/]*$/.test(path) ? 'threads' : 'scalar'));

        const first = await page.evaluate(train, ['default', 'default'] as never);
        const standalone = app.entry === 'wasm-mlp/standalone';
        expect(kernels()).toEqual(standalone ? [] : ['simd']);
        expect(first.default.bits).toEqual(expected.default.bits);

        const all = await page.evaluate(train, VARIANTS as never);
        expect(Object.fromEntries(Object.entries(all).map(([name, run]) => [name, [run.simd, run.threads]]))).toEqual({
          default: [true, 1], simd: [true, 1], scalar: [false, 1], threads: [true, 2], js: [false, 1],
        });
        for (const [name, run] of Object.entries(all)) expect(run.bits, name).toEqual(expected.default.bits);
        expect(expected.js.bits).toEqual(expected.default.bits);
        // Each kernel fetched once per page, however many nets ran on it; Vite inlines a file
        // under its assetsInlineLimit (4096 bytes) as a data: URL, which is not a request.
        const inlined = (file: string) => app.bundler === 'vite' && statSync(join(BROWSER_BUILD, file)).size < VITE_INLINE_LIMIT;
        const fetched = (['simd', 'scalar', 'threads'] as const).filter((kind) => !inlined(KERNEL_FILES[kind]));
        expect(kernels()).toEqual(standalone ? [] : fetched);
        expect(page.consoleErrors).toEqual([]);
      } finally {
        await page?.close();
        await server.close();
      }
    });
  }

  it('a page whose kernel file is missing gets an MLPError naming it, and succeeds once it is there', async () => {
    const dist = await buildApp('none', APP('wasm-mlp'), work);
    const kernel = join(dist, 'wasm-mlp', 'wasm-mlp-simd.wasm.deflate');
    renameSync(kernel, `${kernel}.away`);
    const server = await serveStatic(dist);
    let page: TestPage | undefined;
    try {
      page = await browser.newPage();
      await page.goto(`${server.url}/`);
      await page.waitForFunction('window.lib !== undefined', 15_000);
      const create = () =>
        page!.evaluate(async () => {
          const { MLP, MLPError } = (globalThis as unknown as { lib: Lib }).lib;
          try {
            return (await MLP.create({ layers: [2, 1], seed: 1 })).simd;
          } catch (error) {
            return { mlp: error instanceof MLPError, code: (error as InstanceType<typeof MLPError>).code, message: (error as Error).message };
          }
        });
      expect(await create()).toEqual({
        mlp: true,
        code: 'IO',
        message: `could not load the WebAssembly kernel ${server.url}/wasm-mlp/wasm-mlp-simd.wasm.deflate (HTTP 404 Not Found); ` +
          "serve every file of the package's build/browser/ next to wasm-mlp.js, or import wasm-mlp/standalone, which is one file",
      });
      renameSync(`${kernel}.away`, kernel);
      expect(await create()).toBe(true);
    } finally {
      await page?.close();
      await server.close();
    }
  });

  it("an engine without DecompressionStream fetches the kernels' .wasm files instead, to the same bits", async () => {
    const dist = await buildApp('none', APP('wasm-mlp'), work);
    // A classic script runs before the page's modules: the library then finds no DecompressionStream.
    const index = join(dist, 'index.html');
    writeFileSync(index, readFileSync(index, 'utf8').replace('<title>', '<script>delete globalThis.DecompressionStream;</script><title>'));
    const server = await serveStatic(dist);
    let page: TestPage | undefined;
    try {
      page = await browser.newPage();
      await page.goto(`${server.url}/`);
      await page.waitForFunction('window.lib !== undefined', 15_000);
      const run = await page.evaluate(train, ['default', 'scalar'] as never);
      expect(run.default.bits).toEqual(expected.default.bits);
      expect(run.scalar.bits).toEqual(expected.default.bits);
      expect(page.requests.map((url) => new URL(url).pathname).filter((path) => /\.(wasm|deflate)$/.test(path))).toEqual(['/wasm-mlp/wasm-mlp-simd.wasm', '/wasm-mlp/wasm-mlp.wasm']);
      expect(page.consoleErrors).toEqual([]);
    } finally {
      await page?.close();
      await server.close();
    }
  });

  it('a page whose lazy piece is missing gets an MLPError naming it and what to serve', async () => {
    const dist = await buildApp('none', APP('wasm-mlp'), work);
    const piece = readdirSync(join(dist, 'wasm-mlp')).find((file) => /^backend-js-\w+\.js$/.test(file))!;
    rmSync(join(dist, 'wasm-mlp', piece));
    const server = await serveStatic(dist);
    let page: TestPage | undefined;
    try {
      page = await browser.newPage();
      await page.goto(`${server.url}/`);
      await page.waitForFunction('window.lib !== undefined', 15_000);
      const outcome = await page.evaluate(async () => {
        const { MLP, MLPError } = (globalThis as unknown as { lib: Lib }).lib;
        const simd = (await MLP.create({ layers: [2, 1], seed: 1 })).simd;
        try {
          await MLP.create({ layers: [2, 1], seed: 1, backend: 'js' });
          return { simd };
        } catch (error) {
          return { simd, mlp: error instanceof MLPError, code: (error as InstanceType<typeof MLPError>).code, message: (error as Error).message };
        }
      });
      expect(outcome).toEqual({
        simd: true,
        mlp: true,
        code: 'IO',
        message: expect.stringMatching(/^wasm-mlp could not load its js backend \(.+\); serve every file of the package's build\/browser\/ next to wasm-mlp\.js, or import wasm-mlp\/standalone, which is one file$/),
      });
    } finally {
      await page?.close();
      await server.close();
    }
  });
});
