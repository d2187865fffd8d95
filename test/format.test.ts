// Pins the CLI's two printers to CPython and numpy: pythonFloatRepr against repr(float) and
// formatNumpyArray against str(ndarray), from fixtures written by test/fixtures/gen_format.py.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pythonFloatRepr } from '../src/format/float-repr.ts';
import { formatNumpyArray } from '../src/format/format-numpy.ts';
import { errorMessage } from './helpers/error-message.ts';

function loadFixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

const view = new DataView(new ArrayBuffer(8));
function floatOf(bits: bigint): number {
  view.setBigUint64(0, bits);
  return view.getFloat64(0);
}
function bitsOf(x: number): bigint {
  view.setFloat64(0, x);
  return view.getBigUint64(0);
}
const hex = (bits: bigint): string => bits.toString(16).padStart(16, '0');

// --- the seeded stream of gen_format.py, reproduced bit for bit -----------------------------

const MASK = (1n << 64n) - 1n;

class SplitMix64 {
  private state: bigint;
  constructor(seed: bigint) {
    this.state = seed & MASK;
  }
  next(): bigint {
    this.state = (this.state + 0x9e3779b97f4a7c15n) & MASK;
    let z = this.state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK;
    return z ^ (z >> 31n);
  }
  below(n: bigint): bigint {
    return this.next() % n;
  }
  belowInt(n: number): number {
    return Number(this.below(BigInt(n)));
  }
}

const THRESHOLDS = ['1e-5', '1e-4', '1e15', '1e16', '1e17', '1', '0.5', '9007199254740992',
  '9223372036854775808', '1.7976931348623157e308', '2.2250738585072014e-308'];

/** Twin of gen_format.py's seeded_repr_case: the same draws, in the same order. */
function seededReprCase(rng: SplitMix64): bigint {
  const kind = rng.belowInt(8);
  if (kind === 0) return rng.next();
  if (kind === 1 || kind === 3) {
    const nd = 1 + rng.belowInt(kind === 1 ? 17 : 4);
    const m = rng.below(10n ** BigInt(nd));
    const e = kind === 1 ? rng.belowInt(639) - 330 : rng.belowInt(10) - 7;
    const neg = rng.belowInt(2) === 1;
    return bitsOf(Number(`${neg ? '-' : ''}${m}e${e}`));
  }
  if (kind === 2) {
    const k = rng.belowInt(65);
    const u = rng.next();
    const v = k === 0 ? 0n : u >> BigInt(64 - k);
    const neg = rng.belowInt(2) === 1;
    return bitsOf(neg ? -Number(v) : Number(v));
  }
  if (kind === 4) {
    const e = rng.belowInt(636) - 325;
    const delta = BigInt(rng.belowInt(5) - 2);
    const b = bitsOf(Number(`1e${e}`));
    return b + delta >= 0n && b + delta <= MASK ? b + delta : b;
  }
  if (kind === 5) {
    const neg = rng.below(2n);
    return (neg << 63n) | (rng.next() & ((1n << 52n) - 1n));
  }
  if (kind === 6) {
    const u = rng.next() >> 11n;
    const scale = Number(`1e${rng.belowInt(40) - 20}`);
    return bitsOf((Number(u) / 9007199254740992) * scale);
  }
  const base = bitsOf(Number(THRESHOLDS[rng.belowInt(THRESHOLDS.length)]));
  return base + BigInt(rng.belowInt(2001) - 1000);
}

interface ReprFixture {
  seed: string;
  count: number;
  blockSize: number;
  specials: [string, string][];
  sample: [string, string][];
  blocks: { inputs: string; lines: string }[];
}

describe('pythonFloatRepr', () => {
  const fixture = loadFixture<ReprFixture>('float-repr.json');

  it('prints the layouts of Python 3 repr(float)', () => {
    const cases: [number, string][] = [
      [1e-5, '1e-05'], [0.0001, '0.0001'], [5e-324, '5e-324'], [1e16, '1e+16'],
      [1234567890123456.0, '1234567890123456.0'], [1.5e300, '1.5e+300'], [123, '123.0'],
      [0.1, '0.1'], [-0, '-0.0'], [0, '0.0'], [Infinity, 'inf'], [-Infinity, '-inf'],
      [NaN, 'nan'], [-2.5e-7, '-2.5e-07'], [1e22, '1e+22'], [9999999999999998, '9999999999999998.0'],
    ];
    expect(cases.map(([x]) => pythonFloatRepr(x))).toEqual(cases.map(([, s]) => s));
  });

  it('prints the notebook\'s loss lines', () => {
    const losses = [0.050200055006009915, 0.002508771745050967, 0.0012017913077545835,
      0.0007796953977827689, 0.0005737736312857965, 0.0004525050473037121,
      0.000372843044332794, 0.0003166239447419777, 0.0002748846634192015,
      0.00024270155003633162];
    const text = losses.map((loss, i) => `Epoch ${i * 1000 + 1}, Loss: ${pythonFloatRepr(loss)}`);
    expect(text.join('\n')).toBe([
      'Epoch 1, Loss: 0.050200055006009915',
      'Epoch 1001, Loss: 0.002508771745050967',
      'Epoch 2001, Loss: 0.0012017913077545835',
      'Epoch 3001, Loss: 0.0007796953977827689',
      'Epoch 4001, Loss: 0.0005737736312857965',
      'Epoch 5001, Loss: 0.0004525050473037121',
      'Epoch 6001, Loss: 0.000372843044332794',
      'Epoch 7001, Loss: 0.0003166239447419777',
      'Epoch 8001, Loss: 0.0002748846634192015',
      'Epoch 9001, Loss: 0.00024270155003633162',
    ].join('\n'));
  });

  it(`matches CPython on ${fixture.specials.length} special values`, () => {
    const actual = fixture.specials.map(([h]) => [h, pythonFloatRepr(floatOf(BigInt(`0x${h}`)))]);
    expect(actual).toEqual(fixture.specials);
  });

  it(`matches CPython on all ${fixture.count} seeded doubles`, () => {
    expect(fixture.count).toBeGreaterThanOrEqual(100_000);
    const rng = new SplitMix64(BigInt(`0x${fixture.seed}`));
    const sample: [string, string][] = [];
    const badInputs: number[] = [];
    const badLines: number[] = [];
    let hin = createHash('sha256');
    let hout = createHash('sha256');
    for (let i = 0; i < fixture.count; i++) {
      const bits = seededReprCase(rng);
      const line: [string, string] = [hex(bits), pythonFloatRepr(floatOf(bits))];
      if (i < fixture.sample.length) sample.push(line);
      hin.update(`${line[0]}\n`);
      hout.update(`${line[0]} ${line[1]}\n`);
      if ((i + 1) % fixture.blockSize === 0) {
        const block = fixture.blocks[(i + 1) / fixture.blockSize - 1]!;
        if (hin.digest('hex') !== block.inputs) badInputs.push((i + 1) / fixture.blockSize - 1);
        if (hout.digest('hex') !== block.lines) badLines.push((i + 1) / fixture.blockSize - 1);
        hin = createHash('sha256');
        hout = createHash('sha256');
      }
    }
    expect(fixture.blocks.length * fixture.blockSize).toBe(fixture.count);
    // Case by case where the fixture holds the text, for a readable diff.
    expect(sample).toEqual(fixture.sample);
    // A bad input block means this twin of the generator drifted from gen_format.py.
    expect(badInputs, 'seeded inputs differ from gen_format.py in blocks').toEqual([]);
    // Diff a bad block against `python3 test/fixtures/gen_format.py --dump-block K`.
    expect(badLines, 'repr differs from CPython in blocks').toEqual([]);
  });
});

// --- numpy ------------------------------------------------------------------------------------

interface NumpyCase {
  shape: number[];
  data?: string;
  corners?: string;
  str: string;
}

function decode(base64: string): number[] {
  const bytes = Buffer.from(base64, 'base64');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: bytes.byteLength / 8 }, (_, i) => dv.getFloat64(i * 8, true));
}

/** Rebuilds a summarised case: its printed corners in C order, POISON everywhere else. */
function withPoison(shape: number[], corners: number[], poison: number): number[] {
  const size = shape.reduce((a, b) => a * b, 1);
  const out: number[] = [];
  let next = 0;
  for (let flat = 0; flat < size; flat++) {
    let rest = flat;
    let shown = true;
    for (let axis = shape.length - 1; axis >= 0; axis--) {
      const n = shape[axis]!;
      const i = rest % n;
      rest = Math.floor(rest / n);
      if (n > 6 && i >= 3 && i < n - 3) shown = false;
    }
    out.push(shown ? corners[next++]! : poison);
  }
  expect(next).toBe(corners.length);
  return out;
}

describe('formatNumpyArray', () => {
  it('prints the notebook\'s four arrays as numpy does', () => {
    const text = [
      'Updated W1:\n', formatNumpyArray([0.3745401188473625, 0.9507570214614461,
        0.7319939418114051, 0.5994005152003765], [2, 2]), '\n',
      'Updated b1:\n', formatNumpyArray([0.1560613554939665, 0.15673655133954256], [2, 1]), '\n',
      'Updated W2:\n', formatNumpyArray([0.06104322606674538, 0.8688548584163575], [1, 2]), '\n',
      'Updated b2:\n', formatNumpyArray([0.6050531847111218], [1, 1]), '\n',
    ];
    // print("Updated W1:\n", W1) puts a space between its two arguments.
    expect(text.map((part, i) => (i % 3 === 1 ? ` ${part}` : part)).join('')).toBe(
      'Updated W1:\n' +
      ' [[0.37454012 0.95075702]\n' +
      ' [0.73199394 0.59940052]]\n' +
      'Updated b1:\n' +
      ' [[0.15606136]\n' +
      ' [0.15673655]]\n' +
      'Updated W2:\n' +
      ' [[0.06104323 0.86885486]]\n' +
      'Updated b2:\n' +
      ' [[0.60505318]]\n',
    );
  });

  it('rounds the exact binary value half to even at the cut, unlike toFixed', () => {
    // 1/512 = 0.001953125 exactly: a tie at 8 decimals; numpy keeps the even 2.
    expect(formatNumpyArray([0.001953125, 0.5], [2])).toBe('[0.00195312 0.5       ]');
    // 123456785 is exact, a tie at 8 significant digits in scientific notation.
    expect(formatNumpyArray([123456785], [1])).toBe('[1.23456785e+08]');
    expect(formatNumpyArray([123456785, 1], [2])).toBe('[1.23456785e+08 1.00000000e+00]');
    expect(formatNumpyArray([1234567850], [1])).toBe('[1.23456785e+09]');
    expect(formatNumpyArray([12345678250], [1])).toBe('[1.23456782e+10]');
    // A shortest repr within the cut is printed as is; a carry runs through every digit.
    expect(formatNumpyArray([0.1, 0.999999996], [2])).toBe('[0.1 1. ]');
  });

  it('switches to scientific notation at 1e8, below 1e-4 and past a 1000x ratio', () => {
    expect(formatNumpyArray([99999999.0], [1])).toBe('[99999999.]');
    expect(formatNumpyArray([1e8], [1])).toBe('[1.e+08]');
    expect(formatNumpyArray([1e-4, 0.1], [2])).toBe('[0.0001 0.1   ]');
    expect(formatNumpyArray([9.999999999999999e-5], [1])).toBe('[1.e-04]');
    expect(formatNumpyArray([1, 1000], [2])).toBe('[   1. 1000.]');
    expect(formatNumpyArray([1, 1000.0000000000001], [2])).toBe('[1.e+00 1.e+03]');
    expect(formatNumpyArray([1e-5, 2e10, -3.5], [3])).toBe('[ 1.0e-05  2.0e+10 -3.5e+00]');
    expect(formatNumpyArray([1e100, 1e-100], [2])).toBe('[1.e+100 1.e-100]');
  });

  it('pads nan and inf to the column width', () => {
    expect(formatNumpyArray([NaN, Infinity, -Infinity], [3])).toBe('[ nan  inf -inf]');
    expect(formatNumpyArray([NaN, 0], [2])).toBe('[nan  0.]');
    expect(formatNumpyArray([-Infinity, 1e10, 0.5], [3])).toBe('[  -inf 1.e+10 5.e-01]');
  });

  it('prints 0-D arrays as the scalar and empty arrays as []', () => {
    expect(formatNumpyArray([0.1], [])).toBe('0.1');
    expect(formatNumpyArray([1e-5], [])).toBe('1e-05');
    expect(formatNumpyArray([], [0])).toBe('[]');
    expect(formatNumpyArray([], [2, 0])).toBe('[]');
  });

  const fixture = loadFixture<{ poison: number; cases: NumpyCase[] }>('numpy-str.json');

  it(`matches numpy on ${fixture.cases.length} arrays`, () => {
    expect(fixture.cases.length).toBeGreaterThanOrEqual(1000);
    const failures: { shape: number[]; expected: string; actual: string }[] = [];
    for (const c of fixture.cases) {
      const data = c.corners !== undefined
        ? withPoison(c.shape, decode(c.corners), fixture.poison)
        : decode(c.data!);
      const actual = formatNumpyArray(data, c.shape);
      if (actual !== c.str) failures.push({ shape: c.shape, expected: c.str, actual });
    }
    expect(failures.slice(0, 5)).toEqual([]);
    expect(failures.length).toBe(0);
  });
});

describe('bad arguments', () => {
  const message = errorMessage;

  it('are MLPErrors naming the argument, the value and what was expected, never a RangeError or garbage text', () => {
    expect(message(() => formatNumpyArray([1, 2, 3], [2, 2]))).toBe('data must be an array or typed array of 4 numbers (shape (2, 2)); got [1,2,3]');
    expect(message(() => formatNumpyArray([1], [-1]))).toBe("shape must be an array of non-negative integers (numpy's shape); got [-1]");
    expect(message(() => formatNumpyArray([1], '1' as never))).toBe("shape must be an array of non-negative integers (numpy's shape); got \"1\"");
    expect(message(() => formatNumpyArray(['a'] as never, [1]))).toBe('data[0] must be a number; got "a"');
    expect(message(() => formatNumpyArray('ab' as never, [2]))).toBe('data must be an array or typed array of 2 numbers (shape (2,)); got "ab"');
    expect(message(() => pythonFloatRepr('x' as never))).toBe('x must be a number; got "x"');
    expect(formatNumpyArray(new Float32Array([0.5, -0]), [2])).toBe('[ 0.5 -0. ]');
  });
});
