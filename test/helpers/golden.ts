// The golden tests' two verdicts over [path, ours, reference] triples: within 1e-10 relative
// of numpy, and bitwise equal between the backends.
import { expect } from 'vitest';

export const RELATIVE = 1e-10;

/** |a - b| <= 1e-10 * max(|a|, |b|) (+ 1e-300 for zeros); NaN and non-numbers fail. */
export function close(a: unknown, b: number): boolean {
  return typeof a === 'number' && Math.abs(a - b) <= RELATIVE * Math.max(Math.abs(a), Math.abs(b)) + 1e-300;
}

export function expectClose(pairs: Iterable<[string, unknown, number]>): void {
  let checked = 0;
  for (const [path, a, b] of pairs) {
    if (!close(a, b)) expect.fail(`${path}: got ${String(a)}, numpy gives ${b}`);
    checked++;
  }
  expect(checked).toBeGreaterThan(0);
}

/** `pairs` of (js, wasm) values. */
export function expectIdentical(pairs: Iterable<[string, unknown, number]>): void {
  for (const [path, a, b] of pairs) {
    if (!Object.is(a, b)) expect.fail(`${path}: wasm gives ${String(b)}, js gives ${String(a)}`);
  }
}
