// The scalar paths of assembly/linalg.ts, loop for loop: the forward Z = A.W^T + b, the
// hidden deltas D.W and the weight gradients D^T.A. The AssemblyScript takes byte addresses;
// these take element indices into `m`, the backend's memory as the dtype's elements (each
// intermediate rounded to it by `round`: see ./element.ts, and ../generated/ for the kernels made
// from this template). Every output is summed in increasing index order, its first term first,
// as there (test/property.test.ts checks the bits). The SIMD forms there give the same bits, so
// one scalar form serves here.
import { round, type Floats } from './element.ts';

/** Z[r][j] = (sum_i A[r][i] * W[j][i]) + b[j] for r < rows and every output j (all row-major). */
export function forwardProduct(m: Floats, w: number, b: number, a: number, z: number, rows: number, nIn: number, nOut: number): void {
  forwardScalar(m, w, b, a, z, 0, rows, 0, nOut, nIn, nOut);
}

/** The scalar forward over rows [r0, r1) and outputs [j0, j1). */
export function forwardScalar(m: Floats, w: number, b: number, a: number, z: number, r0: number, r1: number, j0: number, j1: number, nIn: number, nOut: number): void {
  for (let r = r0; r < r1; r++) {
    const x = a + r * nIn;
    const zr = z + r * nOut;
    for (let j = j0; j < j1; j++) {
      const row = w + j * nIn;
      let s = round(m[row] * m[x]);
      for (let i = 1; i < nIn; i++) s = round(s + round(m[row + i] * m[x + i]));
      m[zr + j] = s + m[b + j];
    }
  }
}

/** E[r][i] = sum_j D[r][j] * W[j][i] (j in order) for r < rows and every input i: the deltas' back-product. */
export function backProduct(m: Floats, w: number, d: number, e: number, rows: number, nIn: number, nOut: number): void {
  backScalar(m, w, d, e, 0, rows, 0, nIn, nIn, nOut);
}

export function backScalar(m: Floats, w: number, d: number, e: number, r0: number, r1: number, i0: number, i1: number, nIn: number, nOut: number): void {
  for (let r = r0; r < r1; r++) {
    const dr = d + r * nOut;
    const er = e + r * nIn;
    for (let i = i0; i < i1; i++) {
      let s = round(m[w + i] * m[dr]);
      for (let j = 1; j < nOut; j++) s = round(s + round(m[w + j * nIn + i] * m[dr + j]));
      m[er + i] = s;
    }
  }
}

/**
 * G[j][i] = sum_r D[r][j] * A[r][i] and gb[j] = sum_r D[r][j] (r in order) for every output
 * j: the batch's gradient sums.
 */
export function gradientProduct(m: Floats, d: number, a: number, g: number, gb: number, rows: number, nIn: number, nOut: number): void {
  for (let j = 0; j < nOut; j++) {
    let s = m[d + j];
    for (let r = 1; r < rows; r++) s = round(s + m[d + r * nOut + j]);
    m[gb + j] = s;
  }
  gradientScalar(m, d, a, g, 0, nOut, 0, nIn, rows, nIn, nOut);
}

export function gradientScalar(m: Floats, d: number, a: number, g: number, j0: number, j1: number, i0: number, i1: number, rows: number, nIn: number, nOut: number): void {
  for (let j = j0; j < j1; j++) {
    const dj = d + j;
    const gj = g + j * nIn;
    for (let i = i0; i < i1; i++) {
      let s = round(m[dj] * m[a + i]);
      for (let r = 1; r < rows; r++) s = round(s + round(m[dj + r * nOut] * m[a + r * nIn + i]));
      m[gj + i] = s;
    }
  }
}
