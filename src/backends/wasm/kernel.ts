// Loads the WebAssembly kernel: the SIMD build where the engine validates it (or the scalar
// build, which gives the same bits), compiled once per process and instantiated once per
// network (each net owns its linear memory); fills the kernel's math tables from the single
// copy in src/math/exp-table.ts, so wasm and js read the very same constants.
import { instantiate } from '@assemblyscript/loader';
import scalarWasm from '../../../build/wasm/wasm-mlp.wasm';
import simdWasm from '../../../build/wasm/wasm-mlp-simd.wasm';
import threadsWasm from '../../../build/wasm/wasm-mlp-threads.wasm';
import { MLPError } from '../../api/errors.ts';
import { EXP_TABLE } from '../../math/exp-table.ts';

/** The raw exports of assembly/index.ts. Pointers are byte offsets into `memory`. */
export type KernelExports = {
  memory: WebAssembly.Memory;
  /** Start of the kernel's static tables: the exp table (EXP_TABLE.length doubles). */
  expTable(): number;
  /** dst[i] = exp(src[i]) for i < count: the shared exp, for tests and diagnosis. */
  expArray(src: number, dst: number, count: number): void;
  /** dst[i] = log(src[i]) for i < count: the shared log, for tests and diagnosis. */
  logArray(src: number, dst: number, count: number): void;
  /** dst[i] = tanh(src[i]) for i < count: the shared tanh, for tests and diagnosis. */
  tanhArray(src: number, dst: number, count: number): void;
  /** First free byte after the kernel's static data. */
  heapBase(): number;
  /** assembly/mlp.ts train(): returns the epochs run (see Backend.train). */
  train(net: number, inputs: number, targets: number, count: number, order: number, epochs: number, stats: number, valInputs: number, valTargets: number, valCount: number): number;
  /** assembly/mlp.ts evaluate(): stats[0..1] = running loss sum and correct count (resume 0 clears them). */
  evaluate(net: number, inputs: number, targets: number, count: number, outputs: number, stats: number, resume: number): void;
  /** assembly/mlp.ts work(): a worker thread's loop (threads build only). */
  work(net: number, part: number): void;
};

const compiled = new Map<Uint8Array, Promise<WebAssembly.Module>>();

/** Whether this engine runs the SIMD kernel. */
export const simdSupported: boolean = WebAssembly.validate(simdWasm as Uint8Array<ArrayBuffer>);

/** The largest memory a net may grow to: 4 GiB. A shared memory declares it up front. */
const MAX_PAGES = 65536;

export interface Kernel {
  exports: KernelExports;
  /** The compiled module, for worker threads to instantiate on the same memory. */
  module: WebAssembly.Module;
}

/**
 * `simd`: false forces the scalar kernel; true requires SIMD; undefined takes it when
 * available. `shared`: the threads build (SIMD) on a new shared memory.
 */
export async function instantiateKernel(simd?: boolean, shared = false): Promise<Kernel> {
  if (simd === true && !simdSupported) {
    throw new MLPError('INVALID_ARGUMENT', 'simd must be false or left out: this engine does not run WebAssembly SIMD');
  }
  const bytes = (shared ? threadsWasm : (simd ?? simdSupported) ? simdWasm : scalarWasm) as Uint8Array<ArrayBuffer>;
  let pending = compiled.get(bytes);
  if (pending === undefined) {
    pending = WebAssembly.compile(bytes);
    compiled.set(bytes, pending);
  }
  const module = await pending;
  const env: Record<string, unknown> = {
    abort() {
      // The host validates every input first, so reaching this is a bug in wasm-mlp.
      throw new MLPError('INTERNAL', 'wasm-mlp internal error: the WebAssembly kernel aborted; please report it with the model and data');
    },
  };
  if (shared) {
    try {
      env.memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
    } catch {
      // A shared memory reserves its whole maximum (4 GiB of address space) up front.
      throw new MLPError('OUT_OF_MEMORY', 'could not reserve a shared WebAssembly memory for threads; dispose() nets you no longer use, or use threads: 1');
    }
  }
  const { exports } = await instantiate<KernelExports>(module, { env } as never);
  fillTables(exports);
  return { exports, module };
}

/**
 * Copies the math tables into the kernel's static region. Again after worker threads start:
 * each instantiation on a shared memory re-applies the module's (zeroed) data segment.
 */
export function fillTables(exports: KernelExports): void {
  new Float64Array(exports.memory.buffer, exports.expTable(), EXP_TABLE.length).set(EXP_TABLE);
}
