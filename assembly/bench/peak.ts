// The SIMD peak of one core, for `npm run bench` only (built to build/bench/peak.wasm, never
// part of the library): multiply-add loops on registers alone, no memory traffic, in f64x2
// and f32x4. Twelve independent chains acc = acc * m + c: each step is a dependent multiply
// then add (about 8 cycles of latency), so twelve keep both of a core's vector units busy
// where fewer would wait on latency, and fourteen live vectors still fit the sixteen x64
// registers. WebAssembly has no fused multiply-add (outside relaxed SIMD): a multiply and an
// add are what the library's kernel does per product too.

/** Floating-point operations per iteration of peakF64x2: 12 chains x 2 lanes x (mul + add). */
export const F64X2_FLOPS_PER_ITERATION: i32 = 12 * 2 * 2;
/** Floating-point operations per iteration of peakF32x4: 12 chains x 4 lanes x (mul + add). */
export const F32X4_FLOPS_PER_ITERATION: i32 = 12 * 4 * 2;

/** Runs `iterations` steps of the twelve f64x2 chains; returns a value that depends on all of them. */
export function peakF64x2(iterations: i32, seed: f64): f64 {
  // m and c come from the caller, so that nothing folds at compile time; m < 1 keeps the
  // values bounded (acc tends to c / (1 - m)), away from overflow and subnormals.
  const m = f64x2.splat(1.0 - seed * 1e-9);
  const c = f64x2.splat(seed);
  let a0 = f64x2.splat(seed * 0.5);
  let a1 = f64x2.add(a0, c);
  let a2 = f64x2.add(a1, c);
  let a3 = f64x2.add(a2, c);
  let a4 = f64x2.add(a3, c);
  let a5 = f64x2.add(a4, c);
  let a6 = f64x2.add(a5, c);
  let a7 = f64x2.add(a6, c);
  let a8 = f64x2.add(a7, c);
  let a9 = f64x2.add(a8, c);
  let a10 = f64x2.add(a9, c);
  let a11 = f64x2.add(a10, c);
  for (let i = 0; i < iterations; i++) {
    a0 = f64x2.add(f64x2.mul(a0, m), c);
    a1 = f64x2.add(f64x2.mul(a1, m), c);
    a2 = f64x2.add(f64x2.mul(a2, m), c);
    a3 = f64x2.add(f64x2.mul(a3, m), c);
    a4 = f64x2.add(f64x2.mul(a4, m), c);
    a5 = f64x2.add(f64x2.mul(a5, m), c);
    a6 = f64x2.add(f64x2.mul(a6, m), c);
    a7 = f64x2.add(f64x2.mul(a7, m), c);
    a8 = f64x2.add(f64x2.mul(a8, m), c);
    a9 = f64x2.add(f64x2.mul(a9, m), c);
    a10 = f64x2.add(f64x2.mul(a10, m), c);
    a11 = f64x2.add(f64x2.mul(a11, m), c);
  }
  const s = f64x2.add(
    f64x2.add(f64x2.add(f64x2.add(a0, a1), f64x2.add(a2, a3)), f64x2.add(f64x2.add(a4, a5), f64x2.add(a6, a7))),
    f64x2.add(f64x2.add(a8, a9), f64x2.add(a10, a11)),
  );
  return f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
}

/** Runs `iterations` steps of the twelve f32x4 chains; returns a value that depends on all of them. */
export function peakF32x4(iterations: i32, seed: f32): f32 {
  const m = f32x4.splat(<f32>1.0 - seed * <f32>1e-6);
  const c = f32x4.splat(seed);
  let a0 = f32x4.splat(seed * <f32>0.5);
  let a1 = f32x4.add(a0, c);
  let a2 = f32x4.add(a1, c);
  let a3 = f32x4.add(a2, c);
  let a4 = f32x4.add(a3, c);
  let a5 = f32x4.add(a4, c);
  let a6 = f32x4.add(a5, c);
  let a7 = f32x4.add(a6, c);
  let a8 = f32x4.add(a7, c);
  let a9 = f32x4.add(a8, c);
  let a10 = f32x4.add(a9, c);
  let a11 = f32x4.add(a10, c);
  for (let i = 0; i < iterations; i++) {
    a0 = f32x4.add(f32x4.mul(a0, m), c);
    a1 = f32x4.add(f32x4.mul(a1, m), c);
    a2 = f32x4.add(f32x4.mul(a2, m), c);
    a3 = f32x4.add(f32x4.mul(a3, m), c);
    a4 = f32x4.add(f32x4.mul(a4, m), c);
    a5 = f32x4.add(f32x4.mul(a5, m), c);
    a6 = f32x4.add(f32x4.mul(a6, m), c);
    a7 = f32x4.add(f32x4.mul(a7, m), c);
    a8 = f32x4.add(f32x4.mul(a8, m), c);
    a9 = f32x4.add(f32x4.mul(a9, m), c);
    a10 = f32x4.add(f32x4.mul(a10, m), c);
    a11 = f32x4.add(f32x4.mul(a11, m), c);
  }
  const s = f32x4.add(
    f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7))),
    f32x4.add(f32x4.add(a8, a9), f32x4.add(a10, a11)),
  );
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
}
