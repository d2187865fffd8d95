// The WebAssembly kernel's exports. Every export is called by the TypeScript host
// (src/backends/wasm/kernel.ts, src/backends/wasm/backend-wasm.ts); none allocates, prints or touches strings.
export { expTable, expArray } from './exp';
export { logArray } from './log';
export { tanhArray } from './tanh';
export { train, evaluate, work } from './mlp';

/** First free byte after the kernel's static data; the host lays its buffers out from here. */
export function heapBase(): usize {
  return __heap_base;
}
