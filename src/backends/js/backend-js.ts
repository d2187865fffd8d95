// The pure-JS backend: an ArrayBuffer laid out by the same NetLayout as the wasm kernel's
// memory, run by ./mlp.ts and ./linalg.ts, the twins of assembly/mlp.ts and
// assembly/linalg.ts (test/property.test.ts compares the two bit for bit).
import type { Backend } from '../backend.ts';
import { MLPError } from '../../api/errors.ts';
import { MAX_MEMORY_BYTES } from '../layout.ts';
import { enter, evaluate, leave, train, type Instance } from './mlp.ts';
import { formatBytes } from '../../api/validate.ts';

export class JsBackend implements Backend {
  readonly name = 'js' as const;
  readonly simd = false;
  readonly threads = 1;
  readonly base = 0;
  /** The memory and the running totals the kernel keeps between calls, as a wasm instance does. */
  #instance: Instance = { floats: new Float64Array(0), ints: new Int32Array(0), lossSum: 0, lossTerms: 0, correct: 0 };

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
    enter(this.#instance);
    try {
      return train(net, inputs, targets, count, order, epochs, stats, valInputs, valTargets, valCount, from, to);
    } finally {
      leave(this.#instance);
    }
  }

  evaluate(net: number, inputs: number, targets: number, count: number, outputs: number, stats: number, resume: number): void {
    enter(this.#instance);
    try {
      evaluate(net, inputs, targets, count, outputs, stats, resume);
    } finally {
      leave(this.#instance);
    }
  }

  async start(): Promise<void> {}

  dispose(): void {
    this.#instance = { floats: new Float64Array(0), ints: new Int32Array(0), lossSum: 0, lossTerms: 0, correct: 0 };
  }
}
