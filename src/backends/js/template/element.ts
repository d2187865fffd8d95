// What the kernel template (./mlp.ts, ./linalg.ts) leaves to the dtype: the element array
// `Floats`, its size ELEMENT_BYTES, `round` (an intermediate result rounded to the dtype) and
// `elements` (the memory as the dtype's elements). scripts/gen-js-kernels.mjs writes one kernel
// per dtype into ../generated/, each with its own definitions in place of this module's import:
// float64 drops every `round` (the identity) and runs on a Float64Array; float32 rounds with
// Math.fround and runs on a Float32Array, whose stores round by themselves (a float64 +, -, *,
// / or sqrt of float32 operands rounded once to float32 is exactly the single-precision result,
// and a float32 exp, log or tanh is defined as the float64 function rounded once). Each dtype's
// code is then its own, and its call sites see one array type and one function however the
// dtypes of the nets alternate. Nothing runs this module; it makes the template type-check.
import type { Instance } from '../instance.ts';

export type Floats = Float64Array | Float32Array;
export const Floats = Float64Array;

export const ELEMENT_BYTES: 8 | 4 = 8;

export function round(x: number): number {
  return x;
}

export function elements(instance: Instance): Floats {
  return instance.floats;
}
