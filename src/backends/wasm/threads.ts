// Worker threads for the wasm kernel: N - 1 workers instantiate the same module on the net's
// shared memory and run its work() loop; the calling thread takes part 0 of every job. Node
// spawns worker_threads (plugged in by src/platform/node.ts); a browser spawns Workers, which
// need a cross-origin-isolated page for shared memory.
import { MLPError } from '../../api/errors.ts';

export interface WorkerPool {
  terminate(): void;
}

/** Starts `count` workers running work(net, part) for parts 1..count; resolves once all run. */
export type Spawner = (module: WebAssembly.Module, memory: WebAssembly.Memory, net: number, count: number) => Promise<WorkerPool>;

/** The script a browser Worker runs (Node's twin is in src/platform/node.ts). */
const BROWSER_WORKER = `onmessage = ({ data: { module, memory, net, part } }) => {
  const { exports } = new WebAssembly.Instance(module, { env: { memory } });
  postMessage('ready');
  exports.work(net, part);
};`;

const browserSpawner: Spawner = async (module, memory, net, count) => {
  const url = URL.createObjectURL(new Blob([BROWSER_WORKER], { type: 'text/javascript' }));
  const workers: Worker[] = [];
  try {
    await Promise.all(
      Array.from({ length: count }, (_, i) => {
        const worker = new Worker(url);
        workers.push(worker);
        return new Promise<void>((resolve, reject) => {
          worker.onmessage = () => resolve();
          worker.onerror = (e) => reject(new MLPError('INTERNAL', `a wasm-mlp worker failed to start: ${e.message}`));
          worker.postMessage({ module, memory, net, part: i + 1 });
        });
      }),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
  return { terminate: () => workers.forEach((w) => w.terminate()) };
};

let spawner: Spawner = browserSpawner;

export function useSpawner(next: Spawner): void {
  spawner = next;
}

/** Why `threads` > 1 cannot run here, or undefined when it can. */
export function threadsUnavailable(): string | undefined {
  if (typeof SharedArrayBuffer === 'undefined') return 'this engine has no SharedArrayBuffer';
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  if (spawner === browserSpawner && isolated !== true) return 'the page is not cross-origin isolated (serve it with COOP/COEP headers)';
  if (spawner === browserSpawner && typeof Worker === 'undefined') return 'this engine has no Web Workers';
  return undefined;
}

export function spawnWorkers(module: WebAssembly.Module, memory: WebAssembly.Memory, net: number, count: number): Promise<WorkerPool> {
  return spawner(module, memory, net, count);
}

/** Whether this thread may block in Atomics.wait (a browser's main thread may not). */
export function canBlock(): boolean {
  return !(typeof window !== 'undefined' && typeof document !== 'undefined');
}
