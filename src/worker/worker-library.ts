// The worker's side of a browser worker net, as module text that a Worker runs from a blob
// URL, so that no second file need be hosted. The browser builds replace this module
// (scripts/build.mjs): wasm-mlp.js's worker-net chunk returns the worker's side built whole
// (src/worker/browser-worker.ts); the one-file standalone build returns its own text, which
// serves the net when run in a Worker. The sources have none.
export function workerLibrary(): string | undefined {
  return undefined;
}
