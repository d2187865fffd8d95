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
 * A worker: instantiate the kernel on the shared memory, say so, then loop in work(). An ES
 * module from a data: URL, so that no flag of the parent's (--input-type) changes its kind.
 */
const NODE_WORKER = new URL(
  `data:text/javascript,${encodeURIComponent(`import { parentPort, workerData } from 'node:worker_threads';
const { module, memory, net, part } = workerData;
const { exports } = new WebAssembly.Instance(module, { env: { memory } });
parentPort.postMessage('ready');
exports.work(net, part);`)}`,
);

useSpawner(async (module, memory, net, count) => {
  const workers = Array.from({ length: count }, (_, i) => new Worker(NODE_WORKER, { workerData: { module, memory, net, part: i + 1 } }));
  await Promise.all(
    workers.map(
      (worker) =>
        new Promise<void>((resolve, reject) => {
          worker.once('message', () => resolve());
          worker.once('error', reject);
        }),
    ),
  );
  // Idle workers must not keep the process alive when a net is never disposed.
  workers.forEach((w) => w.unref());
  return { terminate: () => workers.forEach((w) => void w.terminate()) };
});
