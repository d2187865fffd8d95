// What the playground's network settings mean to the library: the hidden layers, the output
// layer and loss that go together (a "head"), the MLP.create options built from them, the
// targets each head trains on, and the way back from a loaded model file to the settings.
import type { Activation, CreateOptions, Loss, ModelJSON } from '../shared/library.ts';
import type { Points } from './datasets.ts';

export type HiddenActivation = Exclude<Activation, 'softmax'>;

export const HIDDEN_ACTIVATIONS: Record<HiddenActivation, string> = {
  tanh: 'tanh',
  relu: 'ReLU',
  'leaky-relu': 'leaky ReLU',
  sigmoid: 'sigmoid',
  linear: 'linear',
};

export interface HiddenLayer {
  width: number;
  activation: HiddenActivation;
}

/** An output layer and the loss that fits it; the net's output is read as P(class 1). */
interface Head {
  label: string;
  outputs: 1 | 2;
  activation: 'sigmoid' | 'softmax';
  loss: Loss;
}

export const HEADS = {
  bce: { label: 'sigmoid · binary cross-entropy', outputs: 1, activation: 'sigmoid', loss: 'binary-cross-entropy' },
  mse: { label: 'sigmoid · mean squared error', outputs: 1, activation: 'sigmoid', loss: 'mse' },
  softmax: { label: 'softmax (2) · cross-entropy', outputs: 2, activation: 'softmax', loss: 'cross-entropy' },
} as const satisfies Record<string, Head>;

export type HeadName = keyof typeof HEADS;

export const INITS = { xavier: 'Xavier', he: 'He', uniform: 'uniform [0, 1)' } as const;
export type InitName = keyof typeof INITS;

export interface NetworkSettings {
  hidden: HiddenLayer[];
  head: HeadName;
  init: InitName;
}

export const MAX_HIDDEN_LAYERS = 6;
export const MAX_WIDTH = 32;

export function createOptions(n: NetworkSettings, seed: number): CreateOptions {
  const head = HEADS[n.head];
  return {
    layers: [2, ...n.hidden.map((l) => l.width), head.outputs],
    activation: [...n.hidden.map((l) => l.activation), head.activation],
    loss: head.loss,
    init: n.init,
    seed,
  };
}

/** The rows a head trains on: the class itself for one output, one-hot for two. */
export function targetsFor(points: Points, head: HeadName): Float64Array {
  const outputs = HEADS[head].outputs;
  const targets = new Float64Array(points.count * outputs);
  for (let i = 0; i < points.count; i++) {
    if (outputs === 1) targets[i] = points.labels[i];
    else targets[2 * i + points.labels[i]] = 1;
  }
  return targets;
}

/** P(class 1) of row i of the net's outputs. */
export function classOneProbability(outputs: Float64Array, i: number, head: HeadName): number {
  return HEADS[head].outputs === 1 ? outputs[i] : outputs[2 * i + 1];
}

/** The settings a model file stands for; throws saying why the playground cannot show it. */
export function settingsFromModel(model: ModelJSON, init: InitName): NetworkSettings {
  const { layers, activations, loss } = model;
  if (layers[0] !== 2) throw new Error(`this model takes ${layers[0]} inputs; the playground's points have 2 (x₁, x₂)`);
  const output = activations[activations.length - 1];
  const head = (Object.keys(HEADS) as HeadName[]).find((name) => {
    const h = HEADS[name];
    return h.outputs === layers[layers.length - 1] && h.activation === output && h.loss === loss;
  });
  if (head === undefined) {
    throw new Error(`this model ends in ${layers[layers.length - 1]} ${output} output(s) with ${loss} loss; the playground needs one of: ${Object.values(HEADS).map((h) => h.label).join('; ')}`);
  }
  const hidden = layers.slice(1, -1).map((width, l): HiddenLayer => {
    const activation = activations[l];
    if (activation === 'softmax') throw new Error(`hidden layer ${l + 1} of this model is softmax; the playground's hidden layers are ${Object.keys(HIDDEN_ACTIVATIONS).join(', ')}`);
    return { width, activation };
  });
  if (hidden.length > MAX_HIDDEN_LAYERS || hidden.some((l) => l.width > MAX_WIDTH)) {
    throw new Error(`this model's hidden layers (${hidden.map((l) => l.width).join('-')}) exceed the playground's ${MAX_HIDDEN_LAYERS} layers of at most ${MAX_WIDTH} neurons`);
  }
  return { hidden, head, init };
}
