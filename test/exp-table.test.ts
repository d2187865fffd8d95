// The exp table the browser builds compute at load (src/math/exp-table.browser.ts) is
// upstream's (src/math/exp-table.ts), every bit of every double; and what it is, checked on
// upstream's words: H[i] is the double nearest 2^(i/128), |T[i]| under half an ulp of H[i].
import { describe, expect, it } from 'vitest';
import { EXP_TABLE } from '../src/math/exp-table.ts';
import { EXP_TABLE as COMPUTED } from '../src/math/exp-table.browser.ts';
import { hex, toBits } from './helpers/bits.ts';

describe('the computed exp table', () => {
  it("equals upstream's 256 doubles bit for bit", () => {
    expect(COMPUTED).toHaveLength(256);
    expect([...COMPUTED].map((x) => hex(toBits(x)))).toEqual([...EXP_TABLE].map((x) => hex(toBits(x))));
  });

  it('pairs [T, H] with H near 2^(i/128) and T below half its ulp', () => {
    for (let i = 0; i < 128; i++) {
      const [t, h] = [EXP_TABLE[2 * i]!, EXP_TABLE[2 * i + 1]!];
      expect(Math.abs(h - 2 ** (i / 128))).toBeLessThanOrEqual(2 ** -52);
      expect(Math.abs(t)).toBeLessThan(2 ** -53);
    }
  });
});
