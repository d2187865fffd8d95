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
import scalar32 from '../../../build/wasm/wasm-mlp-f32.wasm.deflate';
import simd32 from '../../../build/wasm/wasm-mlp-simd-f32.wasm.deflate';
import threads32 from '../../../build/wasm/wasm-mlp-threads-f32.wasm.deflate';

/** The kernel builds: scalar, SIMD, and SIMD with shared memory for worker threads. */
export type KernelBuild = 'scalar' | 'simd' | 'threads';

/** A kernel module: a build for float64 nets, or (-f32) for float32 nets. */
export type KernelKind = KernelBuild | `${KernelBuild}-f32`;

const DEFLATED: Record<KernelKind, Uint8Array> = { scalar, simd, threads, 'scalar-f32': scalar32, 'simd-f32': simd32, 'threads-f32': threads32 };

/** The kernel's WebAssembly bytes. */
export async function kernelSource(kind: KernelKind): Promise<BufferSource> {
  return inflateRawSync(DEFLATED[kind]) as Uint8Array<ArrayBuffer>;
}
