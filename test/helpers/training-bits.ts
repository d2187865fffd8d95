// Trains property-test configurations on every kernel of a wasm-mlp build and records every
// number the nets produce as the 16 hex digits of its IEEE-754 bit pattern, so runs in
// different JavaScript engines can be compared bit for bit. The library comes in as an
// argument and nothing is imported at run time but this file, so Node (under vitest) and
// Bun (test/helpers/bun-training.ts) run the very same code on the very same build.
import type * as Library from '../../src/index.ts';
import type { FitOptions, MLP } from '../../src/index.ts';
import type { Config, OptionConfig } from './property-configs.ts';

type Lib = Pick<typeof Library, 'MLP' | 'MLPError'>;

/** The kernels compared: SIMD, scalar, SIMD on two worker threads, and pure JS. */
export const KERNELS = {
  simd: { backend: 'wasm' },
  scalar: { backend: 'wasm', simd: false },
  threads: { backend: 'wasm', threads: 2 },
  js: { backend: 'js' },
} as const;
export type KernelName = keyof typeof KERNELS;

export type TrainingCase = { kind: 'plain'; config: Config } | { kind: 'options'; config: OptionConfig };

/** One net's life, every double as hex: its state, predictions and fits, or the MLPError a step threw. */
export type NetBits = Record<string, string>;

const HEX_NUMBER = /^f64:[0-9a-f]{16}$/;

/** JSON in which every number is written as its exact bit pattern ("f64:<16 hex digits>"): -0, NaN and infinities included. */
export function toExactJSON(value: unknown): string {
  const view = new DataView(new ArrayBuffer(8));
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v !== 'number') return v;
    view.setFloat64(0, v);
    return `f64:${view.getBigUint64(0).toString(16).padStart(16, '0')}`;
  });
}

export function fromExactJSON<T>(text: string): T {
  const view = new DataView(new ArrayBuffer(8));
  return JSON.parse(text, (_key, v: unknown) => {
    if (typeof v !== 'string' || !HEX_NUMBER.test(v)) return v;
    view.setBigUint64(0, BigInt(`0x${v.slice(4)}`));
    return view.getFloat64(0);
  }) as T;
}

/** Trains every case on every kernel: results[case][kernel]. */
export async function trainAll(lib: Lib, cases: TrainingCase[]): Promise<Record<KernelName, NetBits>[]> {
  const results: Record<KernelName, NetBits>[] = [];
  for (const c of cases) {
    const byKernel = {} as Record<KernelName, NetBits>;
    for (const kernel of Object.keys(KERNELS) as KernelName[]) {
      byKernel[kernel] = c.kind === 'plain' ? await trainPlain(lib, c.config, kernel) : await trainWithOptions(lib, c.config, kernel);
    }
    results.push(byKernel);
  }
  return results;
}

/** Records what `step` returns as exact JSON, or the MLPError it throws as its code and message. */
async function record(lib: Lib, out: NetBits, name: string, step: () => unknown): Promise<void> {
  try {
    out[name] = toExactJSON(await step());
  } catch (error) {
    if (!(error instanceof lib.MLPError)) throw error;
    out[name] = `${error.code}: ${error.message}`;
  }
}

async function trainPlain(lib: Lib, c: Config, kernel: KernelName): Promise<NetBits> {
  const net = await lib.MLP.create({ layers: c.layers, seed: c.seed, ...KERNELS[kernel] });
  const out: NetBits = {};
  try {
    await record(lib, out, 'initial state', () => net.toJSON({ includeOptimizer: true }));
    await record(lib, out, 'initial predictions', () => net.predict(c.inputs));
    await record(lib, out, 'loss', () => net.fit(c.inputs, c.targets, { epochs: c.epochs, learningRate: c.learningRate }).loss);
    await record(lib, out, 'trained state', () => net.toJSON({ includeOptimizer: true }));
    await record(lib, out, 'predictions', () => net.predict(c.inputs));
    await record(lib, out, 'more loss', () => net.fit(c.inputs, c.targets, { epochs: c.moreEpochs, learningRate: c.learningRate }).loss);
    await record(lib, out, 'final state', () => net.toJSON({ includeOptimizer: true }));
  } finally {
    net.dispose();
  }
  return out;
}

async function trainWithOptions(lib: Lib, c: OptionConfig, kernel: KernelName): Promise<NetBits> {
  const net = await lib.MLP.create({
    layers: c.layers, seed: c.seed, activation: c.activation, alpha: c.alpha, loss: c.loss, init: c.init, classes: c.classes,
    ...KERNELS[kernel],
  });
  const out: NetBits = {};
  const rows = c.fit.validationData ? [...c.inputs, ...(c.fit.validationData.inputs as number[][])] : c.inputs;
  try {
    await record(lib, out, 'initial state', () => net.toJSON({ includeOptimizer: true }));
    for (const [call, epochs] of [['fit', c.fit.epochs ?? 1], ['second fit', c.moreEpochs]] as const) {
      await record(lib, out, call, () => fitOnce(net, c, epochs));
      await record(lib, out, `state after the ${call}`, () => net.toJSON({ includeOptimizer: true }));
      await record(lib, out, `predictions after the ${call}`, () => net.predict(rows));
      await record(lib, out, `classes after the ${call}`, () => net.predictClass(c.inputs));
      await record(lib, out, `evaluate after the ${call}`, () => net.evaluate(c.inputs, c.targets));
    }
  } finally {
    net.dispose();
  }
  return out;
}

/** One fit as test/property.test.ts runs it: the callback stops at stopAt, and fitAsync on the chosen backend. */
async function fitOnce(net: MLP, c: OptionConfig, epochs: number): Promise<unknown> {
  const stats: unknown[] = [];
  const options: FitOptions = { ...c.fit, epochs };
  if (c.stopAt !== undefined) {
    const stopAt = c.stopAt;
    options.onEpochEnd = ({ samplesPerSecond, elapsed, ...rest }) => {
      stats.push(rest);
      return rest.epoch < stopAt;
    };
  }
  const history = c.fitAsync === net.backend ? await net.fitAsync(c.inputs, c.targets, options) : net.fit(c.inputs, c.targets, options);
  return { history, stats };
}
