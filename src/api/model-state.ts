// The state of a net beyond its architecture, and its two forms: in memory (the current copy
// of parameters and optimizer state, the settings block's step and beta powers, the host's
// normalisation, labels and random stream) and as a ModelJSON. toJSON, save and the rollback
// of a failed fit go through here; fromJSON writes a model in with src/io/model-reader.ts.
import { S_BETA1_POWER, S_BETA2_POWER, S_STEP, type Optimizer } from '../backends/layout.ts';
import type { Normalization } from '../data/normalize.ts';
import type { ModelJSON } from '../io/model-json.ts';
import { MODEL_FORMAT, MODEL_VERSION } from '../io/model-text.ts';
import type { RandomState } from '../math/random.ts';
import type { Architecture } from './options.ts';
import type { NetMemory } from './net-memory.ts';

/** What the host keeps beside the memory; replaced whole, never mutated, so a snapshot is a reference. */
export interface NetInfo {
  readonly normalization: Normalization | null;
  readonly classes: readonly string[] | null;
  readonly features: readonly string[] | null;
  readonly target: string | null;
  /** The optimizer whose state the buffers hold (undefined: fresh). */
  readonly optimizer: Optimizer | undefined;
}

export const FRESH: NetInfo = { normalization: null, classes: null, features: null, target: null, optimizer: undefined };

/** The optimizer's counters in the settings block: t and the powers of beta1 and beta2. */
export interface Counters {
  step: number;
  beta1Power: number;
  beta2Power: number;
}

export function readCounters(memory: NetMemory): Counters {
  const m = memory.doubles();
  const s = memory.layout.double(memory.layout.settings);
  return { step: m[s + S_STEP], beta1Power: m[s + S_BETA1_POWER], beta2Power: m[s + S_BETA2_POWER] };
}

export function writeCounters(memory: NetMemory, c: Counters): void {
  const m = memory.doubles();
  const s = memory.layout.double(memory.layout.settings);
  m[s + S_STEP] = c.step;
  m[s + S_BETA1_POWER] = c.beta1Power;
  m[s + S_BETA2_POWER] = c.beta2Power;
}

/**
 * A new optimizer starts at t = 0: its counters reset and, with `zeroState`, the state of
 * both copies zeroed.
 */
export function resetOptimizerState(memory: NetMemory, zeroState: boolean): void {
  const m = memory.floats();
  const { paramCount } = memory.layout;
  for (const copy of zeroState ? [0, 1] : []) {
    for (const what of ['state1', 'state2'] as const) {
      const at = memory.at(what, copy);
      m.fill(0, at, at + paramCount);
    }
  }
  writeCounters(memory, { step: 0, beta1Power: 1, beta2Power: 1 });
}

/** The model as plain JSON, from the current copy. */
export function readModel(memory: NetMemory, architecture: Architecture, info: NetInfo, random: RandomState, includeOptimizer: boolean): ModelJSON {
  const m = memory.floats();
  const shift = memory.at('params') - memory.layout.params;
  const model: ModelJSON = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    layers: [...architecture.layers],
    activations: [...architecture.activations],
    alpha: architecture.alpha,
    loss: architecture.loss,
    ...(architecture.dtype === 'float32' ? { dtype: 'float32' as const } : {}),
    normalization: info.normalization && structuredClone(info.normalization),
    classes: info.classes && [...info.classes],
    features: info.features && [...info.features],
    target: info.target,
    weights: memory.layout.slots.map((s) => Array.from(m.subarray(s.weights + shift, s.weights + shift + s.outSize * s.inSize))),
    biases: memory.layout.slots.map((s) => Array.from(m.subarray(s.biases + shift, s.biases + shift + s.outSize))),
  };
  if (includeOptimizer) {
    const { paramCount } = memory.layout;
    const state1 = memory.at('state1');
    const state2 = memory.at('state2');
    model.training = {
      optimizer: info.optimizer ?? 'sgd',
      ...readCounters(memory),
      state1: Array.from(m.subarray(state1, state1 + paramCount)),
      state2: Array.from(m.subarray(state2, state2 + paramCount)),
      random: random.getState(),
    };
  }
  return model;
}
