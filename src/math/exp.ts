// Owns the pure-JS exp: the hot path of the JS backend. It is the table-driven exp of glibc
// >= 2.28 / ARM optimized-routines (math/exp.c, EXP_TABLE_BITS = 7, EXP_POLY_ORDER = 5) done
// as the same IEEE-754 double operations in the same order, so it returns what glibc's
// non-FMA build returns for every input, in every engine, and the very bits that
// assembly/exp.ts returns. Math.exp is not used: engines disagree on it.
//
// Two departures from the C, neither of which changes a result:
// - the range tests on top12(x) are done as comparisons on |x| (same partition of inputs);
// - the scale 2^(k/128) is H[i] * 2^e (k = 128e + i) instead of adding ki << 45 to the bits
//   of H[i]: both give the same double whenever it is normal, which it is on every path here
//   (|e| <= 739 on the main path; e - 1009 and e + 1022 in the special case stay within
//   [-456, 468]). assembly/exp.ts multiplies too, so both backends do literally the same
//   floating-point operations.
// Keep this file and assembly/exp.ts in lockstep; test/exp.test.ts checks both against glibc.
import { EXP_TABLE } from './exp-table.ts';

/** e^x, bit-identical to glibc's exp (non-FMA build) and to the kernel's exp. */
export const exp: (x: number) => number = (() => {
  // Everything exp reads is a const of this closure rather than of the module: bundlers
  // (esbuild) turn module-level consts into vars, which V8 reloads on every call (measured:
  // ~6.3 instead of ~3.3 ns per call), while it folds an enclosing function's consts into
  // the optimized code.

  // Upstream's __exp_data constants: hex float in the comment, shortest round-trip decimal in
  // the code (neither JS nor AssemblyScript has hex float literals).
  const INV_LN2_N = 184.6649652337873; //        0x1.71547652b82fep0 * 128
  const NEG_LN2_HI_N = -0.005415212348111709; // -0x1.62e42fefa0000p-8
  const NEG_LN2_LO_N = -1.2864023111638346e-14; // -0x1.cf79abc9e3b3ap-47
  const SHIFT = 6755399441055744.0; //            0x1.8p52
  const C2 = 0.49999999999996786; //              0x1.ffffffffffdbdp-2
  const C3 = 0.16666666666665886; //              0x1.555555555543cp-3
  const C4 = 0.0416666808410674; //               0x1.55555cf172b91p-5
  const C5 = 0.008333335853059549; //             0x1.1111167a4d017p-7
  const TWO_P1009 = 5.486124068793689e303; //     0x1p1009
  const TWO_M1022 = 2.2250738585072014e-308; //   0x1p-1022
  const TWO_M54 = 5.551115123125783e-17; //       0x1p-54

  const T = EXP_TABLE;

  /** POW2[j + POW2_BIAS] = 2^j for every normal power of two, j in [-1022, 1023]. */
  const POW2_BIAS = 1022;
  const POW2 = new Float64Array(2046);
  // Repeated doubling and halving are exact for normal powers of two.
  for (let j = 0, p = 1; j <= 1023; j++, p *= 2) POW2[POW2_BIAS + j] = p;
  for (let j = 0, p = 1; j >= -1022; j--, p *= 0.5) POW2[POW2_BIAS + j] = p;

  function exp(x: number): number {
    const ax = Math.abs(x);
    let large = false;
    // Written negated so that NaN leaves the main path too, as it does upstream.
    if (!(ax >= TWO_M54 && ax < 512)) {
      // Upstream returns 1 + x rather than 1 so that directed rounding modes come out right.
      if (ax < TWO_M54) return 1.0 + x;
      if (!(ax < 1024)) {
        if (x === -Infinity) return 0;
        if (!(ax < Infinity)) return 1.0 + x; // +Infinity or NaN
        return x < 0 ? 0 : Infinity; // __math_uflow(0) / __math_oflow(0)
      }
      // 512 <= |x| < 1024: the result may overflow or be subnormal; see specialcase.
      large = true;
    }
    // exp(x) = 2^(k/128) * exp(r), with k = round(x * 128/ln2) and |r| <= ln2/256.
    const z = INV_LN2_N * x;
    // Adding 1.5 * 2^52 rounds z to an integer (round to nearest, ties to even).
    let kd = z + SHIFT;
    kd -= SHIFT;
    const k = kd | 0;
    const r = x + kd * NEG_LN2_HI_N + kd * NEG_LN2_LO_N;
    const t = (k & 127) << 1;
    const tail = T[t]!;
    const r2 = r * r;
    const tmp = tail + r + r2 * (C2 + r * C3) + r2 * r2 * (C4 + r * C5);
    if (large) return specialcase(tmp, T[t + 1]!, k);
    const scale = T[t + 1]! * POW2[POW2_BIAS + (k >> 7)]!;
    return scale + scale * tmp;
  }

  /**
   * Upstream's specialcase for 512 <= |x| < 1024, where scale itself may not be a normal
   * double: the scale is built 2^1009 too small (k > 0) or 2^1022 too large (k < 0), and the
   * result rescaled at the end. On the subnormal side y is first rounded to the precision it
   * will have after the scaling, to avoid a double rounding.
   */
  function specialcase(tmp: number, h: number, k: number): number {
    const e = k >> 7;
    if (k >= 0) {
      const scale = h * POW2[POW2_BIAS + e - 1009]!;
      return TWO_P1009 * (scale + scale * tmp);
    }
    const scale = h * POW2[POW2_BIAS + e + 1022]!;
    let y = scale + scale * tmp;
    if (y < 1.0) {
      let lo = scale - y + scale * tmp;
      const hi = 1.0 + y;
      lo = 1.0 - hi + y + lo;
      y = hi + lo - 1.0;
      // Upstream avoids -0 under downward rounding; a no-op in round-to-nearest, kept for parity.
      if (y === 0) y = 0;
    }
    return TWO_M1022 * y;
  }

  return exp;
})();
