// The SIMD kernel's two-lane exp, log and tanh (expPair, logPair, tanhPair: what its
// activations and losses call) against the scalar functions, bit for bit: the SIMD kernel's
// expArray / logArray / tanhArray run their inputs through the pair forms, the scalar kernel's
// through exp() / log() / tanh(), and the JS backend's src/math functions are the third
// opinion. Every pair of edge values is tried in both lane orders (a lane's result must not
// depend on its neighbour's path), then random bit patterns and random values in the ranges
// the nets see. The glibc comparisons are test/exp.test.ts and test/log-tanh.test.ts.
import { beforeAll, describe, expect, it } from 'vitest';
import { instantiateKernel, type KernelExports } from '../src/backends/wasm/kernel.ts';
import { exp } from '../src/math/exp.ts';
import { log } from '../src/math/log.ts';
import { tanh } from '../src/math/tanh.ts';
import { describeValue, fromBits, toBits } from './helpers/bits.ts';

type Name = 'exp' | 'log' | 'tanh';
type ArrayFunction = (src: number, dst: number, count: number) => void;
type Kernel = KernelExports & Record<`${Name}Array`, ArrayFunction>;

const SCALAR: Record<Name, (x: number) => number> = { exp, log, tanh };

/** The double next to x towards +Infinity (up) or -Infinity. */
function next(x: number, up: boolean): number {
  if (x === 0) return up ? 5e-324 : -5e-324;
  const bits = toBits(x);
  return fromBits(x > 0 === up ? bits + 1n : bits - 1n);
}

/** Each value with its two neighbours and its negation's. */
function around(values: number[]): number[] {
  return values.flatMap((x) => [x, -x].flatMap((y) => [next(y, false), y, next(y, true)]));
}

const ALWAYS = [0, -0, 5e-324, -5e-324, 2.2250738585072014e-308, 1, 0.5, 2, 1e308, Number.MAX_VALUE, Infinity, -Infinity, NaN, fromBits(0xfff8000000000000n), fromBits(0x7ff0000000000001n)];

const EDGES: Record<Name, number[]> = {
  exp: [
    ...ALWAYS,
    // The common path's bounds, overflow, the subnormal results and underflow to zero.
    ...around([5.551115123125783e-17, 1e-300, 511.99999999999994, 512, 709.782712893384, 708.3964185322641, 745.1332191019411, 744.44, 1023.9999999999999, 1024, 0.0027, 88.72]),
  ],
  log: [
    ...ALWAYS,
    ...around([1, Math.SQRT2, Math.SQRT1_2, 1 + 2 ** -20, 1 - 2 ** -20, 1e-310, 2.2250738585072014e-308, 1e-300, 0.25, 3, 1e300]),
    // High words at the edges of log's near-sqrt(2) and |f| < 2^-20 tests.
    ...[0x6147a, 0x6b851, 0x95f64, 0xffffd, 0xffffe, 0x00001, 0x00002].flatMap((m) =>
      [-1, 0, 1].flatMap((d) => [0x3ff00000, 0x3fe00000, 0x40000000].map((e) => fromBits(BigInt(e + m + d) << 32n | 0x12345n)))),
  ],
  tanh: [...ALWAYS, ...around([0.625, 22, 19.06, 1e-300, 1e-8, 0.1, 3, 255, 256, 710, 1e300])],
};

/** splitmix64, for random bit patterns. */
function randomBits(seed: bigint): () => bigint {
  let state = seed;
  const mask = (1n << 64n) - 1n;
  return () => {
    state = (state + 0x9e3779b97f4a7c15n) & mask;
    let z = state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & mask;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & mask;
    return z ^ (z >> 31n);
  };
}

/** Every ordered pair of edge values as two lanes, then `count` random doubles. */
function inputs(name: Name, count: number): Float64Array {
  const edges = EDGES[name];
  const out: number[] = [];
  for (const a of edges) for (const b of edges) out.push(a, b);
  const bits = randomBits(0x5eedn + BigInt(name.length));
  const unit = () => Number(bits() >> 11n) / 2 ** 53;
  const ranges: Record<Name, [number, number][]> = {
    exp: [[-800, 800], [-40, 40], [-1e-3, 1e-3]],
    log: [[0, 1], [0.99, 1.01], [0, 1e6]],
    tanh: [[-25, 25], [-1, 1], [-0.7, 0.7]],
  };
  if (name === 'log') {
    // Every low word is worth trying at the high words where log changes form.
    for (const m of [0x6147a, 0x6b851, 0x95f64, 0x6a09e, 0xffffe, 0x00001]) {
      for (const d of [-1, 0, 1]) {
        for (let j = 0; j < 2000; j++) out.push(fromBits((BigInt(0x3fe00000 + (j & 1) * 0x100000 + m + d) << 32n) | (bits() & 0xffffffffn)));
      }
    }
  }
  for (let i = 0; i < count; i++) {
    if (i % 2 === 0) out.push(fromBits(bits()));
    else {
      const [lo, hi] = ranges[name][(i >> 1) % 3]!;
      out.push(lo + unit() * (hi - lo));
    }
  }
  return Float64Array.from(out);
}

function run(kernel: Kernel, name: Name, xs: Float64Array): Float64Array {
  const { memory } = kernel;
  const bytes = xs.length * 8;
  const src = memory.buffer.byteLength;
  memory.grow(Math.ceil((2 * bytes) / 65536));
  new Float64Array(memory.buffer, src, xs.length).set(xs);
  kernel[`${name}Array`](src, src + bytes, xs.length);
  return new Float64Array(memory.buffer, src + bytes, xs.length).slice();
}

// NaN payloads are not observable in JS arithmetic; every other result must match in its bits.
const same = (a: number, b: number) => (Number.isNaN(a) ? Number.isNaN(b) : toBits(a) === toBits(b));

describe('the SIMD kernel\'s two-lane exp, log and tanh give the scalar bits', () => {
  let simd: Kernel;
  let scalar: Kernel;
  beforeAll(async () => {
    simd = (await instantiateKernel(true)).exports as Kernel;
    scalar = (await instantiateKernel(false)).exports as Kernel;
  });

  for (const name of ['exp', 'log', 'tanh'] as const) {
    it(`${name}: edge pairs and 400,000 random inputs`, () => {
      const xs = inputs(name, 400_000);
      const lanes = run(simd, name, xs);
      const one = run(scalar, name, xs);
      let checked = 0;
      for (let i = 0; i < xs.length; i++) {
        const js = SCALAR[name](xs[i]!);
        if (!same(one[i]!, js)) expect.fail(`scalar kernel ${name}(${describeValue(xs[i]!)}) = ${describeValue(one[i]!)}, js ${describeValue(js)}`);
        if (!same(lanes[i]!, one[i]!)) {
          expect.fail(`SIMD ${name}(${describeValue(xs[i]!)}) in lane ${i % 2} beside ${describeValue(xs[i ^ 1]!)} = ${describeValue(lanes[i]!)}, scalar ${describeValue(one[i]!)}`);
        }
        checked++;
      }
      expect(checked).toBe(xs.length);
      // The special paths were reached: infinities, zeros, NaN and (exp) subnormal results.
      const results = new Set(Array.from(lanes, (y) => (Number.isNaN(y) ? 'NaN' : y === Infinity ? '+Inf' : y === -Infinity ? '-Inf' : y === 0 ? '0' : Math.abs(y) < 2.2250738585072014e-308 ? 'subnormal' : 'normal')));
      const expected = { exp: ['NaN', '+Inf', '0', 'subnormal', 'normal'], log: ['NaN', '+Inf', '-Inf', '0', 'normal'], tanh: ['NaN', '0', 'subnormal', 'normal'] }[name];
      expect([...results].sort()).toEqual([...expected].sort());
    });
  }
});
