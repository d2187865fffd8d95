// What the Node benchmarks (bench/bench.ts and bench/peers.ts) share about the process they
// run in: the machine line, progress on a terminal, and the command line (--json, --runs,
// --only), so the two are driven alike. Platform-free statistics and formatting live in
// stats.ts and format.ts, which the site's benchmark page imports too.
import { availableParallelism, cpus } from 'node:os';
import type { Workload } from './workloads.ts';

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
