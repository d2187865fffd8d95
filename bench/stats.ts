// Summary statistics and the interleaving order of the benchmarks: plain arithmetic, shared by
// the Node benchmarks (bench.ts, peers.ts, calls.ts) and the site's benchmark page.

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export function spread(values: readonly number[]): Spread {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median, min: s[0], max: s[s.length - 1] };
}

/**
 * The order of n contenders in timed run r: rotated by one each run and reversed every other
 * cycle, so each goes first, middle and last equally often and drift in machine speed, or an
 * after-effect of one contender on the next (GC, cache, turbo), falls on all alike.
 */
export function runOrder(n: number, r: number): number[] {
  const order = Array.from({ length: n }, (_, i) => (i + r) % n);
  return Math.floor(r / n) % 2 ? order.reverse() : order;
}
