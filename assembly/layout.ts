// The network descriptor the host writes (src/backends/layout.ts is its twin and the authority): an
// i32 header, a fixed-size i32 record per weight layer, and an f64 settings block. Offsets
// are f64 element indices into linear memory (byte address = index * 8), so the pure-JS
// backend reads the very same descriptor from its own buffer.

// Header fields.
export const H_LAYERS: i32 = 0; // weight layers L
export const H_LOSS: i32 = 1; // LOSS_*
export const H_OPTIMIZER: i32 = 2; // OPTIMIZER_*
export const H_BATCH: i32 = 3; // samples per update
export const H_CAPACITY: i32 = 4; // rows the batch scratch holds (>= H_BATCH)
export const H_PARAMS: i32 = 5; // all W_l, b_l, layer by layer
export const H_PARAM_COUNT: i32 = 6;
export const H_GRADS: i32 = 7; // gradients, laid out as the parameters
export const H_STATE1: i32 = 8; // momentum's v / adam's m, laid out as the parameters
export const H_STATE2: i32 = 9; // adam's v
export const H_SETTINGS: i32 = 10; // f64 settings block (S_*)
export const H_INPUT: i32 = 11; // the batch's input rows, capacity x n_0
export const H_TARGET: i32 = 12; // the batch's target rows, capacity x n_L
export const H_AUX: i32 = 13; // softmax max and sum per row, capacity x 2
export const H_PACK: i32 = 14; // scratch for a packed W^T, the largest n_l x n_{l-1}
export const H_THREADS: i32 = 15; // threads the net may use (1: this one alone); workers join as they arrive
export const H_SYNC: i32 = 16; // the threads' job block (SYNC_*), 64 bytes
export const H_CAN_WAIT: i32 = 17; // 1 when the calling thread may block in atomic.wait
export const NET_HEADER: i32 = 24;

// The job block's i32 fields.
export const SYNC_GENERATION: i32 = 0; // bumped once per job; workers wait on it
export const SYNC_DONE: i32 = 1; // workers that finished the current job
export const SYNC_JOB: i32 = 2; // JOB_*
export const SYNC_LAYER: i32 = 3;
export const SYNC_ROWS: i32 = 4;
export const SYNC_INPUT: i32 = 5; // f64 index of the job's input rows
export const SYNC_DECAY: i32 = 6; // 1: weight decay on this update
export const SYNC_PARTS: i32 = 7; // threads taking part in the current job, the caller included
// Workers join a net's job block in sessions: the host ends one by adding SESSION_STEP to
// both words below before it wakes the workers with JOB_QUIT, and a worker checks its
// session after every wake-up, so a late worker of an old session never acts in a new one.
// The low 8 bits count workers.
export const SYNC_LOBBY: i32 = 8; // session | workers that arrived in it (each takes the next part)
export const SYNC_ADMITTED: i32 = 9; // session | arrived workers the caller let into the jobs
export const SYNC_BASE: i32 = 10; // the generation the workers admitted last start from
export const SESSION_STEP: i32 = 256;

export const JOB_QUIT: i32 = 0;
export const JOB_FORWARD: i32 = 1;
export const JOB_BACK: i32 = 2;
export const JOB_GRADIENTS: i32 = 3;

// Per-layer fields.
export const LAYER_FIELDS: i32 = 8;
export const L_IN: i32 = 0; // n_{l-1}
export const L_OUT: i32 = 1; // n_l
export const L_WEIGHTS: i32 = 2; // W_l, row-major out x in
export const L_BIASES: i32 = 3; // b_l
export const L_ACTIVATION: i32 = 4; // ACTIVATION_*
export const L_Z: i32 = 5; // z_l of the batch, capacity x out
export const L_A: i32 = 6; // a_l of the batch
export const L_D: i32 = 7; // delta_l of the batch

// Settings (f64).
export const S_LEARNING_RATE: i32 = 0;
export const S_MOMENTUM: i32 = 1;
export const S_BETA1: i32 = 2;
export const S_BETA2: i32 = 3;
export const S_EPSILON: i32 = 4;
export const S_WEIGHT_DECAY: i32 = 5;
export const S_ALPHA: i32 = 6; // leaky-relu slope
export const S_BETA1_POWER: i32 = 7; // beta1^t, carried between calls
export const S_BETA2_POWER: i32 = 8;
export const S_STEP: i32 = 9; // t, updates so far
export const S_ERROR_THRESHOLD: i32 = 10;

export const ACTIVATION_SIGMOID: i32 = 0;
export const ACTIVATION_TANH: i32 = 1;
export const ACTIVATION_RELU: i32 = 2;
export const ACTIVATION_LEAKY_RELU: i32 = 3;
export const ACTIVATION_LINEAR: i32 = 4;
export const ACTIVATION_SOFTMAX: i32 = 5;

export const LOSS_MSE: i32 = 0;
export const LOSS_CROSS_ENTROPY: i32 = 1;
export const LOSS_BINARY_CROSS_ENTROPY: i32 = 2;

export const OPTIMIZER_SGD: i32 = 0;
export const OPTIMIZER_MOMENTUM: i32 = 1;
export const OPTIMIZER_ADAM: i32 = 2;

/** Header field `f`. */
// @ts-ignore: decorator
@inline export function header(net: usize, f: i32): i32 {
  return load<i32>(net + ((<usize>f) << 2));
}

/** Field `f` of weight layer `layer` (0-based: layer 0 is W_1). */
// @ts-ignore: decorator
@inline export function field(net: usize, layer: i32, f: i32): i32 {
  return load<i32>(net + ((<usize>(NET_HEADER + layer * LAYER_FIELDS + f)) << 2));
}

/** Byte address of f64 element `index`. */
// @ts-ignore: decorator
@inline export function at(index: i32): usize {
  return (<usize>index) << 3;
}

/** The i-th f64 from `address`. */
// @ts-ignore: decorator
@inline export function get(address: usize, i: i32): f64 {
  return load<f64>(address + ((<usize>i) << 3));
}

// @ts-ignore: decorator
@inline export function set(address: usize, i: i32, value: f64): void {
  store<f64>(address + ((<usize>i) << 3), value);
}
