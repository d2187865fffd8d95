// Bit-for-bit agreement of both exps (src/math/exp.ts, and assembly/exp.ts through the kernel's
// expArray) with glibc's, against fixtures/exp.json + exp-first10000.txt (written by
// fixtures/gen_exp.py from glibc itself). The 10^6 inputs are regenerated here with the
// script's splitmix64 generator; only a digest of glibc's outputs is committed.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { exp } from '../src/math/exp.ts';
import { instantiateKernel, type KernelExports } from '../src/backends/wasm/kernel.ts';
import { describeValue, fromBits, hex, readFirstPairs, toBits } from './helpers/bits.ts';

interface ExpFixture {
  glibc: string;
  seed: string;
  count: number;
  inputsSha256: string;
  outputsSha256: string;
  firstCount: number;
  specials: { x: string; y: string; note: string }[];
}

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/exp.json', import.meta.url), 'utf8'),
) as ExpFixture;

/** The first `firstCount` [input, glibc output] pairs, as bit patterns. */
const firstPairs = readFirstPairs('exp');

// ---- gen_exp.py's generator, step for step -------------------------------------------

const MASK64 = (1n << 64n) - 1n;
const MASK52 = (1n << 52n) - 1n;
const MASK53 = (1n << 53n) - 1n;
const TWO_M53 = 1.1102230246251565e-16; // 2^-53
const TWO_M52 = 2.220446049250313e-16; // 2^-52

function generateInputs(seed: bigint, count: number): Float64Array {
  let state = seed;
  const next = (): bigint => {
    state = (state + 0x9e3779b97f4a7c15n) & MASK64;
    let z = state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
    return z ^ (z >> 31n);
  };
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    let x: number;
    switch (i % 4) {
      case 0: {
        const u = Number(next() >> 11n) * TWO_M53;
        x = -746 + u * 1456;
        break;
      }
      case 1: {
        const v = next();
        const s = v >> 58n;
        x = (Number(v & MASK53) * TWO_M52 - 1) / Number(1n << s);
        break;
      }
      case 2: {
        for (;;) {
          const v = next();
          const expo = 959n + (((v >> 52n) & 0x7ffn) % 74n);
          x = fromBits((v & (1n << 63n)) | (expo << 52n) | (v & MASK52));
          if (x >= -746 && x <= 710) break;
        }
        break;
      }
      default: {
        const v = next();
        const u = Number(v >> 11n) * TWO_M53;
        x = v & 1n ? -746 + u * 46 : 690 + u * 20;
      }
    }
    out[i] = x;
  }
  return out;
}

// ----------------------------------------------------------------------------------------

function sha256(values: Float64Array): string {
  return createHash('sha256')
    .update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength))
    .digest('hex');
}

/** Runs the kernel's expArray over `inputs` in a region grown past everything else. */
function wasmExpAll(kernel: KernelExports, inputs: Float64Array): Float64Array {
  const { memory } = kernel;
  const bytes = inputs.length * 8;
  const src = memory.buffer.byteLength;
  memory.grow(Math.ceil((2 * bytes) / 65536));
  new Float64Array(memory.buffer, src, inputs.length).set(inputs);
  kernel.expArray(src, src + bytes, inputs.length);
  return new Float64Array(memory.buffer, src + bytes, inputs.length).slice();
}

type Backend = { name: 'js' | 'wasm'; run(inputs: Float64Array): Float64Array };

describe('exp is bit-identical to glibc on both backends', () => {
  let inputs: Float64Array;
  let kernel: KernelExports;
  const backends: Backend[] = [
    { name: 'js', run: (xs) => xs.map(exp) },
    { name: 'wasm', run: (xs) => wasmExpAll(kernel, xs) },
  ];
  const outputs = new Map<string, Float64Array>();

  beforeAll(async () => {
    // The digest below is over little-endian bytes.
    expect(new Uint8Array(new Float64Array([1]).buffer)[7]).toBe(0x3f);
    kernel = (await instantiateKernel()).exports;
    inputs = generateInputs(BigInt(`0x${fixture.seed}`), fixture.count);
  });

  it('has a non-trivial fixture', () => {
    expect(fixture.glibc).toMatch(/non-FMA/);
    expect(fixture.count).toBeGreaterThanOrEqual(1_000_000);
    expect(firstPairs).toHaveLength(fixture.firstCount);
    expect(fixture.specials.length).toBeGreaterThan(250);
  });

  it('regenerates the fixture inputs', () => {
    for (let i = 0; i < firstPairs.length; i++) {
      if (toBits(inputs[i]!) !== firstPairs[i]![0]) {
        expect.fail(`input ${i}: generated ${describeValue(inputs[i]!)}, fixture has ${hex(firstPairs[i]![0])}`);
      }
    }
    expect(sha256(inputs)).toBe(fixture.inputsSha256);
  });

  for (const backend of backends) {
    it(`${backend.name}: special values`, () => {
      const xs = Float64Array.from(fixture.specials, (s) => fromBits(BigInt(`0x${s.x}`)));
      const ys = backend.run(xs);
      for (const [i, s] of fixture.specials.entries()) {
        const expected = fromBits(BigInt(`0x${s.y}`));
        const got = ys[i]!;
        // NaN payloads are not specified by wasm nor observable in JS arithmetic.
        const ok = Number.isNaN(expected) ? Number.isNaN(got) : toBits(got) === toBits(expected);
        if (!ok) {
          expect.fail(
            `${backend.name} exp(${describeValue(xs[i]!)}) [${s.note}] = ${describeValue(got)}, glibc gives ${describeValue(expected)}`,
          );
        }
      }
    });

    it(`${backend.name}: ${fixture.count} generated inputs`, () => {
      const ys = backend.run(inputs);
      outputs.set(backend.name, ys);
      for (let i = 0; i < firstPairs.length; i++) {
        const [xBits, yBits] = firstPairs[i]!;
        if (toBits(ys[i]!) !== yBits) {
          expect.fail(
            `${backend.name} exp(${describeValue(fromBits(xBits))}) [input ${i}] = ${describeValue(ys[i]!)}, glibc gives ${describeValue(fromBits(yBits))}`,
          );
        }
      }
      expect(sha256(ys), `${backend.name}: digest of all ${fixture.count} outputs`).toBe(fixture.outputsSha256);
    });
  }

  // Redundant when both digests match; when they do not, this names the first input on
  // which the backends part ways.
  it('js and wasm agree on every generated input', () => {
    const js = outputs.get('js') ?? backends[0]!.run(inputs);
    const wasm = outputs.get('wasm') ?? backends[1]!.run(inputs);
    for (let i = 0; i < inputs.length; i++) {
      if (toBits(js[i]!) !== toBits(wasm[i]!)) {
        expect.fail(`input ${i}, x = ${describeValue(inputs[i]!)}: js ${describeValue(js[i]!)}, wasm ${describeValue(wasm[i]!)}`);
      }
    }
  });
});
