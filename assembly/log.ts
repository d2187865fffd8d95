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
//
// logPair is the same function on two lanes for the SIMD build: the integer work on the high
// words in i64 lanes, the floating-point work in f64 lanes, each branch turned into a
// lane-wise select (see its comment for the two branches it need not select).

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

// The constants of logPair in both lanes, in memory: V8 builds a v128.const with several
// instructions at each use, inside loops too, where a load is one instruction and folds into
// the arithmetic. Zero in the binary (as scripts/passive-data.mjs needs); the kernel calls
// that use logPair store them first (storeLogConstants).
const LOG_POOL: usize = memory.data(25 * 16, 16);
const V_NORMAL_HIGH = 0;
const V_INFINITY_HIGH = 1;
const V_EXPONENT_BIAS = 2;
const V_MANTISSA_HIGH = 3;
const V_SQRT2_ROUND = 4;
const V_EXPONENT_ONE = 5;
const V_ONE_HIGH = 6;
const V_LOW_WORD = 7;
const V_ONE = 8;
const V_LN2_HI = 9;
const V_LN2_LO = 10;
const V_TWO = 11;
const V_LG1 = 12;
const V_LG2 = 13;
const V_LG3 = 14;
const V_LG4 = 15;
const V_LG5 = 16;
const V_LG6 = 17;
const V_LG7 = 18;
const V_NEAR_SQRT2_FROM = 19;
const V_NEAR_SQRT2_TO = 20;
const V_HALF = 21;
const V_INT_TWO = 22;
const V_INT_THREE = 23;
const V_THIRD = 24;

/** Fills LOG_POOL; cheap enough to run at the start of every kernel call. */
export function storeLogConstants(): void {
  v128.store(LOG_POOL + (V_NORMAL_HIGH << 4), i64x2.splat(0x00100000));
  v128.store(LOG_POOL + (V_INFINITY_HIGH << 4), i64x2.splat(0x7ff00000));
  v128.store(LOG_POOL + (V_EXPONENT_BIAS << 4), i64x2.splat(1023));
  v128.store(LOG_POOL + (V_MANTISSA_HIGH << 4), i64x2.splat(0x000fffff));
  v128.store(LOG_POOL + (V_SQRT2_ROUND << 4), i64x2.splat(0x95f64));
  v128.store(LOG_POOL + (V_EXPONENT_ONE << 4), i64x2.splat(0x100000));
  v128.store(LOG_POOL + (V_ONE_HIGH << 4), i64x2.splat(0x3ff00000));
  v128.store(LOG_POOL + (V_LOW_WORD << 4), i64x2.splat(0xffffffff));
  v128.store(LOG_POOL + (V_ONE << 4), f64x2.splat(1.0));
  v128.store(LOG_POOL + (V_LN2_HI << 4), f64x2.splat(LN2_HI));
  v128.store(LOG_POOL + (V_LN2_LO << 4), f64x2.splat(LN2_LO));
  v128.store(LOG_POOL + (V_TWO << 4), f64x2.splat(2.0));
  v128.store(LOG_POOL + (V_LG1 << 4), f64x2.splat(LG1));
  v128.store(LOG_POOL + (V_LG2 << 4), f64x2.splat(LG2));
  v128.store(LOG_POOL + (V_LG3 << 4), f64x2.splat(LG3));
  v128.store(LOG_POOL + (V_LG4 << 4), f64x2.splat(LG4));
  v128.store(LOG_POOL + (V_LG5 << 4), f64x2.splat(LG5));
  v128.store(LOG_POOL + (V_LG6 << 4), f64x2.splat(LG6));
  v128.store(LOG_POOL + (V_LG7 << 4), f64x2.splat(LG7));
  v128.store(LOG_POOL + (V_NEAR_SQRT2_FROM << 4), i64x2.splat(0x6147a));
  v128.store(LOG_POOL + (V_NEAR_SQRT2_TO << 4), i64x2.splat(0x6b851));
  v128.store(LOG_POOL + (V_HALF << 4), f64x2.splat(0.5));
  v128.store(LOG_POOL + (V_INT_TWO << 4), i64x2.splat(2));
  v128.store(LOG_POOL + (V_INT_THREE << 4), i64x2.splat(3));
  v128.store(LOG_POOL + (V_THIRD << 4), f64x2.splat(THIRD));
}

/** One constant of LOG_POOL. */
// @ts-ignore: decorator
@inline function logConstant(slot: usize): v128 {
  return v128.load(LOG_POOL + (slot << 4));
}

/**
 * [log(x0), log(x1)]: log() above on each lane of `x`, the same bits.
 *
 * Two of log()'s branches need no select. Its k == 0 returns are its general returns with
 * dk = 0: there dk * LN2_LO = +0 and dk * LN2_HI = +0, and 0 - (a - b) == b - a in
 * round-to-nearest for every a and b (a - b and b - a are exact negatives, and both are +0
 * when a == b), so `f - (...)` and `0 - ((...) - f)` are the same double. Its f == 0 return is
 * the |f| < 2^-20 return with f = 0 (R = 0, and 0 - dk * LN2_LO is -(dk * LN2_LO)). Both are
 * shortcuts upstream takes for speed; test/vector-math.test.ts checks the bits on every path.
 */
// @ts-ignore: decorator
@inline export function logPair(x: v128): v128 {
  // One copy of the body, called: it is long, and the kernel's size counts on a page.
  return logPairBody(x);
}

function logPairBody(x: v128): v128 {
  // hx: each lane's high word, sign-extended into its i64 lane.
  let hx = i64x2.shr_s(x, 32);
  let k = i64x2.splat(0);
  let y = x;
  // x < 2^-1022 (zero, negative, subnormal) or +Infinity / NaN in some lane.
  const tiny = i64x2.lt_s(hx, logConstant(V_NORMAL_HIGH));
  const huge = i64x2.ge_s(hx, logConstant(V_INFINITY_HIGH));
  const special = v128.or(tiny, huge);
  if (v128.any_true(special)) {
    // The subnormals scaled into the normal range, exactly; the other special lanes are
    // selected away at the end.
    y = v128.bitselect(f64x2.mul(x, f64x2.splat(TWO54)), x, tiny);
    k = v128.and(i64x2.splat(-54), tiny);
    hx = i64x2.shr_s(y, 32);
  }
  k = i64x2.add(k, i64x2.sub(i64x2.shr_s(hx, 20), logConstant(V_EXPONENT_BIAS)));
  hx = v128.and(hx, logConstant(V_MANTISSA_HIGH));
  const i = v128.and(i64x2.add(hx, logConstant(V_SQRT2_ROUND)), logConstant(V_EXPONENT_ONE));
  y = v128.or(i64x2.shl(v128.or(hx, v128.xor(i, logConstant(V_ONE_HIGH))), 32), v128.and(y, logConstant(V_LOW_WORD)));
  k = i64x2.add(k, i64x2.shr_s(i, 20));
  const one = logConstant(V_ONE);
  const f = f64x2.sub(y, one);
  // The k of both lanes (small integers) as i32 lanes 0 and 1, then as doubles.
  const dk = f64x2.convert_low_i32x4_s(i32x4.shuffle(k, k, 0, 2, 0, 2));
  const hi = f64x2.mul(dk, logConstant(V_LN2_HI));
  const lo = f64x2.mul(dk, logConstant(V_LN2_LO));
  const s = f64x2.div(f, f64x2.add(logConstant(V_TWO), f));
  const z = f64x2.mul(s, s);
  const w = f64x2.mul(z, z);
  const t1 = f64x2.mul(w, f64x2.add(logConstant(V_LG2), f64x2.mul(w, f64x2.add(logConstant(V_LG4), f64x2.mul(w, logConstant(V_LG6))))));
  const t2 = f64x2.mul(z, f64x2.add(logConstant(V_LG1), f64x2.mul(w, f64x2.add(logConstant(V_LG3), f64x2.mul(w, f64x2.add(logConstant(V_LG5), f64x2.mul(w, logConstant(V_LG7))))))));
  const R = f64x2.add(t2, t1);
  // The hfsq form where the mantissa is near sqrt(2) (log()'s i2 > 0), else the plain one.
  const nearSqrt2 = i64x2.gt_s(v128.or(i64x2.sub(hx, logConstant(V_NEAR_SQRT2_FROM)), i64x2.sub(logConstant(V_NEAR_SQRT2_TO), hx)), i64x2.splat(0));
  const plain = f64x2.sub(hi, f64x2.sub(f64x2.sub(f64x2.mul(s, f64x2.sub(f, R)), lo), f));
  let out = plain;
  if (v128.any_true(nearSqrt2)) {
    const hfsq = f64x2.mul(f64x2.mul(logConstant(V_HALF), f), f);
    const near = f64x2.sub(hi, f64x2.sub(f64x2.sub(hfsq, f64x2.add(f64x2.mul(s, f64x2.add(hfsq, R)), lo)), f));
    out = v128.bitselect(near, plain, nearSqrt2);
  }
  // -2^-20 <= f < 2^-20: the short series.
  const short = i64x2.lt_s(v128.and(logConstant(V_MANTISSA_HIGH), i64x2.add(logConstant(V_INT_TWO), hx)), logConstant(V_INT_THREE));
  if (v128.any_true(short)) {
    const series = f64x2.mul(f64x2.mul(f, f), f64x2.sub(logConstant(V_HALF), f64x2.mul(logConstant(V_THIRD), f)));
    out = v128.bitselect(f64x2.sub(hi, f64x2.sub(f64x2.sub(series, lo), f)), out, short);
  }
  if (v128.any_true(special)) {
    // +Infinity or NaN: x + x; negative: NaN; +-0: -Infinity (log()'s order, last first).
    out = v128.bitselect(f64x2.add(x, x), out, huge);
    out = v128.bitselect(f64x2.splat(NaN), out, v128.and(tiny, i64x2.lt_s(x, i64x2.splat(0))));
    out = v128.bitselect(f64x2.splat(-Infinity), out, v128.and(tiny, i64x2.eq(v128.and(x, i64x2.splat(0x7fffffffffffffff)), i64x2.splat(0))));
  }
  return out;
}

/**
 * dst[i] = log(src[i]) for i < count (f64 arrays in linear memory): for tests and diagnosis.
 * The SIMD build takes pairs through logPair, so the tests see the vector form there.
 */
export function logArray(src: usize, dst: usize, count: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    storeLogConstants();
    for (; i + 1 < count; i += 2) {
      const offset = <usize>i << 3;
      v128.store(dst + offset, logPair(v128.load(src + offset)));
    }
  }
  for (; i < count; i++) {
    const offset = <usize>i << 3;
    store<f64>(dst + offset, log(load<f64>(src + offset)));
  }
}
