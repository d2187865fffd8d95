// Bit-for-bit agreement of src/math/random.ts with numpy's legacy RandomState, against
// fixtures/random.json (written by fixtures/gen_random.py from numpy itself).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RandomState } from '../src/math/random.ts';

interface RandomFixture {
  numpy: string;
  rand: { seed: number; values: string[] }[];
  uint32: { seed: number; values: number[] }[];
  streams: {
    seed: number;
    steps: ({ rand: number; values: string[] } | { permutation: number; values: number[] })[];
  }[];
}

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/random.json', import.meta.url), 'utf8'),
) as RandomFixture;

function fromHex(bits: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${bits}`));
  return view.getFloat64(0);
}

// Reports the first mismatching index rather than a 2,000-element diff.
function expectSameBits(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) {
      expect.fail(`index ${i}: got ${actual[i]}, numpy gives ${expected[i]}`);
    }
  }
}

describe('RandomState matches numpy legacy seeding', () => {
  it('has a non-trivial fixture', () => {
    expect(fixture.rand.map((r) => r.seed)).toEqual([0, 1, 42, 4294967295]);
    for (const r of fixture.rand) expect(r.values).toHaveLength(2000);
  });

  for (const { seed, values } of fixture.uint32) {
    it(`nextUint32 gives genrand_int32 words for seed ${seed}`, () => {
      const rs = new RandomState(seed);
      expectSameBits(values.map(() => rs.nextUint32()), values);
    });
  }

  for (const { seed, values } of fixture.rand) {
    const expected = values.map(fromHex);

    it(`randomSample reproduces np.random.rand(2000) for seed ${seed}`, () => {
      const rs = new RandomState(seed);
      expectSameBits(expected.map(() => rs.randomSample()), expected);
    });

    it(`fill reproduces np.random.rand(2000) for seed ${seed}, in one call or in pieces`, () => {
      const whole = new Float64Array(expected.length);
      new RandomState(seed).fill(whole);
      expectSameBits(whole, expected);

      // Pieces of awkward sizes so draws straddle the 624-word regeneration.
      const pieces = new Float64Array(expected.length);
      const rs = new RandomState(seed);
      let offset = 0;
      for (const size of [1, 311, 0, 313, 700, 675]) {
        rs.fill(pieces, offset, size);
        offset += size;
      }
      expect(offset).toBe(expected.length);
      expectSameBits(pieces, expected);
    });
  }

  it('fill with only an offset fills to the end and leaves the prefix alone', () => {
    const expected = fixture.rand.find((r) => r.seed === 42)!.values.slice(0, 5).map(fromHex);
    const out = new Float64Array(8).fill(-1);
    new RandomState(42).fill(out, 3);
    expectSameBits(out, [-1, -1, -1, ...expected]);
  });

  for (const { seed, steps } of fixture.streams) {
    const script = steps.map((s) => ('rand' in s ? `rand(${s.rand})` : `permutation(${s.permutation})`)).join(', ');
    it(`seed ${seed}: ${script}`, () => {
      const rs = new RandomState(seed);
      for (const step of steps) {
        if ('rand' in step) {
          const out = new Float64Array(step.rand);
          rs.fill(out);
          expectSameBits(out, step.values.map(fromHex));
        } else {
          const perm = rs.permutation(step.permutation);
          expect(perm).toBeInstanceOf(Int32Array);
          expectSameBits(perm, step.values);
        }
      }
    });
  }

  it('randomInterval(0) consumes no draw, as in numpy', () => {
    const a = new RandomState(5);
    const b = new RandomState(5);
    expect(a.randomInterval(0)).toBe(0);
    expect(a.nextUint32()).toBe(b.nextUint32());
  });

  it('randomInterval masks and rejects one 32-bit word at a time', () => {
    // Mirrors numpy's loop on the raw words, so a different bounded-int method
    // (modulo, Lemire, 64-bit draws) is caught even where it happens to stay in range.
    for (const max of [1, 2, 5, 9, 149, 999, 0x7fffffff, 0x80000000, 0xffffffff]) {
      const rs = new RandomState(max);
      const raw = new RandomState(max);
      let mask = max;
      for (let s = 1; s <= 16; s <<= 1) mask |= mask >>> s;
      mask >>>= 0;
      for (let k = 0; k < 200; k++) {
        let v: number;
        do v = (raw.nextUint32() & mask) >>> 0;
        while (v > max);
        expect(rs.randomInterval(max)).toBe(v);
      }
    }
  });

  it('permutation(0) is empty and consumes nothing', () => {
    const a = new RandomState(3);
    const b = new RandomState(3);
    expect(a.permutation(0)).toEqual(new Int32Array(0));
    expect(a.permutation(1)).toEqual(new Int32Array([0]));
    expect(a.nextUint32()).toBe(b.nextUint32());
  });
});

describe('RandomState guards', () => {
  it.each([-1, 4294967296, 1.5, Number.NaN, Infinity, -Infinity, 2 ** 53])('rejects seed %s', (seed) => {
    expect(() => new RandomState(seed)).toThrow(RangeError);
  });

  it('accepts the extreme seeds', () => {
    expect(() => new RandomState(0)).not.toThrow();
    expect(() => new RandomState(4294967295)).not.toThrow();
  });

  it.each([-1, 1.5, Number.NaN, 4294967296])('randomInterval rejects max %s', (max) => {
    expect(() => new RandomState(0).randomInterval(max)).toThrow(RangeError);
  });

  it.each([-1, 2.5, Number.NaN])('permutation rejects n %s', (n) => {
    expect(() => new RandomState(0).permutation(n)).toThrow(RangeError);
  });

  it.each([
    [-1, 2],
    [0, 9],
    [7, 2],
    [1.5, 1],
  ])('fill rejects offset %s, count %s on length 8', (offset, count) => {
    expect(() => new RandomState(0).fill(new Float64Array(8), offset, count)).toThrow(RangeError);
  });
});
