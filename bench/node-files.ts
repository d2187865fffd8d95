// The files the Node benchmarks read, found from wherever the code runs: bench/ in the
// sources, build/bench/ when bundled. The site's benchmark page supplies the same text
// fetched from its own server instead.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchFiles } from './workloads.ts';

const DIGITS = join('examples', 'data', 'digits.csv');

/** The repo root, found by walking up from this file. */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, DIGITS))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`bench: ${DIGITS} not found above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

let digitsText: string | undefined;

export const nodeFiles: BenchFiles = {
  digitsCSV: () => (digitsText ??= readFileSync(join(repoRoot(), DIGITS), 'utf8')),
};
