// What the js backend keeps between kernel calls, as a wasm instance does: its memory and the
// running totals. Both generated kernels (./generated/) run on it, each through its own view.

export interface Instance {
  floats: Float64Array;
  /** The same memory as f32, for float32 nets (made when first needed, remade when it grows). */
  floats32?: Float32Array;
  ints: Int32Array;
  lossSum: number;
  lossTerms: number;
  correct: number;
}

/** The instance's memory as f64 elements. */
export function float64View(instance: Instance): Float64Array {
  return instance.floats;
}

/** The instance's memory as f32 elements, the view made once per buffer. */
export function float32View(instance: Instance): Float32Array {
  if (instance.floats32?.buffer !== instance.floats.buffer) instance.floats32 = new Float32Array(instance.floats.buffer);
  return instance.floats32;
}

/** A new instance with no memory. */
export function emptyInstance(): Instance {
  return { floats: new Float64Array(0), ints: new Int32Array(0), lossSum: 0, lossTerms: 0, correct: 0 };
}
