// Plugs Node into the library: the file system for save(), load() and loadCSV(path), and
// worker_threads for `threads`. Imported for its effect by the Node entry and the CLI, never
// by the browser bundle.
import { Worker } from 'node:worker_threads';
import { writeFileAtomic } from '../io/atomic-write.ts';
import { readTextFile } from '../io/read-text.ts';
import { useStorage } from '../io/storage.ts';
import { useSpawner } from '../backends/wasm/threads.ts';

useStorage({ read: readTextFile, writeAtomic: writeFileAtomic });

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
