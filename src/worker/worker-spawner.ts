// Starts the worker a worker net lives in. In a browser: a Worker from a blob URL holding the
// worker's side of the library as one function (worker-library.ts), so there is no second
// file to host. Node plugs in its own spawner (src/platform/node.ts: a worker_thread running
// build/node/worker.js).
import { MLPError } from '../api/errors.ts';
import { workerLibrary } from './worker-library.ts';
import type { FromWorker, ToWorker } from './worker-protocol.ts';

/** What the caller hears from its worker. */
export interface WorkerEvents {
  message(message: FromWorker): void;
  /** The worker failed or ended on its own: every call still pending must fail. */
  failure(reason: string): void;
}

/** A started worker, as a platform gives it to a worker net. */
export interface NetWorkerHandle {
  post(message: ToWorker, transfer?: Transferable[]): void;
  /** Whether calls are pending: Node keeps the process alive only while some are. */
  hold(pending: boolean): void;
  terminate(): void;
}

export type NetWorkerSpawner = (events: WorkerEvents) => NetWorkerHandle;

const browserSpawner: NetWorkerSpawner = (events) => {
  if (typeof Worker === 'undefined' || typeof Blob === 'undefined' || typeof URL.createObjectURL !== 'function') {
    throw new MLPError('INVALID_ARGUMENT', 'worker must be false or left out: this engine has no Web Workers');
  }
  const library = workerLibrary();
  if (library === undefined) {
    throw new MLPError('INVALID_ARGUMENT', "worker must be false or left out: worker nets need wasm-mlp's built bundle (build/browser/wasm-mlp.js), not its sources");
  }
  const url = URL.createObjectURL(new Blob([library], { type: 'text/javascript' }));
  let revoked = false;
  const revoke = () => {
    if (!revoked) URL.revokeObjectURL(url);
    revoked = true;
  };
  // A module worker: the library's text may use import.meta (it does nothing with it there).
  const worker = new Worker(url, { type: 'module' });
  worker.onmessage = (event: MessageEvent<FromWorker>) => {
    revoke();
    events.message(event.data);
  };
  worker.onerror = (event) => {
    event.preventDefault();
    revoke();
    events.failure(event.message || 'the worker failed to start');
  };
  worker.onmessageerror = () => events.failure('a message from the worker could not be read');
  return {
    post: (message, transfer) => worker.postMessage(message, transfer ?? []),
    hold: () => {},
    terminate: () => {
      revoke();
      worker.terminate();
    },
  };
};

let spawner: NetWorkerSpawner = browserSpawner;

export function useNetWorkerSpawner(next: NetWorkerSpawner): void {
  spawner = next;
}

export function spawnNetWorker(events: WorkerEvents): NetWorkerHandle {
  return spawner(events);
}
