// Loads the WebAssembly kernel: the SIMD build where the engine validates it (or the scalar
// build, which gives the same bits), compiled once per process and instantiated once per
// network (each net owns its linear memory); fills the kernel's math tables from the single
// copy in src/exp-table.ts, so wasm and js read the very same constants.
import { instantiate } from '@assemblyscript/loader';
import scalarWasm from '../build/wasm/wasm-mlp.wasm';
import simdWasm from '../build/wasm/wasm-mlp-simd.wasm';
import { MLPError } from './errors.ts';
import { EXP_TABLE } from './exp-table.ts';

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
  /** assembly/mlp.ts train(): returns the epochs run. */
  train(net: number, inputs: number, targets: number, count: number, order: number, epochs: number, stats: number, valInputs: number, valTargets: number, valCount: number): number;
  /** assembly/mlp.ts evaluate(). */
  evaluate(net: number, inputs: number, targets: number, count: number, outputs: number, stats: number): void;
};

const compiled = new Map<boolean, Promise<WebAssembly.Module>>();

/** Whether this engine runs the SIMD kernel. */
export const simdSupported: boolean = WebAssembly.validate(simdWasm as Uint8Array<ArrayBuffer>);

/** `simd`: false forces the scalar kernel; true requires SIMD; undefined takes it when available. */
export async function instantiateKernel(simd?: boolean): Promise<KernelExports> {
  if (simd === true && !simdSupported) {
    throw new MLPError('INVALID_ARGUMENT', 'simd must be false or left out: this engine does not run WebAssembly SIMD');
  }
  const useSimd = simd ?? simdSupported;
  let module = compiled.get(useSimd);
  if (module === undefined) {
    module = WebAssembly.compile((useSimd ? simdWasm : scalarWasm) as Uint8Array<ArrayBuffer>);
    compiled.set(useSimd, module);
  }
  const { exports } = await instantiate<KernelExports>(await module, {
    env: {
      abort() {
        // The host validates every input first, so reaching this is a bug in wasm-mlp.
        throw new MLPError('INTERNAL', 'wasm-mlp internal error: the WebAssembly kernel aborted; please report it with the model and data');
      },
    },
  });
  new Float64Array(exports.memory.buffer, exports.expTable(), EXP_TABLE.length).set(EXP_TABLE);
  return exports;
}
