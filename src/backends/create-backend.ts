// Chooses and instantiates a backend by name: the one place that knows both implementations.
// The js backend, and the worker pool of `threads` > 1, are loaded on first use (chunks of
// their own in the browser bundle): a page on the default backend never downloads them.
import { loadPiece } from '../api/load-piece.ts';
import type { BackendName } from '../api/validate.ts';
import type { Backend } from './backend.ts';
import { createWasmBackend } from './wasm/backend-wasm.ts';

/** `simd` and `threads` pick the wasm kernel build; the js backend has one form and one thread. */
export async function createBackend(name: BackendName, simd: boolean | undefined, threads = 1): Promise<Backend> {
  if (name === 'js') return new (await loadPiece('js backend', () => import('./js/backend-js.ts'))).JsBackend();
  return createWasmBackend(simd, threads, threads > 1 ? await loadPiece('thread pool', () => import('./wasm/thread-pool.ts')) : undefined);
}
