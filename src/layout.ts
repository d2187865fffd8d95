// Where a network's numbers live: parameters, per-sample scratch and the training data,
// as f64 element indices into one flat buffer (the wasm kernel's linear memory or the js
// backend's Float64Array), plus the i32 descriptor the kernels read. assembly/layout.ts
// mirrors the field numbering.

export const NET_HEADER = 1;
export const LAYER_FIELDS = 6;
export const FIELD_IN = 0;
export const FIELD_OUT = 1;
export const FIELD_WEIGHTS = 2;
export const FIELD_BIASES = 3;
export const FIELD_ACTIVATIONS = 4;
export const FIELD_DELTAS = 5;

/** Bytes a kernel buffer may span: wasm32 linear memory tops out at 4 GiB. */
export const MAX_MEMORY_BYTES = 2 ** 32;

const alignUp = (value: number, to: number) => Math.ceil(value / to) * to;

export interface LayerSlots {
  readonly inSize: number;
  readonly outSize: number;
  readonly weights: number;
  readonly biases: number;
  readonly activations: number;
  readonly deltas: number;
}

export class NetLayout {
  readonly layers: readonly number[];
  readonly slots: readonly LayerSlots[];
  /** The i32 descriptor both kernels read. */
  readonly descriptor: Int32Array;
  /** First element of the parameters (all W_l, b_l, layer by layer) and their count. */
  readonly paramsStart: number;
  readonly paramCount: number;
  /** First element after the net's own buffers: where per-call data goes. */
  readonly end: number;

  /** `base` is the first f64 element the net may use. */
  constructor(layers: readonly number[], base: number) {
    this.layers = layers;
    const slots: LayerSlots[] = [];
    let next = alignUp(base, 8);
    this.paramsStart = next;
    for (let l = 1; l < layers.length; l++) {
      const weights = next;
      const biases = weights + layers[l] * layers[l - 1];
      next = biases + layers[l];
      slots.push({ inSize: layers[l - 1], outSize: layers[l], weights, biases, activations: 0, deltas: 0 });
    }
    this.paramCount = next - this.paramsStart;
    // Scratch for one sample, each vector on its own 64-byte line.
    for (const slot of slots as { activations: number; deltas: number; outSize: number }[]) {
      slot.activations = next = alignUp(next, 8);
      slot.deltas = next = alignUp(next + slot.outSize, 8);
      next += slot.outSize;
    }
    this.slots = slots;
    this.end = alignUp(next, 8);
    this.descriptor = new Int32Array(NET_HEADER + LAYER_FIELDS * slots.length);
    this.descriptor[0] = slots.length;
    slots.forEach((s, l) => {
      const at = NET_HEADER + l * LAYER_FIELDS;
      this.descriptor[at + FIELD_IN] = s.inSize;
      this.descriptor[at + FIELD_OUT] = s.outSize;
      this.descriptor[at + FIELD_WEIGHTS] = s.weights;
      this.descriptor[at + FIELD_BIASES] = s.biases;
      this.descriptor[at + FIELD_ACTIVATIONS] = s.activations;
      this.descriptor[at + FIELD_DELTAS] = s.deltas;
    });
  }

  get inputSize(): number {
    return this.layers[0];
  }

  get outputSize(): number {
    return this.layers[this.layers.length - 1];
  }
}
