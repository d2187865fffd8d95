// The body of the browser bundle (scripts/build.mjs wraps it as the function wasmMlpLibrary):
// the public API of src/browser.ts, and serveWorker, by which the bundle's own source, run
// in a Worker from a blob URL, serves a worker net. The bundle's ES module exports only the
// public API.
import { serveWorkerNet } from './worker-host.ts';
import type { FromWorker, ToWorker } from './worker-protocol.ts';

export * from '../browser.ts';

/** Serves a worker net from this Worker's global scope. */
export function serveWorker(): void {
  const scope = globalThis as unknown as {
    postMessage(message: FromWorker, transfer: Transferable[]): void;
    addEventListener(type: 'message', listener: (event: MessageEvent<ToWorker>) => void): void;
  };
  serveWorkerNet({
    post: (message, transfer) => scope.postMessage(message, transfer ?? []),
    listen: (handler) => scope.addEventListener('message', (event) => handler(event.data)),
  });
}
