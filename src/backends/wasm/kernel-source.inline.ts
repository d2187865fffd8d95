// Where the self-contained browser build (build/browser/wasm-mlp-standalone.js) gets a
// kernel's bytes: from inside itself, each build deflated as the browser library's kernel files
// are (scripts/build.mjs writes build/browser/*.wasm.deflate) and inflated on first use with
// the engine's DecompressionStream, so a page hosts one file and inflates only the build it runs.
import scalar from '../../../build/browser/wasm-mlp.wasm.deflate';
import simd from '../../../build/browser/wasm-mlp-simd.wasm.deflate';
import threads from '../../../build/browser/wasm-mlp-threads.wasm.deflate';
import scalar32 from '../../../build/browser/wasm-mlp-f32.wasm.deflate';
import simd32 from '../../../build/browser/wasm-mlp-simd-f32.wasm.deflate';
import threads32 from '../../../build/browser/wasm-mlp-threads-f32.wasm.deflate';
import type { KernelKind } from './kernel-source.ts';

const DEFLATED: Record<KernelKind, Uint8Array> = { scalar, simd, threads, 'scalar-f32': scalar32, 'simd-f32': simd32, 'threads-f32': threads32 };

export function kernelSource(kind: KernelKind): Promise<BufferSource> {
  const inflated = new Blob([DEFLATED[kind] as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  return new Response(inflated).arrayBuffer();
}
