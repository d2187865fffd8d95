// Drives a backend's kernel directly, as the host does: a NetLayout in the backend's memory,
// seeded parameters, optimizer state and data, and snapshots of everything train() and
// evaluate() leave behind, for the kernel-contract and edge-shape tests.
import type { Backend } from '../../src/backends/backend.ts';
import { createBackend } from '../../src/backends/create-backend.ts';
import {
  H_PARAMS, H_SHIFT, H_STATE1, H_STATE2, L_BIASES, L_WEIGHTS, LAYER_FIELDS, NET_HEADER, NetLayout,
  S_ALPHA, S_BETA1, S_BETA1_POWER, S_BETA2, S_BETA2_POWER, S_EPSILON, S_ERROR_THRESHOLD, S_LEARNING_RATE, S_MOMENTUM, S_STEP, S_WEIGHT_DECAY,
  type Activation, type Loss, type Optimizer,
} from '../../src/backends/layout.ts';
import '../../src/platform/node.ts';

export type Variant = 'simd' | 'scalar' | 'threads' | 'js';
export const VARIANTS: readonly Variant[] = ['simd', 'scalar', 'threads', 'js'];

export function backendFor(variant: Variant): Promise<Backend> {
  if (variant === 'js') return createBackend('js', undefined, 1, 'float64');
  if (variant === 'threads') return createBackend('wasm', true, 2, 'float64');
  return createBackend('wasm', variant === 'simd', 1, 'float64');
}

export interface Setup {
  layers: number[];
  activations: Activation[];
  loss: Loss;
  optimizer: Optimizer;
  batch: number;
  rows: number;
  valRows: number;
  epochs: number;
  shuffle: boolean;
  learningRate: number;
  weightDecay: number;
  seed: number;
  /** Scales the inputs, e.g. to make the loss overflow. */
  inputScale?: number;
  valInputScale?: number;
  errorThreshold?: number;
}

/** A small deterministic stream (mulberry32) in [0, 1). */
export function stream(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function bits(values: ArrayLike<number>): bigint[] {
  return Array.from(new BigUint64Array(Float64Array.from(values).buffer));
}

/** What a train() call leaves: its return, stats, the current copy, checks and the descriptor. */
export interface TrainResult {
  ran: number;
  stats: Float64Array;
  params: Float64Array;
  state1: Float64Array;
  state2: Float64Array;
  checks: Float64Array;
  settings: Float64Array;
  /** H_PARAMS, H_STATE1, H_STATE2, H_SHIFT, then L_WEIGHTS, L_BIASES per layer. */
  pointers: number[];
}

export class KernelNet {
  readonly backend: Backend;
  readonly layout: NetLayout;
  readonly setup: Setup;
  readonly xAt: number;
  readonly yAt: number;
  readonly vxAt: number;
  readonly vyAt: number;
  readonly orderAt: number;
  readonly statsAt: number;
  readonly outAt: number;
  readonly end: number;

  private constructor(backend: Backend, setup: Setup) {
    this.backend = backend;
    this.setup = setup;
    const { layers, activations, loss, batch, rows, valRows, epochs } = setup;
    this.layout = new NetLayout({ layers, activations, loss }, backend.base, Math.max(batch, 4));
    const n0 = layers[0];
    const nL = layers[layers.length - 1];
    this.xAt = this.layout.end;
    this.yAt = this.xAt + rows * n0;
    this.vxAt = this.yAt + rows * nL;
    this.vyAt = this.vxAt + valRows * n0;
    this.orderAt = this.vyAt + valRows * nL;
    this.statsAt = this.orderAt + Math.ceil((epochs * rows) / 2);
    this.outAt = this.statsAt + epochs * 4;
    this.end = this.outAt + Math.max(rows, valRows) * nL + 2;
  }

  /** A net with parameters and state in `copy` drawn from setup.seed, the other copy NaN. */
  static async create(variant: Variant, setup: Setup, copy: 0 | 1 = 0): Promise<KernelNet> {
    const net = new KernelNet(await backendFor(variant), setup);
    const { backend, layout } = net;
    backend.reserve(net.end);
    layout.writeDescriptor(backend.ints(), setup.optimizer, setup.batch, backend.threads, true, copy);
    await backend.start(layout.net, layout.sync);
    const m = backend.memory();
    const random = stream(setup.seed);
    const { params, state1, state2, paramCount, stride } = layout;
    const here = copy * stride;
    const there = (1 - copy) * stride;
    for (let i = 0; i < paramCount; i++) {
      m[params + here + i] = random() - 0.5;
      m[state1 + here + i] = setup.optimizer === 'sgd' ? 0 : (random() - 0.5) * 0.01;
      m[state2 + here + i] = setup.optimizer === 'adam' ? random() * 1e-4 : 0;
    }
    for (const at of [params, state1, state2]) m.fill(NaN, at + there, at + there + paramCount);
    const s = layout.settings;
    m[s + S_LEARNING_RATE] = setup.learningRate;
    m[s + S_MOMENTUM] = 0.9;
    m[s + S_BETA1] = 0.9;
    m[s + S_BETA2] = 0.999;
    m[s + S_EPSILON] = 1e-8;
    m[s + S_WEIGHT_DECAY] = setup.weightDecay;
    m[s + S_ALPHA] = 0.01;
    m[s + S_STEP] = 3;
    m[s + S_BETA1_POWER] = 0.9 ** 3;
    m[s + S_BETA2_POWER] = 0.999 ** 3;
    m[s + S_ERROR_THRESHOLD] = setup.errorThreshold ?? -Infinity;
    const n0 = setup.layers[0];
    const nL = setup.layers[setup.layers.length - 1];
    const fillRows = (xAt: number, yAt: number, count: number, scale: number) => {
      for (let i = 0; i < count * n0; i++) m[xAt + i] = (random() * 2 - 1) * scale;
      for (let r = 0; r < count; r++) {
        const hot = Math.floor(random() * nL);
        for (let k = 0; k < nL; k++) m[yAt + r * nL + k] = setup.loss === 'mse' ? random() : k === hot || (nL === 1 && random() < 0.5) ? 1 : 0;
      }
    };
    fillRows(net.xAt, net.yAt, setup.rows, setup.inputScale ?? 1);
    fillRows(net.vxAt, net.vyAt, setup.valRows, setup.valInputScale ?? 1);
    const ints = backend.ints();
    for (let e = 0; e < setup.epochs; e++) {
      const order = Array.from({ length: setup.rows }, (_, i) => i);
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      ints.set(order, net.orderAt * 2 + e * setup.rows);
    }
    return net;
  }

  header(f: number): number {
    return this.backend.ints()[this.layout.net / 4 + f];
  }

  setHeader(f: number, value: number): void {
    this.backend.ints()[this.layout.net / 4 + f] = value;
  }

  /**
   * train() of setup.epochs whole epochs; or, with `span`, of `span.epochs` epochs from
   * position `span.from` of the first to `span.to` of the last, with the permutations from
   * epoch `span.order` on and the stats written `span.stats` epochs in.
   */
  train(shift = 0, span?: { epochs: number; from: number; to: number; order: number; stats: number }): TrainResult {
    const { backend, layout, setup } = this;
    this.setHeader(H_SHIFT, shift);
    const s = span ?? { epochs: setup.epochs, from: 0, to: setup.rows + setup.valRows, order: 0, stats: 0 };
    if ((s.order * setup.rows) % 2 !== 0) throw new Error('the permutations of a span must start on an f64 boundary: use an even row count');
    const order = setup.shuffle ? this.orderAt + (s.order * setup.rows) / 2 : -1;
    const ran = backend.train(layout.net, this.xAt, this.yAt, setup.rows, order, s.epochs, this.statsAt + s.stats * 4, this.vxAt, this.vyAt, setup.valRows, s.from, s.to);
    const m = backend.memory();
    const count = layout.paramCount;
    const p = this.header(H_PARAMS);
    const s1 = this.header(H_STATE1);
    const s2 = this.header(H_STATE2);
    const pointers = [p, s1, s2, this.header(H_SHIFT)];
    layout.slots.forEach((_, l) => {
      pointers.push(this.header(NET_HEADER + l * LAYER_FIELDS + L_WEIGHTS), this.header(NET_HEADER + l * LAYER_FIELDS + L_BIASES));
    });
    return {
      ran,
      stats: m.slice(this.statsAt, this.statsAt + (s.stats + ran) * 4),
      params: m.slice(p, p + count),
      state1: m.slice(s1, s1 + count),
      state2: m.slice(s2, s2 + count),
      checks: m.slice(layout.checks, layout.checks + layout.slots.length + 1),
      settings: m.slice(layout.settings + S_BETA1_POWER, layout.settings + S_STEP + 1),
      pointers,
    };
  }

  /** evaluate() over validation rows [from, to); returns stats[0..1] and the outputs. */
  evaluate(from: number, to: number, resume: number): { stats: Float64Array; outputs: Float64Array } {
    const { backend, layout, setup } = this;
    const n0 = setup.layers[0];
    const nL = setup.layers[setup.layers.length - 1];
    backend.evaluate(layout.net, this.vxAt + from * n0, this.vyAt + from * nL, to - from, this.outAt, this.statsAt, resume);
    const m = backend.memory();
    return { stats: m.slice(this.statsAt, this.statsAt + 2), outputs: m.slice(this.outAt, this.outAt + (to - from) * nL) };
  }

  /** Copy `copy` of the parameters and of both optimizer states, in one array. */
  copyOf(copy: 0 | 1): Float64Array {
    const { params, state1, state2, paramCount, stride } = this.layout;
    const m = this.backend.memory();
    const at = copy * stride;
    return Float64Array.from([...m.subarray(params + at, params + at + paramCount), ...m.subarray(state1 + at, state1 + at + paramCount), ...m.subarray(state2 + at, state2 + at + paramCount)]);
  }

  dispose(): void {
    this.backend.dispose();
  }
}

/** The H_CHECKS sums of a result, as the kernel defines them, summed here in the same order. */
export function expectedChecks(net: KernelNet, r: TrainResult): Float64Array {
  const { layout, setup } = net;
  const out = new Float64Array(layout.slots.length + 1);
  layout.slots.forEach((slot, l) => {
    const w = slot.weights - layout.params;
    let sum = 0;
    for (let i = 0; i < slot.inSize * slot.outSize; i++) sum += Math.abs(r.params[w + i]);
    for (let j = 0; j < slot.outSize; j++) sum += Math.abs(r.params[slot.biases - layout.params + j]);
    out[l] = sum;
  });
  let state = 0;
  if (setup.optimizer !== 'sgd') for (const v of r.state1) state += Math.abs(v);
  if (setup.optimizer === 'adam') for (const v of r.state2) state += Math.abs(v);
  out[layout.slots.length] = state;
  return out;
}
