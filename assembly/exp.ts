// Owns the kernel's exp and the static region holding its table. It is the table-driven exp of
// glibc >= 2.28 / ARM optimized-routines (math/exp.c, EXP_TABLE_BITS = 7, EXP_POLY_ORDER = 5)
// done as the same IEEE-754 double operations in the same order as src/math/exp.ts, so the wasm
// and JS backends agree bit for bit, and both return what glibc's non-FMA build returns.
// AssemblyScript's Math.exp is not used: it is a different algorithm with different results.
//
// The range tests compare |x| and the scale is H[i] * 2^e rather than upstream's integer add
// on the bits; src/math/exp.ts explains why neither changes a result. Keep the two files in
// lockstep; test/exp.test.ts checks both against glibc.

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

/** dst[i] = exp(src[i]) for i < count (f64 arrays in linear memory): for tests and diagnosis. */
export function expArray(src: usize, dst: usize, count: i32): void {
  for (let i = 0; i < count; i++) {
    const offset = <usize>i << 3;
    store<f64>(dst + offset, exp(load<f64>(src + offset)));
  }
}
