// Loads the WebAssembly kernel: the SIMD build where the engine validates it (or the scalar
// build, which gives the same bits), compiled once per process and instantiated once per
// network (each net owns its linear memory); fills the kernel's math tables from the single
// copy in src/math/exp-table.ts, so wasm and js read the very same constants. The threads
// build runs on a shared memory sized to the net, which worker threads instantiate too.
import { instantiate, instantiateSync } from '@assemblyscript/loader';
import scalarWasm from '../../../build/wasm/wasm-mlp.wasm';
import simdWasm from '../../../build/wasm/wasm-mlp-simd.wasm';
import threadsWasm from '../../../build/wasm/wasm-mlp-threads.wasm';
import { MLPError } from '../../api/errors.ts';
import { EXP_TABLE } from '../../math/exp-table.ts';
import { formatBytes } from '../../api/validate.ts';

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
  train(net: number, inputs: number, targets: number, count: number, order: number, epochs: number, stats: number, valInputs: number, valTargets: number, valCount: number, from: number, to: number): number;
  /** assembly/mlp.ts evaluate(): stats[0..1] = running loss sum and correct count (resume 0 clears them). */
  evaluate(net: number, inputs: number, targets: number, count: number, outputs: number, stats: number, resume: number): void;
  /** assembly/mlp.ts work(): a worker thread's visit to a net (threads build only). */
  work(net: number, session: number): void;
};

const compiled = new Map<Uint8Array, Promise<WebAssembly.Module>>();

/** Whether this engine runs the SIMD kernel. */
export const simdSupported: boolean = WebAssembly.validate(simdWasm as Uint8Array<ArrayBuffer>);

/** The largest memory a net may grow to: 4 GiB. */
const MAX_PAGES = 65536;
export const PAGE_BYTES = 65536;
/** A shared memory's first maximum (16 MiB); a net that needs more moves to a larger one. */
const FIRST_SHARED_MAXIMUM = 256;

export interface Kernel {
  exports: KernelExports;
  /** The compiled module, for worker threads to instantiate on the same memory. */
  module: WebAssembly.Module;
  /** Bytes the memory can grow to in place (a shared memory's maximum). */
  maximumBytes: number;
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
    pending = WebAssembly.compile(shared ? withPassiveData(bytes) : bytes);
    compiled.set(bytes, pending);
  }
  const module = await pending;
  const env: Record<string, unknown> = { abort };
  if (shared) env.memory = sharedMemory(1, FIRST_SHARED_MAXIMUM);
  const exports = rawExports(await instantiate<KernelExports>(module, { env } as never));
  fillTables(exports);
  return { exports, module, maximumBytes: (shared ? FIRST_SHARED_MAXIMUM : MAX_PAGES) * PAGE_BYTES };
}

function abort(): never {
  // The host validates every input first, so reaching this is a bug in wasm-mlp.
  throw new MLPError('INTERNAL', 'wasm-mlp internal error: the WebAssembly kernel aborted; please report it with the model and data');
}

/**
 * A shared memory of `pages`, able to grow in place to `maximum` pages: the engine reserves
 * the maximum's address space up front, so it is sized to the net rather than to 4 GiB.
 */
function sharedMemory(pages: number, maximum: number): WebAssembly.Memory {
  try {
    return new WebAssembly.Memory({ initial: pages, maximum, shared: true });
  } catch {
    throw new MLPError('OUT_OF_MEMORY', `could not reserve a shared WebAssembly memory of ${formatBytes(maximum * PAGE_BYTES)} for threads; dispose() nets you no longer use, or use threads: 1`);
  }
}

/**
 * The threads kernel moved to a new shared memory of at least `bytes`, with room to grow
 * (twice that, up to 4 GiB): a copy of every byte of the old one, tables included.
 */
export function moveKernel(module: WebAssembly.Module, old: WebAssembly.Memory, bytes: number): Kernel {
  const pages = Math.ceil(bytes / PAGE_BYTES);
  const maximum = Math.min(MAX_PAGES, Math.max(FIRST_SHARED_MAXIMUM, 2 * pages));
  const memory = sharedMemory(pages, maximum);
  new Uint8Array(memory.buffer).set(new Uint8Array(old.buffer));
  const exports = rawExports(instantiateSync<KernelExports>(module, { env: { memory, abort } } as never));
  return { exports, module, maximumBytes: maximum * PAGE_BYTES };
}

/**
 * The instance's own exports: the loader's wrappers gather and spread every call's arguments
 * (for optional parameters, which the kernel has none of), a cost a one-row predict feels.
 */
function rawExports(result: { instance: WebAssembly.Instance }): KernelExports {
  return result.instance.exports as unknown as KernelExports;
}

/**
 * The module with its active data segments made passive. Instantiating a module on a shared
 * memory writes its data segments again, and each worker that joins a net instantiates the
 * module on that net's memory while the net may be computing: the threads build's only
 * segment is the zeroed exp table, which the host fills, so rewriting it would zero the table
 * under a running call. A new memory is zero already, so a passive (never written) segment
 * that holds only zeros leaves every instance as before.
 */
function withPassiveData(bytes: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  let at = 8;
  const leb = () => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[at++];
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  };
  while (at < bytes.length) {
    const sectionStart = at;
    const id = bytes[at++];
    const size = leb();
    const end = at + size;
    if (id !== 11) {
      at = end;
      continue;
    }
    const segments: number[][] = [];
    for (let count = leb(), i = 0; i < count; i++) {
      const flags = leb();
      // Flag 0: active at memory 0 with an i32.const offset; anything else is left alone.
      if (flags !== 0 || bytes[at] !== 0x41) return bytes;
      at++;
      leb();
      if (bytes[at++] !== 0x0b) return bytes;
      const length = leb();
      const data = bytes.subarray(at, at + length);
      at += length;
      if (data.some((b) => b !== 0)) throw new MLPError('INTERNAL', 'wasm-mlp internal error: the threads kernel has initialised data, which worker threads would overwrite');
      segments.push([1, ...uleb(length), ...data]);
    }
    const body = [...uleb(segments.length), ...segments.flat()];
    const section = [11, ...uleb(body.length), ...body];
    const out = new Uint8Array(bytes.length - (end - sectionStart) + section.length);
    out.set(bytes.subarray(0, sectionStart));
    out.set(section, sectionStart);
    out.set(bytes.subarray(end), sectionStart + section.length);
    return out;
  }
  return bytes;
}

function uleb(value: number): number[] {
  const out: number[] = [];
  do {
    const byte = value & 0x7f;
    value >>>= 7;
    out.push(value === 0 ? byte : byte | 0x80);
  } while (value !== 0);
  return out;
}

/** Copies the math tables into the kernel's static region. */
export function fillTables(exports: KernelExports): void {
  new Float64Array(exports.memory.buffer, exports.expTable(), EXP_TABLE.length).set(EXP_TABLE);
}
