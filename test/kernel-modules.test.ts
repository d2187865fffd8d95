// Loading the kernel (src/backends/wasm/kernel.ts): each build is loaded and compiled once per
// thread and shared by every net; a thread handed compiled modules (adoptKernelModules) never
// asks its kernel source for bytes; a failed load is an MLPError and is tried again next
// time; the SIMD probe agrees with the SIMD kernel itself.
import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { firstSharedMemory } from '../src/backends/wasm/thread-pool.ts';

const KERNEL_SOURCE = '../src/backends/wasm/kernel-source.ts';
const bytesOf = (file: string) => inflateRawSync(readFileSync(new URL(`../build/wasm/${file}.deflate`, import.meta.url)));

/** kernel.ts afresh (a new thread, as far as its module cache goes), over a kernel source that counts its loads. */
async function freshKernel(source: (kind: string) => Promise<BufferSource>) {
  vi.resetModules();
  const loads: string[] = [];
  vi.doMock(KERNEL_SOURCE, () => ({
    kernelSource: (kind: string) => {
      loads.push(kind);
      return source(kind);
    },
  }));
  const kernel = await import('../src/backends/wasm/kernel.ts');
  return { kernel, loads };
}

const FILES: Record<string, string> = {
  scalar: 'wasm-mlp.wasm', simd: 'wasm-mlp-simd.wasm', threads: 'wasm-mlp-threads.wasm',
  'scalar-f32': 'wasm-mlp-f32.wasm', 'simd-f32': 'wasm-mlp-simd-f32.wasm', 'threads-f32': 'wasm-mlp-threads-f32.wasm',
};
const fromBuild = async (kind: string): Promise<BufferSource> => bytesOf(FILES[kind]) as Uint8Array<ArrayBuffer>;

afterEach(() => {
  vi.doUnmock(KERNEL_SOURCE);
  vi.resetModules();
});

describe('kernel modules', () => {
  it('each build is loaded and compiled once, whatever the number of nets', async () => {
    const { kernel, loads } = await freshKernel(fromBuild);
    const [a, b] = await Promise.all([kernel.kernelModule('simd'), kernel.kernelModule('simd')]);
    expect(a).toBe(b);
    expect(a).toBeInstanceOf(WebAssembly.Module);
    const nets = await Promise.all([kernel.instantiateKernel(), kernel.instantiateKernel(true), kernel.instantiateKernel(false), kernel.instantiateKernel(false)]);
    expect(nets[0].module).toBe(a);
    expect(nets[1].module).toBe(a);
    expect(nets[2].module).toBe(nets[3].module);
    expect(nets[2].module).not.toBe(a);
    // Each net has its own memory.
    expect(new Set(nets.map((n) => n.exports.memory)).size).toBe(4);
    expect(loads).toEqual(['simd', 'scalar']);
  });

  it('a thread given compiled modules never loads kernel bytes', async () => {
    const parent = await freshKernel(fromBuild);
    const modules = { simd: await parent.kernel.kernelModule('simd'), threads: await parent.kernel.kernelModule('threads') };
    const worker = await freshKernel(() => Promise.reject(new Error('a worker must not load kernel bytes')));
    worker.kernel.adoptKernelModules(modules);
    expect(await worker.kernel.kernelModule('simd')).toBe(modules.simd);
    const net = await worker.kernel.instantiateKernel();
    expect(net.module).toBe(modules.simd);
    const shared = await worker.kernel.instantiateKernel(undefined, firstSharedMemory());
    expect(shared.module).toBe(modules.threads);
    expect(worker.loads).toEqual([]);
    // A build it was not given is loaded as usual, here failing as the source does.
    await expect(worker.kernel.kernelModule('scalar')).rejects.toThrow("wasm-mlp could not load its scalar WebAssembly kernel: Error: a worker must not load kernel bytes");
  });

  it('a failed load is an MLPError and is tried again on the next call', async () => {
    let calls = 0;
    const { kernel, loads } = await freshKernel(async (kind) => {
      calls++;
      if (calls === 1) return new Uint8Array([60, 33, 100, 111, 99]) as Uint8Array<ArrayBuffer>; // "<!doc": a server's HTML
      return fromBuild(kind);
    });
    const { MLPError } = await import('../src/api/errors.ts');
    const failure = await kernel.instantiateKernel(false).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MLPError);
    expect((failure as InstanceType<typeof MLPError>).code).toBe('INTERNAL');
    expect((failure as Error).message).toMatch(/^wasm-mlp could not load its scalar WebAssembly kernel: CompileError: /);
    const net = await kernel.instantiateKernel(false);
    expect(net.exports.heapBase()).toBeGreaterThan(0);
    expect(loads).toEqual(['scalar', 'scalar']);
  });

  it('the SIMD probe agrees with the SIMD kernel, and the kernels import nothing but the threads build\'s memory', async () => {
    const { kernel } = await freshKernel(fromBuild);
    expect(kernel.simdSupported).toBe(WebAssembly.validate(bytesOf('wasm-mlp-simd.wasm')));
    expect(kernel.simdSupported).toBe(true);
    const imports = Object.fromEntries(
      await Promise.all(Object.keys(FILES).map(async (kind) => [kind, WebAssembly.Module.imports(await kernel.kernelModule(kind as 'simd'))])),
    );
    const memory = [{ module: 'env', name: 'memory', kind: 'memory' }];
    expect(imports).toEqual({ scalar: [], simd: [], threads: memory, 'scalar-f32': [], 'simd-f32': [], 'threads-f32': memory });
  });
});
