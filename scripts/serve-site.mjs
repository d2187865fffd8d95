// Serves a folder (build/site/ by default) on 127.0.0.1 for `npm run demo`, with the two
// headers that make its pages cross-origin isolated (so the library's threads can share
// memory with their Workers) and the MIME types browsers insist on for modules and wasm.
// PORT chooses the port (default 8080; 0 picks a free one). Importable: the site test runs it.
//
//   PORT=8080 node scripts/serve-site.mjs [folder]
import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** Starts serving `folder`; resolves once listening. */
export async function serveSite(folder, { port = 8080, host = '127.0.0.1' } = {}) {
  const base = resolve(folder);
  const server = createServer(async (req, res) => {
    const send = (status, type, body) => {
      res.writeHead(status, { ...ISOLATION_HEADERS, 'Content-Type': type, 'Cache-Control': 'no-cache' });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'text/plain; charset=utf-8', 'method not allowed\n');
    let path;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    } catch {
      return send(400, 'text/plain; charset=utf-8', 'bad request\n');
    }
    const file = resolve(join(base, path.endsWith('/') ? `${path}index.html` : path));
    if (file !== base && !file.startsWith(base + sep)) return send(403, 'text/plain; charset=utf-8', 'forbidden\n');
    try {
      if (!(await stat(file)).isFile()) throw new Error('not a file');
      send(200, MIME_TYPES[extname(file)] ?? 'application/octet-stream', await readFile(file));
    } catch {
      send(404, 'text/plain; charset=utf-8', `not found: ${path}\n`);
    }
  });
  await new Promise((resolveListen, reject) => server.once('error', reject).listen(port, host, resolveListen));
  const url = `http://${host}:${server.address().port}/`;
  return {
    url,
    close: () => new Promise((done) => {
      server.closeAllConnections();
      server.close(() => done());
    }),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const folder = process.argv[2] ?? join(fileURLToPath(new URL('..', import.meta.url)), 'build', 'site');
  const port = process.env.PORT === undefined ? 8080 : Number(process.env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`serve-site: PORT must be a port number (0-65535); got ${process.env.PORT}`);
    process.exit(2);
  }
  try {
    const { url } = await serveSite(folder, { port, host: process.env.HOST ?? '127.0.0.1' });
    console.log(`wasm-mlp demo: ${url} (serving ${folder}; Ctrl+C stops)`);
  } catch (error) {
    console.error(`serve-site: cannot listen on port ${port}: ${error.message}${error.code === 'EADDRINUSE' ? ' (choose another with PORT=...)' : ''}`);
    process.exit(1);
  }
}
