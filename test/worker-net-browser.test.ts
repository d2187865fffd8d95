// Worker nets in a browser: the page imports the single-file build
// (build/browser/wasm-mlp-standalone.js) from a cross-origin isolated server (so that
// `threads: 2` runs inside the worker) and runs test/helpers/worker-scenario.ts; every case
// gives the worker net the in-thread net's bits, and the page's bits are Node's. The worker
// is started from a blob URL holding the build's own source and is handed the compiled
// kernels: the page requests nothing but itself and that one file.
// (test/worker-bundlers.test.ts runs build/browser/wasm-mlp.js, whose kernels are files.)
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as lib from '../src/index.ts';
import { BROWSER_NAMES, launch, serveStatic, type BrowserName, type StaticServer, type TestBrowser, type TestPage } from './helpers/browsers.ts';
import { workerScenario, type WorkerOutcome } from './helpers/worker-scenario.ts';
import { expectWorkerOutcome } from './helpers/worker-outcome.ts';

const BUNDLE = fileURLToPath(new URL('../build/browser/wasm-mlp-standalone.js', import.meta.url));
const BROWSERS: BrowserName[] = BROWSER_NAMES;

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>worker nets</title></head>
<body><script type="module">
import * as lib from './wasm-mlp-standalone.js';
window.wasmMlp = lib;
</script></body></html>`;

/** Runs the scenario in the page: its source travels as text, and runs on the page's library. */
function runInPage(page: TestPage): Promise<WorkerOutcome> {
  return page.evaluate(
    (source: string) => (0, eval)(`(${source})`)((window as unknown as { wasmMlp: unknown }).wasmMlp) as Promise<WorkerOutcome>,
    workerScenario.toString(),
  );
}

describe.each(BROWSERS)('worker nets in %s', (name) => {
  let dir: string;
  let server: StaticServer;
  let browser: TestBrowser | undefined;
  let page: TestPage;
  let inPage: WorkerOutcome;
  let inNode: WorkerOutcome;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wasm-mlp-worker-page-'));
    writeFileSync(join(dir, 'index.html'), PAGE);
    copyFileSync(BUNDLE, join(dir, 'wasm-mlp-standalone.js'));
    server = await serveStatic(dir, { isolated: true });
    browser = await launch(name);
    page = await browser.newPage();
    await page.goto(`${server.url}/`);
    await page.waitForFunction('window.wasmMlp !== undefined');
    inPage = await runInPage(page);
    inNode = await workerScenario(lib);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("give the in-thread net's bits, errors, rollbacks and aborts", () => {
    expectWorkerOutcome(inPage, name);
  });

  it("the page's bits are Node's", () => {
    // Error messages may quote the engine's own words (JSON.parse's), so only the numbers count
    // here; an abort from outside stops after as many epochs as ran by then.
    const numeric = Object.entries(inNode.pairs).filter(([caseName]) => !/^(error|disposed|abort from outside)\b/.test(caseName));
    expect(numeric.length).toBe(25);
    for (const [caseName, [inThread]] of numeric) expect(inPage.pairs[caseName]?.[0], caseName).toBe(inThread);
  });

  it('the page requested only itself and the library, and logged no errors', () => {
    expect(page.requests).toEqual([`${server.url}/`, `${server.url}/wasm-mlp-standalone.js`]);
    expect(page.consoleErrors).toEqual([]);
  });
});
