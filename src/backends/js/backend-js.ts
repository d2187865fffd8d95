// The pure-JS backend: an ArrayBuffer laid out by the same NetLayout as the wasm kernel's
// memory, run by the kernel of the net's dtype (./generated/mlp-f64.ts or mlp-f32.ts, made
// from ./template/), the twin of assembly/mlp.ts and assembly/linalg.ts
// (test/property.test.ts compares the two bit for bit).
import type { Backend } from '../backend.ts';
import { MLPError } from '../../api/errors.ts';
import { DTYPE_FLOAT32 } from '../kernel-codes.ts';
import { H_DTYPE, MAX_MEMORY_BYTES } from '../layout.ts';
import * as float32Kernel from './generated/mlp-f32.ts';
import * as float64Kernel from './generated/mlp-f64.ts';
import { emptyInstance, type Instance } from './instance.ts';
import { formatBytes } from '../../api/validate.ts';

export class JsBackend implements Backend {
  readonly name = 'js' as const;
  readonly simd = false;
  readonly threads = 1;
  readonly base = 0;
  /** The memory and the running totals the kernel keeps between calls, as a wasm instance does. */
  #instance: Instance = emptyInstance();

  memory(): Float64Array {
    return this.#instance.floats;
  }

  ints(): Int32Array {
    return this.#instance.ints;
  }

  reserve(end: number): void {
    if (end <= this.#instance.floats.length) return;
    if (end * 8 > MAX_MEMORY_BYTES) {
      throw new MLPError('OUT_OF_MEMORY', `this net and its data need ${formatBytes(end * 8)}; the limit is ${formatBytes(MAX_MEMORY_BYTES)} (the same as the wasm backend's)`);
    }
    let grown: Float64Array;
    try {
      grown = new Float64Array(end);
    } catch {
      throw new MLPError('OUT_OF_MEMORY', `could not allocate ${formatBytes(end * 8)} for this net and its data`);
    }
    grown.set(this.#instance.floats);
    this.#instance.floats = grown;
    this.#instance.ints = new Int32Array(grown.buffer);
  }

  train(net: number, inputs: number, targets: number, count: number, order: number, epochs: number, stats: number, valInputs: number, valTargets: number, valCount: number, from: number, to: number): number {
    const kernel = this.#kernel(net);
    kernel.enter(this.#instance);
    try {
      // `| 0`: the host derives some addresses with a division, which V8 may pass as heap
      // numbers; the kernel's index arithmetic stays on small integers only if every address
      // is one (a heap number there deoptimises its loops to generic number arithmetic).
      return kernel.train(net | 0, inputs | 0, targets | 0, count | 0, order | 0, epochs | 0, stats | 0, valInputs | 0, valTargets | 0, valCount | 0, from | 0, to | 0);
    } finally {
      kernel.leave(this.#instance);
    }
  }

  evaluate(net: number, inputs: number, targets: number, count: number, outputs: number, stats: number, resume: number): void {
    const kernel = this.#kernel(net);
    kernel.enter(this.#instance);
    try {
      kernel.evaluate(net | 0, inputs | 0, targets | 0, count | 0, outputs | 0, stats | 0, resume | 0); // `| 0`: see train()
    } finally {
      kernel.leave(this.#instance);
    }
  }

  largestMagnitude(net: number, first: number, count: number): number {
    const kernel = this.#kernel(net);
    kernel.enter(this.#instance);
    try {
      return kernel.largestMagnitude(first | 0, count | 0); // `| 0`: see train()
    } finally {
      kernel.leave(this.#instance);
    }
  }

  /** The kernel of the dtype of the net whose descriptor is at byte `net` (H_DTYPE). */
  #kernel(net: number): typeof float64Kernel {
    return this.#instance.ints[(net >> 2) + H_DTYPE] === DTYPE_FLOAT32 ? float32Kernel : float64Kernel;
  }

  async start(): Promise<void> {}

  dispose(): void {
    this.#instance = emptyInstance();
  }
}
