// Input normalisation as docs/training.md defines it: fitted per column on the training
// rows, kept in the model, and applied on the host as rows are written for either backend
// (src/api/rows.ts, copyRows).

/** What fit's (and a dataset's) normalize option may ask for. */
export const NORMALIZATIONS = ['none', 'zscore', 'minmax'] as const;
export type Normalize = (typeof NORMALIZATIONS)[number];

export interface Normalization {
  kind: 'zscore' | 'minmax';
  offset: number[];
  scale: number[];
}

export function fitNormalization(kind: 'zscore' | 'minmax', data: ArrayLike<number>, rows: number, width: number): Normalization {
  const offset: number[] = [];
  const scale: number[] = [];
  for (let c = 0; c < width; c++) {
    let min = data[c];
    let max = data[c];
    let sum = data[c];
    for (let r = 1; r < rows; r++) {
      const x = data[r * width + c];
      if (x < min) min = x;
      if (x > max) max = x;
      sum += x;
    }
    // A constant column gets scale 1: its in-order mean need not equal its value exactly.
    const constant = min === max;
    if (kind === 'zscore') {
      const mean = sum / rows;
      let squares = 0;
      for (let r = 0; r < rows; r++) {
        const d = data[r * width + c] - mean;
        squares = r === 0 ? d * d : squares + d * d;
      }
      offset.push(mean);
      scale.push(constant ? 1 : Math.sqrt(squares / rows));
    } else {
      offset.push(min);
      scale.push(constant ? 1 : max - min);
    }
  }
  return { kind, offset, scale };
}
