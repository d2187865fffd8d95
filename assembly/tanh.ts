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
//
// tanhPair is the same function on two lanes for the SIMD build (as expPair is exp's): each
// branch's expression on both lanes, the branches turned into lane-wise selects.
import { exp, expPair, storeExpConstants } from './exp';

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

// The constants of tanhPair in both lanes, in memory: V8 builds a v128.const with several
// instructions at each use, inside loops too, where a load is one instruction and folds into
// the arithmetic. Zero in the binary (as scripts/passive-data.mjs needs); the kernel calls
// that use tanhPair store them first (storeTanhConstants).
const TANH_POOL: usize = memory.data(11 * 16, 16);
const V_ONE = 0;
const V_MINUS_ONE = 1;
const V_TWO = 2;
const V_SATURATE_ABOVE = 3;
const V_RATIONAL_BELOW = 4;
const V_P0 = 5;
const V_P1 = 6;
const V_P2 = 7;
const V_Q0 = 8;
const V_Q1 = 9;
const V_Q2 = 10;

/** Fills TANH_POOL; cheap enough to run at the start of every kernel call. */
export function storeTanhConstants(): void {
  v128.store(TANH_POOL + (V_ONE << 4), f64x2.splat(1.0));
  v128.store(TANH_POOL + (V_MINUS_ONE << 4), f64x2.splat(-1.0));
  v128.store(TANH_POOL + (V_TWO << 4), f64x2.splat(2.0));
  v128.store(TANH_POOL + (V_SATURATE_ABOVE << 4), f64x2.splat(SATURATE_ABOVE));
  v128.store(TANH_POOL + (V_RATIONAL_BELOW << 4), f64x2.splat(RATIONAL_BELOW));
  v128.store(TANH_POOL + (V_P0 << 4), f64x2.splat(P0));
  v128.store(TANH_POOL + (V_P1 << 4), f64x2.splat(P1));
  v128.store(TANH_POOL + (V_P2 << 4), f64x2.splat(P2));
  v128.store(TANH_POOL + (V_Q0 << 4), f64x2.splat(Q0));
  v128.store(TANH_POOL + (V_Q1 << 4), f64x2.splat(Q1));
  v128.store(TANH_POOL + (V_Q2 << 4), f64x2.splat(Q2));
}

/** One constant of TANH_POOL. */
// @ts-ignore: decorator
@inline function tanhConstant(slot: usize): v128 {
  return v128.load(TANH_POOL + (slot << 4));
}

/**
 * [tanh(x0), tanh(x1)]: tanh() above on each lane of `x`, the same bits. A branch no lane
 * takes is skipped; the exp form's exp reads 0 in the lanes that do not use it, so it never
 * leaves expPair's common case.
 */
// @ts-ignore: decorator
@inline export function tanhPair(x: v128): v128 {
  // One copy of the body, called: it is long, and the kernel's size counts on a page.
  return tanhPairBody(x);
}

function tanhPairBody(x: v128): v128 {
  const zero = f64x2.splat(0.0);
  const one = tanhConstant(V_ONE);
  const z = f64x2.abs(x);
  const saturated = f64x2.gt(z, tanhConstant(V_SATURATE_ABOVE));
  const expForm = v128.andnot(f64x2.ge(z, tanhConstant(V_RATIONAL_BELOW)), saturated);
  // The rational form's lanes: the rest, NaN included.
  const rational = v128.not(v128.or(saturated, expForm));
  let out = v128.bitselect(one, tanhConstant(V_MINUS_ONE), f64x2.gt(x, zero));
  if (v128.any_true(expForm)) {
    const s = expPair(v128.and(f64x2.mul(tanhConstant(V_TWO), z), expForm));
    const t = f64x2.sub(one, f64x2.div(tanhConstant(V_TWO), f64x2.add(s, one)));
    out = v128.bitselect(v128.bitselect(f64x2.neg(t), t, f64x2.lt(x, zero)), out, expForm);
  }
  if (v128.any_true(rational)) {
    const s = f64x2.mul(x, x);
    const p = f64x2.add(f64x2.mul(f64x2.add(f64x2.mul(tanhConstant(V_P0), s), tanhConstant(V_P1)), s), tanhConstant(V_P2));
    const q = f64x2.add(f64x2.mul(f64x2.add(f64x2.mul(f64x2.add(s, tanhConstant(V_Q0)), s), tanhConstant(V_Q1)), s), tanhConstant(V_Q2));
    let t = f64x2.add(x, f64x2.mul(f64x2.mul(x, s), f64x2.div(p, q)));
    t = v128.bitselect(x, t, f64x2.eq(x, zero));
    out = v128.bitselect(t, out, rational);
  }
  return out;
}

/**
 * dst[i] = tanh(src[i]) for i < count (f64 arrays in linear memory): for tests and diagnosis.
 * The SIMD build takes pairs through tanhPair, so the tests see the vector form there.
 */
export function tanhArray(src: usize, dst: usize, count: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    storeExpConstants();
    storeTanhConstants();
    for (; i + 1 < count; i += 2) {
      const offset = <usize>i << 3;
      v128.store(dst + offset, tanhPair(v128.load(src + offset)));
    }
  }
  for (; i < count; i++) {
    const offset = <usize>i << 3;
    store<f64>(dst + offset, tanh(load<f64>(src + offset)));
  }
}
