// The WebAssembly backend: one kernel instance (and so one linear memory) per net. The
// descriptor and parameters are written once; each call hands the kernel whole epochs.
import { MLPError } from './errors.ts';
import type { Backend } from './backend.ts';
import { instantiateKernel, type KernelExports } from './kernel.ts';
import { LAYER_FIELDS, MAX_MEMORY_BYTES, NET_HEADER, NetLayout } from './layout.ts';
import { formatBytes } from './validate.ts';

const PAGE_BYTES = 65536;

export async function createWasmBackend(layers: readonly number[]): Promise<Backend> {
  return new WasmBackend(await instantiateKernel(), layers);
}

class WasmBackend implements Backend {
  readonly name = 'wasm' as const;
  readonly layout: NetLayout;
  #kernel: KernelExports;
  #descriptor: number;
  #view: Float64Array;

  constructor(kernel: KernelExports, layers: readonly number[]) {
    this.#kernel = kernel;
    this.#descriptor = Math.ceil(kernel.heapBase() / 64) * 64;
    const descriptorBytes = (NET_HEADER + LAYER_FIELDS * (layers.length - 1)) * 4;
    this.layout = new NetLayout(layers, Math.ceil((this.#descriptor + descriptorBytes) / 64) * 8);
    this.#view = new Float64Array(kernel.memory.buffer);
    this.reserve(this.layout.end);
    new Int32Array(kernel.memory.buffer, this.#descriptor, this.layout.descriptor.length).set(this.layout.descriptor);
  }

  memory(): Float64Array {
    if (this.#view.buffer !== this.#kernel.memory.buffer) this.#view = new Float64Array(this.#kernel.memory.buffer);
    return this.#view;
  }

  reserve(end: number): void {
    const bytes = end * 8;
    const memory = this.#kernel.memory;
    if (bytes <= memory.buffer.byteLength) return;
    if (bytes > MAX_MEMORY_BYTES) {
      throw new MLPError('OUT_OF_MEMORY', `this net and its data need ${formatBytes(bytes)}; the limit is ${formatBytes(MAX_MEMORY_BYTES)} (WebAssembly memory)`);
    }
    try {
      memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / PAGE_BYTES));
    } catch {
      throw new MLPError('OUT_OF_MEMORY', `could not grow WebAssembly memory to ${formatBytes(bytes)} for this net and its data`);
    }
  }

  train(inputs: number, targets: number, count: number, epochs: number, learningRate: number, losses: number): void {
    this.#guard('train', () => this.#kernel.train(this.#descriptor, inputs, targets, count, epochs, learningRate, losses));
  }

  predict(inputs: number, count: number, outputs: number): void {
    this.#guard('predict', () => this.#kernel.predict(this.#descriptor, inputs, count, outputs));
  }

  dispose(): void {
    // Dropping the only references lets the engine free the instance and its memory.
    this.#kernel = undefined as unknown as KernelExports;
    this.#view = new Float64Array(0);
  }

  /** The host validates everything first, so a trap here is our bug: say so, in plain words. */
  #guard(what: string, call: () => void): void {
    try {
      call();
    } catch (error) {
      if (error instanceof MLPError) throw error;
      throw new MLPError('INTERNAL', `wasm-mlp internal error: the WebAssembly kernel failed in ${what}(); please report it with the model and data`);
    }
  }
}
