// Owns the kernel's hyperbolic tangent. It is Cephes' tanh (tanh.c of the Cephes Math Library
// 2.8, S. L. Moshier) done as the same IEEE-754 double operations in the same order as
// src/math/tanh.ts, on top of the project's exp (assembly/exp.ts), so the wasm and JS backends
// agree bit for bit in every engine. AssemblyScript's Math.tanh is not used: engines and
// AssemblyScript disagree on tanh.
//
// One departure from the C, which changes no result: upstream returns +-1 only above
// 0.5 * MAXLOG (~354.9); we do from 22 up. From |x| ~ 19.06 on, exp(2|x|) >= 2^55, so
// 2 / (s + 1) <= 2^-54 and 1 - 2 / (s + 1) already rounds to 1; test/fixtures/gen_log_tanh.py
// checks that the two thresholds give the same bits. Keep this file and src/math/tanh.ts in
// lockstep.
import { exp } from './exp';

// Upstream's P and Q (Q monic, its leading 1 implied), decimal as upstream spells them; the
// hex is upstream's IBMPC words read as one double.
const P0: f64 = -9.64399179425052238628e-1; // bfeedc5baafd6f4b
const P1: f64 = -9.92877231001918586564e1; //  c058d26a0e26682d
const P2: f64 = -1.61468768441708447952e3; //  c0993ac030580563
const Q0: f64 = 1.12811678491632931402e2; //   405c33f28a581b86
const Q1: f64 = 2.23548839060100448583e3; //   40a176fa0e5535fa
const Q2: f64 = 4.84406305325125486048e3; //   40b2ec102442040c
// Below this the rational form; from it on, the exp form.
const RATIONAL_BELOW: f64 = 0.625;
// Above this the result is +-1 (see the header).
const SATURATE_ABOVE: f64 = 22.0;

/** tanh(x), Cephes' algorithm on the project's exp, bit-identical to src/math/tanh.ts. */
// @ts-ignore: decorator
@inline export function tanh(x: f64): f64 {
  let z = abs<f64>(x);
  if (z > SATURATE_ABOVE) return x > 0 ? 1.0 : -1.0;
  if (z >= RATIONAL_BELOW) {
    const s = exp(2.0 * z);
    z = 1.0 - 2.0 / (s + 1.0);
    return x < 0 ? -z : z;
  }
  // NaN lands here too (every comparison above is false) and comes out NaN.
  // +-0 must come back as itself: the formula below would turn -0 into +0.
  if (x == 0.0) return x;
  const s = x * x;
  // Upstream's polevl(s, P, 2) / p1evl(s, Q, 3), unrolled in the order those loops run.
  const p = (P0 * s + P1) * s + P2;
  const q = ((s + Q0) * s + Q1) * s + Q2;
  z = p / q;
  z = x * s * z;
  return x + z;
}

/** dst[i] = tanh(src[i]) for i < count (f64 arrays in linear memory): for tests and diagnosis. */
export function tanhArray(src: usize, dst: usize, count: i32): void {
  for (let i = 0; i < count; i++) {
    const offset = <usize>i << 3;
    store<f64>(dst + offset, tanh(load<f64>(src + offset)));
  }
}
