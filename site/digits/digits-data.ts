// The digits page's data: examples/data/digits.csv as the site serves it (data/digits.csv),
// read by the same parser as `npm run bench`, split once into training and test rows.
import { parseDigitsCSV, DIGIT_CLASSES, DIGIT_PIXELS } from '../../bench/digits.ts';
import { trainTestSplit } from '../shared/library.ts';

export interface Rows {
  inputs: number[][];
  targets: number[][];
}

export interface DigitsSplit {
  train: Rows;
  test: Rows;
}

/** A fifth of the rows test; the split is seeded, so every visitor sees the same numbers. */
const TEST_FRACTION = 0.2;
const SPLIT_SEED = 7;

export async function loadDigits(): Promise<DigitsSplit> {
  const response = await fetch('data/digits.csv');
  if (!response.ok) throw new Error(`data/digits.csv: the server answered ${response.status} ${response.statusText}`);
  const data = parseDigitsCSV(await response.text());
  const rows: Rows = { inputs: [], targets: [] };
  for (let r = 0; r < data.rows; r++) {
    rows.inputs.push(Array.from(data.inputs.subarray(r * DIGIT_PIXELS, (r + 1) * DIGIT_PIXELS)));
    rows.targets.push(Array.from(data.targets.subarray(r * DIGIT_CLASSES, (r + 1) * DIGIT_CLASSES)));
  }
  return trainTestSplit(rows, { testFraction: TEST_FRACTION, seed: SPLIT_SEED });
}
