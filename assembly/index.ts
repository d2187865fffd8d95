// The WebAssembly kernel's exports. Every export is called by the TypeScript host in
// src/kernel.ts / src/backend-wasm.ts; none allocates, prints or touches strings.
export { expTable, expArray } from './exp';
