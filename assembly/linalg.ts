// The kernel's products: the forward Z = A.W^T + b, the hidden deltas D.W, the weight
// gradients D^T.A, and the per-sample fused SGD pass. Each has a scalar form and, when
// compiled with SIMD, a register-blocked form (one 4x4 micro-kernel, block4x4, with plain
// loops around it, BLIS's shape). SIMD lanes always run across independent outputs, never across a sum:
// every output is still summed in increasing index order, its first term first, exactly as
// the scalar loops and src/backends/js/linalg.ts sum it, so all three give the same bits.
// Threads split each product the same way, by outputs: `part` of `parts` computes a range of
// whole outputs (columns of Z, of E; rows of G), so the result cannot depend on the count.

// @ts-ignore: decorator
@inline function ld(p: usize): f64 {
  return load<f64>(p);
}

// @ts-ignore: decorator
@inline function st(p: usize, v: f64): void {
  store<f64>(p, v);
}

// @ts-ignore: decorator
@inline function splat(p: usize): v128 {
  return v128.load64_splat(p);
}

/** Where `part` of `parts` starts in [0, count): whole units of `unit`; the last part ends at count. */
// @ts-ignore: decorator
@inline export function splitAt(count: i32, unit: i32, part: i32, parts: i32): i32 {
  return part >= parts ? count : ((count / unit) * part / parts) * unit;
}

/** The unit a part's range of outputs is cut in: the micro-kernels' 4, or single outputs. */
// @ts-ignore: decorator
@inline export function unit(): i32 {
  return ASC_FEATURE_SIMD ? 4 : 1;
}

/**
 * Z[r][j] = (sum_i A[r][i] * W[j][i]) + b[j] for r < rows and this part's outputs j (all
 * row-major). `pack` is scratch for nOut * nIn doubles (W^T in panels of 4 outputs).
 */
export function forwardProduct(w: usize, b: usize, a: usize, z: usize, rows: i32, nIn: i32, nOut: i32, pack: usize, part: i32, parts: i32): void {
  if (ASC_FEATURE_SIMD) {
    if (rows == 1) {
      if (part == 0) matvecSimd(w, b, a, z, nIn, nOut);
    } else {
      gemmSimd(w, b, a, z, rows, nIn, nOut, pack, part, parts);
    }
    return;
  }
  forwardScalar(w, b, a, z, 0, rows, splitAt(nOut, 1, part, parts), splitAt(nOut, 1, part + 1, parts), nIn, nOut);
}

/** The scalar forward over rows [r0, r1) and outputs [j0, j1). */
function forwardScalar(w: usize, b: usize, a: usize, z: usize, r0: i32, r1: i32, j0: i32, j1: i32, nIn: i32, nOut: i32): void {
  const inBytes = (<usize>nIn) << 3;
  for (let r = r0; r < r1; r++) {
    const x = a + <usize>r * inBytes;
    const zr = z + ((<usize>(r * nOut)) << 3);
    for (let j = j0; j < j1; j++) {
      const row = w + <usize>j * inBytes;
      let s = ld(row) * ld(x);
      for (let i = 1; i < nIn; i++) s += ld(row + ((<usize>i) << 3)) * ld(x + ((<usize>i) << 3));
      st(zr + ((<usize>j) << 3), s + ld(b + ((<usize>j) << 3)));
    }
  }
}

/**
 * One row: lanes are outputs j and j+1 of a pair of W's rows. Each output's sum is a chain
 * of dependent adds, so four pairs (eight outputs) run side by side to keep the adder busy.
 */
function matvecSimd(w: usize, b: usize, x: usize, z: usize, nIn: i32, nOut: i32): void {
  const inBytes = (<usize>nIn) << 3;
  const x0 = splat(x);
  let j = 0;
  for (; j + 7 < nOut; j += 8) {
    const w0 = w + <usize>j * inBytes;
    const w2 = w0 + 2 * inBytes;
    const w4 = w2 + 2 * inBytes;
    const w6 = w4 + 2 * inBytes;
    let acc0 = f64x2.mul(firstTerms(w0, inBytes), x0);
    let acc1 = f64x2.mul(firstTerms(w2, inBytes), x0);
    let acc2 = f64x2.mul(firstTerms(w4, inBytes), x0);
    let acc3 = f64x2.mul(firstTerms(w6, inBytes), x0);
    let i = 1;
    for (; i + 1 < nIn; i += 2) {
      const at = (<usize>i) << 3;
      const xv = v128.load(x + at);
      acc0 = addPairTerms(acc0, w0 + at, inBytes, xv);
      acc1 = addPairTerms(acc1, w2 + at, inBytes, xv);
      acc2 = addPairTerms(acc2, w4 + at, inBytes, xv);
      acc3 = addPairTerms(acc3, w6 + at, inBytes, xv);
    }
    if (i < nIn) {
      const at = (<usize>i) << 3;
      const xi = splat(x + at);
      acc0 = f64x2.add(acc0, f64x2.mul(firstTerms(w0 + at, inBytes), xi));
      acc1 = f64x2.add(acc1, f64x2.mul(firstTerms(w2 + at, inBytes), xi));
      acc2 = f64x2.add(acc2, f64x2.mul(firstTerms(w4 + at, inBytes), xi));
      acc3 = f64x2.add(acc3, f64x2.mul(firstTerms(w6 + at, inBytes), xi));
    }
    const zj = z + ((<usize>j) << 3);
    const bj = b + ((<usize>j) << 3);
    v128.store(zj, f64x2.add(acc0, v128.load(bj)));
    v128.store(zj, f64x2.add(acc1, v128.load(bj, 16)), 16);
    v128.store(zj, f64x2.add(acc2, v128.load(bj, 32)), 32);
    v128.store(zj, f64x2.add(acc3, v128.load(bj, 48)), 48);
  }
  for (; j + 1 < nOut; j += 2) {
    const w0 = w + <usize>j * inBytes;
    let acc = f64x2.mul(firstTerms(w0, inBytes), x0);
    let i = 1;
    for (; i + 1 < nIn; i += 2) {
      const at = (<usize>i) << 3;
      acc = addPairTerms(acc, w0 + at, inBytes, v128.load(x + at));
    }
    if (i < nIn) {
      const at = (<usize>i) << 3;
      acc = f64x2.add(acc, f64x2.mul(firstTerms(w0 + at, inBytes), splat(x + at)));
    }
    v128.store(z + ((<usize>j) << 3), f64x2.add(acc, v128.load(b + ((<usize>j) << 3))));
  }
  if (j < nOut) forwardScalar(w, b, x, z, 0, 1, j, nOut, nIn, nOut);
}

/** The doubles at p and p + rowBytes (one input index of two rows of W) as one vector. */
// @ts-ignore: decorator
@inline function firstTerms(p: usize, rowBytes: usize): v128 {
  return f64x2.replace_lane(f64x2.splat(ld(p)), 1, ld(p + rowBytes));
}

/** acc + the two rows' terms i, then + their terms i+1 (p is row j at i; xv is x[i], x[i+1]). */
// @ts-ignore: decorator
@inline function addPairTerms(acc: v128, p: usize, rowBytes: usize, xv: v128): v128 {
  const p0 = f64x2.mul(v128.load(p), xv); // W[j][i]x[i], W[j][i+1]x[i+1]
  const p1 = f64x2.mul(v128.load(p + rowBytes), xv);
  return f64x2.add(f64x2.add(acc, v128.shuffle<f64>(p0, p1, 0, 2)), v128.shuffle<f64>(p0, p1, 1, 3));
}

/** Several rows: this part's panels of W^T packed, then 4 rows x 4 outputs per micro-kernel call. */
function gemmSimd(w: usize, b: usize, a: usize, z: usize, rows: i32, nIn: i32, nOut: i32, pack: usize, part: i32, parts: i32): void {
  const inBytes = (<usize>nIn) << 3;
  const j0 = splitAt(nOut, 4, part, parts);
  const j1 = splitAt(nOut, 4, part + 1, parts);
  const full = j1 & ~3; // the last part's range may end in outputs that fill no panel
  // pack[p][i][k] = W[4p + k][i]: one 32-byte line per input index.
  for (let j = j0; j < full; j += 4) {
    const dst = pack + <usize>j * inBytes;
    const src = w + <usize>j * inBytes;
    for (let i = 0; i < nIn; i++) {
      const at = (<usize>i) << 3;
      const d = dst + (at << 2);
      st(d, ld(src + at));
      st(d + 8, ld(src + inBytes + at));
      st(d + 16, ld(src + 2 * inBytes + at));
      st(d + 24, ld(src + 3 * inBytes + at));
    }
  }
  const fullRows = rows & ~3;
  for (let r = 0; r < fullRows; r += 4) {
    // Z[r..r+3][j..j+3]: the panel's lines (t = i) against the rows' inputs A[r+k][i], plus b.
    for (let j = j0; j < full; j += 4) block4x4(pack + <usize>j * inBytes, 32, a + <usize>r * inBytes, inBytes, 8, nIn, z + ((<usize>(r * nOut + j)) << 3), (<usize>nOut) << 3, b + ((<usize>j) << 3));
  }
  if (full < j1) forwardScalar(w, b, a, z, 0, fullRows, full, j1, nIn, nOut);
  if (fullRows < rows) forwardScalar(w, b, a, z, fullRows, rows, j0, j1, nIn, nOut);
}

/** E[r][i] = sum_j D[r][j] * W[j][i] (j in order) for r < rows and this part's inputs i: the deltas' back-product. */
export function backProduct(w: usize, d: usize, e: usize, rows: i32, nIn: i32, nOut: i32, part: i32, parts: i32): void {
  const inBytes = (<usize>nIn) << 3;
  const outBytes = (<usize>nOut) << 3;
  const i0 = splitAt(nIn, unit(), part, parts);
  const i1 = splitAt(nIn, unit(), part + 1, parts);
  let full = i0;
  let fullRows = 0;
  if (ASC_FEATURE_SIMD) {
    if (rows == 1) {
      if (part == 0) backRow(w, d, e, nIn, nOut);
      return;
    }
    full = i1 & ~3;
    fullRows = rows & ~3;
    for (let r = 0; r < fullRows; r += 4) {
      // E[r..r+3][i..i+3]: rows of W (t = j) against the rows' deltas D[r+k][j].
      for (let i = i0; i < full; i += 4) {
        block4x4(w + ((<usize>i) << 3), inBytes, d + ((<usize>(r * nOut)) << 3), outBytes, 8, nOut, e + <usize>r * inBytes + ((<usize>i) << 3), inBytes, 0);
      }
    }
  }
  // Scalar: the tail columns of the blocked rows, then every column of the other rows.
  backScalar(w, d, e, 0, fullRows, full, i1, nIn, nOut);
  backScalar(w, d, e, fullRows, rows, i0, i1, nIn, nOut);
}

function backScalar(w: usize, d: usize, e: usize, r0: i32, r1: i32, i0: i32, i1: i32, nIn: i32, nOut: i32): void {
  const inBytes = (<usize>nIn) << 3;
  for (let r = r0; r < r1; r++) {
    const dr = d + ((<usize>(r * nOut)) << 3);
    const er = e + <usize>r * inBytes;
    for (let i = i0; i < i1; i++) {
      const at = (<usize>i) << 3;
      let s = ld(w + at) * ld(dr);
      for (let j = 1; j < nOut; j++) s += ld(w + <usize>j * inBytes + at) * ld(dr + ((<usize>j) << 3));
      st(er + at, s);
    }
  }
}

/** One row of deltas: lanes are inputs i, i+1 along the contiguous rows of W. */
function backRow(w: usize, d: usize, e: usize, nIn: i32, nOut: i32): void {
  const inBytes = (<usize>nIn) << 3;
  let i = 0;
  for (; i + 1 < nIn; i += 2) {
    const at = (<usize>i) << 3;
    let acc = f64x2.mul(v128.load(w + at), splat(d));
    for (let j = 1; j < nOut; j++) acc = f64x2.add(acc, f64x2.mul(v128.load(w + <usize>j * inBytes + at), splat(d + ((<usize>j) << 3))));
    v128.store(e + at, acc);
  }
  if (i < nIn) backScalar(w, d, e, 0, 1, i, nIn, nIn, nOut);
}


/**
 * G[j][i] = sum_r D[r][j] * A[r][i] and gb[j] = sum_r D[r][j] (r in order) for this part's
 * outputs j: the batch's gradient sums.
 */
export function gradientProduct(d: usize, a: usize, g: usize, gb: usize, rows: i32, nIn: i32, nOut: i32, part: i32, parts: i32): void {
  const inBytes = (<usize>nIn) << 3;
  const outBytes = (<usize>nOut) << 3;
  const j0 = splitAt(nOut, unit(), part, parts);
  const j1 = splitAt(nOut, unit(), part + 1, parts);
  for (let j = j0; j < j1; j++) {
    let s = ld(d + ((<usize>j) << 3));
    for (let r = 1; r < rows; r++) s += ld(d + <usize>r * outBytes + ((<usize>j) << 3));
    st(gb + ((<usize>j) << 3), s);
  }
  let fullOut = j0;
  let fullIn = 0;
  if (ASC_FEATURE_SIMD) {
    fullOut = j1 & ~3;
    fullIn = nIn & ~3;
    for (let j = j0; j < fullOut; j += 4) {
      // G[j..j+3][i..i+3]: rows of A (t = r) against the deltas D[r][j+k].
      for (let i = 0; i < fullIn; i += 4) {
        block4x4(a + ((<usize>i) << 3), inBytes, d + ((<usize>j) << 3), 8, outBytes, rows, g + <usize>j * inBytes + ((<usize>i) << 3), inBytes, 0);
      }
    }
  }
  gradientScalar(d, a, g, j0, fullOut, fullIn, nIn, rows, nIn, nOut);
  gradientScalar(d, a, g, fullOut, j1, 0, nIn, rows, nIn, nOut);
}

function gradientScalar(d: usize, a: usize, g: usize, j0: i32, j1: i32, i0: i32, i1: i32, rows: i32, nIn: i32, nOut: i32): void {
  const inBytes = (<usize>nIn) << 3;
  const outBytes = (<usize>nOut) << 3;
  for (let j = j0; j < j1; j++) {
    const dj = d + ((<usize>j) << 3);
    const gj = g + <usize>j * inBytes;
    for (let i = i0; i < i1; i++) {
      const at = (<usize>i) << 3;
      let s = ld(dj) * ld(a + at);
      for (let r = 1; r < rows; r++) s += ld(dj + <usize>r * outBytes) * ld(a + <usize>r * inBytes + at);
      st(gj + at, s);
    }
  }
}


/**
 * Per-sample SGD on a first layer, fused with the next sample's forward product: each new
 * weight W[j][i] = W[j][i] - lr * (d[j] * x[i]) is used at once for
 * z[j] = (sum_i W[j][i] * xNext[i]) + b[j] (b updated first), so W streams through once
 * per sample instead of twice. The new W and b go `shift` bytes from the old ones (0: in
 * place). Lanes are outputs j, j+1, as in matvecSimd. SIMD builds only.
 */
export function sgdStepThenForward(w: usize, b: usize, shift: usize, d: usize, x: usize, xNext: usize, z: usize, nIn: i32, nOut: i32, lr: f64): void {
  if (!ASC_FEATURE_SIMD) return;
  const inBytes = (<usize>nIn) << 3;
  const vLr = f64x2.splat(lr);
  let j = 0;
  // Two pairs of rows at once: each output's sum is a chain of dependent adds, two chains overlap.
  for (; j + 3 < nOut; j += 4) {
    const w0 = w + <usize>j * inBytes;
    const w2 = w0 + 2 * inBytes;
    const dj = d + ((<usize>j) << 3);
    const vd0 = splat(dj);
    const vd1 = splat(dj + 8);
    const vd2 = splat(dj + 16);
    const vd3 = splat(dj + 24);
    let acc0 = stepFirst(w0, inBytes, shift, dj, x, xNext, lr);
    let acc1 = stepFirst(w2, inBytes, shift, dj + 16, x, xNext, lr);
    let i = 1;
    for (; i + 1 < nIn; i += 2) {
      const at = (<usize>i) << 3;
      const xv = v128.load(x + at);
      const xn = v128.load(xNext + at);
      acc0 = stepPair(acc0, w0 + at, inBytes, shift, xv, xn, vLr, vd0, vd1);
      acc1 = stepPair(acc1, w2 + at, inBytes, shift, xv, xn, vLr, vd2, vd3);
    }
    stepLast(acc0, i, w0, b, shift, dj, x, xNext, z, j, nIn, inBytes, lr);
    stepLast(acc1, i, w2, b, shift, dj + 16, x, xNext, z, j + 2, nIn, inBytes, lr);
  }
  for (; j + 1 < nOut; j += 2) {
    const w0 = w + <usize>j * inBytes;
    const dj = d + ((<usize>j) << 3);
    const vd0 = splat(dj);
    const vd1 = splat(dj + 8);
    let acc = stepFirst(w0, inBytes, shift, dj, x, xNext, lr);
    let i = 1;
    for (; i + 1 < nIn; i += 2) {
      const at = (<usize>i) << 3;
      acc = stepPair(acc, w0 + at, inBytes, shift, v128.load(x + at), v128.load(xNext + at), vLr, vd0, vd1);
    }
    stepLast(acc, i, w0, b, shift, dj, x, xNext, z, j, nIn, inBytes, lr);
  }
  if (j < nOut) {
    const row = w + <usize>j * inBytes;
    const dj = ld(d + ((<usize>j) << 3));
    let s: f64 = 0;
    for (let i = 0; i < nIn; i++) {
      const at = (<usize>i) << 3;
      const v = ld(row + at) - lr * (dj * ld(x + at));
      st(row + shift + at, v);
      s = i == 0 ? v * ld(xNext) : s + v * ld(xNext + at);
    }
    const bj = b + ((<usize>j) << 3);
    st(bj + shift, ld(bj) - lr * dj);
    st(z + ((<usize>j) << 3), s + ld(bj + shift));
  }
}

/** Rows j, j+1 (from w0) at input 0: the new weights stored, their first terms returned (lanes j, j+1). */
// @ts-ignore: decorator
@inline function stepFirst(w0: usize, inBytes: usize, shift: usize, dj: usize, x: usize, xNext: usize, lr: f64): v128 {
  const x0 = ld(x);
  const a0 = ld(w0) - lr * (ld(dj) * x0);
  const a1 = ld(w0 + inBytes) - lr * (ld(dj + 8) * x0);
  st(w0 + shift, a0);
  st(w0 + inBytes + shift, a1);
  return f64x2.mul(f64x2.replace_lane(f64x2.splat(a0), 1, a1), splat(xNext));
}

/** Rows j, j+1 at inputs i, i+1 (p is row j at i): the new weights stored, acc + term i, then + term i+1. */
// @ts-ignore: decorator
@inline function stepPair(acc: v128, p: usize, inBytes: usize, shift: usize, xv: v128, xn: v128, vLr: v128, vd0: v128, vd1: v128): v128 {
  const u = f64x2.sub(v128.load(p), f64x2.mul(vLr, f64x2.mul(vd0, xv)));
  const v = f64x2.sub(v128.load(p + inBytes), f64x2.mul(vLr, f64x2.mul(vd1, xv)));
  v128.store(p + shift, u);
  v128.store(p + inBytes + shift, v);
  const p0 = f64x2.mul(u, xn);
  const p1 = f64x2.mul(v, xn);
  return f64x2.add(f64x2.add(acc, v128.shuffle<f64>(p0, p1, 0, 2)), v128.shuffle<f64>(p0, p1, 1, 3));
}

/** Rows j, j+1: the odd last input when i < nIn, then the new biases and z[j], z[j+1] = sums + new b. */
// @ts-ignore: decorator
@inline function stepLast(acc: v128, i: i32, w0: usize, b: usize, shift: usize, dj: usize, x: usize, xNext: usize, z: usize, j: i32, nIn: i32, inBytes: usize, lr: f64): void {
  const d0 = ld(dj);
  const d1 = ld(dj + 8);
  if (i < nIn) {
    const at = (<usize>i) << 3;
    const xi = ld(x + at);
    const p = ld(w0 + at) - lr * (d0 * xi);
    const q = ld(w0 + inBytes + at) - lr * (d1 * xi);
    st(w0 + shift + at, p);
    st(w0 + inBytes + shift + at, q);
    acc = f64x2.add(acc, f64x2.mul(f64x2.replace_lane(f64x2.splat(p), 1, q), splat(xNext + at)));
  }
  const bj = b + ((<usize>j) << 3);
  st(bj + shift, ld(bj) - lr * d0);
  st(bj + shift + 8, ld(bj + 8) - lr * d1);
  v128.store(z + ((<usize>j) << 3), f64x2.add(acc, v128.load(bj + shift)));
}

/**
 * The one micro-kernel, of the forward product, the back-product and the gradient sums: for
 * k < 4, C[k][0..3] = sum over t < count, in order and first term first, of s_k(t) * v(t),
 * where v(t) is the 4 doubles at vec + t * vecStride and s_k(t) the double at
 * sc + k * scSpacing + t * scStep; then, when bias != 0, C[k][c] + bias[c] (the forward's
 * "(sum) + b"). Lanes are C's 4 columns; row k goes to out + k * outStride. Inlined, so each
 * call site's constant bias (0 or not) leaves a single store path.
 */
// @ts-ignore: decorator
@inline function block4x4(vec: usize, vecStride: usize, sc: usize, scSpacing: usize, scStep: usize, count: i32, out: usize, outStride: usize, bias: usize): void {
  const s1 = sc + scSpacing;
  const s2 = s1 + scSpacing;
  const s3 = s2 + scSpacing;
  let v0 = v128.load(vec);
  let v1 = v128.load(vec + 16);
  let s = splat(sc);
  let c00 = f64x2.mul(s, v0);
  let c01 = f64x2.mul(s, v1);
  s = splat(s1);
  let c10 = f64x2.mul(s, v0);
  let c11 = f64x2.mul(s, v1);
  s = splat(s2);
  let c20 = f64x2.mul(s, v0);
  let c21 = f64x2.mul(s, v1);
  s = splat(s3);
  let c30 = f64x2.mul(s, v0);
  let c31 = f64x2.mul(s, v1);
  for (let t = 1; t < count; t++) {
    const q = vec + <usize>t * vecStride;
    const at = <usize>t * scStep;
    v0 = v128.load(q);
    v1 = v128.load(q + 16);
    s = splat(sc + at);
    c00 = f64x2.add(c00, f64x2.mul(s, v0));
    c01 = f64x2.add(c01, f64x2.mul(s, v1));
    s = splat(s1 + at);
    c10 = f64x2.add(c10, f64x2.mul(s, v0));
    c11 = f64x2.add(c11, f64x2.mul(s, v1));
    s = splat(s2 + at);
    c20 = f64x2.add(c20, f64x2.mul(s, v0));
    c21 = f64x2.add(c21, f64x2.mul(s, v1));
    s = splat(s3 + at);
    c30 = f64x2.add(c30, f64x2.mul(s, v0));
    c31 = f64x2.add(c31, f64x2.mul(s, v1));
  }
  if (bias != 0) {
    const b0 = v128.load(bias);
    const b1 = v128.load(bias + 16);
    c00 = f64x2.add(c00, b0);
    c01 = f64x2.add(c01, b1);
    c10 = f64x2.add(c10, b0);
    c11 = f64x2.add(c11, b1);
    c20 = f64x2.add(c20, b0);
    c21 = f64x2.add(c21, b1);
    c30 = f64x2.add(c30, b0);
    c31 = f64x2.add(c31, b1);
  }
  v128.store(out, c00);
  v128.store(out + 16, c01);
  v128.store(out + outStride, c10);
  v128.store(out + outStride + 16, c11);
  v128.store(out + 2 * outStride, c20);
  v128.store(out + 2 * outStride + 16, c21);
  v128.store(out + 3 * outStride, c30);
  v128.store(out + 3 * outStride + 16, c31);
}
