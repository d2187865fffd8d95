// What a worker net is opened with, from the settings MLP.create, fromJSON or load checked on
// the caller's side: the call's arguments for the worker (plain data, worker off) and the
// kernel modules the caller compiles and hands over. Part of the worker-net piece.
import type { CreateOptions, LoadOptions } from '../api/options.generated.ts';
import type { CreateSettings, LoadSettings } from '../api/options.ts';
import type { BackendName } from '../api/validate.ts';
import type { Dtype } from '../backends/layout.ts';
import { kernelKind, simdSupported, type KernelKind } from '../backends/wasm/kernel.ts';
import type { OpenMethod } from './worker-protocol.ts';

/**
 * The worker's arguments for `how` (`subject`: fromJSON's model, load's path) and the kernel
 * modules it may run; `threadsUnavailable` says why `threads` > 1 cannot run here, if it cannot.
 */
export function openArguments(how: OpenMethod, settings: CreateSettings | LoadSettings, subject: unknown, threadsUnavailable: string | undefined): { args: unknown[]; kinds: KernelKind[] } {
  if (how === 'create') {
    const s = settings as CreateSettings;
    return { args: [workerCreateOptions(s)], kinds: kernelKinds(s, s.dtype, threadsUnavailable) };
  }
  const s = settings as LoadSettings;
  return { args: [subject, workerLoadOptions(s)], kinds: kernelKinds(s, how === 'fromJSON' ? modelDtype(subject) : 'float64', threadsUnavailable) };
}

/**
 * The kernel modules a worker net of these settings and nets of `dtype` may instantiate (a
 * float64 net's worker is never handed, so never makes a page download, the float32 ones).
 */
function kernelKinds(s: { backend: BackendName; simd: boolean | undefined; threads: number }, dtype: Dtype, threadsUnavailable: string | undefined): KernelKind[] {
  if (s.backend === 'js') return [];
  const single = kernelKind(s.simd === false || !simdSupported ? 'scalar' : 'simd', dtype);
  return s.threads > 1 && threadsUnavailable === undefined ? [kernelKind('threads', dtype), single] : [single];
}

/**
 * The dtype of a model given to fromJSON (an object or JSON text), for the modules its worker
 * is handed; float64 when it cannot tell (the worker then reports what is wrong with it).
 */
function modelDtype(json: unknown): Dtype {
  let model = json;
  if (typeof json === 'string') {
    try {
      model = JSON.parse(json);
    } catch {
      return 'float64';
    }
  }
  return typeof model === 'object' && model !== null && (model as { dtype?: unknown }).dtype === 'float32' ? 'float32' : 'float64';
}

/** MLP.create's options for the worker, from the settings checked here (plain data; worker off). */
function workerCreateOptions(s: CreateSettings): CreateOptions {
  return {
    layers: s.layers, activation: s.activations, alpha: s.alpha, loss: s.loss, init: s.init, seed: s.seed,
    backend: s.backend, simd: s.simd, threads: s.threads, classes: s.classes, dtype: s.dtype,
  };
}

/** MLP.fromJSON's and MLP.load's options for the worker (worker off). */
function workerLoadOptions(s: LoadSettings): LoadOptions {
  return { backend: s.backend, simd: s.simd, threads: s.threads, seed: s.seed };
}
