// What the MLP class needs from a backend, and how one is chosen. Both backends run the
// same loops over the same NetLayout, so they produce the same bits.
import { JsBackend } from './backend-js.ts';
import { createWasmBackend } from './backend-wasm.ts';
import type { NetLayout } from './layout.ts';
import type { BackendName } from './validate.ts';

export interface Backend {
  readonly name: BackendName;
  readonly layout: NetLayout;
  /** The net's flat f64 memory. Fetch it again after `reserve`: growth replaces the buffer. */
  memory(): Float64Array;
  /** Makes elements [0, end) addressable, growing the memory if needed. */
  reserve(end: number): void;
  /** Per-sample SGD for `epochs` epochs; writes each epoch's loss to memory[losses + e]. */
  train(inputs: number, targets: number, count: number, epochs: number, learningRate: number, losses: number): void;
  /** Writes a_L for `count` input rows to memory[outputs...]. */
  predict(inputs: number, count: number, outputs: number): void;
  dispose(): void;
}

export async function createBackend(name: BackendName, layers: readonly number[]): Promise<Backend> {
  return name === 'js' ? new JsBackend(layers) : createWasmBackend(layers);
}
