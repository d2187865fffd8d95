// What bench/bench.ts and bench/peers.ts share besides the workloads: summary statistics,
// number formatting, plain-text tables, the machine line, the interleaving order, and the
// command line (--json, --runs, --only), so the two tables read and are driven alike.
import { availableParallelism, cpus } from 'node:os';
import type { Workload } from './workloads.ts';

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

/** 3 significant digits with a k/M/G suffix: throughputs span six decades across the rows. */
export function si(x: number): string {
  if (x >= 1e9) return `${(x / 1e9).toPrecision(3)} G`;
  if (x >= 1e6) return `${(x / 1e6).toPrecision(3)} M`;
  if (x >= 1e3) return `${(x / 1e3).toPrecision(3)} k`;
  return x.toPrecision(3);
}

export const fixed = (x: number) => (x >= 10 ? x.toFixed(1) : x.toFixed(2));

export const times = (x: number) => (x >= 100 ? `${x.toFixed(0)}x` : x >= 10 ? `${x.toFixed(1)}x` : `${x.toFixed(2)}x`);

/** Columns padded to their widest cell; the `left` columns are text, the rest numbers (right-aligned). */
export function renderTable(header: string[], rows: string[][], left: ReadonlySet<number>): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  const line = (cells: string[]) => cells.map((cell, c) => (left.has(c) ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

export interface Machine {
  node: string;
  cpu: string;
  nproc: number;
  platform: string;
  arch: string;
}

export function machine(): Machine {
  return {
    node: process.version,
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    nproc: availableParallelism(),
    platform: process.platform,
    arch: process.arch,
  };
}

export const machineLine = (m: Machine) => `node ${m.node}, ${m.cpu}, ${m.nproc} CPUs (${m.platform}/${m.arch})`;

/**
 * The order of n contenders in timed run r: rotated by one each run and reversed every other
 * cycle, so each goes first, middle and last equally often and drift in machine speed, or an
 * after-effect of one contender on the next (GC, cache, turbo), falls on all alike.
 */
export function runOrder(n: number, r: number): number[] {
  const order = Array.from({ length: n }, (_, i) => (i + r) % n);
  return Math.floor(r / n) % 2 ? order.reverse() : order;
}

/** Progress goes to stderr, and only to a terminal, so stdout stays the table or pure JSON. */
export const progress = process.stderr.isTTY ? (line: string) => process.stderr.write(`\r\x1b[K${line}`) : () => {};

export interface Args {
  json: boolean;
  runs: number | undefined;
  only: Workload[];
  /** The extra sections (e.g. 'calls') selected: all of them without --only. */
  sections: string[];
}

/** --json, --runs N (>= minRuns) and --only a,b over `workloads` and `sections`; exits with usage on anything else. */
export function parseArgs(argv: string[], command: string, about: string, workloads: readonly Workload[], minRuns: number, sections: readonly string[] = []): Args {
  const names = [...workloads.map((w) => w.name), ...sections];
  const usage = (message: string): never => {
    process.stderr.write(
      `${command}: ${message}\nusage: ${command} -- [--json] [--runs N (>= ${minRuns})] [--only ${names.join(',')}]\n`,
    );
    process.exit(2);
  };
  let json = false;
  let runs: number | undefined;
  let only: string[] | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => argv[++i] ?? usage(`${arg} needs a value`);
    if (arg === '--json') json = true;
    else if (arg === '--runs') {
      runs = Number(value());
      if (!Number.isInteger(runs) || runs < minRuns) usage(`--runs must be an integer >= ${minRuns}`);
    } else if (arg === '--only') {
      only = value().split(',');
      const unknown = only.filter((n) => !names.includes(n));
      if (unknown.length) usage(`unknown workload ${unknown.join(', ')}`);
    } else if (arg === '--help' || arg === '-h') usage(about);
    else usage(`unknown argument ${arg}`);
  }
  return { json, runs, only: workloads.filter((w) => !only || only.includes(w.name)), sections: sections.filter((n) => !only || only.includes(n)) };
}
