// Bit patterns of doubles for the math tests (exp, log, tanh): conversions, hex, and the
// committed "first 10,000 [input, glibc output]" fixture files.
import { readFileSync } from 'node:fs';

const scratch = new Float64Array(1);
const scratchBits = new BigUint64Array(scratch.buffer);

export function fromBits(bits: bigint): number {
  scratchBits[0] = bits;
  return scratch[0]!;
}

export function toBits(x: number): bigint {
  scratch[0] = x;
  return scratchBits[0]!;
}

export function hex(bits: bigint): string {
  return bits.toString(16).padStart(16, '0');
}

export function describeValue(x: number): string {
  return `${hex(toBits(x))} (${x})`;
}

/** test/fixtures/<name>-first10000.txt: [input, glibc output] bit patterns, one pair a line. */
export function readFirstPairs(name: string): [bigint, bigint][] {
  return readFileSync(new URL(`../fixtures/${name}-first10000.txt`, import.meta.url), 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const [x, y] = line.split(' ');
      return [BigInt(`0x${x}`), BigInt(`0x${y}`)];
    });
}
