// Owns the kernel's natural logarithm. It is fdlibm's __ieee754_log (e_log.c 1.3 95/01/18, as
// in FreeBSD msun/src/e_log.c) done as the same IEEE-754 double operations in the same order
// as src/math/log.ts, so the wasm and JS backends agree bit for bit in every engine. Error < 1 ulp
// (fdlibm's bound); test/log-tanh.test.ts measures it against glibc.
// AssemblyScript's Math.log is not used: engines and AssemblyScript disagree on log.
//
// Upstream reads and writes the two 32-bit halves of x through a union; here they come from
// reinterpret<u64>, which gives the same words. (src/math/log.ts brings x to [sqrt(2)/2, sqrt(2))
// by an exact multiplication instead of the high-word write, for speed in JS; it is the same
// double.) Keep this file and src/math/log.ts in lockstep; test/fixtures/gen_log_tanh.py checks that
// both spell every constant as upstream does.

// Upstream's constants, its decimal spelling; the hex words are upstream's comments.
const LN2_HI: f64 = 6.93147180369123816490e-01; // 3fe62e42 fee00000
const LN2_LO: f64 = 1.90821492927058770002e-10; // 3dea39ef 35793c76
const TWO54: f64 = 1.80143985094819840000e+16; //  43500000 00000000
const LG1: f64 = 6.666666666666735130e-01; //      3FE55555 55555593
const LG2: f64 = 3.999999999940941908e-01; //      3FD99999 9997FA04
const LG3: f64 = 2.857142874366239149e-01; //      3FD24924 94229359
const LG4: f64 = 2.222219843214978396e-01; //      3FCC71C5 1D8E78AF
const LG5: f64 = 1.818357216161805012e-01; //      3FC74664 96CB03DE
const LG6: f64 = 1.531383769920937332e-01; //      3FC39A09 D078C69F
const LG7: f64 = 1.479819860511658591e-01; //      3FC2F112 DF3E5244
// Written inline in upstream's |f| < 2^-20 branch; the double nearest 1/3.
const THIRD: f64 = 0.33333333333333333; //         3FD55555 55555555

/** ln(x), fdlibm's algorithm, bit-identical to src/math/log.ts. Allocates nothing. */
// @ts-ignore: decorator
@inline export function log(x: f64): f64 {
  let bits = reinterpret<u64>(x);
  let hx = <i32>(bits >>> 32);
  const lx = <u32>bits;
  let k: i32 = 0;
  if (hx < 0x00100000) {
    // x < 2^-1022, including every negative x (hx is signed).
    if (((hx & 0x7fffffff) | lx) == 0) return -Infinity; // upstream's -two54/zero
    if (hx < 0) return NaN; // upstream's (x-x)/zero
    // Subnormal: scale into the normal range, exactly.
    k -= 54;
    x *= TWO54;
    bits = reinterpret<u64>(x);
    hx = <i32>(bits >>> 32);
  }
  if (hx >= 0x7ff00000) return x + x; // +Infinity or NaN
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  // Pick the exponent that puts the mantissa m in [sqrt(2)/2, sqrt(2)): i is 0x100000 when
  // m >= sqrt(2), and then m is halved.
  const i = (hx + 0x95f64) & 0x100000;
  // Upstream's SET_HIGH_WORD: new high word, x's current (possibly scaled) low word.
  x = reinterpret<f64>((<u64>(hx | (i ^ 0x3ff00000)) << 32) | (bits & 0xffffffff));
  k += i >> 20;
  const f = x - 1.0;
  if ((0x000fffff & (2 + hx)) < 3) {
    // -2^-20 <= f < 2^-20: a short series is enough.
    if (f == 0.0) {
      if (k == 0) return 0.0;
      const dk = <f64>k;
      return dk * LN2_HI + dk * LN2_LO;
    }
    const R = f * f * (0.5 - THIRD * f);
    if (k == 0) return f - R;
    const dk = <f64>k;
    return dk * LN2_HI - ((R - dk * LN2_LO) - f);
  }
  const s = f / (2.0 + f);
  const dk = <f64>k;
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
    if (k == 0) return f - (hfsq - s * (hfsq + R));
    return dk * LN2_HI - ((hfsq - (s * (hfsq + R) + dk * LN2_LO)) - f);
  }
  if (k == 0) return f - s * (f - R);
  return dk * LN2_HI - ((s * (f - R) - dk * LN2_LO) - f);
}

/** dst[i] = log(src[i]) for i < count (f64 arrays in linear memory): for tests and diagnosis. */
export function logArray(src: usize, dst: usize, count: i32): void {
  for (let i = 0; i < count; i++) {
    const offset = <usize>i << 3;
    store<f64>(dst + offset, log(load<f64>(src + offset)));
  }
}
