// One net's flat memory as the host sees it: the backend, the layout of its buffers, which of
// the two copies of the trainable state is current, and a stack of per-call data above the
// net's own buffers. A call takes its data region from `top` and gives it back when it
// returns, so a call made from inside another (predict in a fit's onEpochEnd) lays its rows
// above the outer call's and never overwrites them. Indices count the net's elements (f64, or
// f32 for a float32 net); floats() views the memory as those, doubles() as f64.
import type { Backend } from '../backends/backend.ts';
import {
  H_BATCH, H_OPTIMIZER, H_PARAMS, H_SHIFT, H_STATE1, H_STATE2, L_BIASES, L_WEIGHTS, LAYER_FIELDS, NET_HEADER, NetLayout, OPTIMIZERS,
  type Floats, type NetShape, type Optimizer,
} from '../backends/layout.ts';
import { canBlock } from '../backends/wasm/threads.ts';

export class NetMemory {
  readonly backend: Backend;
  #layout: NetLayout;
  /** First free element: above the net's buffers and the data of every call under way. */
  top: number;
  #f32: Float32Array = new Float32Array(0);

  constructor(backend: Backend, shape: NetShape, capacity: number) {
    this.backend = backend;
    this.#layout = new NetLayout(shape, backend.base, capacity);
    backend.reserve(this.#layout.doublesFor(this.#layout.end));
    this.#layout.writeDescriptor(backend.ints(), 'sgd', 1, backend.threads, canBlock());
    this.top = this.#layout.end;
  }

  get layout(): NetLayout {
    return this.#layout;
  }

  /** The memory as the net's elements; fetch it again after anything that may grow it. */
  floats(): Floats {
    const m = this.backend.memory();
    if (this.#layout.unit === 8) return m;
    if (this.#f32.buffer !== m.buffer || this.#f32.length !== m.length * 2) this.#f32 = new Float32Array(m.buffer, m.byteOffset, m.length * 2);
    return this.#f32;
  }

  /** The kernel's largest |x| over `count` elements from `first` (copyRows' check of the rows it copies in). */
  readonly largestMagnitude = (first: number, count: number): number => this.backend.largestMagnitude(this.#layout.net, first, count);

  /** The memory as f64, indexed by layout.double(index): the settings, checks and stats blocks. */
  doubles(): Float64Array {
    return this.backend.memory();
  }

  ints(): Int32Array {
    return this.backend.ints();
  }

  /**
   * Elements [at, at + size) for the caller's data; give them back with `release(at)`. `at`
   * starts an f64 (8-byte aligned), so a block of stats may begin the region.
   */
  take(size: number): number {
    const at = this.#layout.alignDouble(this.top);
    this.backend.reserve(this.#layout.doublesFor(at + size));
    this.top = at + size;
    return at;
  }

  release(at: number): void {
    this.top = at;
  }

  /**
   * Scratch for `rows` rows (a fit's batch). Only between calls: the scratch moves, and with
   * it the start of every call's data.
   */
  ensureCapacity(rows: number): void {
    if (rows <= this.#layout.capacity || this.top !== this.#layout.end) return;
    const copy = this.copy;
    const ints = this.ints();
    const h = this.#layout.net / 4;
    const optimizer = OPTIMIZERS[ints[h + H_OPTIMIZER]];
    const batch = ints[h + H_BATCH];
    // Memory first: when it cannot grow, the layout stays the one the memory holds.
    const layout = this.#layout.withCapacity(rows);
    this.backend.reserve(layout.doublesFor(layout.end));
    this.#layout = layout;
    this.#layout.writeDescriptor(this.ints(), optimizer, batch, this.backend.threads, canBlock());
    this.pointAt(copy);
    this.top = this.#layout.end;
  }

  /** Sets what train() reads from the descriptor for this fit. */
  setTraining(optimizer: Optimizer, batchSize: number): void {
    const ints = this.ints();
    const h = this.#layout.net / 4;
    ints[h + H_OPTIMIZER] = OPTIMIZERS.indexOf(optimizer);
    ints[h + H_BATCH] = batchSize;
  }

  /** The copy (0 or 1) of parameters and optimizer state the descriptor points at. */
  get copy(): number {
    return this.ints()[this.#layout.net / 4 + H_PARAMS] === this.#layout.params ? 0 : 1;
  }

  /** Element index of `what` (params, state1, state2) in copy `copy`. */
  at(what: 'params' | 'state1' | 'state2', copy = this.copy): number {
    return this.#layout[what] + copy * this.#layout.stride;
  }

  /** The current parameters (all W_l, b_l in order), a view valid until memory grows. */
  params(copy = this.copy): Floats {
    const at = this.at('params', copy);
    return this.floats().subarray(at, at + this.#layout.paramCount);
  }

  /**
   * Points the descriptor at copy `copy`; with `writeOther`, the next train() call's first
   * update reads this copy and writes the other, so this one stays as it is (the rollback).
   */
  pointAt(copy: number, writeOther = false): void {
    const layout = this.#layout;
    const ints = this.ints();
    const h = layout.net / 4;
    const shift = copy * layout.stride;
    ints[h + H_PARAMS] = layout.params + shift;
    ints[h + H_STATE1] = layout.state1 + shift;
    ints[h + H_STATE2] = layout.state2 + shift;
    for (let l = 0; l < layout.slots.length; l++) {
      const f = h + NET_HEADER + l * LAYER_FIELDS;
      ints[f + L_WEIGHTS] = layout.slots[l].weights + shift;
      ints[f + L_BIASES] = layout.slots[l].biases + shift;
    }
    ints[h + H_SHIFT] = writeOther ? (copy === 0 ? layout.stride : -layout.stride) : 0;
  }

  /** Stops a pending out-of-place first update (a fit that ran no update leaves it set). */
  clearShift(): void {
    this.ints()[this.#layout.net / 4 + H_SHIFT] = 0;
  }
}
