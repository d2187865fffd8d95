// test/helpers/browsers.ts's static server: the MIME types browsers insist on (a module script
// must be JavaScript, streaming wasm compilation needs application/wasm), the cross-origin
// isolation headers only when asked for, folders served by their index.html, and nothing
// outside the served folder.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveStatic, type StaticServer } from './helpers/browsers.ts';

const FILES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'lib.mjs': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
  'data.json': 'application/json; charset=utf-8',
  'kernel.wasm': 'application/wasm',
  'shot.png': 'image/png',
  'sub/index.html': 'text/html; charset=utf-8',
};

describe('serveStatic', () => {
  let parent: string;
  let plain: StaticServer;
  let isolated: StaticServer;

  beforeAll(async () => {
    parent = mkdtempSync(join(tmpdir(), 'wasm-mlp-static-'));
    const site = join(parent, 'site');
    mkdirSync(join(site, 'sub'), { recursive: true });
    for (const name of Object.keys(FILES)) writeFileSync(join(site, name), `contents of ${name}`);
    writeFileSync(join(parent, 'secret.txt'), 'outside the site');
    plain = await serveStatic(site);
    isolated = await serveStatic(site, { isolated: true });
  });

  afterAll(async () => {
    await plain?.close();
    await isolated?.close();
    if (parent) rmSync(parent, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1', () => {
    expect(plain.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(isolated.url).not.toBe(plain.url);
  });

  it('serves each file with its MIME type, a folder with its index.html', async () => {
    for (const [name, type] of Object.entries(FILES)) {
      const response = await fetch(`${plain.url}/${name}`);
      expect([name, response.status, response.headers.get('content-type'), await response.text()]).toEqual([name, 200, type, `contents of ${name}`]);
    }
    for (const [path, name] of [['/', 'index.html'], ['/sub/', 'sub/index.html'], ['/sub', 'sub/index.html']]) {
      expect(await (await fetch(`${plain.url}${path}`)).text()).toBe(`contents of ${name}`);
    }
  });

  it('sends COOP/COEP only when isolated', async () => {
    const headers = async (server: StaticServer) => {
      const { headers } = await fetch(`${server.url}/app.js`);
      return [headers.get('cross-origin-opener-policy'), headers.get('cross-origin-embedder-policy')];
    };
    expect(await headers(isolated)).toEqual(['same-origin', 'require-corp']);
    expect(await headers(plain)).toEqual([null, null]);
  });

  it('answers 404 for a missing file and never serves outside its folder', async () => {
    expect((await fetch(`${plain.url}/missing.js`)).status).toBe(404);
    // Sent as written (fetch would normalise them): dot segments, encoded or not, and encoded slashes.
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/sub/%2e%2e/%2e%2e/secret.txt', '/..%2fsecret.txt', '/sub/..%2f..%2fsecret.txt']) {
      const answer = await new Promise<string>((resolve, reject) => {
        get(`${plain.url}${path}`, (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (chunk: string) => { body += chunk; }).on('end', () => resolve(`${res.statusCode} ${body}`));
        }).on('error', reject);
      });
      expect(answer, path).toMatch(/^40[34] /);
      expect(answer, path).not.toContain('outside the site');
    }
  });

  it('records every request path in order', () => {
    expect(isolated.requestedPaths).toEqual(['/app.js']);
    expect(plain.requestedPaths.slice(0, 3)).toEqual(['/index.html', '/app.js', '/lib.mjs']);
  });
});
