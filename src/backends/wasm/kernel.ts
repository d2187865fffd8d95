// Loads the WebAssembly kernel: the SIMD build where the engine validates it (or the scalar
// build, which gives the same bits), compiled once per thread (kernelModule) from the bytes
// the build's kernel source gives, and instantiated once per network (each net owns its linear
// memory); fills the kernel's math tables from the single copy in src/math/exp-table.ts, so
// wasm and js read the very same constants. The threads build runs on a shared memory sized
// to the net (thread-pool.ts makes and moves it), which worker threads instantiate too.
import { instantiate } from '@assemblyscript/loader';
import { MLPError, oneLine } from '../../api/errors.ts';
import { EXP_TABLE } from '../../math/exp-table.ts';
import type { Dtype } from '../layout.ts';
import { kernelSource, type KernelBuild, type KernelKind } from './kernel-source.ts';

export type { KernelBuild, KernelKind } from './kernel-source.ts';

/** The module of `build` for nets of `dtype`: each dtype's code is a module of its own. */
export function kernelKind(build: KernelBuild, dtype: Dtype): KernelKind {
  return dtype === 'float32' ? `${build}-f32` : build;
}

/**
 * The raw exports of assembly/index.ts (float64) and assembly/index-f32.ts (float32, without
 * the expArray, logArray and tanhArray diagnostics, which the browser library's kernel files
 * leave out too). Pointers are byte offsets into `memory`.
 */
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
  train(net: number, inputs: number, targets: number, count: number, order: number, epochs: number, stats: number, valInputs: number, valTargets: number, valCount: number, from: number, to: number): number;
  /** assembly/mlp.ts evaluate(): stats[0..1] = running loss sum and correct count (resume 0 clears them). */
  evaluate(net: number, inputs: number, targets: number, count: number, outputs: number, stats: number, resume: number): void;
  /** assembly/magnitude.ts: max |x| over `count` elements from element `first` (NaN, Infinity when one is). */
  largestMagnitude(first: number, count: number): number;
  /** assembly/mlp.ts work(): a worker thread's visit to a net (threads build only). */
  work(net: number, session: number): void;
};

/**
 * The smallest module that uses a SIMD instruction (i8x16.splat, i8x16.popcnt): an engine
 * validates it exactly when it runs WebAssembly SIMD, without the kernel's bytes at hand.
 */
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);

/** Whether this engine runs the SIMD kernel. */
export const simdSupported: boolean = WebAssembly.validate(SIMD_PROBE);

const modules = new Map<KernelKind, Promise<WebAssembly.Module>>();

/**
 * The compiled kernel of one build, loaded and compiled on first use and then shared by every
 * net of this thread. A failed load is not kept, so a later call tries again.
 */
export function kernelModule(kind: KernelKind): Promise<WebAssembly.Module> {
  let pending = modules.get(kind);
  if (pending === undefined) {
    pending = compileKernel(kind);
    modules.set(kind, pending);
    pending.catch(() => modules.delete(kind));
  }
  return pending;
}

async function compileKernel(kind: KernelKind): Promise<WebAssembly.Module> {
  try {
    return await WebAssembly.compile(await kernelSource(kind));
  } catch (error) {
    if (error instanceof MLPError) throw error;
    throw new MLPError('INTERNAL', `wasm-mlp could not load its ${kind} WebAssembly kernel: ${oneLine(String(error))}`);
  }
}

/**
 * Takes modules another thread compiled (a worker given them by its parent), so that this
 * thread never loads or compiles kernel bytes itself for those builds.
 */
export function adoptKernelModules(given: Partial<Record<KernelKind, WebAssembly.Module>>): void {
  for (const [kind, module] of Object.entries(given) as [KernelKind, WebAssembly.Module][]) modules.set(kind, Promise.resolve(module));
}

/** The largest memory a net may grow to: 4 GiB. */
export const MAX_PAGES = 65536;
export const PAGE_BYTES = 65536;

export interface Kernel {
  exports: KernelExports;
  /** The compiled module, for worker threads to instantiate on the same memory. */
  module: WebAssembly.Module;
  /** Bytes the memory can grow to in place (a shared memory's maximum). */
  maximumBytes: number;
}

/** A shared memory for the threads build (thread-pool.ts makes it) and the bytes it can grow to in place. */
export interface SharedKernelMemory {
  memory: WebAssembly.Memory;
  maximumBytes: number;
}

/**
 * `simd`: false forces the scalar kernel; true requires SIMD; undefined takes it when
 * available. `shared`: the threads build (SIMD) on that shared memory. `dtype`: the nets'
 * element type, whose module is loaded.
 */
export async function instantiateKernel(simd?: boolean, shared?: SharedKernelMemory, dtype: Dtype = 'float64'): Promise<Kernel> {
  if (simd === true && !simdSupported) {
    throw new MLPError('INVALID_ARGUMENT', 'simd must be false or left out: this engine does not run WebAssembly SIMD');
  }
  const module = await kernelModule(kernelKind(shared ? 'threads' : (simd ?? simdSupported) ? 'simd' : 'scalar', dtype));
  // The kernels import nothing but the threads build's memory (asc's stub runtime, noAssert).
  const imports: WebAssembly.Imports = shared ? { env: { memory: shared.memory } } : {};
  const exports = exportsOf(await instantiate<KernelExports>(module, imports as never));
  fillTables(exports);
  return { exports, module, maximumBytes: shared ? shared.maximumBytes : MAX_PAGES * PAGE_BYTES };
}

/**
 * The instance's own exports, not the loader's wrappers: those gather and spread every call's
 * arguments (for optional parameters, which the kernel has none of), a cost a one-row predict
 * feels.
 */
function exportsOf(result: { instance: WebAssembly.Instance }): KernelExports {
  return result.instance.exports as unknown as KernelExports;
}

/** Copies the math tables into the kernel's static region. */
export function fillTables(exports: KernelExports): void {
  new Float64Array(exports.memory.buffer, exports.expTable(), EXP_TABLE.length).set(EXP_TABLE);
}
