// The browser bundle in real browsers: headless Chromium (V8) and Firefox ESR (SpiderMonkey),
// Debian's builds driven through test/helpers/browsers.ts, import build/browser/wasm-mlp.js (and
// format.js, for the notebook's printing) from a local HTTP server and train the notebook net
// and a random 4-layer net on both backends. Every weight, bias, loss and prediction must match
// Node's run of the same code bit for bit in every browser, and the library must load nothing
// but its own chunks and the kernels it runs, from beside it.
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as library from '../src/index.ts';
import type { MLP } from '../src/index.ts';
import * as format from '../src/format.ts';
import { BROWSER_NAMES, launch, serveStatic, type StaticServer, type TestBrowser, type TestPage } from './helpers/browsers.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const BROWSER_BUILD = `${root}build/browser/`;
const BUNDLE = `${BROWSER_BUILD}wasm-mlp.js`;
/** The kernel files a page fetches (deflated; NAME.wasm only where the engine cannot inflate). */
const KERNELS = ['wasm-mlp-simd.wasm', 'wasm-mlp.wasm', 'wasm-mlp-threads.wasm', 'wasm-mlp-simd-f32.wasm', 'wasm-mlp-f32.wasm', 'wasm-mlp-threads-f32.wasm'].map((file) => `${file}.deflate`);

/** The library's files: wasm-mlp.js and every chunk it imports, statically or with import(), transitively. */
async function libraryFiles(): Promise<Map<string, { static: string[]; lazy: string[] }>> {
  const files = new Map<string, { static: string[]; lazy: string[] }>();
  const visit = async (file: string): Promise<void> => {
    if (files.has(file)) return;
    const { metafile } = await esbuild.build({
      entryPoints: [`${BROWSER_BUILD}${file}`], bundle: true, write: false, metafile: true, external: ['*'], logLevel: 'silent', format: 'esm',
    });
    const [input] = Object.values(metafile.inputs);
    expect(input.format, file).toBe('esm');
    const named = (kind: string) => input.imports.filter((i) => i.kind === kind).map((i) => i.path.replace(/^\.\//, ''));
    const imports = { static: named('import-statement'), lazy: named('dynamic-import') };
    expect(input.imports.every((i) => /^\.\/[\w.-]+\.js$/.test(i.path) && (i.kind === 'import-statement' || i.kind === 'dynamic-import')), `${file} imports ${JSON.stringify(input.imports)}`).toBe(true);
    files.set(file, imports);
    for (const next of [...imports.static, ...imports.lazy]) await visit(next);
  };
  await visit('wasm-mlp.js');
  return files;
}
const node = { ...library, ...format };

// The favicon link stops the browser from requesting /favicon.ico, whose 404 would be logged as
// a console error and would also count as a request for something other than the bundle. The
// capturing error listener also sees a failed module fetch, so a broken bundle fails the test
// at once rather than after the load timeout.
const PAGE_HTML = `<!doctype html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>wasm-mlp</title>
<script>addEventListener('error', () => { window.loadFailed = true; }, true);</script></head>
<body><script type="module">
import * as lib from './wasm-mlp.js';
import * as format from './format.js';
window.wasmMlp = { ...lib, ...format };
</script></body></html>`;

type Lib = typeof library & typeof format;
type Backend = 'wasm' | 'js';
/** A double as the 16 hex digits of its IEEE-754 bit pattern: exact, -0 and NaN included. */
type Bits = string;
interface Params { layers: number[]; weights: Bits[][]; biases: Bits[][] }
interface NotebookRun {
  initial: Params;
  cell1Loss: Bits[];
  cell1: Params;
  loss: Bits[];
  final: Params;
  predictions: Bits[][];
  /** formatNumpyArray(updated W1, [2, 2]) */
  printedW1: string;
  /** Both cells' output, printed as the notebook prints it. */
  printed: string;
}
interface RandomRun { initial: Params; loss: Bits[]; final: Params; predictions: Bits[][] }
type Outcome = Record<Backend, { notebook: NotebookRun; random: RandomRun }>;

/**
 * The training both sides run: this very function is shipped to the page by page.evaluate
 * (as its source text) and called in Node, so it must use nothing but its argument and
 * standard globals. (Coverage that instruments source, like istanbul, would break that; v8's
 * does not.)
 */
async function scenarios(lib: Lib): Promise<Outcome> {
  const view = new DataView(new ArrayBuffer(8));
  const bits = (x: number): string => {
    view.setFloat64(0, x);
    return view.getBigUint64(0).toString(16).padStart(16, '0');
  };
  const params = (net: MLP): Params => {
    const json = net.toJSON();
    return {
      layers: json.layers,
      weights: json.weights.map((w) => w.map(bits)),
      biases: json.biases.map((b) => b.map(bits)),
    };
  };
  const out: Record<string, unknown> = {};
  for (const backend of ['wasm', 'js'] as const) {
    // The notebook: cell 1 is one SGD step on x = [0, 1], y = 1; cell 2 is 10,000 more.
    const x = [[0, 1]];
    const y = [[1]];
    const nb = await lib.MLP.create({ layers: [2, 2, 1], seed: 42, backend });
    const nbInitial = params(nb);
    const cell1Loss = nb.fit(x, y, { epochs: 1, learningRate: 0.1 }).loss;
    const { weights, biases } = nb.toJSON();
    const nbCell1 = params(nb);
    const loss = nb.fit(x, y, { epochs: 10000, learningRate: 0.1 }).loss;
    let printed =
      `Updated W1:\n ${lib.formatNumpyArray(weights[0], [2, 2])}\n` +
      `Updated b1:\n ${lib.formatNumpyArray(biases[0], [2, 1])}\n` +
      `Updated W2:\n ${lib.formatNumpyArray(weights[1], [1, 2])}\n` +
      `Updated b2:\n ${lib.formatNumpyArray(biases[1], [1, 1])}\n`;
    for (let e = 0; e < loss.length; e += 1000) printed += `Epoch ${e + 1}, Loss: ${lib.pythonFloatRepr(loss[e])}\n`;
    const notebook = {
      initial: nbInitial, cell1Loss: cell1Loss.map(bits), cell1: nbCell1, loss: loss.map(bits),
      final: params(nb), predictions: nb.predict(x).map((r) => r.map(bits)),
      printedW1: lib.formatNumpyArray(weights[0], [2, 2]), printed,
    };
    nb.dispose();

    // A random deeper net. The data come from an integer LCG scaled by 2^-32, so they are exact
    // dyadic doubles, identical in every engine (Math.sin or Math.random would not be).
    let state = 20240611;
    const next = (): number => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state / 4294967296;
    };
    const inputs = Array.from({ length: 12 }, () => Array.from({ length: 5 }, () => next() * 4 - 2));
    const targets = Array.from({ length: 12 }, () => Array.from({ length: 3 }, () => next()));
    const rnd = await lib.MLP.create({ layers: [5, 9, 7, 3], seed: 1234567, backend });
    const rndInitial = params(rnd);
    const rndLoss = rnd.fit(inputs, targets, { epochs: 30, learningRate: 0.5 }).loss;
    const random = {
      initial: rndInitial, loss: rndLoss.map(bits), final: params(rnd),
      predictions: rnd.predict(inputs).map((r) => r.map(bits)),
    };
    rnd.dispose();
    out[backend] = { notebook, random };
  }
  return out as Outcome;
}

/**
 * A mini-batch net on every kernel: SIMD, scalar, SIMD with two worker threads, and js, in
 * float64 and (names ending ' float32') in float32. Like scenarios, shipped to the page as
 * source. Returns each variant's thread count and bits.
 */
async function kernels(lib: Lib): Promise<Record<string, { threads: number; simd: boolean; bits: string[] }>> {
  const view = new DataView(new ArrayBuffer(8));
  const bits = (x: number): string => {
    view.setFloat64(0, x);
    return view.getBigUint64(0).toString(16).padStart(16, '0');
  };
  let state = 77;
  const next = (): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 4294967296;
  };
  const inputs = Array.from({ length: 96 }, () => Array.from({ length: 61 }, () => next() * 2 - 1));
  const targets = inputs.map((_, i) => Array.from({ length: 6 }, (_, k) => (k === i % 6 ? 1 : 0)));
  const variants = { simd: { backend: 'wasm' }, scalar: { backend: 'wasm', simd: false }, threads: { backend: 'wasm', threads: 2 }, js: { backend: 'js' } } as const;
  const out: Record<string, { threads: number; simd: boolean; bits: string[] }> = {};
  for (const dtype of ['float64', 'float32'] as const) {
    for (const [name, variant] of Object.entries(variants)) {
      const net = await lib.MLP.create({ layers: [61, 45, 6], activation: ['relu', 'softmax'], loss: 'cross-entropy', init: 'he', seed: 5, dtype, ...variant });
      const history = net.fit(inputs, targets, { epochs: 3, batchSize: 32, optimizer: 'adam', learningRate: 0.01, shuffle: true });
      const json = net.toJSON();
      out[dtype === 'float32' ? `${name} float32` : name] = {
        threads: net.threads,
        simd: net.simd,
        bits: [...history.loss, ...json.weights.flat(), ...json.biases.flat(), ...net.predict(inputs).flat()].map(bits),
      };
      net.dispose();
    }
  }
  return out;
}

function toBits(x: number): Bits {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  return view.getBigUint64(0).toString(16).padStart(16, '0');
}

// shared/seed/expected-output.txt: what the seed notebook printed under numpy.
const NOTEBOOK_OUTPUT = `Updated W1:
 [[0.37454012 0.95075702]
 [0.73199394 0.59940052]]
Updated b1:
 [[0.15606136]
 [0.15673655]]
Updated W2:
 [[0.06104323 0.86885486]]
Updated b2:
 [[0.60505318]]
Epoch 1, Loss: 0.050200055006009915
Epoch 1001, Loss: 0.002508771745050967
Epoch 2001, Loss: 0.0012017913077545835
Epoch 3001, Loss: 0.0007796953977827689
Epoch 4001, Loss: 0.0005737736312857965
Epoch 5001, Loss: 0.0004525050473037121
Epoch 6001, Loss: 0.000372843044332794
Epoch 7001, Loss: 0.0003166239447419777
Epoch 8001, Loss: 0.0002748846634192015
Epoch 9001, Loss: 0.00024270155003633162
`;
// np.random.seed(42); np.random.rand(2, 2): the draw before any training.
const NOTEBOOK_INITIAL_W1 = [0.3745401188473625, 0.9507143064099162, 0.7319939418114051, 0.5986584841970366];

/** Names the sources newer than the bundle: the usual reason page and Node disagree locally. */
function staleness(): string {
  const built = statSync(BUNDLE).mtimeMs;
  const newer = ['src', 'assembly'].flatMap((dir) =>
    readdirSync(`${root}${dir}`).map((f) => `${dir}/${f}`).filter((f) => statSync(`${root}${f}`).mtimeMs > built));
  return newer.length === 0 ? '' : ` (the bundle is older than ${newer.join(', ')}: run npm run build)`;
}

/** Runs a scenario (shipped as its source text) on the library the page loaded. */
function runInPage<T>(page: TestPage, scenario: (lib: Lib) => Promise<T>): Promise<T> {
  return page.evaluate(
    (source: string) => (0, eval)(`(${source})`)((window as unknown as { wasmMlp: Lib }).wasmMlp) as Promise<T>,
    scenario.toString(),
  );
}

let inNode: Outcome;
let kernelsInNode: Awaited<ReturnType<typeof kernels>>;

beforeAll(async () => {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} not found: run \`npm run build\` first (npm test does).`);
  inNode = await scenarios(node);
  kernelsInNode = await kernels(node);
});

it('the library imports nothing but its own chunks, and loads nothing but its three kernels from beside it', async () => {
  const files = await libraryFiles();
  const core = files.get('wasm-mlp.js')!.static;
  // The entry imports one core chunk; every lazy piece is loaded with import() from the core.
  expect(core).toHaveLength(1);
  expect(files.get(core[0])!.static).toEqual([]);
  expect(files.get(core[0])!.lazy.map((file) => file.replace(/-\w+\.js$/, '')).sort()).toEqual(
    ['backend-js', 'browser-storage', 'fit-async', 'kernel-files', 'model-reader', 'model-store', 'stream-training', 'thread-pool', 'worker-net'],
  );
  // What only lazy pieces share (file-path checks, printable text) is a chunk they import, never the core.
  const shared = [...files.keys()].filter((file) => file !== 'wasm-mlp.js' && file !== core[0] && !files.get(core[0])!.lazy.includes(file));
  for (const file of shared) expect([...files.values()].some((f) => f.static.includes(file) && f !== files.get('wasm-mlp.js')), file).toBe(true);
  // esbuild lists only literal specifiers; import(expr) would be a dependency too, and every
  // import.meta.url-relative load must be one of the kernel files.
  const text = [...files.keys()].map((file) => readFileSync(`${BROWSER_BUILD}${file}`, 'utf8')).join('\n');
  const literal = text.match(/\bimport\s*\(\s*"\.\/[\w.-]+\.js"\s*\)/g)!;
  expect(text.match(/\bimport\s*\(/g)).toHaveLength(literal.length);
  expect(new Set(literal.map((call) => /"\.\/(.*)"/.exec(call)![1]))).toEqual(new Set(files.get(core[0])!.lazy));
  // Every kernel file, deflated and not, in the kernel-files piece; the float64 kernels' deflated
  // files again in the core, which nearly every page fetches.
  const urls = ['wasm-mlp-f32.wasm', 'wasm-mlp-simd-f32.wasm', 'wasm-mlp-simd.wasm', 'wasm-mlp-threads-f32.wasm', 'wasm-mlp-threads.wasm', 'wasm-mlp.wasm']
    .flatMap((file) => [file, `${file}.deflate`]).concat(['wasm-mlp-simd.wasm.deflate', 'wasm-mlp-threads.wasm.deflate', 'wasm-mlp.wasm.deflate']);
  expect(text.match(/\bimport\s*\.\s*meta\b/g)).toHaveLength(urls.length);
  expect(text.match(/new URL\("[^"]*",import\.meta\.url\)/g)!.sort()).toEqual(urls.map((file) => `new URL("./${file}",import.meta.url)`).sort());
});

describe.each(BROWSER_NAMES)('browser bundle in headless %s', (browserName) => {
  let site: string | undefined;
  let server: StaticServer | undefined;
  let browser: TestBrowser | undefined;
  let page: TestPage;
  let inPage: Outcome;
  let kernelsInPage: Awaited<ReturnType<typeof kernels>>;
  let library: string[];
  let graph: Awaited<ReturnType<typeof libraryFiles>>;

  beforeAll(async () => {
    site = mkdtempSync(join(tmpdir(), 'wasm-mlp-page-'));
    writeFileSync(join(site, 'index.html'), PAGE_HTML);
    graph = await libraryFiles();
    library = [...graph.keys()];
    for (const file of [...library, 'format.js', ...KERNELS]) copyFileSync(`${BROWSER_BUILD}${file}`, join(site, file));
    // Cross-origin isolation: the page may share memory with Workers, so `threads` runs.
    server = await serveStatic(site, { isolated: true });
    browser = await launch(browserName);
    page = await browser.newPage();
    await page.goto(`${server.url}/`);
    await page.waitForFunction("'wasmMlp' in window || 'loadFailed' in window", 30_000);
    if (!(await page.evaluate(() => 'wasmMlp' in window))) {
      throw new Error(`the page did not load the bundle: ${page.consoleErrors.join('; ') || 'no error reported'}`);
    }

    inPage = await runInPage(page, scenarios);
    kernelsInPage = await runInPage(page, kernels);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (site) rmSync(site, { recursive: true, force: true });
  });

  it('the page fetched the library, the printing entry, each lazy piece and each kernel it ran, once', () => {
    const paths = server!.requestedPaths;
    const piece = (name: string) => `/${library.find((file) => file.startsWith(`${name}-`))}`;
    // The modules load together; the SIMD kernel comes with the first net, the js backend with
    // the first js net, the others later, the float32 kernels with the first float32 nets (no
    // worker net, nothing saved: those pieces stay unloaded).
    expect(paths.slice(0, 5).sort()).toEqual(['/', '/format.js', piece('chunk'), '/wasm-mlp-simd.wasm.deflate', '/wasm-mlp.js'].sort());
    // A piece's module, then the chunks it shares with other pieces (the core is already there).
    const core = graph.get('wasm-mlp.js')!.static;
    const withShared = (name: string) => [piece(name), ...graph.get(piece(name).slice(1))!.static.filter((file) => !core.includes(file)).map((file) => `/${file}`)];
    expect(paths.slice(5)).toEqual([
      ...withShared('backend-js'), '/wasm-mlp.wasm.deflate', ...withShared('thread-pool'), '/wasm-mlp-threads.wasm.deflate',
      piece('kernel-files'), '/wasm-mlp-simd-f32.wasm.deflate', '/wasm-mlp-f32.wasm.deflate', '/wasm-mlp-threads-f32.wasm.deflate',
    ]);
    expect([...page.requests].sort()).toEqual(paths.map((path) => `${server!.url}${path}`).sort());
  });

  it("the page's notebook prints the notebook's numpy output", () => {
    for (const backend of ['wasm', 'js'] as const) {
      const nb = inPage[backend].notebook;
      expect(nb.initial.weights[0]).toEqual(NOTEBOOK_INITIAL_W1.map(toBits));
      expect(nb.printedW1).toBe('[[0.37454012 0.95075702]\n [0.73199394 0.59940052]]');
      expect(nb.printed).toBe(NOTEBOOK_OUTPUT);
      expect(nb.cell1Loss).toHaveLength(1);
      expect(nb.loss).toHaveLength(10000);
    }
  });

  for (const backend of ['wasm', 'js'] as const) {
    for (const net of ['notebook', 'random'] as const) {
      it(`${net} net, ${backend} backend: page and Node agree bit for bit`, () => {
        const a = inPage[backend][net];
        const b = inNode[backend][net];
        // Non-empty, so that agreement means something.
        expect(a.loss.length).toBeGreaterThan(0);
        expect(a.final.weights.flat().length).toBeGreaterThan(0);
        expect(a.predictions.flat().length).toBeGreaterThan(0);
        expect(a, `page vs Node${staleness()}`).toEqual(b);
      });
    }
  }

  it('both backends agree bit for bit in the page', () => {
    expect(inPage.js).toEqual(inPage.wasm);
  });

  it('the page is cross-origin isolated and runs SIMD, scalar and two worker threads', async () => {
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(Object.fromEntries(Object.entries(kernelsInPage).map(([k, v]) => [k, [v.threads, v.simd]]))).toEqual({
      simd: [1, true], scalar: [1, false], threads: [2, true], js: [1, false],
      'simd float32': [1, true], 'scalar float32': [1, false], 'threads float32': [2, true], 'js float32': [1, false],
    });
  });

  it('every kernel gives the same bits, in the page and in Node, float64 and float32 alike', () => {
    const reference = (name: string) => kernelsInNode[name.endsWith(' float32') ? 'js float32' : 'js'].bits;
    expect(reference('js').length).toBeGreaterThan(100);
    expect(reference('js float32')).not.toEqual(reference('js'));
    for (const [name, run] of Object.entries(kernelsInPage)) expect(run.bits, `page ${name}${staleness()}`).toEqual(reference(name));
    for (const [name, run] of Object.entries(kernelsInNode)) expect(run.bits, `Node ${name}`).toEqual(reference(name));
  });

  it('the page logged no errors', () => {
    expect(page.consoleErrors).toEqual([]);
  });
});
