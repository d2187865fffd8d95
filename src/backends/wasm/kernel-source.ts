// Where the Node build, the benchmarks and the tests get the kernels' bytes: deflated inside
// the bundle (scripts/build.mjs writes build/wasm/*.wasm.deflate; esbuild's binary loader, or
// vitest.config.ts's plugin, inlines them) and inflated with node:zlib on first use, so
// nothing is read at run time and a bundler of a Node app has no file to copy. The browser
// builds swap this file for kernel-source.browser.ts (files next to the module) or
// kernel-source.inline.ts (deflated inside it); scripts/build.mjs says which build takes which.
import { inflateRawSync } from 'node:zlib';
import scalar from '../../../build/wasm/wasm-mlp.wasm.deflate';
import simd from '../../../build/wasm/wasm-mlp-simd.wasm.deflate';
import threads from '../../../build/wasm/wasm-mlp-threads.wasm.deflate';

/** The kernel builds: scalar, SIMD, and SIMD with shared memory for worker threads. */
export type KernelKind = 'scalar' | 'simd' | 'threads';

const DEFLATED: Record<KernelKind, Uint8Array> = { scalar, simd, threads };

/** The kernel's WebAssembly bytes. */
export async function kernelSource(kind: KernelKind): Promise<BufferSource> {
  return inflateRawSync(DEFLATED[kind]) as Uint8Array<ArrayBuffer>;
}
