// Where a browser worker net's worker (src/worker/browser-worker.ts) gets a kernel's bytes:
// nowhere. Its caller compiles the kernels the net may run and hands them over
// (adoptKernelModules), so the worker never loads one; from a blob URL it could not find the
// files anyway.
import { MLPError } from '../../api/errors.ts';
import type { KernelKind } from './kernel-source.ts';

export async function kernelSource(kind: KernelKind): Promise<BufferSource> {
  throw new MLPError('INTERNAL', `wasm-mlp internal error: a worker net's worker was not given the ${kind} WebAssembly kernel`);
}
