// Worker threads for the wasm kernel, what every page needs of them: whether `threads` > 1 can
// run here, and how a worker thread is started. Node spawns worker_threads (plugged in by
// src/platform/node.ts); a browser spawns Workers, which need a cross-origin-isolated page for
// shared memory. The pool itself is thread-pool.ts, loaded by the first net with threads.
import { MLPError } from '../../api/errors.ts';

/** What a worker needs to join a net: it instantiates `module` on `memory`, then work(net, session). */
export interface AttachMessage {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  net: number;
  session: number;
}

/** One started worker thread, as a platform gives it to the pool. */
export interface ThreadHandle {
  /** Resolves once the worker listens for attach messages; rejects if it cannot start. */
  readonly ready: Promise<void>;
  attach(message: AttachMessage): void;
  /** Resolves once the thread has ended. */
  terminate(): Promise<void>;
}

/** Starts one worker; `onFailure` is called if it fails after starting. */
export type Spawner = (onFailure: () => void) => ThreadHandle;

/** The script a browser Worker runs (Node's twin is in src/platform/node.ts). */
const BROWSER_WORKER = `onmessage = ({ data: { module, memory, net, session } }) => {
  new WebAssembly.Instance(module, { env: { memory } }).exports.work(net, session);
};
postMessage('ready');`;

const browserSpawner: Spawner = (onFailure) => {
  const url = URL.createObjectURL(new Blob([BROWSER_WORKER], { type: 'text/javascript' }));
  const worker = new Worker(url);
  URL.revokeObjectURL(url);
  const ready = new Promise<void>((resolve, reject) => {
    worker.onmessage = () => resolve();
    worker.onerror = (e) => {
      reject(new MLPError('INTERNAL', `a wasm-mlp worker failed to start: ${e.message}`));
      onFailure();
    };
  });
  return {
    ready,
    attach: (message) => worker.postMessage(message),
    terminate: async () => worker.terminate(),
  };
};

let spawner: Spawner = browserSpawner;

export function useSpawner(next: Spawner): void {
  spawner = next;
}

/** Starts one worker thread with the platform's spawner. */
export function spawnThread(onFailure: () => void): ThreadHandle {
  return spawner(onFailure);
}

/** The response headers that make a page cross-origin isolated, so that it may share memory with Workers. */
export const ISOLATION_HEADERS = ['Cross-Origin-Opener-Policy: same-origin', 'Cross-Origin-Embedder-Policy: require-corp'] as const;

/** Why `threads` > 1 cannot run here, or undefined when it can. */
export function threadsUnavailable(): string | undefined {
  if (typeof SharedArrayBuffer === 'undefined') return 'this engine has no SharedArrayBuffer';
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  if (spawner === browserSpawner && isolated !== true) return `the page is not cross-origin isolated: serve it with the headers ${ISOLATION_HEADERS.join(' and ')}`;
  if (spawner === browserSpawner && typeof Worker === 'undefined') return 'this engine has no Web Workers';
  return undefined;
}

/** Whether this thread may block in Atomics.wait (a browser's main thread may not). */
export function canBlock(): boolean {
  return !(typeof window !== 'undefined' && typeof document !== 'undefined');
}

