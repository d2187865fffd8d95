// What the MLP class needs from a backend. Both backends run the same loops over buffers
// laid out by the same NetLayout, so they produce the same bits.
import type { BackendName } from '../api/validate.ts';

export interface Backend {
  readonly name: BackendName;
  /** Whether the kernel is the SIMD build (false for js). */
  readonly simd: boolean;
  /** Threads sharing the kernel's work (1 for js). */
  readonly threads: number;
  /** First f64 element a net may use. */
  readonly base: number;
  /** The flat memory as f64. Fetch it again after `reserve`: growth replaces the buffer. */
  memory(): Float64Array;
  /** The same memory as i32 (descriptor, permutations). */
  ints(): Int32Array;
  /** Makes elements [0, end) addressable, growing the memory if needed. */
  reserve(end: number): void;
  /**
   * assembly/mlp.ts train(): `net` is the descriptor's byte address, the rest f64 indices.
   * Returns the epochs completed; stops after an epoch below the error threshold or with a
   * non-finite (validation) loss. The first epoch starts at position `from` and the last
   * ends at `to` (positions: the training samples, then the validation rows; `to` short of
   * count + valCount pauses that epoch, for a later call to resume from there). With
   * H_SHIFT != 0 it writes into the other parameter copy and moves the descriptor there; it
   * ends with the H_CHECKS sums of the current parameters.
   */
  train(net: number, inputs: number, targets: number, count: number, order: number, epochs: number, stats: number, valInputs: number, valTargets: number, valCount: number, from: number, to: number): number;
  /**
   * assembly/mlp.ts evaluate(): stats[0..1] = the running loss sum and correct count, cleared
   * first when `resume` is 0, continued otherwise.
   */
  evaluate(net: number, inputs: number, targets: number, count: number, outputs: number, stats: number, resume: number): void;
  /**
   * assembly/magnitude.ts largestMagnitude(): max |x| over the `count` elements of the net's
   * dtype from element `first`; NaN when one is NaN, else Infinity when one is infinite.
   */
  largestMagnitude(net: number, first: number, count: number): number;
  /** Starts the worker threads once the descriptor at `net` is written; `sync` is the job block. */
  start(net: number, sync: number): Promise<void>;
  dispose(): void;
}
