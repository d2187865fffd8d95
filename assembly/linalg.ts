// The kernel's products: the forward Z = A.W^T + b, the hidden deltas D.W, the weight
// gradients D^T.A, and the per-sample fused SGD pass. Each is generic over the element type
// T: f64 (f64x2 lanes) or f32 (f32x4 lanes), IEEE-754 arithmetic of that type throughout. Each
// has a scalar form and, when compiled with SIMD, a register-blocked form (one micro-kernel,
// 4 rows x two vectors of outputs, with plain loops around it, BLIS's shape). SIMD lanes always
// run across independent outputs, never across a sum: every output is still summed in
// increasing index order, its first term first, exactly as the scalar loops and
// src/backends/js/linalg.ts sum it, so all three give the same bits.
// In f32 the edges stay vector too (microTile): outputs that fill no panel get a zero-padded
// one whose extra lanes are dropped, and rows or outputs that fill no group of 4 repeat the
// last one; W^T is packed by 4 x 4 transposes.
// Threads split each product the same way, by outputs: each call computes a range of whole
// outputs (columns of Z, of E; rows of G), so the result cannot depend on who computes which.

// @ts-ignore: decorator
@inline function ld<T>(p: usize): T {
  return load<T>(p);
}

// @ts-ignore: decorator
@inline function st<T>(p: usize, v: T): void {
  store<T>(p, v);
}

// @ts-ignore: decorator
@inline function splat<T>(p: usize): v128 {
  return v128.load_splat<T>(p);
}

/** Lanes of T in a v128: 2 for f64, 4 for f32. */
// @ts-ignore: decorator
@inline export function lanes<T>(): i32 {
  return <i32>(16 / sizeof<T>());
}

/** The unit a thread's range of outputs is cut in: the micro-kernel's two vectors (4 f64, 8 f32), or single outputs. */
// @ts-ignore: decorator
@inline export function unit<T>(): i32 {
  return ASC_FEATURE_SIMD ? 2 * lanes<T>() : 1;
}

/**
 * Z[r][j] = (sum_i A[r][i] * W[j][i]) + b[j] for r < rows and outputs j in [j0, j1) (all
 * row-major; j0 a multiple of unit<T>(), j1 too or nOut). `pack` is scratch for nOut * nIn
 * elements (W^T in panels of unit<T>() outputs). One row is never split: j0 = 0, j1 = nOut.
 */
export function forwardProduct<T>(w: usize, b: usize, a: usize, z: usize, rows: i32, nIn: i32, nOut: i32, pack: usize, j0: i32, j1: i32): void {
  if (ASC_FEATURE_SIMD) {
    if (rows == 1) {
      if (sizeof<T>() == 8) matvecSimd(w, b, a, z, nIn, nOut);
      else matvec32(w, b, a, z, nIn, nOut);
    } else {
      gemmSimd<T>(w, b, a, z, rows, nIn, nOut, pack, j0, j1);
    }
    return;
  }
  forwardScalar<T>(w, b, a, z, 0, rows, j0, j1, nIn, nOut);
}

/** The scalar forward over rows [r0, r1) and outputs [j0, j1). */
function forwardScalar<T>(w: usize, b: usize, a: usize, z: usize, r0: i32, r1: i32, j0: i32, j1: i32, nIn: i32, nOut: i32): void {
  const sh = alignof<T>();
  const inBytes = (<usize>nIn) << sh;
  for (let r = r0; r < r1; r++) {
    const x = a + <usize>r * inBytes;
    const zr = z + ((<usize>(r * nOut)) << sh);
    for (let j = j0; j < j1; j++) {
      const row = w + <usize>j * inBytes;
      let s: T = ld<T>(row) * ld<T>(x);
      for (let i = 1; i < nIn; i++) s += ld<T>(row + ((<usize>i) << sh)) * ld<T>(x + ((<usize>i) << sh));
      st<T>(zr + ((<usize>j) << sh), s + ld<T>(b + ((<usize>j) << sh)));
    }
  }
}

/**
 * One row in f64: lanes are outputs j and j+1 of a pair of W's rows. Each output's sum is a chain
 * of dependent adds, so four pairs (eight outputs) run side by side to keep the adder busy.
 */
function matvecSimd(w: usize, b: usize, x: usize, z: usize, nIn: i32, nOut: i32): void {
  const inBytes = (<usize>nIn) << 3;
  const x0 = splat<f64>(x);
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
      const xi = splat<f64>(x + at);
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
      acc = f64x2.add(acc, f64x2.mul(firstTerms(w0 + at, inBytes), splat<f64>(x + at)));
    }
    v128.store(z + ((<usize>j) << 3), f64x2.add(acc, v128.load(b + ((<usize>j) << 3))));
  }
  if (j < nOut) forwardScalar<f64>(w, b, x, z, 0, 1, j, nOut, nIn, nOut);
}

/** The doubles at p and p + rowBytes (one input index of two rows of W) as one vector. */
// @ts-ignore: decorator
@inline function firstTerms(p: usize, rowBytes: usize): v128 {
  return f64x2.replace_lane(f64x2.splat(ld<f64>(p)), 1, ld<f64>(p + rowBytes));
}

/** acc + the two rows' terms i, then + their terms i+1 (p is row j at i; xv is x[i], x[i+1]). */
// @ts-ignore: decorator
@inline function addPairTerms(acc: v128, p: usize, rowBytes: usize, xv: v128): v128 {
  const p0 = f64x2.mul(v128.load(p), xv); // W[j][i]x[i], W[j][i+1]x[i+1]
  const p1 = f64x2.mul(v128.load(p + rowBytes), xv);
  return f64x2.add(f64x2.add(acc, v128.shuffle<f64>(p0, p1, 0, 2)), v128.shuffle<f64>(p0, p1, 1, 3));
}

/**
 * One row in f32: lanes are outputs j..j+3 of four rows of W. Four consecutive terms of each
 * row are multiplied at once and transposed, so each lane still adds its own terms one at a
 * time in order; two groups (eight outputs) run side by side to keep the adder busy.
 */
function matvec32(w: usize, b: usize, x: usize, z: usize, nIn: i32, nOut: i32): void {
  const inBytes = (<usize>nIn) << 2;
  const x0 = splat<f32>(x);
  let j = 0;
  for (; j + 7 < nOut; j += 8) {
    const w0 = w + <usize>j * inBytes;
    const w4 = w0 + 4 * inBytes;
    let acc0 = f32x4.mul(column4(w0, inBytes), x0);
    let acc1 = f32x4.mul(column4(w4, inBytes), x0);
    let i = 1;
    for (; i + 3 < nIn; i += 4) {
      const at = (<usize>i) << 2;
      const xv = v128.load(x + at);
      acc0 = addQuadTerms(acc0, w0 + at, inBytes, xv);
      acc1 = addQuadTerms(acc1, w4 + at, inBytes, xv);
    }
    for (; i < nIn; i++) {
      const at = (<usize>i) << 2;
      const xi = splat<f32>(x + at);
      acc0 = f32x4.add(acc0, f32x4.mul(column4(w0 + at, inBytes), xi));
      acc1 = f32x4.add(acc1, f32x4.mul(column4(w4 + at, inBytes), xi));
    }
    const zj = z + ((<usize>j) << 2);
    const bj = b + ((<usize>j) << 2);
    v128.store(zj, f32x4.add(acc0, v128.load(bj)));
    v128.store(zj, f32x4.add(acc1, v128.load(bj, 16)), 16);
  }
  for (; j + 3 < nOut; j += 4) {
    const w0 = w + <usize>j * inBytes;
    let acc = f32x4.mul(column4(w0, inBytes), x0);
    let i = 1;
    for (; i + 3 < nIn; i += 4) {
      const at = (<usize>i) << 2;
      acc = addQuadTerms(acc, w0 + at, inBytes, v128.load(x + at));
    }
    for (; i < nIn; i++) {
      const at = (<usize>i) << 2;
      acc = f32x4.add(acc, f32x4.mul(column4(w0 + at, inBytes), splat<f32>(x + at)));
    }
    v128.store(z + ((<usize>j) << 2), f32x4.add(acc, v128.load(b + ((<usize>j) << 2))));
  }
  if (j < nOut) forwardScalar<f32>(w, b, x, z, 0, 1, j, nOut, nIn, nOut);
}

/** The f32s at p, p + rowBytes, p + 2 rowBytes, p + 3 rowBytes (one input index of four rows of W). */
// @ts-ignore: decorator
@inline function column4(p: usize, rowBytes: usize): v128 {
  const w1 = load<f32>(p + rowBytes);
  const w2 = load<f32>(p + 2 * rowBytes);
  const w3 = load<f32>(p + 3 * rowBytes);
  return f32x4.replace_lane(f32x4.replace_lane(f32x4.replace_lane(f32x4.splat(load<f32>(p)), 1, w1), 2, w2), 3, w3);
}

/** acc + the four rows' terms i, then i+1, i+2, i+3 (p is row j at i; xv is x[i..i+3]). */
// @ts-ignore: decorator
@inline function addQuadTerms(acc: v128, p: usize, rowBytes: usize, xv: v128): v128 {
  const p0 = f32x4.mul(v128.load(p), xv); // W[j][i..i+3] x[i..i+3]
  const p1 = f32x4.mul(v128.load(p + rowBytes), xv);
  const p2 = f32x4.mul(v128.load(p + 2 * rowBytes), xv);
  const p3 = f32x4.mul(v128.load(p + 3 * rowBytes), xv);
  return addTransposed(acc, p0, p1, p2, p3);
}

/** acc + (p0[0], p1[0], p2[0], p3[0]), then + the lanes 1, 2 and 3 the same way: four rows' terms in order. */
// @ts-ignore: decorator
@inline function addTransposed(acc: v128, p0: v128, p1: v128, p2: v128, p3: v128): v128 {
  const lo01 = v128.shuffle<f32>(p0, p1, 0, 4, 1, 5);
  const lo23 = v128.shuffle<f32>(p2, p3, 0, 4, 1, 5);
  const hi01 = v128.shuffle<f32>(p0, p1, 2, 6, 3, 7);
  const hi23 = v128.shuffle<f32>(p2, p3, 2, 6, 3, 7);
  acc = f32x4.add(acc, v128.shuffle<f32>(lo01, lo23, 0, 1, 4, 5));
  acc = f32x4.add(acc, v128.shuffle<f32>(lo01, lo23, 2, 3, 6, 7));
  acc = f32x4.add(acc, v128.shuffle<f32>(hi01, hi23, 0, 1, 4, 5));
  return f32x4.add(acc, v128.shuffle<f32>(hi01, hi23, 2, 3, 6, 7));
}

/**
 * Several rows: the range's panels of W^T packed, then 4 rows x one panel of outputs per
 * micro-kernel call. In f32 the last range's outputs that fill no panel get a panel of their
 * own, its lanes past nOut zero (`pack` holds whole panels), and the rows that fill no group
 * of 4 repeat the last row; only real rows and columns are stored.
 */
function gemmSimd<T>(w: usize, b: usize, a: usize, z: usize, rows: i32, nIn: i32, nOut: i32, pack: usize, j0: i32, j1: i32): void {
  const sh = alignof<T>();
  const P = unit<T>();
  const inBytes = (<usize>nIn) << sh;
  const outBytes = (<usize>nOut) << sh;
  const full = j1 & ~(P - 1); // the last range may end in outputs that fill no panel
  if (sizeof<T>() == 4) {
    for (let j = j0; j < full; j += P) packPanel32(pack + <usize>j * inBytes, w + <usize>j * inBytes, nIn);
    if (full < j1) packEdge32(pack + <usize>full * inBytes, w + <usize>full * inBytes, nIn, j1 - full);
    const end = full < j1 ? full + P : full;
    const fullRows = rows & ~3;
    for (let r = 0; r < fullRows; r += 4) {
      for (let j = j0; j < full; j += P) microKernel<T>(pack + <usize>j * inBytes, 32, a + <usize>r * inBytes, inBytes, 4, nIn, z + <usize>r * outBytes + ((<usize>j) << 2), outBytes, b + ((<usize>j) << 2));
    }
    for (let r = 0; r < rows; r += 4) {
      const x = a + <usize>r * inBytes;
      const zr = z + <usize>r * outBytes;
      // Rows past the batch repeat its last row: the same sums stored to the same place.
      const last = rows - 1 - r;
      const k1 = <usize>min(1, last);
      const k2 = <usize>min(2, last);
      const k3 = <usize>min(3, last);
      for (let j = r < fullRows ? full : j0; j < end; j += P) {
        const at = (<usize>j) << 2;
        const valid = min(P, j1 - j);
        const o = zr + at;
        microTile<T>(pack + <usize>j * inBytes, 32, x, x + k1 * inBytes, x + k2 * inBytes, x + k3 * inBytes, 4, nIn, o, o + k1 * outBytes, o + k2 * outBytes, o + k3 * outBytes, valid == P ? b + at : 0, valid);
        if (valid < P) {
          // (sum) + b for the edge's columns, the add the full panels make in their lanes.
          for (let k: usize = 0; k <= k3; k++) {
            const ok = o + k * outBytes;
            for (let c = 0; c < valid; c++) st<f32>(ok + ((<usize>c) << 2), ld<f32>(ok + ((<usize>c) << 2)) + ld<f32>(b + at + ((<usize>c) << 2)));
          }
        }
      }
    }
    return;
  }
  // pack[p][i][k] = W[P p + k][i]: one 32-byte line per input index.
  for (let j = j0; j < full; j += P) {
    const dst = pack + <usize>j * inBytes;
    const src = w + <usize>j * inBytes;
    for (let i = 0; i < nIn; i++) {
      const at = (<usize>i) << sh;
      const d = dst + ((<usize>i) << 5);
      st<T>(d, ld<T>(src + at));
      st<T>(d + sizeof<T>(), ld<T>(src + inBytes + at));
      st<T>(d + 2 * sizeof<T>(), ld<T>(src + 2 * inBytes + at));
      st<T>(d + 3 * sizeof<T>(), ld<T>(src + 3 * inBytes + at));
    }
  }
  const fullRows = rows & ~3;
  for (let r = 0; r < fullRows; r += 4) {
    // Z[r..r+3][j..j+P-1]: the panel's lines (t = i) against the rows' inputs A[r+k][i], plus b.
    for (let j = j0; j < full; j += P) microKernel<T>(pack + <usize>j * inBytes, 32, a + <usize>r * inBytes, inBytes, sizeof<T>(), nIn, z + ((<usize>(r * nOut + j)) << sh), (<usize>nOut) << sh, b + ((<usize>j) << sh));
  }
  if (full < j1) forwardScalar<T>(w, b, a, z, 0, fullRows, full, j1, nIn, nOut);
  if (fullRows < rows) forwardScalar<T>(w, b, a, z, fullRows, rows, j0, j1, nIn, nOut);
}

/**
 * One f32 panel: dst[i][k] = W[k][i] for k < 8 (src is row 0 of the eight), four inputs of
 * four rows at a time through a 4 x 4 transpose.
 */
function packPanel32(dst: usize, src: usize, nIn: i32): void {
  const inBytes = (<usize>nIn) << 2;
  let i = 0;
  for (; i + 3 < nIn; i += 4) {
    const at = (<usize>i) << 2;
    const d = dst + ((<usize>i) << 5);
    const p = src + at;
    transposeStore(d, v128.load(p), v128.load(p + inBytes), v128.load(p + 2 * inBytes), v128.load(p + 3 * inBytes));
    const q = p + 4 * inBytes;
    transposeStore(d + 16, v128.load(q), v128.load(q + inBytes), v128.load(q + 2 * inBytes), v128.load(q + 3 * inBytes));
  }
  for (; i < nIn; i++) {
    const at = (<usize>i) << 2;
    const d = dst + ((<usize>i) << 5);
    for (let k = 0; k < 8; k++) st<f32>(d + ((<usize>k) << 2), ld<f32>(src + <usize>k * inBytes + at));
  }
}

/** Columns of the 4 x 4 block r0..r3 (rows) to d, d + 32, d + 64, d + 96 (16 bytes each). */
// @ts-ignore: decorator
@inline function transposeStore(d: usize, r0: v128, r1: v128, r2: v128, r3: v128): void {
  const lo01 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
  const lo23 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
  const hi01 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
  const hi23 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  v128.store(d, v128.shuffle<f32>(lo01, lo23, 0, 1, 4, 5));
  v128.store(d + 32, v128.shuffle<f32>(lo01, lo23, 2, 3, 6, 7));
  v128.store(d + 64, v128.shuffle<f32>(hi01, hi23, 0, 1, 4, 5));
  v128.store(d + 96, v128.shuffle<f32>(hi01, hi23, 2, 3, 6, 7));
}

/** The f32 edge panel: dst[i][k] = W[k][i] for k < n (< 8), 0 in the lanes past n. */
function packEdge32(dst: usize, src: usize, nIn: i32, n: i32): void {
  const inBytes = (<usize>nIn) << 2;
  for (let i = 0; i < nIn; i++) {
    const at = (<usize>i) << 2;
    const d = dst + ((<usize>i) << 5);
    v128.store(d, f32x4.splat(0));
    v128.store(d + 16, f32x4.splat(0));
    for (let k = 0; k < n; k++) st<f32>(d + ((<usize>k) << 2), ld<f32>(src + <usize>k * inBytes + at));
  }
}

/**
 * E[r][i] = sum_j D[r][j] * W[j][i] (j in order) for r < rows and inputs i in [i0, i1) (i0 a
 * multiple of unit<T>(), i1 too or nIn): the deltas' back-product. One row: i0 = 0, i1 = nIn.
 */
export function backProduct<T>(w: usize, d: usize, e: usize, rows: i32, nIn: i32, nOut: i32, i0: i32, i1: i32): void {
  const sh = alignof<T>();
  const P = unit<T>();
  const inBytes = (<usize>nIn) << sh;
  const outBytes = (<usize>nOut) << sh;
  let full = i0;
  let fullRows = 0;
  if (ASC_FEATURE_SIMD) {
    if (rows == 1) {
      backRow<T>(w, d, e, nIn, nOut);
      return;
    }
    full = i1 & ~(P - 1);
    if (sizeof<T>() == 4) {
      // Rows past the batch repeat its last row (the same sums stored to the same place).
      fullRows = rows & ~3;
      for (let r = 0; r < fullRows; r += 4) {
        for (let i = i0; i < full; i += P) {
          microKernel<T>(w + ((<usize>i) << 2), inBytes, d + <usize>r * outBytes, outBytes, 4, nOut, e + <usize>r * inBytes + ((<usize>i) << 2), inBytes, 0);
        }
      }
      if (fullRows < rows) {
        const last = rows - 1 - fullRows;
        const k1 = <usize>min(1, last);
        const k2 = <usize>min(2, last);
        const dr = d + <usize>fullRows * outBytes;
        const er = e + <usize>fullRows * inBytes;
        for (let i = i0; i < full; i += P) {
          const at = (<usize>i) << 2;
          microTile<T>(w + at, inBytes, dr, dr + k1 * outBytes, dr + k2 * outBytes, dr + k2 * outBytes, 4, nOut, er + at, er + k1 * inBytes + at, er + k2 * inBytes + at, er + k2 * inBytes + at, 0, P);
        }
      }
      backScalar<T>(w, d, e, 0, rows, full, i1, nIn, nOut);
      return;
    }
    fullRows = rows & ~3;
    for (let r = 0; r < fullRows; r += 4) {
      // E[r..r+3][i..i+P-1]: rows of W (t = j) against the rows' deltas D[r+k][j].
      for (let i = i0; i < full; i += P) {
        microKernel<T>(w + ((<usize>i) << sh), inBytes, d + ((<usize>(r * nOut)) << sh), outBytes, sizeof<T>(), nOut, e + <usize>r * inBytes + ((<usize>i) << sh), inBytes, 0);
      }
    }
  }
  // Scalar: the tail columns of the blocked rows, then every column of the other rows.
  backScalar<T>(w, d, e, 0, fullRows, full, i1, nIn, nOut);
  backScalar<T>(w, d, e, fullRows, rows, i0, i1, nIn, nOut);
}

function backScalar<T>(w: usize, d: usize, e: usize, r0: i32, r1: i32, i0: i32, i1: i32, nIn: i32, nOut: i32): void {
  const sh = alignof<T>();
  const inBytes = (<usize>nIn) << sh;
  for (let r = r0; r < r1; r++) {
    const dr = d + ((<usize>(r * nOut)) << sh);
    const er = e + <usize>r * inBytes;
    for (let i = i0; i < i1; i++) {
      const at = (<usize>i) << sh;
      let s: T = ld<T>(w + at) * ld<T>(dr);
      for (let j = 1; j < nOut; j++) s += ld<T>(w + <usize>j * inBytes + at) * ld<T>(dr + ((<usize>j) << sh));
      st<T>(er + at, s);
    }
  }
}

/** One row of deltas: lanes are consecutive inputs along the contiguous rows of W. */
function backRow<T>(w: usize, d: usize, e: usize, nIn: i32, nOut: i32): void {
  const sh = alignof<T>();
  const L = lanes<T>();
  const inBytes = (<usize>nIn) << sh;
  let i = 0;
  for (; i + L - 1 < nIn; i += L) {
    const at = (<usize>i) << sh;
    let acc = v128.mul<T>(v128.load(w + at), splat<T>(d));
    for (let j = 1; j < nOut; j++) acc = v128.add<T>(acc, v128.mul<T>(v128.load(w + <usize>j * inBytes + at), splat<T>(d + ((<usize>j) << sh))));
    v128.store(e + at, acc);
  }
  if (i < nIn) backScalar<T>(w, d, e, 0, 1, i, nIn, nIn, nOut);
}


/**
 * G[j][i] = sum_r D[r][j] * A[r][i] and gb[j] = sum_r D[r][j] (r in order) for outputs j in
 * [j0, j1) (j0 a multiple of unit<T>(), j1 too or nOut): the batch's gradient sums.
 */
export function gradientProduct<T>(d: usize, a: usize, g: usize, gb: usize, rows: i32, nIn: i32, nOut: i32, j0: i32, j1: i32): void {
  const sh = alignof<T>();
  const P = unit<T>();
  const inBytes = (<usize>nIn) << sh;
  const outBytes = (<usize>nOut) << sh;
  if (ASC_FEATURE_SIMD && sizeof<T>() == 4) {
    gradient32(d, a, g, gb, rows, nIn, nOut, j0, j1);
    return;
  }
  for (let j = j0; j < j1; j++) {
    let s: T = ld<T>(d + ((<usize>j) << sh));
    for (let r = 1; r < rows; r++) s += ld<T>(d + <usize>r * outBytes + ((<usize>j) << sh));
    st<T>(gb + ((<usize>j) << sh), s);
  }
  let fullOut = j0;
  let fullIn = 0;
  if (ASC_FEATURE_SIMD) {
    fullOut = j1 & ~3;
    fullIn = nIn & ~(P - 1);
    for (let j = j0; j < fullOut; j += 4) {
      // G[j..j+3][i..i+P-1]: rows of A (t = r) against the deltas D[r][j+k].
      for (let i = 0; i < fullIn; i += P) {
        microKernel<T>(a + ((<usize>i) << sh), inBytes, d + ((<usize>j) << sh), sizeof<T>(), outBytes, rows, g + <usize>j * inBytes + ((<usize>i) << sh), inBytes, 0);
      }
    }
  }
  gradientScalar<T>(d, a, g, j0, fullOut, fullIn, nIn, rows, nIn, nOut);
  gradientScalar<T>(d, a, g, fullOut, j1, 0, nIn, rows, nIn, nOut);
}

/**
 * gradientProduct in f32 for outputs [j0, j1): the bias sums four outputs to a vector, then
 * G in tiles of 4 outputs x 8 inputs; the outputs past j1 in the last tile repeat output j1 - 1
 * (the same sums stored to the same place). The inputs past the last 8 stay scalar (a vector
 * there would read past A's last row).
 */
function gradient32(d: usize, a: usize, g: usize, gb: usize, rows: i32, nIn: i32, nOut: i32, j0: i32, j1: i32): void {
  const inBytes = (<usize>nIn) << 2;
  const outBytes = (<usize>nOut) << 2;
  let j = j0;
  for (; j + 3 < j1; j += 4) {
    const dj = d + ((<usize>j) << 2);
    let s = v128.load(dj);
    for (let r = 1; r < rows; r++) s = f32x4.add(s, v128.load(dj + <usize>r * outBytes));
    v128.store(gb + ((<usize>j) << 2), s);
  }
  for (; j < j1; j++) {
    const dj = d + ((<usize>j) << 2);
    let s = ld<f32>(dj);
    for (let r = 1; r < rows; r++) s += ld<f32>(dj + <usize>r * outBytes);
    st<f32>(gb + ((<usize>j) << 2), s);
  }
  const fullIn = nIn & ~7;
  const fullOut = j1 & ~3;
  for (j = j0; j < fullOut; j += 4) {
    // G[j..j+3][i..i+7]: rows of A (t = r) against the deltas D[r][j+k].
    for (let i = 0; i < fullIn; i += 8) {
      microKernel<f32>(a + ((<usize>i) << 2), inBytes, d + ((<usize>j) << 2), 4, outBytes, rows, g + <usize>j * inBytes + ((<usize>i) << 2), inBytes, 0);
    }
  }
  if (fullOut < j1) {
    const k1 = <usize>min(fullOut + 1, j1 - 1);
    const k2 = <usize>min(fullOut + 2, j1 - 1);
    const dj = d + ((<usize>fullOut) << 2);
    const gj = g + <usize>fullOut * inBytes;
    for (let i = 0; i < fullIn; i += 8) {
      const at = (<usize>i) << 2;
      microTile<f32>(a + at, inBytes, dj, d + (k1 << 2), d + (k2 << 2), d + (k2 << 2), outBytes, rows, gj + at, g + k1 * inBytes + at, g + k2 * inBytes + at, g + k2 * inBytes + at, 0, 8);
    }
  }
  gradientScalar<f32>(d, a, g, j0, j1, fullIn, nIn, rows, nIn, nOut);
}

function gradientScalar<T>(d: usize, a: usize, g: usize, j0: i32, j1: i32, i0: i32, i1: i32, rows: i32, nIn: i32, nOut: i32): void {
  const sh = alignof<T>();
  const inBytes = (<usize>nIn) << sh;
  const outBytes = (<usize>nOut) << sh;
  for (let j = j0; j < j1; j++) {
    const dj = d + ((<usize>j) << sh);
    const gj = g + <usize>j * inBytes;
    for (let i = i0; i < i1; i++) {
      const at = (<usize>i) << sh;
      let s: T = ld<T>(dj) * ld<T>(a + at);
      for (let r = 1; r < rows; r++) s += ld<T>(dj + <usize>r * outBytes) * ld<T>(a + <usize>r * inBytes + at);
      st<T>(gj + at, s);
    }
  }
}


/**
 * Per-sample SGD on a first layer, fused with the next sample's forward product: each new
 * weight W[j][i] = W[j][i] - lr * (d[j] * x[i]) is used at once for
 * z[j] = (sum_i W[j][i] * xNext[i]) + b[j] (b updated first), so W streams through once
 * per sample instead of twice. The new W and b go `shift` bytes from the old ones (0: in
 * place). Lanes are outputs j, j+1, as in matvecSimd. SIMD builds, f64 only.
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
    const vd0 = splat<f64>(dj);
    const vd1 = splat<f64>(dj + 8);
    const vd2 = splat<f64>(dj + 16);
    const vd3 = splat<f64>(dj + 24);
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
    const vd0 = splat<f64>(dj);
    const vd1 = splat<f64>(dj + 8);
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
    const dj = ld<f64>(d + ((<usize>j) << 3));
    let s: f64 = 0;
    for (let i = 0; i < nIn; i++) {
      const at = (<usize>i) << 3;
      const v = ld<f64>(row + at) - lr * (dj * ld<f64>(x + at));
      st<f64>(row + shift + at, v);
      s = i == 0 ? v * ld<f64>(xNext) : s + v * ld<f64>(xNext + at);
    }
    const bj = b + ((<usize>j) << 3);
    st<f64>(bj + shift, ld<f64>(bj) - lr * dj);
    st<f64>(z + ((<usize>j) << 3), s + ld<f64>(bj + shift));
  }
}

/** Rows j, j+1 (from w0) at input 0: the new weights stored, their first terms returned (lanes j, j+1). */
// @ts-ignore: decorator
@inline function stepFirst(w0: usize, inBytes: usize, shift: usize, dj: usize, x: usize, xNext: usize, lr: f64): v128 {
  const x0 = ld<f64>(x);
  const a0 = ld<f64>(w0) - lr * (ld<f64>(dj) * x0);
  const a1 = ld<f64>(w0 + inBytes) - lr * (ld<f64>(dj + 8) * x0);
  st<f64>(w0 + shift, a0);
  st<f64>(w0 + inBytes + shift, a1);
  return f64x2.mul(f64x2.replace_lane(f64x2.splat(a0), 1, a1), splat<f64>(xNext));
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
  const d0 = ld<f64>(dj);
  const d1 = ld<f64>(dj + 8);
  if (i < nIn) {
    const at = (<usize>i) << 3;
    const xi = ld<f64>(x + at);
    const p = ld<f64>(w0 + at) - lr * (d0 * xi);
    const q = ld<f64>(w0 + inBytes + at) - lr * (d1 * xi);
    st<f64>(w0 + shift + at, p);
    st<f64>(w0 + inBytes + shift + at, q);
    acc = f64x2.add(acc, f64x2.mul(f64x2.replace_lane(f64x2.splat(p), 1, q), splat<f64>(xNext + at)));
  }
  const bj = b + ((<usize>j) << 3);
  st<f64>(bj + shift, ld<f64>(bj) - lr * d0);
  st<f64>(bj + shift + 8, ld<f64>(bj + 8) - lr * d1);
  v128.store(z + ((<usize>j) << 3), f64x2.add(acc, v128.load(bj + shift)));
}

/**
 * sgdStepThenForward in f32: lanes are outputs j..j+3 of four rows of W, as in matvec32; the
 * new weights of four inputs of the four rows are made at once, stored, multiplied by the
 * next sample's inputs and transposed, so each lane adds its terms in order.
 */
export function sgdStepThenForward32(w: usize, b: usize, shift: usize, d: usize, x: usize, xNext: usize, z: usize, nIn: i32, nOut: i32, lr: f32): void {
  if (!ASC_FEATURE_SIMD) return;
  const inBytes = (<usize>nIn) << 2;
  const vLr = f32x4.splat(lr);
  const x0 = ld<f32>(x);
  let j = 0;
  for (; j + 3 < nOut; j += 4) {
    const w0 = w + <usize>j * inBytes;
    const dj = d + ((<usize>j) << 2);
    const vd0 = splat<f32>(dj);
    const vd1 = splat<f32>(dj + 4);
    const vd2 = splat<f32>(dj + 8);
    const vd3 = splat<f32>(dj + 12);
    const a0 = ld<f32>(w0) - lr * (ld<f32>(dj) * x0);
    const a1 = ld<f32>(w0 + inBytes) - lr * (ld<f32>(dj + 4) * x0);
    const a2 = ld<f32>(w0 + 2 * inBytes) - lr * (ld<f32>(dj + 8) * x0);
    const a3 = ld<f32>(w0 + 3 * inBytes) - lr * (ld<f32>(dj + 12) * x0);
    st<f32>(w0 + shift, a0);
    st<f32>(w0 + inBytes + shift, a1);
    st<f32>(w0 + 2 * inBytes + shift, a2);
    st<f32>(w0 + 3 * inBytes + shift, a3);
    let acc = f32x4.mul(f32x4.replace_lane(f32x4.replace_lane(f32x4.replace_lane(f32x4.splat(a0), 1, a1), 2, a2), 3, a3), splat<f32>(xNext));
    let i = 1;
    for (; i + 3 < nIn; i += 4) {
      const at = (<usize>i) << 2;
      const xv = v128.load(x + at);
      const xn = v128.load(xNext + at);
      const p = w0 + at;
      const u0 = f32x4.sub(v128.load(p), f32x4.mul(vLr, f32x4.mul(vd0, xv)));
      const u1 = f32x4.sub(v128.load(p + inBytes), f32x4.mul(vLr, f32x4.mul(vd1, xv)));
      const u2 = f32x4.sub(v128.load(p + 2 * inBytes), f32x4.mul(vLr, f32x4.mul(vd2, xv)));
      const u3 = f32x4.sub(v128.load(p + 3 * inBytes), f32x4.mul(vLr, f32x4.mul(vd3, xv)));
      v128.store(p + shift, u0);
      v128.store(p + inBytes + shift, u1);
      v128.store(p + 2 * inBytes + shift, u2);
      v128.store(p + 3 * inBytes + shift, u3);
      acc = addTransposed(acc, f32x4.mul(u0, xn), f32x4.mul(u1, xn), f32x4.mul(u2, xn), f32x4.mul(u3, xn));
    }
    for (; i < nIn; i++) {
      const at = (<usize>i) << 2;
      const p = w0 + at;
      const xi = ld<f32>(x + at);
      const q0 = ld<f32>(p) - lr * (ld<f32>(dj) * xi);
      const q1 = ld<f32>(p + inBytes) - lr * (ld<f32>(dj + 4) * xi);
      const q2 = ld<f32>(p + 2 * inBytes) - lr * (ld<f32>(dj + 8) * xi);
      const q3 = ld<f32>(p + 3 * inBytes) - lr * (ld<f32>(dj + 12) * xi);
      st<f32>(p + shift, q0);
      st<f32>(p + inBytes + shift, q1);
      st<f32>(p + 2 * inBytes + shift, q2);
      st<f32>(p + 3 * inBytes + shift, q3);
      acc = f32x4.add(acc, f32x4.mul(f32x4.replace_lane(f32x4.replace_lane(f32x4.replace_lane(f32x4.splat(q0), 1, q1), 2, q2), 3, q3), splat<f32>(xNext + at)));
    }
    const bj = b + ((<usize>j) << 2);
    const nb = f32x4.sub(v128.load(bj), f32x4.mul(vLr, v128.load(dj)));
    v128.store(bj + shift, nb);
    v128.store(z + ((<usize>j) << 2), f32x4.add(acc, nb));
  }
  for (; j < nOut; j++) {
    const row = w + <usize>j * inBytes;
    const dj = ld<f32>(d + ((<usize>j) << 2));
    let s: f32 = 0;
    for (let i = 0; i < nIn; i++) {
      const at = (<usize>i) << 2;
      const v = ld<f32>(row + at) - lr * (dj * ld<f32>(x + at));
      st<f32>(row + shift + at, v);
      s = i == 0 ? v * ld<f32>(xNext) : s + v * ld<f32>(xNext + at);
    }
    const bj = b + ((<usize>j) << 2);
    st<f32>(bj + shift, ld<f32>(bj) - lr * dj);
    st<f32>(z + ((<usize>j) << 2), s + ld<f32>(bj + shift));
  }
}

/**
 * The one micro-kernel, of the forward product, the back-product and the gradient sums: for
 * k < 4, C[k][0..P-1] = sum over t < count, in order and first term first, of s_k(t) * v(t),
 * where v(t) is the P = unit<T>() elements (two vectors: 4 f64 or 8 f32) at vec + t * vecStride
 * and s_k(t) the element at sc + k * scSpacing + t * scStep; then, when bias != 0,
 * C[k][c] + bias[c] (the forward's "(sum) + b"). Lanes are C's columns; row k goes to
 * out + k * outStride. Inlined, so each
 * call site's constant bias (0 or not) leaves a single store path.
 */
// @ts-ignore: decorator
@inline function microKernel<T>(vec: usize, vecStride: usize, sc: usize, scSpacing: usize, scStep: usize, count: i32, out: usize, outStride: usize, bias: usize): void {
  const s1 = sc + scSpacing;
  const s2 = s1 + scSpacing;
  const s3 = s2 + scSpacing;
  let v0 = v128.load(vec);
  let v1 = v128.load(vec + 16);
  let s = splat<T>(sc);
  let c00 = v128.mul<T>(s, v0);
  let c01 = v128.mul<T>(s, v1);
  s = splat<T>(s1);
  let c10 = v128.mul<T>(s, v0);
  let c11 = v128.mul<T>(s, v1);
  s = splat<T>(s2);
  let c20 = v128.mul<T>(s, v0);
  let c21 = v128.mul<T>(s, v1);
  s = splat<T>(s3);
  let c30 = v128.mul<T>(s, v0);
  let c31 = v128.mul<T>(s, v1);
  for (let t = 1; t < count; t++) {
    const q = vec + <usize>t * vecStride;
    const at = <usize>t * scStep;
    v0 = v128.load(q);
    v1 = v128.load(q + 16);
    s = splat<T>(sc + at);
    c00 = v128.add<T>(c00, v128.mul<T>(s, v0));
    c01 = v128.add<T>(c01, v128.mul<T>(s, v1));
    s = splat<T>(s1 + at);
    c10 = v128.add<T>(c10, v128.mul<T>(s, v0));
    c11 = v128.add<T>(c11, v128.mul<T>(s, v1));
    s = splat<T>(s2 + at);
    c20 = v128.add<T>(c20, v128.mul<T>(s, v0));
    c21 = v128.add<T>(c21, v128.mul<T>(s, v1));
    s = splat<T>(s3 + at);
    c30 = v128.add<T>(c30, v128.mul<T>(s, v0));
    c31 = v128.add<T>(c31, v128.mul<T>(s, v1));
  }
  if (bias != 0) {
    const b0 = v128.load(bias);
    const b1 = v128.load(bias + 16);
    c00 = v128.add<T>(c00, b0);
    c01 = v128.add<T>(c01, b1);
    c10 = v128.add<T>(c10, b0);
    c11 = v128.add<T>(c11, b1);
    c20 = v128.add<T>(c20, b0);
    c21 = v128.add<T>(c21, b1);
    c30 = v128.add<T>(c30, b0);
    c31 = v128.add<T>(c31, b1);
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

/**
 * microKernel for the edges of the f32 products: each row's scalars (s0..s3) and output
 * (o0..o3) named apart, and only the first `valid` of the P columns stored (P: all). A row
 * repeated (same scalars, same output) computes and stores the same bits twice, and columns
 * past `valid` (padding lanes) are computed and dropped; neither touches a kept sum's order.
 * (microKernel is kept apart, so the full tiles, and every f64 product, compile as they did;
 * this one is called, not inlined: edges are rare, and the f32 module stays small.)
 */
function microTile<T>(vec: usize, vecStride: usize, s0: usize, s1: usize, s2: usize, s3: usize, scStep: usize, count: i32, o0: usize, o1: usize, o2: usize, o3: usize, bias: usize, valid: i32): void {
  let v0 = v128.load(vec);
  let v1 = v128.load(vec + 16);
  let s = splat<T>(s0);
  let c00 = v128.mul<T>(s, v0);
  let c01 = v128.mul<T>(s, v1);
  s = splat<T>(s1);
  let c10 = v128.mul<T>(s, v0);
  let c11 = v128.mul<T>(s, v1);
  s = splat<T>(s2);
  let c20 = v128.mul<T>(s, v0);
  let c21 = v128.mul<T>(s, v1);
  s = splat<T>(s3);
  let c30 = v128.mul<T>(s, v0);
  let c31 = v128.mul<T>(s, v1);
  for (let t = 1; t < count; t++) {
    const q = vec + <usize>t * vecStride;
    const at = <usize>t * scStep;
    v0 = v128.load(q);
    v1 = v128.load(q + 16);
    s = splat<T>(s0 + at);
    c00 = v128.add<T>(c00, v128.mul<T>(s, v0));
    c01 = v128.add<T>(c01, v128.mul<T>(s, v1));
    s = splat<T>(s1 + at);
    c10 = v128.add<T>(c10, v128.mul<T>(s, v0));
    c11 = v128.add<T>(c11, v128.mul<T>(s, v1));
    s = splat<T>(s2 + at);
    c20 = v128.add<T>(c20, v128.mul<T>(s, v0));
    c21 = v128.add<T>(c21, v128.mul<T>(s, v1));
    s = splat<T>(s3 + at);
    c30 = v128.add<T>(c30, v128.mul<T>(s, v0));
    c31 = v128.add<T>(c31, v128.mul<T>(s, v1));
  }
  if (bias != 0) {
    const b0 = v128.load(bias);
    const b1 = v128.load(bias + 16);
    c00 = v128.add<T>(c00, b0);
    c01 = v128.add<T>(c01, b1);
    c10 = v128.add<T>(c10, b0);
    c11 = v128.add<T>(c11, b1);
    c20 = v128.add<T>(c20, b0);
    c21 = v128.add<T>(c21, b1);
    c30 = v128.add<T>(c30, b0);
    c31 = v128.add<T>(c31, b1);
  }
  if (valid >= unit<T>()) {
    v128.store(o0, c00);
    v128.store(o0 + 16, c01);
    v128.store(o1, c10);
    v128.store(o1 + 16, c11);
    v128.store(o2, c20);
    v128.store(o2 + 16, c21);
    v128.store(o3, c30);
    v128.store(o3 + 16, c31);
  } else {
    storeColumns32(o0, c00, c01, valid);
    storeColumns32(o1, c10, c11, valid);
    storeColumns32(o2, c20, c21, valid);
    storeColumns32(o3, c30, c31, valid);
  }
}

/** The first n (< 8) f32 lanes of lo, hi to p. */
function storeColumns32(p: usize, lo: v128, hi: v128, n: i32): void {
  if (n >= 4) {
    v128.store(p, lo);
    p += 16;
    lo = hi;
    n -= 4;
  }
  if (n > 0) v128.store32_lane(p, lo, 0);
  if (n > 1) v128.store32_lane(p, lo, 1, 4);
  if (n > 2) v128.store32_lane(p, lo, 2, 8);
}
