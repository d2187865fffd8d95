// A class column that loadCSV read as numbers (digits.csv's `digit`: 0..9), handed to a net
// with n > 1 outputs: one number per row cannot be its targets, but at most n distinct
// integers can only mean classes. They become one-hot rows and the classes' labels.

export interface ClassTargets {
  targets: number[][];
  classes: string[];
}

/**
 * One-hot rows and labels for `targets` when they are rows of one integer and `outputs` > 1:
 * integers 0..n-1 map to themselves (labels '0'..'n-1'); any other n distinct integers map
 * in increasing order. Undefined when the rows are anything else (the caller's checks speak).
 */
export function classColumnTargets(targets: unknown, outputs: number): ClassTargets | undefined {
  if (outputs < 2 || !Array.isArray(targets) || targets.length === 0) return undefined;
  const values = new Array<number>(targets.length);
  for (let r = 0; r < targets.length; r++) {
    const row: unknown = targets[r];
    if (!Array.isArray(row) || row.length !== 1 || !Number.isSafeInteger(row[0])) return undefined;
    values[r] = row[0] as number;
  }
  const distinct = [...new Set(values)].sort((a, b) => a - b);
  const indices = distinct[0] >= 0 && distinct[distinct.length - 1] < outputs;
  if (!indices && distinct.length !== outputs) return undefined;
  const labels = indices ? Array.from({ length: outputs }, (_, k) => k) : distinct;
  const index = new Map(labels.map((v, k) => [v, k]));
  return {
    targets: values.map((v) => {
      const row = new Array<number>(outputs).fill(0);
      row[index.get(v)!] = 1;
      return row;
    }),
    classes: labels.map(String),
  };
}
