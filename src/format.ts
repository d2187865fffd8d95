// The printing entry (wasm-mlp/format): numbers as numpy's str() and CPython's repr() print
// them, for notebook-style output. Kept out of the library's entries, which do not need it.
export { formatNumpyArray } from './format/format-numpy.ts';
export { pythonFloatRepr } from './format/float-repr.ts';
