// The WebAssembly backend: one kernel instance (and so one linear memory) per net. The host
// lays everything out once; each call hands the kernel whole epochs or whole data sets.
import type { Backend } from '../backend.ts';
import { MLPError } from '../../api/errors.ts';
import { fillTables, instantiateKernel, simdSupported, type Kernel, type KernelExports } from './kernel.ts';
import { spawnWorkers, type WorkerPool } from './threads.ts';
import { JOB_QUIT, MAX_MEMORY_BYTES, SYNC_GENERATION, SYNC_JOB } from '../layout.ts';
import { formatBytes } from '../../api/validate.ts';

const PAGE_BYTES = 65536;

/** `threads` > 1 runs the threads build (SIMD, shared memory); the caller checked it can. */
export async function createWasmBackend(simd: boolean | undefined, threads: number): Promise<Backend> {
  const kernel = await instantiateKernel(simd, threads > 1);
  return new WasmBackend(kernel, threads > 1 || (simd ?? simdSupported), threads);
}

class WasmBackend implements Backend {
  readonly name = 'wasm' as const;
  readonly simd: boolean;
  readonly threads: number;
  readonly base: number;
  #module: WebAssembly.Module;
  #pool: WorkerPool | undefined;
  /** f64 index of the threads' job block (NetLayout.sync). */
  #sync = 0;
  #kernel: KernelExports;
  #floats: Float64Array;
  #ints: Int32Array;

  constructor({ exports: kernel, module }: Kernel, simd: boolean, threads: number) {
    this.#kernel = kernel;
    this.#module = module;
    this.simd = simd;
    this.threads = threads;
    this.base = Math.ceil(kernel.heapBase() / 64) * 8;
    this.#floats = new Float64Array(kernel.memory.buffer);
    this.#ints = new Int32Array(kernel.memory.buffer);
  }

  memory(): Float64Array {
    this.#refresh();
    return this.#floats;
  }

  ints(): Int32Array {
    this.#refresh();
    return this.#ints;
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

  train(net: number, inputs: number, targets: number, count: number, order: number, epochs: number, stats: number, valInputs: number, valTargets: number, valCount: number): number {
    return this.#guard('train', () => this.#kernel.train(net, inputs, targets, count, order, epochs, stats, valInputs, valTargets, valCount));
  }

  evaluate(net: number, inputs: number, targets: number, count: number, outputs: number, stats: number, resume: number): void {
    this.#guard('evaluate', () => this.#kernel.evaluate(net, inputs, targets, count, outputs, stats, resume));
  }

  async start(net: number, sync: number): Promise<void> {
    if (this.threads === 1) return;
    this.#sync = sync;
    this.#pool = await spawnWorkers(this.#module, this.#kernel.memory, net, this.threads - 1);
    fillTables(this.#kernel);
  }

  dispose(): void {
    if (this.#pool) {
      // Wake the workers with JOB_QUIT so that work() returns and their threads end: a thread
      // asleep in atomic.wait may never notice terminate(), and would hold the process open.
      const ints = this.ints();
      const at = this.#sync * 2; // the job block's i32 fields (SYNC_* in ../layout.ts)
      ints[at + SYNC_JOB] = JOB_QUIT;
      Atomics.add(ints, at + SYNC_GENERATION, 1);
      Atomics.notify(ints, at + SYNC_GENERATION);
      this.#pool.terminate();
    }
    this.#pool = undefined;
    // Dropping the only references lets the engine free the instance and its memory.
    this.#kernel = undefined as unknown as KernelExports;
    this.#floats = new Float64Array(0);
    this.#ints = new Int32Array(0);
  }

  #refresh(): void {
    const { buffer } = this.#kernel.memory;
    if (this.#floats.buffer !== buffer) {
      this.#floats = new Float64Array(buffer);
      this.#ints = new Int32Array(buffer);
    }
  }

  /** The host validates everything first, so a trap here is our bug: say so, in plain words. */
  #guard<T>(what: string, call: () => T): T {
    try {
      return call();
    } catch (error) {
      if (error instanceof MLPError) throw error;
      throw new MLPError('INTERNAL', `wasm-mlp internal error: the WebAssembly kernel failed in ${what}(); please report it with the model and data`);
    }
  }
}
