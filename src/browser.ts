// The browser entry (build/browser/wasm-mlp.js): the whole API, the kernel inlined, no
// dependencies and nothing that needs Node.
export { MLP, type CreateOptions, type FitOptions, type FitResult, type LoadOptions } from './mlp.ts';
export { MLPError, type MLPErrorCode } from './errors.ts';
export type { ModelJSON } from './model-json.ts';
export type { BackendName, Matrix } from './validate.ts';
export { formatNumpyArray } from './format-numpy.ts';
export { pythonFloatRepr } from './float-repr.ts';
