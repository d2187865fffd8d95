// Chooses and instantiates a backend by name: the one place that knows both implementations.
// The js backend, and the worker pool of `threads` > 1, are loaded on first use (chunks of
// their own in the browser bundle): a page on the default backend never downloads them.
import { loadPiece } from '../api/load-piece.ts';
import type { BackendName } from '../api/validate.ts';
import type { Backend } from './backend.ts';
import type { Dtype } from './layout.ts';
import { createWasmBackend } from './wasm/backend-wasm.ts';

/**
 * `simd`, `threads` and `dtype` pick the wasm kernel module (a float64 net never loads the
 * float32 one); the js backend has one form and one thread.
 */
export async function createBackend(name: BackendName, simd: boolean | undefined, threads: number, dtype: Dtype): Promise<Backend> {
  if (name === 'js') return new (await loadPiece('js backend', () => import('./js/backend-js.ts'))).JsBackend();
  return createWasmBackend(simd, threads, dtype, threads > 1 ? await loadThreadPool() : undefined);
}

/** The worker pool of `threads` > 1 (thread-pool.ts), which also says whether threads can run here. */
export function loadThreadPool(): Promise<typeof import('./wasm/thread-pool.ts')> {
  return loadPiece('thread pool', () => import('./wasm/thread-pool.ts'));
}
