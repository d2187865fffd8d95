// The browser entry (build/browser/wasm-mlp.js, and wasm-mlp-standalone.js): the library's
// API with no dependencies and nothing that needs Node; save() and load() use IndexedDB or
// localStorage. What only some pages use (the js backend, threads, worker nets, the browser
// stores, fitAsync's driver, streamed training) is loaded on first use, a chunk of its own in
// wasm-mlp.js's build.
// Printing (wasm-mlp/format) and CSV (wasm-mlp/csv) are entries of their own.
import { loadPiece } from './api/load-piece.ts';
import { useKeyedStores } from './io/storage.ts';

useKeyedStores(() => loadPiece('browser storage', () => import('./platform/browser-storage.ts')));

export {
  MLP,
  type CreateOptions, type Dataset, type EpochStats, type Evaluation, type FitOptions, type History, type LoadOptions, type SaveOptions, type StopReason,
  type WithWorker, type WorkerCreateOptions, type WorkerLoadOptions,
} from './api/mlp.ts';
export { WorkerMLP } from './worker/worker-mlp.ts';
export { MLPError, type MLPErrorCode } from './api/errors.ts';
export { trainTestSplit, type SplitOptions } from './data/split.ts';
export type { ModelJSON, TrainingState } from './io/model-json.ts';
export type { Normalization } from './data/normalize.ts';
export type { Activation, Dtype, Loss, Optimizer } from './backends/layout.ts';
export type { BackendName } from './api/validate.ts';
export type { Matrix } from './api/rows.ts';
export type { DataSource, RowBlock } from './data/data-source.ts';
