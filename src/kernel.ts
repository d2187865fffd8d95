// Loads the WebAssembly kernel: compiles the module once per process, instantiates it once
// per network (each net owns its linear memory) and fills the kernel's math tables from the
// single copy in src/exp-table.ts, so wasm and js read the very same constants.
import { instantiate } from '@assemblyscript/loader';
import kernelWasm from '../build/wasm/wasm-mlp.wasm';
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

let compiled: Promise<WebAssembly.Module> | undefined;

export async function instantiateKernel(): Promise<KernelExports> {
  compiled ??= WebAssembly.compile(kernelWasm as Uint8Array<ArrayBuffer>);
  const module = await compiled;
  const { exports } = await instantiate<KernelExports>(module, {
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
