// Plugs Node into the library: the file system for save(), load() and loadCSV(path),
// worker_threads for `threads` and for worker nets (`worker: true`), and the ONNX encoder
// for net.toONNX (which the browser bundle leaves out). Imported for its effect
// by the Node entries and the CLI, never by the browser bundle.
import { Worker } from 'node:worker_threads';
import { MLPError, systemReason } from '../api/errors.ts';
import { printable } from '../io/printable.ts';
import { useNetWorkerSpawner } from '../worker/worker-spawner.ts';
import { writeFileAtomic } from '../io/atomic-write.ts';
import { readTextFile } from '../io/read-text.ts';
import { useStorage } from '../io/storage.ts';
import { encodeONNX } from '../io/onnx-export.ts';
import { useOnnxEncoder } from '../io/onnx-plugin.ts';
import { useSpawner } from '../backends/wasm/threads.ts';

useStorage({
  read: (path) => failingAsIO('read', path, () => readTextFile(path)),
  writeAtomic: (path, text) => failingAsIO('write', path, () => writeFileAtomic(path, text)),
});
useOnnxEncoder(encodeONNX);

/** `run`'s result; any failure that is not already an MLPError becomes one (IO) naming the path. */
function failingAsIO<T>(verb: 'read' | 'write', path: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw error instanceof MLPError ? error : new MLPError('IO', `cannot ${verb} ${printable(path)}: ${systemReason(error)}`);
  }
}

/**
 * A pool worker: says it runs, then for each attach message instantiates the kernel on that
 * net's shared memory and runs work() until the host sends it elsewhere; the instance is
 * dropped on return, so the memory of a net that is gone can be freed. An ES module from a
 * data: URL, so that no flag of the parent's (--input-type) changes its kind.
 */
const NODE_WORKER = new URL(
  `data:text/javascript,${encodeURIComponent(`import { parentPort } from 'node:worker_threads';
parentPort.on('message', ({ module, memory, net, session }) => {
  new WebAssembly.Instance(module, { env: { memory } }).exports.work(net, session);
});
parentPort.postMessage('ready');`)}`,
);

useSpawner((onFailure) => {
  const worker = new Worker(NODE_WORKER, { resourceLimits: { maxYoungGenerationSizeMb: 1 } });
  const ready = new Promise<void>((resolve, reject) => {
    worker.once('message', () => {
      // Pool workers must not keep the process alive when nets are left undisposed (but
      // a create() awaiting them must, until they run).
      worker.unref();
      resolve();
    });
    worker.once('error', reject);
  });
  worker.on('error', onFailure);
  worker.once('exit', onFailure);
  return { ready, attach: (message) => worker.postMessage(message), terminate: async () => void (await worker.terminate()) };
});

/**
 * A worker net's thread runs build/node/worker.js, which sits beside the library chunk this
 * code is bundled into. Run from the sources (the tests), that is the built one.
 */
const NET_WORKER_FILE = import.meta.url.endsWith('.ts') ? new URL('../../build/node/worker.js', import.meta.url) : new URL('./worker.js', import.meta.url);
/** Started from a data: URL that imports it, as the pool's workers are, so no flag of the parent's (--input-type) stops it. */
const NET_WORKER = new URL(`data:text/javascript,${encodeURIComponent(`import ${JSON.stringify(NET_WORKER_FILE.href)};`)}`);

useNetWorkerSpawner((events) => {
  let worker: Worker;
  try {
    worker = new Worker(NET_WORKER);
  } catch (error) {
    throw new MLPError('INTERNAL', `wasm-mlp could not start a worker thread: ${error instanceof Error ? error.message : String(error)}`);
  }
  worker.on('message', events.message);
  worker.on('error', (error) => events.failure(error.message));
  worker.on('messageerror', () => events.failure('a message from the worker could not be read'));
  worker.once('exit', (code) => events.failure(`its thread exited with code ${code}`));
  return {
    post: (message, transfer) => worker.postMessage(message, transfer as never),
    // An idle worker net must not hold the process open (nor one the user forgot to dispose).
    hold: (pending) => (pending ? worker.ref() : worker.unref()),
    terminate: () => void worker.terminate(),
  };
});
