// Where a network's numbers live: descriptor, settings, parameters, gradients, optimizer
// state and the batch scratch, as element indices into one flat buffer (the wasm kernel's
// linear memory or the js backend's ArrayBuffer; elements of the net's dtype: f64, or f32
// for a float32 net, whose settings, checks and stats blocks are still f64), and the i32
// descriptor both kernels read. The single definition of every descriptor offset and of the
// names the kernel codes number (their codes by name are in kernel-codes.ts):
// scripts/gen-layout.mjs writes them into assembly/layout-constants.ts for the wasm kernel.

// The descriptor's i32 header fields. Addresses are element indices (byte address =
// index * the dtype's bytes), so the pure-JS backend reads the very same descriptor from its own buffer.
export const H_LAYERS = 0; // weight layers L
export const H_LOSS = 1; // LOSS_*
export const H_OPTIMIZER = 2; // OPTIMIZER_*
export const H_BATCH = 3; // samples per update
export const H_CAPACITY = 4; // rows the batch scratch holds (>= H_BATCH)
export const H_PARAMS = 5; // the current copy of all W_l, b_l, layer by layer
export const H_PARAM_COUNT = 6;
export const H_GRADS = 7; // gradients, laid out as the parameters (one copy: scratch)
export const H_STATE1 = 8; // the current copy of momentum's v / adam's m, laid out as the parameters
export const H_STATE2 = 9; // the current copy of adam's v
export const H_SETTINGS = 10; // f64 settings block (S_*)
export const H_INPUT = 11; // the batch's input rows, capacity x n_0
export const H_TARGET = 12; // the batch's target rows, capacity x n_L
export const H_AUX = 13; // softmax max and sum per row, capacity x 2
export const H_PACK = 14; // scratch for a packed W^T, the largest n_l x n_{l-1}
export const H_THREADS = 15; // threads the net may use (1: this one alone); workers join as they arrive
export const H_SYNC = 16; // the threads' job block (SYNC_*), 64 bytes
export const H_CAN_WAIT = 17; // 1 when the calling thread may block in atomic.wait
export const H_SHIFT = 18; // elements from the current copy to the one train() writes (0: in place)
export const H_CHECKS = 19; // f64 x (L + 1): sums of |W_l| + |b_l| per layer, then of the optimizer state
export const H_DTYPE = 20; // DTYPE_*: the element type of every buffer but the settings, checks and stats (f64)
export const H_SHARES = 21; // i32 x MAX_THREADS: each thread's pieces of the current job, next | end << 16
export const NET_HEADER = 24;

// The threads' job block: i32 fields.
export const SYNC_GENERATION = 0; // bumped once per job; workers wait on it
export const SYNC_DONE = 1; // workers that finished the current job
export const SYNC_JOB = 2; // JOB_*
export const SYNC_LAYER = 3;
export const SYNC_ROWS = 4;
export const SYNC_INPUT = 5; // f64 index of the job's input rows
export const SYNC_DECAY = 6; // 1: weight decay on this update
export const SYNC_PARTS = 7; // threads taking part in the current job, the caller included
// Workers join a net's job block in sessions: the host ends one by adding SESSION_STEP to
// both words below before it wakes the workers with JOB_QUIT, and a worker checks its
// session after every wake-up, so a late worker of an old session never acts in a new one.
// The low 8 bits count workers.
export const SYNC_LOBBY = 8; // session | workers that arrived in it (each takes the next part)
export const SYNC_ADMITTED = 9; // session | arrived workers the caller let into the jobs
export const SYNC_BASE = 10; // the generation the workers admitted last start from
export const SESSION_STEP = 256;

// A job (one layer's product over the call's rows) is split across threads only from
// PARALLEL_MIN_ROWS rows and PARALLEL_WORK multiply-adds (rows x inputs x outputs): handing
// a job over and collecting it costs tens of microseconds, what one thread does in ~0.5M
// multiply-adds. A call with no job that large does not borrow workers at all
// (src/backends/wasm/thread-choice.ts), so `threads` never slows down a small net or batch.
export const PARALLEL_MIN_ROWS = 4;
export const PARALLEL_WORK = 524288; // 2^19

// A split job is cut into pieces of PARALLEL_PIECE micro-kernel units (16 f64 or 32 f32
// outputs) and each thread first takes the pieces of its own share, in order; a thread whose
// share is done takes the other shares' last pieces, so a thread slowed down for a moment
// holds up one piece rather than half the job. The same outputs stay on the same thread from
// job to job whenever the threads keep pace, so each one's weights stay in its own cache.
export const PARALLEL_PIECE = 4;

/** The largest `threads`: one share word each (H_SHARES). */
export const MAX_THREADS = 64;

export const JOB_QUIT = 0;
export const JOB_FORWARD = 1;
export const JOB_BACK = 2;
export const JOB_GRADIENTS = 3;

// Per weight layer: LAYER_FIELDS i32 fields.
export const LAYER_FIELDS = 8;
export const L_IN = 0; // n_{l-1}
export const L_OUT = 1; // n_l
export const L_WEIGHTS = 2; // W_l of the current copy, row-major out x in
export const L_BIASES = 3; // b_l of the current copy
export const L_ACTIVATION = 4; // ACTIVATION_*
export const L_Z = 5; // z_l of the batch, capacity x out
export const L_A = 6; // a_l of the batch
export const L_D = 7; // delta_l of the batch

// The f64 settings block.
export const S_LEARNING_RATE = 0;
export const S_MOMENTUM = 1;
export const S_BETA1 = 2;
export const S_BETA2 = 3;
export const S_EPSILON = 4;
export const S_WEIGHT_DECAY = 5;
export const S_ALPHA = 6; // leaky-relu slope
export const S_BETA1_POWER = 7; // beta1^t, carried between calls
export const S_BETA2_POWER = 8;
export const S_STEP = 9; // t, updates so far
export const S_ERROR_THRESHOLD = 10;
// Where a train() call that ends inside an epoch (its `to` argument) leaves that epoch, for
// the call that resumes it: the running loss sum and correct count of the part under way
// (training or validation) and, once training is done and validation under way, the epoch's
// training loss and correct count.
export const S_PAUSED_LOSS_SUM = 11;
export const S_PAUSED_CORRECT = 12;
export const S_PAUSED_TRAIN_LOSS = 13;
export const S_PAUSED_TRAIN_CORRECT = 14;
export const SETTINGS_SIZE = 16;

/** Names in kernel code order: index = the code the kernels switch on. */
export const ACTIVATIONS = ['sigmoid', 'tanh', 'relu', 'leaky-relu', 'linear', 'softmax'] as const;
export const LOSSES = ['mse', 'cross-entropy', 'binary-cross-entropy'] as const;
export const OPTIMIZERS = ['sgd', 'momentum', 'adam'] as const;
export const DTYPES = ['float64', 'float32'] as const;
export type Activation = (typeof ACTIVATIONS)[number];
export type Loss = (typeof LOSSES)[number];
export type Optimizer = (typeof OPTIMIZERS)[number];
export type Dtype = (typeof DTYPES)[number];

/** Bytes a kernel buffer may span: wasm32 linear memory tops out at 4 GiB. */
export const MAX_MEMORY_BYTES = 2 ** 32;

/** Bytes per element of each dtype: the unit of every index in a net of that dtype. */
export const ELEMENT_BYTES: Readonly<Record<Dtype, number>> = { float64: 8, float32: 4 };

/** The flat memory as the net's elements: f64, or f32 for a float32 net. */
export type Floats = Float64Array | Float32Array;

export interface LayerSlots {
  readonly inSize: number;
  readonly outSize: number;
  /** W_l and b_l of copy 0; copy 1's lie NetLayout.stride further. */
  readonly weights: number;
  readonly biases: number;
}

export interface NetShape {
  readonly layers: readonly number[];
  readonly activations: readonly Activation[];
  readonly loss: Loss;
  /** Default float64. */
  readonly dtype?: Dtype;
}

export class NetLayout {
  readonly shape: NetShape;
  /** Rows the batch scratch holds. */
  readonly capacity: number;
  /** Byte address of the descriptor: the `net` argument of every kernel call. */
  readonly net: number;
  readonly settings: number;
  readonly slots: readonly LayerSlots[];
  /**
   * Copy 0 of all W_l, b_l, layer by layer, contiguous; its optimizer state parallel to it.
   * Copy 1 of all three lies `stride` elements further: train() can write its updates into
   * the other copy (H_SHIFT) and leave the one it started from untouched.
   */
  readonly params: number;
  readonly paramCount: number;
  readonly state1: number;
  readonly state2: number;
  /** Elements from copy 0 to copy 1 of the parameters and of the optimizer state. */
  readonly stride: number;
  /** The gradients (one copy: scratch), laid out as the parameters. */
  readonly grads: number;
  /** L + 1 doubles train() fills (H_CHECKS): per layer sum |W_l| + |b_l|, then sum |state|. */
  readonly checks: number;
  /** The threads' share words (H_SHARES), one i32 each, after the job block's line. */
  readonly shares: number;
  /** First element after the net's own buffers: where per-call data goes. */
  readonly end: number;
  /** The threads' job block: fixed, so a change of capacity never moves it under waiting workers. */
  readonly sync: number;
  readonly #scratch: { input: number; target: number; aux: number; pack: number; z: number[]; a: number[]; d: number[] };

  /** Bytes per element: every index of this layout counts them. */
  readonly unit: number;

  /** `base` is the first f64 element the net may use. Parameters do not move with `capacity`. */
  constructor(shape: NetShape, base: number, capacity: number) {
    const { layers } = shape;
    const count = layers.length - 1;
    this.shape = shape;
    this.capacity = capacity;
    const unit = (this.unit = ELEMENT_BYTES[shape.dtype ?? 'float64']);
    const line = 64 / unit;
    const align = (index: number) => Math.ceil(index / line) * line; // 64-byte lines
    const doubles = 8 / unit;
    let next = align(base * doubles);
    this.net = next * unit;
    next = align(next + Math.ceil((NET_HEADER + LAYER_FIELDS * count) * 4 / unit));
    this.settings = next;
    this.sync = align(next + SETTINGS_SIZE * doubles);
    this.shares = this.sync + line;
    this.checks = this.shares + (MAX_THREADS * 4) / unit;
    next = this.params = align(this.checks + (count + 1) * doubles);
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
    this.state1 = this.params + block;
    this.state2 = this.state1 + block;
    this.stride = 3 * block;
    this.grads = this.params + 2 * this.stride;
    next = this.grads + block;
    const take = (size: number) => {
      const at = next;
      next = align(next + size);
      return at;
    };
    this.#scratch = {
      input: take(capacity * layers[0]),
      target: take(capacity * layers[count]),
      aux: take(capacity * 2),
      // The SIMD kernel packs W^T here for batches, in panels of 32-byte lines (assembly/linalg.ts),
      // the last one whole; the scalar kernels never touch it.
      pack: take(capacity > 1 ? Math.max(...slots.map((s) => s.inSize * Math.ceil(s.outSize / (32 / unit)) * (32 / unit))) : 0),
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

  /** The f64 index of element index `index` (an f64 block's start: settings, checks, stats). */
  double(index: number): number {
    return (index * this.unit) / 8;
  }

  /** F64 elements that hold elements [0, end). */
  doublesFor(end: number): number {
    return Math.ceil((end * this.unit) / 8);
  }

  /** The first index at or after `index` that starts an f64. */
  alignDouble(index: number): number {
    const perDouble = 8 / this.unit;
    return Math.ceil(index / perDouble) * perDouble;
  }

  /** Elements of the net's dtype that `count` f64 values take. */
  elementsForDoubles(count: number): number {
    return (count * 8) / this.unit;
  }

  /**
   * Writes the descriptor, pointing it at parameter copy `copy` (0 or 1) with H_SHIFT = 0
   * (train() updates in place); `ints` views the same buffer as the kernel's memory.
   */
  writeDescriptor(ints: Int32Array, optimizer: Optimizer, batchSize: number, threads = 1, canWait = true, copy: 0 | 1 = 0): void {
    const shift = copy * this.stride;
    const h = this.net / 4;
    const { shape } = this;
    ints.fill(0, h, h + NET_HEADER + LAYER_FIELDS * this.slots.length);
    ints[h + H_LAYERS] = this.slots.length;
    ints[h + H_LOSS] = LOSSES.indexOf(shape.loss);
    ints[h + H_OPTIMIZER] = OPTIMIZERS.indexOf(optimizer);
    ints[h + H_BATCH] = batchSize;
    ints[h + H_CAPACITY] = this.capacity;
    ints[h + H_PARAMS] = this.params + shift;
    ints[h + H_PARAM_COUNT] = this.paramCount;
    ints[h + H_GRADS] = this.grads;
    ints[h + H_STATE1] = this.state1 + shift;
    ints[h + H_STATE2] = this.state2 + shift;
    ints[h + H_SETTINGS] = this.settings;
    ints[h + H_INPUT] = this.#scratch.input;
    ints[h + H_TARGET] = this.#scratch.target;
    ints[h + H_AUX] = this.#scratch.aux;
    ints[h + H_PACK] = this.#scratch.pack;
    ints[h + H_THREADS] = threads;
    ints[h + H_SYNC] = this.sync;
    ints[h + H_SHARES] = this.shares;
    ints[h + H_CAN_WAIT] = canWait ? 1 : 0;
    ints[h + H_SHIFT] = 0;
    ints[h + H_CHECKS] = this.checks;
    ints[h + H_DTYPE] = DTYPES.indexOf(shape.dtype ?? 'float64');
    this.slots.forEach((s, l) => {
      const f = h + NET_HEADER + l * LAYER_FIELDS;
      ints[f + L_IN] = s.inSize;
      ints[f + L_OUT] = s.outSize;
      ints[f + L_WEIGHTS] = s.weights + shift;
      ints[f + L_BIASES] = s.biases + shift;
      ints[f + L_ACTIVATION] = ACTIVATIONS.indexOf(shape.activations[l]);
      ints[f + L_Z] = this.#scratch.z[l];
      ints[f + L_A] = this.#scratch.a[l];
      ints[f + L_D] = this.#scratch.d[l];
    });
  }
}
