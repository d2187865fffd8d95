// The js backend's rounding after each arithmetic operation, set per kernel call from the
// net's dtype: none for float64; Math.fround for float32, since a float64 +, -, *, / or sqrt
// of float32 operands rounded once to float32 is exactly the single-precision result (and a
// float32 exp, log or tanh is defined as the float64 function rounded once). Stores into the
// Float32Array memory round by themselves; only intermediates go through `round`.
import { DTYPE_FLOAT32 } from '../layout.ts';

const unrounded = (x: number): number => x;

/** Rounds an intermediate result to the net's dtype. */
export let round: (x: number) => number = unrounded;

/** Makes `round` that of dtype code `dtype` (H_DTYPE). */
export function roundFor(dtype: number): void {
  round = dtype === DTYPE_FLOAT32 ? Math.fround : unrounded;
}
