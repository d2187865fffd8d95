// Input normalisation as docs/training.md defines it: fitted per column on the training
// rows, kept in the model, and applied on the host as rows are written for either backend
// (src/api/rows.ts, copyRows).
import { invalidArgument } from '../api/errors.ts';

/** What fit's (and a dataset's) normalize option may ask for. */
export const NORMALIZATIONS = ['none', 'zscore', 'minmax'] as const;
export type Normalize = (typeof NORMALIZATIONS)[number];

export interface Normalization {
  kind: 'zscore' | 'minmax';
  offset: number[];
  scale: number[];
}

/** The smallest normal double: dividing by anything smaller (a subnormal) loses precision or overflows. */
export const MIN_NORMALIZATION_SCALE = 2 ** -1022;

/** Whether inputs can be divided by `scale`: finite and of magnitude at least MIN_NORMALIZATION_SCALE (a model file holds no other). */
export function isUsableScale(scale: number): boolean {
  const magnitude = Math.abs(scale);
  return magnitude >= MIN_NORMALIZATION_SCALE && magnitude <= Number.MAX_VALUE;
}

export function fitNormalization(kind: 'zscore' | 'minmax', data: ArrayLike<number>, rows: number, width: number): Normalization {
  const statistics = new ColumnStatistics(kind, width);
  statistics.add(data, 0, rows);
  if (statistics.needsSquares) statistics.addSquares(data, 0, rows);
  return statistics.result();
}

/**
 * A normalisation fitted as rows come, in row order: per column the min, the max and the
 * sum (the first row's value, then each later one added), the mean as sum / rows and, for
 * zscore, the sum of squared deviations from that mean in a second pass over the same rows.
 * Rows seen in blocks (a streamed fit) give the bits of rows seen at once.
 */
export class ColumnStatistics {
  readonly kind: 'zscore' | 'minmax';
  readonly #width: number;
  readonly #min: Float64Array;
  readonly #max: Float64Array;
  readonly #sum: Float64Array;
  readonly #squares: Float64Array;
  #rows = 0;
  #squaredRows = 0;
  #mean: Float64Array | undefined;

  constructor(kind: 'zscore' | 'minmax', width: number) {
    this.kind = kind;
    this.#width = width;
    this.#min = new Float64Array(width);
    this.#max = new Float64Array(width);
    this.#sum = new Float64Array(width);
    this.#squares = new Float64Array(width);
  }

  /** Rows seen by the first pass. */
  get rows(): number {
    return this.#rows;
  }

  /** Whether a second pass (addSquares over the same rows) must follow the first. */
  get needsSquares(): boolean {
    return this.kind === 'zscore';
  }

  /** The first pass: `rows` rows, row-major, from element `at` of `data`. */
  add(data: ArrayLike<number>, at: number, rows: number): void {
    const width = this.#width;
    const min = this.#min;
    const max = this.#max;
    const sum = this.#sum;
    let r = 0;
    if (this.#rows === 0 && rows > 0) {
      for (let c = 0; c < width; c++) min[c] = max[c] = sum[c] = data[at + c];
      r = 1;
    }
    for (; r < rows; r++) {
      const row = at + r * width;
      for (let c = 0; c < width; c++) {
        const x = data[row + c];
        if (x < min[c]) min[c] = x;
        if (x > max[c]) max[c] = x;
        sum[c] += x;
      }
    }
    this.#rows += rows;
  }

  /** The second pass (zscore), over the same rows in the same order. */
  addSquares(data: ArrayLike<number>, at: number, rows: number): void {
    const width = this.#width;
    const mean = (this.#mean ??= this.#sum.map((s) => s / this.#rows));
    const squares = this.#squares;
    for (let r = 0; r < rows; r++) {
      const row = at + r * width;
      const first = this.#squaredRows + r === 0;
      for (let c = 0; c < width; c++) {
        const d = data[row + c] - mean[c];
        squares[c] = first ? d * d : squares[c] + d * d;
      }
    }
    this.#squaredRows += rows;
  }

  result(): Normalization {
    const offset: number[] = [];
    const scale: number[] = [];
    const rows = this.#rows;
    for (let c = 0; c < this.#width; c++) {
      // A constant column gets scale 1: its in-order mean need not equal its value exactly.
      const constant = this.#min[c] === this.#max[c];
      if (this.kind === 'zscore') {
        offset.push(this.#sum[c] / rows);
        scale.push(constant ? 1 : Math.sqrt(this.#squares[c] / rows));
      } else {
        offset.push(this.#min[c]);
        scale.push(constant ? 1 : this.#max[c] - this.#min[c]);
      }
      // Statistics that overflow, or a spread too small to divide by: no model file could hold them.
      if (!Number.isFinite(offset[c]) || !isUsableScale(scale[c])) throw invalidArgument(`inputs column ${c}`, [offset[c], scale[c]], `a column whose ${this.kind} offset and scale are finite and normal`);
    }
    return { kind: this.kind, offset, scale };
  }
}
