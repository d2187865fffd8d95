// Real browsers for the tests: a static file server on 127.0.0.1 and one TestPage interface over
// Debian's headless Chromium (playwright-core) and Firefox ESR (puppeteer-core over WebDriver
// BiDi), so a scenario written once runs in V8 and in SpiderMonkey. Only the distributions'
// browsers are used: nothing here downloads a browser, and neither browser is let onto the
// network.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';
import { chromium } from 'playwright-core';
import * as puppeteer from 'puppeteer-core';

export type BrowserName = 'chromium' | 'firefox';
export const BROWSER_NAMES: BrowserName[] = ['chromium', 'firefox'];

/** The Debian package each browser comes from, and where it installs its executable. */
const EXECUTABLES: Record<BrowserName, { path: string; debianPackage: string }> = {
  chromium: { path: '/usr/bin/chromium', debianPackage: 'chromium' },
  firefox: { path: '/usr/bin/firefox-esr', debianPackage: 'firefox-esr' },
};

const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run',
];

/** An address nothing listens on: every request Firefox would send off this machine fails here. */
const BLACKHOLE_PROXY = { host: '127.0.0.1', port: 9 };

/**
 * Preferences on top of puppeteer's Firefox test profile (which already silences updates,
 * Normandy, safe browsing, health reports and search updates). They switch off the remaining
 * background services that phone home, and route every request that is not for this machine
 * through a proxy that refuses connections, so nothing the profile forgot can reach the network
 * either. Loopback is never proxied, so the test server stays reachable.
 */
const FIREFOX_PREFS: Record<string, unknown> = {
  'network.proxy.type': 1,
  'network.proxy.http': BLACKHOLE_PROXY.host,
  'network.proxy.http_port': BLACKHOLE_PROXY.port,
  'network.proxy.ssl': BLACKHOLE_PROXY.host,
  'network.proxy.ssl_port': BLACKHOLE_PROXY.port,
  'network.proxy.socks': BLACKHOLE_PROXY.host,
  'network.proxy.socks_port': BLACKHOLE_PROXY.port,
  'network.proxy.socks_remote_dns': true,
  'network.proxy.allow_hijacking_localhost': false,
  'network.proxy.no_proxies_on': '127.0.0.1, localhost',
  'network.trr.mode': 5,
  'network.dns.disablePrefetch': true,
  'network.prefetch-next': false,
  'network.predictor.enabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'app.update.auto': false,
  'app.update.enabled': false,
  'browser.region.network.url': '',
  'browser.region.update.enabled': false,
  'browser.safebrowsing.update.enabled': false,
  'browser.topsites.contile.enabled': false,
  'browser.newtabpage.activity-stream.feeds.snippets': false,
  'browser.ping-centre.telemetry': false,
  'datareporting.usage.uploadEnabled': false,
  'extensions.blocklist.enabled': false,
  'extensions.getAddons.showPane': false,
  'extensions.systemAddon.update.enabled': false,
  'extensions.systemAddon.update.url': '',
  'geo.provider.network.url': '',
  'identity.fxaccounts.enabled': false,
  'media.gmp-gmpopenh264.enabled': false,
  'security.OCSP.enabled': 0,
  'security.remote_settings.crlite_filters.enabled': false,
  'security.remote_settings.intermediates.enabled': false,
  'services.settings.poll_interval': 86400 * 365,
  'services.settings.server': `http://${BLACKHOLE_PROXY.host}:${BLACKHOLE_PROXY.port}/v1`,
  'toolkit.telemetry.enabled': false,
  'toolkit.telemetry.server': '',
  'toolkit.telemetry.unified': false,
};

const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

export interface StaticServer {
  /** http://127.0.0.1:PORT, without a trailing slash. */
  url: string;
  /** The path and query of every request received, in order (404s included). */
  requestedPaths: string[];
  close(): Promise<void>;
}

/**
 * Serves the files under `root` on 127.0.0.1 on a free port; a folder serves its index.html.
 * With `isolated`, every response carries COOP/COEP so the page is cross-origin isolated and
 * may share memory with Workers. Nothing is cached, so a rebuilt file is always served fresh.
 */
export async function serveStatic(root: string, options: { isolated?: boolean } = {}): Promise<StaticServer> {
  const base = resolve(root);
  const requestedPaths: string[] = [];
  const server = createServer((req, res) => {
    requestedPaths.push(req.url ?? '');
    res.setHeader('Cache-Control', 'no-store');
    if (options.isolated) {
      res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
      res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    let file = join(base, pathname);
    if (file !== base && !file.startsWith(base + sep)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`not found: ${pathname}`);
      return;
    }
    res.writeHead(200, { 'Content-Type': MIME_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream' });
    res.end(req.method === 'HEAD' ? undefined : readFileSync(file));
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail).listen(0, '127.0.0.1', done);
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requestedPaths,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** One tab, the same calls in every browser. */
export interface TestPage {
  goto(url: string): Promise<void>;
  /** Runs fn in the page; fn travels as source text, so it may use only its argument and the page's globals. */
  evaluate<A, T>(fn: (arg: A) => T | Promise<T>, arg?: A): Promise<T>;
  /** Waits until the expression `fn` (source text) is truthy in the page. */
  waitForFunction(fn: string, timeoutMs?: number): Promise<void>;
  setViewport(width: number, height: number): Promise<void>;
  screenshot(path: string): Promise<void>;
  mouse: { move(x: number, y: number): Promise<void>; down(): Promise<void>; up(): Promise<void> };
  click(selector: string): Promise<void>;
  /** console.error messages, uncaught errors and requests that failed at the network level. */
  consoleErrors: string[];
  /** Every http(s) URL the page requested, in order (data: and blob: URLs are not requests). */
  requests: string[];
  close(): Promise<void>;
}

export interface TestBrowser {
  newPage(): Promise<TestPage>;
  close(): Promise<void>;
}

const DEFAULT_WAIT_MS = 30_000;
const isNetworkUrl = (url: string): boolean => /^(https?|wss?):/.test(url);

/** Starts a headless browser; throws, naming the Debian package to install, if it is missing. */
export async function launch(name: BrowserName): Promise<TestBrowser> {
  const { path, debianPackage } = EXECUTABLES[name];
  if (!existsSync(path)) {
    throw new Error(
      `${path} not found: the ${name} tests need Debian's ${debianPackage} package. Install it with ` +
        `\`apt-get update && apt-get install -y ${debianPackage}\` (as root; .ci/run does this).`,
    );
  }
  return name === 'chromium' ? launchChromium(path) : launchFirefox(path);
}

/** What both drivers' pages share, as far as the tests use it. */
interface DriverPage {
  on(event: string, handler: (value: never) => void): unknown;
  goto(url: string): Promise<unknown>;
  screenshot(options: { path: string }): Promise<unknown>;
  mouse: { move(x: number, y: number): Promise<unknown>; down(): Promise<unknown>; up(): Promise<unknown> };
  click(selector: string): Promise<unknown>;
  close(): Promise<unknown>;
}

/** The calls whose signatures differ between playwright-core and puppeteer-core. */
type DriverCalls = Pick<TestPage, 'evaluate' | 'waitForFunction' | 'setViewport'>;

/** A TestPage over a driver's page: the same events watched and the same calls, in either browser. */
function testPage(page: DriverPage, calls: DriverCalls): TestPage {
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  page.on('console', (msg: { type(): string; text(): string }) => {
    if (msg.type() === 'error') consoleErrors.push(`console.error: ${msg.text()}`);
  });
  page.on('pageerror', (error: Error) => consoleErrors.push(`uncaught: ${error.message ?? String(error)}`));
  page.on('requestfailed', (request: { url(): string }) => consoleErrors.push(`request failed: ${request.url()}`));
  page.on('request', (request: { url(): string }) => {
    if (isNetworkUrl(request.url())) requests.push(request.url());
  });
  return {
    consoleErrors,
    requests,
    ...calls,
    async goto(url) {
      await page.goto(url);
    },
    async screenshot(path) {
      await page.screenshot({ path });
    },
    mouse: {
      move: async (x, y) => void (await page.mouse.move(x, y)),
      down: async () => void (await page.mouse.down()),
      up: async () => void (await page.mouse.up()),
    },
    click: async (selector) => void (await page.click(selector)),
    close: async () => void (await page.close()),
  };
}

async function launchChromium(executablePath: string): Promise<TestBrowser> {
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  return {
    async newPage() {
      const page = await browser.newPage();
      return testPage(page as unknown as DriverPage, {
        evaluate: <A, T>(fn: (arg: A) => T | Promise<T>, arg?: A) =>
          page.evaluate(fn as (arg: unknown) => T | Promise<T>, arg as unknown),
        async waitForFunction(fn, timeoutMs = DEFAULT_WAIT_MS) {
          await page.waitForFunction(fn, undefined, { timeout: timeoutMs });
        },
        setViewport: (width, height) => page.setViewportSize({ width, height }),
      });
    },
    close: () => browser.close(),
  };
}

async function launchFirefox(executablePath: string): Promise<TestBrowser> {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath,
    headless: true,
    protocol: 'webDriverBiDi',
    extraPrefsFirefox: FIREFOX_PREFS,
    env: { ...process.env, MOZ_REMOTE_SETTINGS_DEVTOOLS: '1' },
  });
  return {
    async newPage() {
      const page = await browser.newPage();
      return testPage(page as unknown as DriverPage, {
        evaluate: <A, T>(fn: (arg: A) => T | Promise<T>, arg?: A) =>
          page.evaluate(fn as (arg: unknown) => unknown, arg) as Promise<T>,
        async waitForFunction(fn, timeoutMs = DEFAULT_WAIT_MS) {
          await page.waitForFunction(fn, { timeout: timeoutMs });
        },
        setViewport: (width, height) => page.setViewport({ width, height }),
      });
    },
    close: () => browser.close(),
  };
}
