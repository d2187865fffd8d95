// The browser entry (build/browser/wasm-mlp.js): the whole API, the kernel inlined, no
// dependencies and nothing that needs Node.
export {
  MLP,
  type CreateOptions, type Dataset, type EpochStats, type Evaluation, type FitOptions, type History, type LoadOptions, type StopReason,
} from './mlp.ts';
export { MLPError, type MLPErrorCode } from './errors.ts';
export { trainTestSplit, type SplitOptions } from './split.ts';
export type { ModelJSON, TrainingState } from './model-json.ts';
export type { Normalization } from './normalize.ts';
export type { Activation, Loss, Optimizer } from './layout.ts';
export type { BackendName, Matrix } from './validate.ts';
export { formatNumpyArray } from './format-numpy.ts';
export { pythonFloatRepr } from './float-repr.ts';
