// trainTestSplit: numpy's np.random.seed(s); np.random.permutation(n) decides the rows, the
// first ceil(n * f) of the permutation test; other fields of a dataset are kept.
import { describe, expect, it } from 'vitest';
import { MLPError, trainTestSplit } from '../src/index.ts';

const rows = (n: number) => ({
  inputs: Array.from({ length: n }, (_, i) => [i]),
  targets: Array.from({ length: n }, (_, i) => [i * 10]),
  classes: ['a'],
});

describe('trainTestSplit', () => {
  it("takes numpy's permutation: seed 1, n 10 -> p = [2 9 6 4 0 3 1 7 8 5]", () => {
    const { train, test } = trainTestSplit(rows(10), { seed: 1 });
    expect(test.inputs).toEqual([[2], [9]]);
    expect(train.inputs).toEqual([[6], [4], [0], [3], [1], [7], [8], [5]]);
    expect(test.targets).toEqual([[20], [90]]);
    expect(train.classes).toEqual(['a']);
  });

  it('rounds the test side up, as scikit-learn does', () => {
    expect(trainTestSplit(rows(11), { seed: 3, testFraction: 0.25 }).test.inputs).toHaveLength(3);
  });

  it('rejects fractions, seeds and data that leave a side empty or make no sense', () => {
    const bad = (f: () => unknown, text: string) => {
      expect(f).toThrow(MLPError);
      expect(f).toThrow(text);
    };
    bad(() => trainTestSplit(rows(10), { seed: 1, testFraction: 1 }), 'testFraction must be a number between 0 and 1 (exclusive); got 1');
    bad(() => trainTestSplit(rows(1), { seed: 1 }), 'leaves 0 to train and 1 to test');
    bad(() => trainTestSplit(rows(10), { seed: -1 }), 'seed must be an integer from 0 to 4294967295; got -1');
    bad(() => trainTestSplit({ inputs: [[1]], targets: [] }, { seed: 1 }), 'data.targets must have one row per input row (1); got 0 rows');
  });
});
