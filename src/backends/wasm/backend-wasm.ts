// The WebAssembly backend: one kernel instance (and so one linear memory) per net. The host
// lays everything out once; each call hands the kernel epochs (or a slice of one) or whole
// data sets. With threads, the net borrows workers from the process-wide pool (thread-pool.ts,
// which its creator loads and hands in) for each call that has a job large enough to split
// (thread-choice.ts).
import type { Backend } from '../backend.ts';
import { MLPError } from '../../api/errors.ts';
import { instantiateKernel, PAGE_BYTES, simdSupported, type Kernel, type KernelExports } from './kernel.ts';
import type { Attachment } from './thread-pool.ts';
import { H_BATCH, H_CAPACITY, H_LAYERS, L_IN, L_OUT, LAYER_FIELDS, MAX_MEMORY_BYTES, NET_HEADER, SESSION_STEP, SYNC_ADMITTED, SYNC_LOBBY, type Dtype } from '../layout.ts';
import { splitsJobs } from './thread-choice.ts';
import { formatBytes } from '../../api/validate.ts';

/** The worker pool's module (thread-pool.ts), for `threads` > 1. */
export type ThreadPool = typeof import('./thread-pool.ts');

/** `threads` > 1 runs the threads build (SIMD, shared memory) with `pool`; the caller checked it can. */
export async function createWasmBackend(simd: boolean | undefined, threads: number, dtype: Dtype, pool?: ThreadPool): Promise<Backend> {
  if (threads > 1 && pool === undefined) throw new MLPError('INTERNAL', 'wasm-mlp internal error: a net with threads was created without the worker pool');
  const kernel = await instantiateKernel(simd, threads > 1 ? pool!.firstSharedMemory() : undefined, dtype);
  return new WasmBackend(kernel, threads > 1 || (simd ?? simdSupported), threads, pool);
}

class WasmBackend implements Backend {
  readonly name = 'wasm' as const;
  readonly simd: boolean;
  readonly threads: number;
  readonly base: number;
  #module: WebAssembly.Module;
  /** The net's side of the worker pool, once start() ran (threads > 1). */
  #attachment: Attachment | undefined;
  #kernel: KernelExports;
  /** Bytes the memory can grow to in place; beyond, a shared memory moves (#move). */
  #maximumBytes: number;
  #floats: Float64Array;
  #ints: Int32Array;
  readonly #pool: ThreadPool | undefined;

  constructor({ exports: kernel, module, maximumBytes }: Kernel, simd: boolean, threads: number, pool: ThreadPool | undefined) {
    this.#pool = pool;
    this.#kernel = kernel;
    this.#maximumBytes = maximumBytes;
    this.#module = module;
    this.simd = simd;
    this.threads = threads;
    this.base = Math.ceil(kernel.heapBase() / 64) * 8;
    this.#floats = new Float64Array(kernel.memory.buffer);
    this.#ints = new Int32Array(kernel.memory.buffer);
  }

  // The views are renewed where the memory grows or moves (reserve), the only places it can:
  // the kernel allocates nothing, so a call never replaces the buffer under them.
  memory(): Float64Array {
    return this.#floats;
  }

  ints(): Int32Array {
    return this.#ints;
  }

  reserve(end: number): void {
    const bytes = end * 8;
    const memory = this.#kernel.memory;
    if (bytes <= memory.buffer.byteLength) return;
    if (bytes > MAX_MEMORY_BYTES) {
      throw new MLPError('OUT_OF_MEMORY', `this net and its data need ${formatBytes(bytes)}; the limit is ${formatBytes(MAX_MEMORY_BYTES)} (WebAssembly memory)`);
    }
    if (bytes > this.#maximumBytes) {
      this.#move(bytes);
      return;
    }
    try {
      memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / PAGE_BYTES));
    } catch {
      throw new MLPError('OUT_OF_MEMORY', `could not grow WebAssembly memory to ${formatBytes(bytes)} for this net and its data`);
    }
    this.#refresh();
  }

  train(net: number, inputs: number, targets: number, count: number, order: number, epochs: number, stats: number, valInputs: number, valTargets: number, valCount: number, from: number, to: number): number {
    // Validation rows run in blocks of the scratch's capacity (>= the batch).
    this.#enlist(net, Math.min(this.#ints[net / 4 + H_BATCH]!, count), Math.min(this.#ints[net / 4 + H_CAPACITY]!, valCount));
    try {
      return this.#kernel.train(net, inputs, targets, count, order, epochs, stats, valInputs, valTargets, valCount, from, to);
    } catch (error) {
      throw kernelFailure('train', error);
    }
  }

  evaluate(net: number, inputs: number, targets: number, count: number, outputs: number, stats: number, resume: number): void {
    this.#enlist(net, Math.min(this.#ints[net / 4 + H_CAPACITY]!, count));
    try {
      this.#kernel.evaluate(net, inputs, targets, count, outputs, stats, resume);
    } catch (error) {
      throw kernelFailure('evaluate', error);
    }
  }

  largestMagnitude(_net: number, first: number, count: number): number {
    return this.#kernel.largestMagnitude(first, count);
  }

  async start(net: number, sync: number): Promise<void> {
    const pool = this.#pool;
    if (this.threads === 1 || pool === undefined) return;
    await pool.startWorkers(this.threads - 1);
    const attachment = new pool.Attachment(this.#kernel.memory, this.#module, net, sync * 2);
    this.#attachment = attachment;
    // A net dropped without dispose() gives its workers back when it is collected; the
    // attachment refers to the memory, never to this backend, so it does not keep it alive.
    // Workers attach at the first call that splits a job (#enlist), not here.
    pool.reclaim.register(this, attachment, attachment);
  }

  dispose(): void {
    if (this.#attachment) {
      this.#pool!.reclaim.unregister(this.#attachment);
      this.#pool!.release(this.#attachment);
    }
    this.#attachment = undefined;
    // Dropping the only references lets the engine free the instance and its memory.
    this.#kernel = undefined as unknown as KernelExports;
    this.#floats = new Float64Array(0);
    this.#ints = new Int32Array(0);
  }

  /**
   * Borrows the net's workers for a call whose jobs run over `rows` rows at a time (and
   * `moreRows`, for a second kind of job in the same call), if one of them is split
   * (splitsJobs); a call of small jobs leaves the pool alone and runs on this thread.
   */
  #enlist(net: number, rows: number, moreRows = 0): void {
    if (!this.#attachment) return;
    const ints = this.#ints;
    const h = net / 4;
    const layers = ints[h + H_LAYERS]!;
    const sizes = [ints[h + NET_HEADER + L_IN]!];
    for (let l = 0; l < layers; l++) sizes.push(ints[h + NET_HEADER + l * LAYER_FIELDS + L_OUT]!);
    if (splitsJobs(sizes, rows) || splitsJobs(sizes, moreRows)) this.#pool!.enlist(this.#attachment, this.threads - 1);
  }

  /**
   * Moves the net to a new, larger shared memory (its own maximum is reached): a copy of the
   * old one with a fresh, empty worker session; the workers rejoin at the next call.
   */
  #move(bytes: number): void {
    const { exports: kernel, maximumBytes } = this.#pool!.moveKernel(this.#module, this.#kernel.memory, bytes);
    const attachment = this.#attachment;
    if (attachment) {
      this.#pool!.detach(attachment);
      const ints = new Int32Array(kernel.memory.buffer);
      const session = ((Atomics.load(ints, attachment.sync + SYNC_LOBBY) & ~(SESSION_STEP - 1)) + SESSION_STEP) | 0;
      ints[attachment.sync + SYNC_LOBBY] = session;
      ints[attachment.sync + SYNC_ADMITTED] = session;
      attachment.memory = kernel.memory;
    }
    this.#kernel = kernel;
    this.#maximumBytes = maximumBytes;
    this.#refresh();
  }

  #refresh(): void {
    const { buffer } = this.#kernel.memory;
    if (this.#floats.buffer !== buffer) {
      this.#floats = new Float64Array(buffer);
      this.#ints = new Int32Array(buffer);
    }
  }
}

/** The host validates everything first, so a trap in the kernel is our bug: say so, in plain words. */
function kernelFailure(what: string, error: unknown): MLPError {
  if (error instanceof MLPError) return error;
  return new MLPError('INTERNAL', `wasm-mlp internal error: the WebAssembly kernel failed in ${what}(); please report it with the model and data`);
}
