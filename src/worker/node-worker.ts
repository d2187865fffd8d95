// The entry of build/node/worker.js: the worker_thread a worker net lives in under Node (it
// shares its code's chunk with the other entries). Node's file system comes with it, so
// a worker net saves and loads its own files.
import { parentPort } from 'node:worker_threads';
import '../platform/node.ts';
import { serveWorkerNet } from './worker-host.ts';

// What only the other entries use, so that every entry reaches all of the main chunk and
// esbuild splits off no second one for what the entries share.
export { loadCSV } from '../io/csv.ts';
export { csvSource } from '../io/csv-source.ts';
export { trainTestSplit } from '../data/split.ts';

const port = parentPort!;
serveWorkerNet({
  post: (message, transfer) => port.postMessage(message, transfer as never),
  listen: (handler) => port.on('message', handler),
});
