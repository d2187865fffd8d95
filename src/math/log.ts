// Owns the pure-JS natural logarithm. It is fdlibm's __ieee754_log (e_log.c 1.3 95/01/18, as in
// FreeBSD msun/src/e_log.c) done as the same IEEE-754 double operations in the same order as
// assembly/log.ts, so it returns the very bits the kernel returns, in every engine. Error
// < 1 ulp (fdlibm's bound); test/log-tanh.test.ts measures it against glibc.
// Math.log is not used: engines disagree on it.
//
// Upstream reads the two 32-bit halves of x through a union; here through one scratch
// Float64Array aliased by an Int32Array, allocated once. One departure, which changes no
// result: upstream then overwrites x's high word to bring x to [sqrt(2)/2, sqrt(2)), and we
// multiply x by the power of two that does the same. The product is exact (x is normal by then
// and so is the result), so it is the double upstream builds; but writing an Int32Array lane
// and reading the Float64Array back defeats the CPU's store-to-load forwarding, and measured
// 23.4 against 13.0 ns per call in Node 20. assembly/log.ts keeps upstream's bit write, which
// costs nothing there. Keep the two files in lockstep; test/fixtures/gen_log_tanh.py checks
// that both spell every constant as upstream does.

/** ln(x), fdlibm's algorithm, bit-identical to the kernel's log. Allocates nothing. */
export const log: (x: number) => number = (() => {
  // Everything log reads is a const of this closure rather than of the module, for the
  // reason src/math/exp.ts gives (bundlers turn module consts into vars that V8 reloads).

  // Upstream's constants, its decimal spelling; the hex words are upstream's comments.
  const LN2_HI = 6.93147180369123816490e-01; // 3fe62e42 fee00000
  const LN2_LO = 1.90821492927058770002e-10; // 3dea39ef 35793c76
  const TWO54 = 1.80143985094819840000e+16; //  43500000 00000000
  const LG1 = 6.666666666666735130e-01; //      3FE55555 55555593
  const LG2 = 3.999999999940941908e-01; //      3FD99999 9997FA04
  const LG3 = 2.857142874366239149e-01; //      3FD24924 94229359
  const LG4 = 2.222219843214978396e-01; //      3FCC71C5 1D8E78AF
  const LG5 = 1.818357216161805012e-01; //      3FC74664 96CB03DE
  const LG6 = 1.531383769920937332e-01; //      3FC39A09 D078C69F
  const LG7 = 1.479819860511658591e-01; //      3FC2F112 DF3E5244
  // Written inline in upstream's |f| < 2^-20 branch; the double nearest 1/3.
  const THIRD = 0.33333333333333333; //         3FD55555 55555555

  const F = new Float64Array(1);
  const W = new Int32Array(F.buffer);
  // Typed arrays use the platform's byte order. Every WebAssembly host is little-endian, but
  // the JS backend may also run on a big-endian one (Node on s390x), so look rather than assume.
  const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
  const LO = 1 - HI;

  /** POW2[j + POW2_BIAS] = 2^j for j in [-1024, 1022], every scale the normalisation needs. */
  const POW2_BIAS = 1024;
  const POW2 = new Float64Array(2047);
  // Repeated doubling and halving are exact down to 2^-1074.
  for (let j = 0, p = 1; j <= 1022; j++, p *= 2) POW2[POW2_BIAS + j] = p;
  for (let j = 0, p = 1; j >= -1024; j--, p *= 0.5) POW2[POW2_BIAS + j] = p;

  function log(x: number): number {
    F[0] = x;
    let hx = W[HI]!;
    let k = 0;
    if (hx < 0x00100000) {
      // x < 2^-1022, including every negative x (hx is signed). Upstream reads the low word
      // up front; only this branch uses it.
      const lx = W[LO]!;
      if (((hx & 0x7fffffff) | lx) === 0) return -Infinity; // upstream's -two54/zero
      if (hx < 0) return NaN; // upstream's (x-x)/zero
      // Subnormal: scale into the normal range, exactly.
      k -= 54;
      x *= TWO54;
      F[0] = x;
      hx = W[HI]!;
    }
    if (hx >= 0x7ff00000) return x + x; // +Infinity or NaN
    const e = (hx >> 20) - 1023;
    k += e;
    hx &= 0x000fffff;
    // Pick the exponent that puts the mantissa m in [sqrt(2)/2, sqrt(2)): i is 0x100000 when
    // m >= sqrt(2), and then m is halved.
    const i = (hx + 0x95f64) & 0x100000;
    // Upstream's SET_HIGH_WORD(x, hx | (i ^ 0x3ff00000)), i.e. x = m or m/2 (see the header):
    // 2^(e + 1) can reach 2^1024, whose reciprocal is a subnormal but still exact.
    x *= POW2[POW2_BIAS - e - (i >> 20)]!;
    k += i >> 20;
    const f = x - 1.0;
    if ((0x000fffff & (2 + hx)) < 3) {
      // -2^-20 <= f < 2^-20: a short series is enough.
      if (f === 0.0) {
        if (k === 0) return 0.0;
        const dk = k;
        return dk * LN2_HI + dk * LN2_LO;
      }
      const R = f * f * (0.5 - THIRD * f);
      if (k === 0) return f - R;
      const dk = k;
      return dk * LN2_HI - ((R - dk * LN2_LO) - f);
    }
    const s = f / (2.0 + f);
    const dk = k;
    const z = s * s;
    // Upstream reuses i here; i2 is that second i.
    let i2 = hx - 0x6147a;
    const w = z * z;
    const j = 0x6b851 - hx;
    const t1 = w * (LG2 + w * (LG4 + w * LG6));
    const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
    i2 |= j;
    const R = t2 + t1;
    // i2 > 0 exactly when 0x6147a <= hx <= 0x6b851: the mantissa is near sqrt(2), so |f| is
    // near its largest, and upstream takes the more accurate hfsq form.
    if (i2 > 0) {
      const hfsq = 0.5 * f * f;
      if (k === 0) return f - (hfsq - s * (hfsq + R));
      return dk * LN2_HI - ((hfsq - (s * (hfsq + R) + dk * LN2_LO)) - f);
    }
    if (k === 0) return f - s * (f - R);
    return dk * LN2_HI - ((s * (f - R) - dk * LN2_LO) - f);
  }

  return log;
})();
