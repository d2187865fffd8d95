// The worker's side of a worker net: holds one MLP and runs the calls its caller posts
// (worker-protocol.ts). A fit always runs as fitAsync, so the worker keeps reading messages
// while it trains; with the caller's onEpochEnd it posts each report and waits for the
// caller's answer before the next epoch, answering the calls that arrive meanwhile (the
// callback's own predict, toJSON...) with that epoch's parameters.
import { MLP } from '../api/mlp.ts';
import type { LoadOptions } from '../api/options.generated.ts';
import { adoptKernelModules } from '../backends/wasm/kernel.ts';
import { toWire, type EpochAnswer, type FitHooks, type FromWorker, type OutStandIn, type SourceStandIn, type ToWorker } from './worker-protocol.ts';
import { SourceProxies } from './source-proxy.ts';

/** How the worker talks to its caller: a browser Worker's global scope, or Node's parentPort. */
export interface HostPort {
  post(message: FromWorker, transfer?: Transferable[]): void;
  listen(handler: (message: ToWorker) => void): void;
}

/** Rejects a fit's wait for the caller's answer when the caller's onEpochEnd threw. */
const CALLER_THREW = new Error('onEpochEnd threw in the calling thread');

interface RunningFit {
  controller: AbortController | undefined;
  /** A streamed fit's sources, fed by the caller. */
  proxies: SourceProxies | undefined;
  /** Settles the wait for the caller's answer to the last report. */
  answer: ((answer: EpochAnswer) => void) | undefined;
}

/** Serves one worker net on `port` until the worker ends. */
export function serveWorkerNet(port: HostPort): void {
  let net: MLP | undefined;
  const fits = new Map<number, RunningFit>();

  const classes = (): string[] | null => {
    try {
      return net!.classes;
    } catch {
      return null;
    }
  };

  async function open(message: Extract<ToWorker, { type: 'open' }>): Promise<void> {
    try {
      adoptKernelModules(message.modules);
      const [first, options] = message.args;
      net = (await (message.how === 'create'
        ? MLP.create(first as never)
        : message.how === 'fromJSON'
          ? MLP.fromJSON(first, options as LoadOptions)
          : MLP.load(first as string, options as LoadOptions))) as MLP;
      const snapshot = { layers: net.layers, backend: net.backend, simd: net.simd, threads: net.threads, classes: net.classes, seed: net.seed, dtype: net.dtype };
      port.post({ type: 'done', id: message.id, value: undefined, snapshot });
    } catch (error) {
      port.post({ type: 'failed', id: message.id, error: toWire(error) });
    }
  }

  async function fit(id: number, args: unknown[], hooks: FitHooks | undefined): Promise<void> {
    const run: RunningFit = { controller: undefined, proxies: undefined, answer: undefined };
    if (hooks?.sources) {
      const proxies = new SourceProxies(id, (message) => port.post(message));
      run.proxies = proxies;
      args[0] = proxies.source(args[0] as SourceStandIn);
      const options = args[1] as Record<string, unknown> | undefined;
      if (options?.validationSource !== undefined) options.validationSource = proxies.source(options.validationSource as SourceStandIn);
    }
    if (hooks) {
      const options = args[hooks.at] as Record<string, unknown>;
      if (hooks.onEpochEnd) options.onEpochEnd = (stats: unknown) => askCaller(id, run, stats);
      if (hooks.signal !== undefined) {
        run.controller = new AbortController();
        if (hooks.signal) run.controller.abort();
        options.signal = run.controller.signal;
      }
    }
    fits.set(id, run);
    try {
      const history = await net!.fitAsync(...(args as Parameters<MLP['fitAsync']>));
      port.post({ type: 'done', id, value: history, classes: classes() });
    } catch (error) {
      port.post({ type: 'failed', id, error: error === CALLER_THREW ? { callback: true } : toWire(error), classes: classes() });
    } finally {
      fits.delete(id);
    }
  }

  /** onEpochEnd in the worker: the caller runs the user's, and its answer settles the promise. */
  function askCaller(id: number, run: RunningFit, stats: unknown): Promise<boolean | void> {
    return new Promise((resolve, reject) => {
      run.answer = (answer) => {
        run.answer = undefined;
        if (answer === 'continue') resolve();
        else if (answer === 'stop') resolve(false);
        else reject(CALLER_THREW);
      };
      port.post({ type: 'epoch', id, stats: stats as never, classes: classes() });
    });
  }

  function call(message: Extract<ToWorker, { type: 'call' }>): void {
    const { id, method, args } = message;
    if (method === 'fit' || method === 'fitAsync') {
      void fit(id, args, message.hooks);
      return;
    }
    if (method === 'save') {
      net!.save(args[0] as string, args[1] as never).then(
        () => port.post({ type: 'done', id, value: undefined }),
        (error) => port.post({ type: 'failed', id, error: toWire(error) }),
      );
      return;
    }
    try {
      const m = net!;
      if (method === 'predict' || method === 'predictInto') {
        // Rows of outputs travel as one transferred Float64Array; the caller shapes them.
        const out = message.out ?? { kind: 'none' };
        const rows = m.predictInto(args[0] as never, standIn(out) as never);
        if (out.kind === 'shared') port.post({ type: 'done', id, value: undefined });
        else port.post({ type: 'done', id, value: rows }, [rows.buffer]);
        return;
      }
      const value = method === 'predictClass' ? m.predictClass(args[0] as never)
        : method === 'evaluate' ? m.evaluate(args[0] as never, args[1] as never)
        : method === 'toJSON' ? m.toJSON(args[0] as never)
        : m.dispose();
      port.post({ type: 'done', id, value });
    } catch (error) {
      port.post({ type: 'failed', id, error: toWire(error) });
    }
  }

  port.listen((message) => {
    switch (message.type) {
      case 'open':
        void open(message);
        break;
      case 'call':
        call(message);
        break;
      case 'epoch-answer':
        fits.get(message.id)?.answer?.(message.answer);
        break;
      case 'abort':
        fits.get(message.id)?.controller?.abort();
        break;
      case 'block':
        fits.get(message.id)?.proxies?.receive(message);
        break;
    }
  });
}

/** predictInto's `out` as the caller gave it, or a value the check treats the same way. */
function standIn(out: OutStandIn): unknown {
  switch (out.kind) {
    case 'none':
      return undefined;
    case 'float64':
      return new Float64Array(out.length);
    case 'shared':
      return out.out;
    case 'cloned':
      return out.value;
    case 'other':
      return STAND_INS[out.type];
  }
}

/** A value of each `typeof` but 'undefined', for a value that cannot be cloned (a function, a symbol). */
const STAND_INS: Record<string, unknown> = {
  object: {}, number: 0, string: '', boolean: false, bigint: 0n, symbol: Symbol('out'), function: () => {},
};
