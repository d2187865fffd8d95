// The worker's side of a browser worker net: serveWorker serves one worker net from a
// Worker's global scope. scripts/build.mjs builds it, with the whole library at hand (no lazy
// chunk: a blob has no URL to load chunks relative to), into the text a Worker runs from a
// blob URL (worker-library.ts); the standalone build exports it, to run its own text so.
import { useKeyedStores } from '../io/storage.ts';
import { serveWorkerNet } from './worker-host.ts';
import type { FromWorker, ToWorker } from './worker-protocol.ts';

/** Serves a worker net from this Worker's global scope. */
export function serveWorker(): void {
  useKeyedStores(() => import('../platform/browser-storage.ts'));
  const scope = globalThis as unknown as {
    postMessage(message: FromWorker, transfer: Transferable[]): void;
    addEventListener(type: 'message', listener: (event: MessageEvent<ToWorker>) => void): void;
  };
  serveWorkerNet({
    post: (message, transfer) => scope.postMessage(message, transfer ?? []),
    listen: (handler) => scope.addEventListener('message', (event) => handler(event.data)),
  });
}
