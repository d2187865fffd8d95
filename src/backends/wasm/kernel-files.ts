// The browser library's other kernel files (a lazy piece; kernel-source.browser.ts has the
// float64 kernels' deflated files, which nearly every page fetches): the float32 kernels,
// and every kernel as NAME.wasm for engines that cannot inflate. Each URL written out as
// `new URL('./file', import.meta.url)`, for bundlers to copy the file; the piece sits beside
// wasm-mlp.js, so the URLs are the same from here.
import type { KernelKind } from './kernel-source.ts';

/** The file of `kind`: deflated (NAME.wasm.deflate) when the engine inflates, else NAME.wasm. */
export function kernelFileUrl(kind: KernelKind, deflated: boolean): URL {
  switch (kind) {
    case 'simd': return deflated ? new URL('./wasm-mlp-simd.wasm.deflate', import.meta.url) : new URL('./wasm-mlp-simd.wasm', import.meta.url);
    case 'threads': return deflated ? new URL('./wasm-mlp-threads.wasm.deflate', import.meta.url) : new URL('./wasm-mlp-threads.wasm', import.meta.url);
    case 'scalar': return deflated ? new URL('./wasm-mlp.wasm.deflate', import.meta.url) : new URL('./wasm-mlp.wasm', import.meta.url);
    case 'simd-f32': return deflated ? new URL('./wasm-mlp-simd-f32.wasm.deflate', import.meta.url) : new URL('./wasm-mlp-simd-f32.wasm', import.meta.url);
    case 'threads-f32': return deflated ? new URL('./wasm-mlp-threads-f32.wasm.deflate', import.meta.url) : new URL('./wasm-mlp-threads-f32.wasm', import.meta.url);
    case 'scalar-f32': return deflated ? new URL('./wasm-mlp-f32.wasm.deflate', import.meta.url) : new URL('./wasm-mlp-f32.wasm', import.meta.url);
  }
}
