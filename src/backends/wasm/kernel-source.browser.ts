// Where the browser build (build/browser/wasm-mlp.js) gets a kernel's bytes: from its file next
// to the module, fetched on first use, so a page loads only the build it runs (and a float64
// page never the float32 ones). Each URL is
// written out as `new URL('./file', import.meta.url)`, the form bundlers (Vite, webpack,
// Parcel) recognise to copy the file and rewrite the URL.
import { MLPError, oneLine } from '../../api/errors.ts';
import type { KernelKind } from './kernel-source.ts';

function kernelUrl(kind: KernelKind): URL {
  switch (kind) {
    case 'simd': return new URL('./wasm-mlp-simd.wasm', import.meta.url);
    case 'threads': return new URL('./wasm-mlp-threads.wasm', import.meta.url);
    case 'scalar': return new URL('./wasm-mlp.wasm', import.meta.url);
    case 'simd-f32': return new URL('./wasm-mlp-simd-f32.wasm', import.meta.url);
    case 'threads-f32': return new URL('./wasm-mlp-threads-f32.wasm', import.meta.url);
    case 'scalar-f32': return new URL('./wasm-mlp-f32.wasm', import.meta.url);
  }
}

export async function kernelSource(kind: KernelKind): Promise<BufferSource> {
  const url = kernelUrl(kind);
  let bytes: ArrayBuffer | Uint8Array;
  try {
    // Node's fetch reads no file: URLs (Deno's and Bun's do), so there the file is read directly.
    const fs = url.protocol === 'file:' ? nodeFileSystem() : undefined;
    if (fs) {
      bytes = fs.readFileSync(url);
    } else {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`.trim());
      bytes = await response.arrayBuffer();
    }
  } catch (error) {
    throw new MLPError('IO', `could not load the WebAssembly kernel ${url.href} (${oneLine(error instanceof Error ? error.message : String(error))}); ${HINT}`);
  }
  const magic = new Uint8Array(bytes.slice(0, 4));
  if (magic.join() !== '0,97,115,109') throw new MLPError('IO', `${url.href} is not a WebAssembly kernel (the server sent something else); ${HINT}`);
  return bytes as BufferSource;
}

const HINT = "serve the package's .wasm files next to wasm-mlp.js, or import wasm-mlp/standalone, which carries its kernels inside";

function nodeFileSystem(): { readFileSync(url: URL): Uint8Array } | undefined {
  const process = (globalThis as { process?: { getBuiltinModule?(name: string): unknown } }).process;
  return process?.getBuiltinModule?.('node:fs') as { readFileSync(url: URL): Uint8Array } | undefined;
}
