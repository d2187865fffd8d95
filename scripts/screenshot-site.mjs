// Screenshots of the demo site for a look at how it renders: each page at a desktop size
// (1280x800) and a phone size (375x812), the playground after training a little, the digits
// page after training with a "3" drawn, the benchmark after a quick run. Builds the site into
// a temporary folder and serves it itself; headless Chromium through playwright-core.
//
//   node scripts/screenshot-site.mjs OUT-DIR        (after npm run build)
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serveSite } from './serve-site.mjs';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const VIEWPORTS = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 375, height: 812 },
];

const outArg = process.argv[2];
if (!outArg) {
  console.error('usage: node scripts/screenshot-site.mjs OUT-DIR');
  process.exit(2);
}
const out = resolve(outArg);
mkdirSync(out, { recursive: true });
const root = fileURLToPath(new URL('..', import.meta.url));
const siteDir = mkdtempSync(join(tmpdir(), 'wasm-mlp-site-'));
execFileSync('node', [join(root, 'scripts', 'build-site.mjs'), siteDir], { stdio: 'inherit' });
const server = await serveSite(siteDir, { port: 0 });
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });

/** Draws a "3" on the digits pad: two bumps down the right side. */
async function drawThree(page) {
  const box = await page.locator('#pad').boundingBox();
  const at = (x, y) => [box.x + x * box.width, box.y + y * box.height];
  const path = [];
  for (let i = 0; i <= 20; i++) {
    const t = -Math.PI * 0.75 + (i / 20) * Math.PI * 1.25;
    path.push(at(0.5 + 0.22 * Math.cos(t), 0.3 + 0.16 * Math.sin(t)));
  }
  for (let i = 0; i <= 24; i++) {
    const t = -Math.PI * 0.5 + (i / 24) * Math.PI * 1.3;
    path.push(at(0.5 + 0.25 * Math.cos(t), 0.64 + 0.2 * Math.sin(t)));
  }
  await page.mouse.move(...path[0]);
  await page.mouse.down();
  for (const p of path.slice(1)) await page.mouse.move(...p, { steps: 2 });
  await page.mouse.up();
}

try {
  for (const viewport of VIEWPORTS) {
    const page = await browser.newPage({ viewport: { width: viewport.width, height: viewport.height } });
    page.on('console', (m) => m.type() === 'error' && console.error(`console error: ${m.text()}`));
    page.on('pageerror', (e) => console.error(`page error: ${e.message}`));

    await page.goto(`${server.url}index.html`);
    await page.click('#train');
    await page.waitForFunction(() => Number(document.getElementById('epoch').textContent.replace(/,/g, '')) >= 150, undefined, { timeout: 60_000 });
    await page.click('#train');
    await page.screenshot({ path: join(out, `playground-${viewport.name}.png`), fullPage: viewport.name === 'phone' });

    await page.goto(`${server.url}digits.html`);
    await page.waitForFunction(() => document.getElementById('status').dataset.state === 'trained', undefined, { timeout: 60_000 });
    await page.locator('#pad').scrollIntoViewIfNeeded();
    await drawThree(page);
    await page.waitForTimeout(200);
    await page.screenshot({ path: join(out, `digits-${viewport.name}.png`), fullPage: viewport.name === 'phone' });

    await page.goto(`${server.url}bench.html?quick`);
    await page.click('#run');
    await page.waitForFunction(() => ['done', 'failed'].includes(document.getElementById('bench-status').dataset.state), undefined, { timeout: 120_000 });
    await page.screenshot({ path: join(out, `bench-${viewport.name}.png`), fullPage: viewport.name === 'phone' });
    await page.close();
  }
  console.log(`screenshot-site: wrote ${VIEWPORTS.length * 3} PNGs to ${out}`);
} finally {
  await browser.close();
  await server.close();
  rmSync(siteDir, { recursive: true, force: true });
}
