// Owns the kernel's exp and the static region holding its table. It is the table-driven exp of
// glibc >= 2.28 / ARM optimized-routines (math/exp.c, EXP_TABLE_BITS = 7, EXP_POLY_ORDER = 5)
// done as the same IEEE-754 double operations in the same order as src/math/exp.ts, so the wasm
// and JS backends agree bit for bit, and both return what glibc's non-FMA build returns.
// AssemblyScript's Math.exp is not used: it is a different algorithm with different results.
//
// The range tests compare |x| and the scale is H[i] * 2^e rather than upstream's integer add
// on the bits; src/math/exp.ts explains why neither changes a result. Keep the two files in
// lockstep; test/exp.test.ts checks both against glibc.
//
// expPair is the same function on two lanes (f64x2) for the SIMD build: every arithmetic
// operation is the scalar one done on both lanes at once (wasm has no fused multiply-add, so
// each lane rounds exactly as the scalar code does), the table is read lane by lane, and every
// branch of exp() becomes a lane-wise select of the value that branch returns.
// test/vector-math.test.ts compares the two bit for bit.

// Upstream's __exp_data constants (hex float in the comment; no hex float literals here).
const INV_LN2_N: f64 = 184.6649652337873; //        0x1.71547652b82fep0 * 128
const NEG_LN2_HI_N: f64 = -0.005415212348111709; // -0x1.62e42fefa0000p-8
const NEG_LN2_LO_N: f64 = -1.2864023111638346e-14; // -0x1.cf79abc9e3b3ap-47
const SHIFT: f64 = 6755399441055744.0; //            0x1.8p52
const C2: f64 = 0.49999999999996786; //              0x1.ffffffffffdbdp-2
const C3: f64 = 0.16666666666665886; //              0x1.555555555543cp-3
const C4: f64 = 0.0416666808410674; //               0x1.55555cf172b91p-5
const C5: f64 = 0.008333335853059549; //             0x1.1111167a4d017p-7
const TWO_P1009: f64 = 5.486124068793689e303; //     0x1p1009
const TWO_M1022: f64 = 2.2250738585072014e-308; //   0x1p-1022
const TWO_M54: f64 = 5.551115123125783e-17; //       0x1p-54

// 128 pairs [T[i], H[i]] (see src/math/exp-table.ts), 16 bytes each. Left zeroed in the binary:
// the host copies EXP_TABLE in at instantiation, so the table exists once in the sources.
const EXP_TAB: usize = memory.data(128 * 16, 16);

/** Address of the exp table (EXP_TABLE.length doubles) that the host must fill. */
export function expTable(): usize {
  return EXP_TAB;
}

/** 2^e for a normal power of two (-1022 <= e <= 1023), built from its bits. */
// @ts-ignore: decorator
@inline function pow2(e: i32): f64 {
  return reinterpret<f64>(<u64>(e + 1023) << 52);
}

/** e^x, bit-identical to glibc's exp (non-FMA build) and to src/math/exp.ts. Allocates nothing. */
// @ts-ignore: decorator
@inline export function exp(x: f64): f64 {
  const ax = abs<f64>(x);
  let large = false;
  // Written negated so that NaN leaves the main path too, as it does upstream.
  if (!(ax >= TWO_M54 && ax < 512.0)) {
    // Upstream returns 1 + x rather than 1 so that directed rounding modes come out right.
    if (ax < TWO_M54) return 1.0 + x;
    if (!(ax < 1024.0)) {
      if (x == -Infinity) return 0.0;
      if (!(ax < Infinity)) return 1.0 + x; // +Infinity or NaN
      return x < 0 ? 0.0 : Infinity; // __math_uflow(0) / __math_oflow(0)
    }
    // 512 <= |x| < 1024: the result may overflow or be subnormal; see expSpecialcase.
    large = true;
  }
  // exp(x) = 2^(k/128) * exp(r), with k = round(x * 128/ln2) and |r| <= ln2/256.
  const z = INV_LN2_N * x;
  // Adding 1.5 * 2^52 rounds z to an integer (round to nearest, ties to even).
  let kd = z + SHIFT;
  kd -= SHIFT;
  // Exact: kd is an integer and |kd| < 2^18 here, so the truncation cannot trap.
  const k = <i32>kd;
  const r = x + kd * NEG_LN2_HI_N + kd * NEG_LN2_LO_N;
  const p = EXP_TAB + (<usize>(k & 127) << 4);
  const tail = load<f64>(p);
  const r2 = r * r;
  const tmp = tail + r + r2 * (C2 + r * C3) + r2 * r2 * (C4 + r * C5);
  if (large) return expSpecialcase(tmp, load<f64>(p, 8), k);
  const scale = load<f64>(p, 8) * pow2(k >> 7);
  return scale + scale * tmp;
}

/**
 * Upstream's specialcase for 512 <= |x| < 1024, where scale itself may not be a normal double:
 * the scale is built 2^1009 too small (k > 0) or 2^1022 too large (k < 0), and the result
 * rescaled at the end. On the subnormal side y is first rounded to the precision it will have
 * after the scaling, to avoid a double rounding. Not inlined: it is rare.
 */
function expSpecialcase(tmp: f64, h: f64, k: i32): f64 {
  const e = k >> 7;
  if (k >= 0) {
    const scale = h * pow2(e - 1009);
    return TWO_P1009 * (scale + scale * tmp);
  }
  const scale = h * pow2(e + 1022);
  let y = scale + scale * tmp;
  if (y < 1.0) {
    let lo = scale - y + scale * tmp;
    const hi = 1.0 + y;
    lo = 1.0 - hi + y + lo;
    y = hi + lo - 1.0;
    // Upstream avoids -0 under downward rounding; a no-op in round-to-nearest, kept for parity.
    if (y == 0.0) y = 0.0;
  }
  return TWO_M1022 * y;
}

// The constants of expPair in both lanes, in memory: V8 builds a v128.const with several
// instructions at each use, inside loops too, where a load is one instruction and folds into
// the arithmetic. Zero in the binary (as scripts/passive-data.mjs needs); the kernel calls
// that use expPair store them first (storeExpConstants).
const EXP_POOL: usize = memory.data(12 * 16, 16);
const V_INV_LN2_N = 0;
const V_SHIFT = 1;
const V_NEG_LN2_HI_N = 2;
const V_NEG_LN2_LO_N = 3;
const V_C2 = 4;
const V_C3 = 5;
const V_C4 = 6;
const V_C5 = 7;
const V_512 = 8;
const V_TWO_M54 = 9;
const V_ONE = 10;
const V_EXPONENT_BIAS = 11;

/** Fills EXP_POOL; cheap enough to run at the start of every kernel call. */
export function storeExpConstants(): void {
  v128.store(EXP_POOL + (V_INV_LN2_N << 4), f64x2.splat(INV_LN2_N));
  v128.store(EXP_POOL + (V_SHIFT << 4), f64x2.splat(SHIFT));
  v128.store(EXP_POOL + (V_NEG_LN2_HI_N << 4), f64x2.splat(NEG_LN2_HI_N));
  v128.store(EXP_POOL + (V_NEG_LN2_LO_N << 4), f64x2.splat(NEG_LN2_LO_N));
  v128.store(EXP_POOL + (V_C2 << 4), f64x2.splat(C2));
  v128.store(EXP_POOL + (V_C3 << 4), f64x2.splat(C3));
  v128.store(EXP_POOL + (V_C4 << 4), f64x2.splat(C4));
  v128.store(EXP_POOL + (V_C5 << 4), f64x2.splat(C5));
  v128.store(EXP_POOL + (V_512 << 4), f64x2.splat(512.0));
  v128.store(EXP_POOL + (V_TWO_M54 << 4), f64x2.splat(TWO_M54));
  v128.store(EXP_POOL + (V_ONE << 4), f64x2.splat(1.0));
  v128.store(EXP_POOL + (V_EXPONENT_BIAS << 4), i64x2.splat(1023));
}

/** One constant of EXP_POOL. */
// @ts-ignore: decorator
@inline function expConstant(slot: usize): v128 {
  return v128.load(EXP_POOL + (slot << 4));
}

/** 2^e in both lanes for the exponents `e` (i64 lanes), built from their bits. */
// @ts-ignore: decorator
@inline function pow2Pair(e: v128): v128 {
  return i64x2.shl(i64x2.add(e, expConstant(V_EXPONENT_BIAS)), 52);
}

/**
 * [exp(x0), exp(x1)]: exp() above on each lane of `x`, the same bits. The common case (both
 * |x| < 512, neither NaN) is straight-line code; a pair with a lane outside goes through
 * expPairSpecial, which selects each lane's result as exp()'s branches would.
 */
// @ts-ignore: decorator
@inline export function expPair(x: v128): v128 {
  const ax = f64x2.abs(x);
  const z = f64x2.mul(expConstant(V_INV_LN2_N), x);
  const shift = expConstant(V_SHIFT);
  const shifted = f64x2.add(z, shift);
  const kd = f64x2.sub(shifted, shift);
  // k = <i32>kd, read off the bits of z + 1.5 * 2^52 (upstream's asuint64(kd) before the
  // subtraction): while |k| < 2^51 they are those of 1.5 * 2^52 plus k, so k is their
  // difference as integers. A lane outside the main path (kd huge or NaN) gets some k that
  // only indexes the table (masked to 0..127) and is then selected away.
  const k = i64x2.sub(shifted, expConstant(V_SHIFT));
  const r = f64x2.add(f64x2.add(x, f64x2.mul(kd, expConstant(V_NEG_LN2_HI_N))), f64x2.mul(kd, expConstant(V_NEG_LN2_LO_N)));
  // Each lane's [T[i], H[i]] pair, then the two T and the two H side by side.
  const e0 = v128.load(EXP_TAB + (<usize>(i32x4.extract_lane(k, 0) & 127) << 4));
  const e1 = v128.load(EXP_TAB + (<usize>(i32x4.extract_lane(k, 2) & 127) << 4));
  const tail = v128.shuffle<f64>(e0, e1, 0, 2);
  const h = v128.shuffle<f64>(e0, e1, 1, 3);
  const r2 = f64x2.mul(r, r);
  const tmp = f64x2.add(
    f64x2.add(f64x2.add(tail, r), f64x2.mul(r2, f64x2.add(expConstant(V_C2), f64x2.mul(r, expConstant(V_C3))))),
    f64x2.mul(f64x2.mul(r2, r2), f64x2.add(expConstant(V_C4), f64x2.mul(r, expConstant(V_C5)))),
  );
  if (!i64x2.all_true(f64x2.lt(ax, expConstant(V_512)))) return expPairSpecial(x, kd, k, tmp, h);
  const scale = f64x2.mul(h, pow2Pair(i64x2.shr_s(k, 7)));
  const y = f64x2.add(scale, f64x2.mul(scale, tmp));
  // exp()'s |x| < 2^-54 branch.
  return v128.bitselect(f64x2.add(expConstant(V_ONE), x), y, f64x2.lt(ax, expConstant(V_TWO_M54)));
}

/**
 * expPair for a pair with a lane at |x| >= 512 or NaN: each of exp()'s and expSpecialcase's
 * branches computed on both lanes and selected per lane. Not inlined: it is rare.
 */
function expPairSpecial(x: v128, kd: v128, k: v128, tmp: v128, h: v128): v128 {
  const one = f64x2.splat(1.0);
  const zero = f64x2.splat(0.0);
  const ax = f64x2.abs(x);
  const e = i64x2.shr_s(k, 7);
  // The main path (|x| < 512), then |x| < 2^-54.
  const scale = f64x2.mul(h, pow2Pair(e));
  let y = f64x2.add(scale, f64x2.mul(scale, tmp));
  y = v128.bitselect(f64x2.add(one, x), y, f64x2.lt(ax, f64x2.splat(TWO_M54)));
  // 512 <= |x| < 1024: expSpecialcase, its k >= 0 and k < 0 sides.
  const large = v128.and(f64x2.ge(ax, f64x2.splat(512.0)), f64x2.lt(ax, f64x2.splat(1024.0)));
  if (v128.any_true(large)) {
    const up = f64x2.mul(h, pow2Pair(i64x2.sub(e, i64x2.splat(1009))));
    const yUp = f64x2.mul(f64x2.splat(TWO_P1009), f64x2.add(up, f64x2.mul(up, tmp)));
    const down = f64x2.mul(h, pow2Pair(i64x2.add(e, i64x2.splat(1022))));
    let yDown = f64x2.add(down, f64x2.mul(down, tmp));
    let lo = f64x2.add(f64x2.sub(down, yDown), f64x2.mul(down, tmp));
    const hi = f64x2.add(one, yDown);
    lo = f64x2.add(f64x2.add(f64x2.sub(one, hi), yDown), lo);
    let rounded = f64x2.sub(f64x2.add(hi, lo), one);
    rounded = v128.bitselect(zero, rounded, f64x2.eq(rounded, zero));
    yDown = v128.bitselect(rounded, yDown, f64x2.lt(yDown, one));
    yDown = f64x2.mul(f64x2.splat(TWO_M1022), yDown);
    // k >= 0 exactly when kd >= 0 (kd is the integer k as a double).
    y = v128.bitselect(v128.bitselect(yUp, yDown, f64x2.ge(kd, zero)), y, large);
  }
  // |x| >= 1024, +-Infinity or NaN.
  let out = v128.bitselect(zero, f64x2.splat(Infinity), f64x2.lt(x, zero));
  out = v128.bitselect(f64x2.add(one, x), out, v128.not(f64x2.lt(ax, f64x2.splat(Infinity))));
  out = v128.bitselect(zero, out, f64x2.eq(x, f64x2.splat(-Infinity)));
  return v128.bitselect(out, y, v128.not(f64x2.lt(ax, f64x2.splat(1024.0))));
}

/**
 * dst[i] = exp(src[i]) for i < count (f64 arrays in linear memory): for tests and diagnosis.
 * The SIMD build takes pairs through expPair, so the tests see the vector form there.
 */
export function expArray(src: usize, dst: usize, count: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    storeExpConstants();
    for (; i + 1 < count; i += 2) {
      const offset = <usize>i << 3;
      v128.store(dst + offset, expPair(v128.load(src + offset)));
    }
  }
  for (; i < count; i++) {
    const offset = <usize>i << 3;
    store<f64>(dst + offset, exp(load<f64>(src + offset)));
  }
}
