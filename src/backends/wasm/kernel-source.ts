// Where the Node build and the tests get the kernels' bytes: inlined in the bundle (esbuild's
// binary loader, or vitest.config.ts's plugin), so nothing is read at run time. The browser
// builds swap this file for kernel-source.browser.ts (files next to the module) or
// kernel-source.inline.ts (deflated inside it); scripts/build.mjs says which build takes which.
import scalar from '../../../build/wasm/wasm-mlp.wasm';
import simd from '../../../build/wasm/wasm-mlp-simd.wasm';
import threads from '../../../build/wasm/wasm-mlp-threads.wasm';

/** The kernel builds: scalar, SIMD, and SIMD with shared memory for worker threads. */
export type KernelKind = 'scalar' | 'simd' | 'threads';

const BYTES: Record<KernelKind, Uint8Array> = { scalar, simd, threads };

/** The kernel's WebAssembly bytes. */
export async function kernelSource(kind: KernelKind): Promise<BufferSource> {
  return BYTES[kind] as Uint8Array<ArrayBuffer>;
}
