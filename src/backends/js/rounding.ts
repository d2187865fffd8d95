// The js backend's rounding after each arithmetic operation, set per kernel call from the
// net's dtype: none for float64; Math.fround for float32, since a float64 +, -, *, / or sqrt
// of float32 operands rounded once to float32 is exactly the single-precision result (and a
// float32 exp, log or tanh is defined as the float64 function rounded once). Stores into the
// Float32Array memory round by themselves; only intermediates go through `round`.
import { DTYPE_FLOAT32 } from '../layout.ts';

let float32 = false;

/**
 * Rounds an intermediate result to the net's dtype. One function with a branch, not one
 * function per dtype: every call site then sees a single target, which the engine inlines
 * (with Math.fround as its float32 conversion), however the dtypes of the nets alternate.
 */
export function round(x: number): number {
  return float32 ? Math.fround(x) : x;
}

/** Makes `round` that of dtype code `dtype` (H_DTYPE). */
export function roundFor(dtype: number): void {
  float32 = dtype === DTYPE_FLOAT32;
}
