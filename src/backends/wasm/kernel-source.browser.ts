// Where the browser build (build/browser/wasm-mlp.js) gets a kernel's bytes: from its file next
// to the module, fetched on first use, so a page loads only the build it runs (and a float64
// page never the float32 ones). The file is the kernel deflated (NAME.wasm.deflate, about 40%
// of NAME.wasm), inflated with the engine's DecompressionStream; an engine without
// 'deflate-raw' fetches NAME.wasm instead. Each URL is written out as
// `new URL('./file', import.meta.url)`, the form bundlers (Vite, webpack, Parcel) recognise to
// copy the file and rewrite the URL; those of the float32 kernels and of the .wasm files are
// in a lazy piece (kernel-files.ts), so a float64 page carries three.
import { MLPError, oneLine } from '../../api/errors.ts';
import { loadPiece, SERVE_FILES } from '../../api/load-piece.ts';
import type { KernelKind } from './kernel-source.ts';

/** Whether this engine inflates raw deflate streams. */
const inflates: boolean = (() => {
  try {
    return typeof DecompressionStream === 'function' && new DecompressionStream('deflate-raw') !== undefined;
  } catch {
    return false;
  }
})();

/** The file of a float64 kernel, deflated: what nearly every page fetches. The other files' URLs are a lazy piece (kernel-files.ts). */
function deflatedKernelUrl(kind: KernelKind): URL | undefined {
  switch (kind) {
    case 'simd': return new URL('./wasm-mlp-simd.wasm.deflate', import.meta.url);
    case 'threads': return new URL('./wasm-mlp-threads.wasm.deflate', import.meta.url);
    case 'scalar': return new URL('./wasm-mlp.wasm.deflate', import.meta.url);
    default: return undefined;
  }
}

async function kernelUrl(kind: KernelKind): Promise<URL> {
  return (inflates ? deflatedKernelUrl(kind) : undefined)
    ?? (await loadPiece('kernel file names', () => import('./kernel-files.ts'))).kernelFileUrl(kind, inflates);
}

export async function kernelSource(kind: KernelKind): Promise<BufferSource> {
  const url = await kernelUrl(kind);
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
    throw new MLPError('IO', `could not load the WebAssembly kernel ${url.href} (${oneLine(error instanceof Error ? error.message : String(error))}); ${SERVE_FILES}`);
  }
  const kernel = inflates ? await inflate(bytes).catch(() => undefined) : bytes;
  if (kernel === undefined || new Uint8Array(kernel.slice(0, 4)).join() !== '0,97,115,109') {
    throw new MLPError('IO', `${url.href} is not a WebAssembly kernel (the server sent something else); ${SERVE_FILES}`);
  }
  return kernel as BufferSource;
}

function inflate(bytes: ArrayBuffer | Uint8Array): Promise<ArrayBuffer> {
  return new Response(new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('deflate-raw'))).arrayBuffer();
}

function nodeFileSystem(): { readFileSync(url: URL): Uint8Array } | undefined {
  const process = (globalThis as { process?: { getBuiltinModule?(name: string): unknown } }).process;
  return process?.getBuiltinModule?.('node:fs') as { readFileSync(url: URL): Uint8Array } | undefined;
}
