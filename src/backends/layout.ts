// Where a network's numbers live: descriptor, settings, parameters, gradients, optimizer
// state and the batch scratch, as f64 element indices into one flat buffer (the wasm
// kernel's linear memory or the js backend's ArrayBuffer), and the i32 descriptor both
// kernels read. assembly/layout.ts mirrors these numbers.

export const H_LAYERS = 0;
export const H_LOSS = 1;
export const H_OPTIMIZER = 2;
export const H_BATCH = 3;
export const H_CAPACITY = 4;
export const H_PARAMS = 5;
export const H_PARAM_COUNT = 6;
export const H_GRADS = 7;
export const H_STATE1 = 8;
export const H_STATE2 = 9;
export const H_SETTINGS = 10;
export const H_INPUT = 11;
export const H_TARGET = 12;
export const H_AUX = 13;
export const H_PACK = 14;
export const H_THREADS = 15;
export const H_SYNC = 16;
export const H_CAN_WAIT = 17;
export const NET_HEADER = 24;

/** The threads' job block: the i32 fields the host touches (assembly/layout.ts has them all). */
export const SYNC_GENERATION = 0;
export const SYNC_JOB = 2;
export const SYNC_LOBBY = 8;
export const SYNC_ADMITTED = 9;
export const SESSION_STEP = 256;
export const JOB_QUIT = 0;

export const LAYER_FIELDS = 8;
export const L_IN = 0;
export const L_OUT = 1;
export const L_WEIGHTS = 2;
export const L_BIASES = 3;
export const L_ACTIVATION = 4;
export const L_Z = 5;
export const L_A = 6;
export const L_D = 7;

export const S_LEARNING_RATE = 0;
export const S_MOMENTUM = 1;
export const S_BETA1 = 2;
export const S_BETA2 = 3;
export const S_EPSILON = 4;
export const S_WEIGHT_DECAY = 5;
export const S_ALPHA = 6;
export const S_BETA1_POWER = 7;
export const S_BETA2_POWER = 8;
export const S_STEP = 9;
export const S_ERROR_THRESHOLD = 10;
export const SETTINGS_SIZE = 16;

/** Names in kernel code order: index = the code the kernels switch on. */
export const ACTIVATIONS = ['sigmoid', 'tanh', 'relu', 'leaky-relu', 'linear', 'softmax'] as const;
export const LOSSES = ['mse', 'cross-entropy', 'binary-cross-entropy'] as const;
export const OPTIMIZERS = ['sgd', 'momentum', 'adam'] as const;
export type Activation = (typeof ACTIVATIONS)[number];
export type Loss = (typeof LOSSES)[number];
export type Optimizer = (typeof OPTIMIZERS)[number];

/** Bytes a kernel buffer may span: wasm32 linear memory tops out at 4 GiB. */
export const MAX_MEMORY_BYTES = 2 ** 32;

const align = (index: number) => Math.ceil(index / 8) * 8; // 64-byte lines

export interface LayerSlots {
  readonly inSize: number;
  readonly outSize: number;
  readonly weights: number;
  readonly biases: number;
}

export interface NetShape {
  readonly layers: readonly number[];
  readonly activations: readonly Activation[];
  readonly loss: Loss;
}

export class NetLayout {
  readonly shape: NetShape;
  /** Rows the batch scratch holds. */
  readonly capacity: number;
  /** Byte address of the descriptor: the `net` argument of every kernel call. */
  readonly net: number;
  readonly settings: number;
  readonly slots: readonly LayerSlots[];
  /** All W_l, b_l, layer by layer, contiguous; gradients and optimizer state parallel to them. */
  readonly params: number;
  readonly paramCount: number;
  readonly grads: number;
  readonly state1: number;
  readonly state2: number;
  /** First element after the net's own buffers: where per-call data goes. */
  readonly end: number;
  /** The threads' job block: fixed, so a change of capacity never moves it under waiting workers. */
  readonly sync: number;
  readonly #scratch: { input: number; target: number; aux: number; pack: number; z: number[]; a: number[]; d: number[] };

  /** `base` is the first f64 element the net may use. Parameters do not move with `capacity`. */
  constructor(shape: NetShape, base: number, capacity: number) {
    const { layers } = shape;
    const count = layers.length - 1;
    this.shape = shape;
    this.capacity = capacity;
    let next = align(base);
    this.net = next * 8;
    next = align(next + Math.ceil((NET_HEADER + LAYER_FIELDS * count) / 2));
    this.settings = next;
    this.sync = align(next + SETTINGS_SIZE);
    next = this.params = this.sync + 8;
    const slots: LayerSlots[] = [];
    for (let l = 1; l <= count; l++) {
      const weights = next;
      const biases = weights + layers[l] * layers[l - 1];
      next = biases + layers[l];
      slots.push({ inSize: layers[l - 1], outSize: layers[l], weights, biases });
    }
    this.slots = slots;
    this.paramCount = next - this.params;
    const block = align(this.paramCount);
    this.grads = this.params + block;
    this.state1 = this.grads + block;
    this.state2 = this.state1 + block;
    next = this.state2 + block;
    const take = (size: number) => {
      const at = next;
      next = align(next + size);
      return at;
    };
    this.#scratch = {
      input: take(capacity * layers[0]),
      target: take(capacity * layers[count]),
      aux: take(capacity * 2),
      // The SIMD kernel packs W^T here for batches; the scalar kernels never touch it.
      pack: take(capacity > 1 ? Math.max(...slots.map((s) => s.inSize * s.outSize)) : 0),
      z: slots.map((s) => take(capacity * s.outSize)),
      a: slots.map((s) => take(capacity * s.outSize)),
      d: slots.map((s) => take(capacity * s.outSize)),
    };
    this.end = next;
  }

  get layers(): readonly number[] {
    return this.shape.layers;
  }

  get inputSize(): number {
    return this.shape.layers[0];
  }

  get outputSize(): number {
    return this.shape.layers[this.shape.layers.length - 1];
  }

  /** The same net with scratch for `capacity` rows. */
  withCapacity(capacity: number): NetLayout {
    return capacity === this.capacity ? this : new NetLayout(this.shape, this.net / 8, capacity);
  }

  /** Writes the descriptor; `ints` views the same buffer as the kernel's memory. */
  writeDescriptor(ints: Int32Array, optimizer: Optimizer, batchSize: number, threads = 1, canWait = true): void {
    const h = this.net / 4;
    const { shape } = this;
    ints.fill(0, h, h + NET_HEADER + LAYER_FIELDS * this.slots.length);
    ints[h + H_LAYERS] = this.slots.length;
    ints[h + H_LOSS] = LOSSES.indexOf(shape.loss);
    ints[h + H_OPTIMIZER] = OPTIMIZERS.indexOf(optimizer);
    ints[h + H_BATCH] = batchSize;
    ints[h + H_CAPACITY] = this.capacity;
    ints[h + H_PARAMS] = this.params;
    ints[h + H_PARAM_COUNT] = this.paramCount;
    ints[h + H_GRADS] = this.grads;
    ints[h + H_STATE1] = this.state1;
    ints[h + H_STATE2] = this.state2;
    ints[h + H_SETTINGS] = this.settings;
    ints[h + H_INPUT] = this.#scratch.input;
    ints[h + H_TARGET] = this.#scratch.target;
    ints[h + H_AUX] = this.#scratch.aux;
    ints[h + H_PACK] = this.#scratch.pack;
    ints[h + H_THREADS] = threads;
    ints[h + H_SYNC] = this.sync;
    ints[h + H_CAN_WAIT] = canWait ? 1 : 0;
    this.slots.forEach((s, l) => {
      const f = h + NET_HEADER + l * LAYER_FIELDS;
      ints[f + L_IN] = s.inSize;
      ints[f + L_OUT] = s.outSize;
      ints[f + L_WEIGHTS] = s.weights;
      ints[f + L_BIASES] = s.biases;
      ints[f + L_ACTIVATION] = ACTIVATIONS.indexOf(shape.activations[l]);
      ints[f + L_Z] = this.#scratch.z[l];
      ints[f + L_A] = this.#scratch.a[l];
      ints[f + L_D] = this.#scratch.d[l];
    });
  }
}
