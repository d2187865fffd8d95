// A seeded train/test split, as a numpy user writes it: np.random.seed(seed);
// p = np.random.permutation(n); the first ceil(n * testFraction) of p test, the rest train.
// For data sorted by class (iris.csv), where fit's validationSplit (the last rows) would
// hold out whole classes.
import { invalidArgument, MLPError } from '../api/errors.ts';
import { RandomState } from '../math/random.ts';
import { checkOptions, checkSeed } from '../api/validate.ts';

export interface SplitOptions {
  /** Fraction of the rows that go to the test side, 0 < f < 1 (default 0.2). */
  testFraction?: number;
  /** Seed of the permutation (np.random.seed). */
  seed: number;
}

/** Rows with targets and whatever else describes them (loadCSV's datasets keep their fields). */
export interface Rows {
  inputs: readonly (readonly number[])[];
  targets: readonly (readonly number[])[];
}

export function trainTestSplit<T extends Rows>(data: T, options: SplitOptions): { train: T; test: T } {
  const o = checkOptions(options, 'options', ['testFraction', 'seed']);
  const fraction = o.testFraction ?? 0.2;
  if (typeof fraction !== 'number' || !(fraction > 0 && fraction < 1)) throw invalidArgument('testFraction', fraction, 'a number between 0 and 1 (exclusive)');
  const seed = checkSeed(o.seed);
  if (data === null || typeof data !== 'object' || !Array.isArray(data.inputs) || !Array.isArray(data.targets)) {
    throw invalidArgument('data', data, 'an object with inputs and targets arrays (as loadCSV returns)');
  }
  const n = data.inputs.length;
  if (data.targets.length !== n) throw new MLPError('INVALID_ARGUMENT', `data.targets must have one row per input row (${n}); got ${data.targets.length} rows`);
  const testRows = Math.ceil(n * fraction);
  if (testRows < 1 || testRows >= n) {
    throw new MLPError('INVALID_ARGUMENT', `testFraction ${fraction} of ${n} rows leaves ${n - testRows} to train and ${testRows} to test; each side needs at least one row`);
  }
  const order = new RandomState(seed).permutation(n);
  const pick = (from: number, to: number) => {
    const rows = Array.from(order.subarray(from, to));
    return { ...data, inputs: rows.map((r) => data.inputs[r]), targets: rows.map((r) => data.targets[r]) };
  };
  return { train: pick(testRows, n), test: pick(0, testRows) };
}
