// Chooses and instantiates a backend by name: the one place that knows both implementations.
import type { BackendName } from '../api/validate.ts';
import type { Backend } from './backend.ts';
import { JsBackend } from './js/backend-js.ts';
import { createWasmBackend } from './wasm/backend-wasm.ts';

/** `simd` and `threads` pick the wasm kernel build; the js backend has one form and one thread. */
export async function createBackend(name: BackendName, simd: boolean | undefined, threads = 1): Promise<Backend> {
  return name === 'js' ? new JsBackend() : createWasmBackend(simd, threads);
}
