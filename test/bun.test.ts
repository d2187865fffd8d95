// The same bits in JavaScriptCore: Bun (the npm package's own binary) imports the built Node
// entry, trains a fixed sample of the property tests' random configurations on every kernel
// (SIMD, scalar, two worker threads, js) and must produce, for every net, the same initial
// state, losses, callback stats, trained and optimizer state, predictions, classes and
// evaluations as Node (V8) does with the same build, bit for bit.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configOf, extremeInputValue, inputValue, optionConfig } from './helpers/property-configs.ts';
import { KERNELS, fromExactJSON, toExactJSON, trainAll, type KernelName, type NetBits, type TrainingCase } from './helpers/training-bits.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const ENTRY = `${root}build/node/index.js`;
const BUN = `${root}node_modules/.bin/bun`;
const SCRIPT = `${root}test/helpers/bun-training.ts`;
const SEED = 20261124;

const CASES: TrainingCase[] = [
  ...fc.sample(configOf(inputValue), { seed: SEED, numRuns: 30 }).map((config) => ({ kind: 'plain' as const, config })),
  ...fc.sample(configOf(extremeInputValue), { seed: SEED + 1, numRuns: 10 }).map((config) => ({ kind: 'plain' as const, config })),
  ...fc.sample(optionConfig, { seed: SEED, numRuns: 150 }).map((config) => ({ kind: 'options' as const, config })),
];

type Results = Record<KernelName, NetBits>[];

describe('Bun (JavaScriptCore) and Node (V8) train bit for bit alike', () => {
  let work: string;
  let inBun: { bun: string | null; results: Results };
  let inNode: Results;

  beforeAll(async () => {
    if (!existsSync(ENTRY)) throw new Error(`${ENTRY} not found: run \`npm run build\` first (npm test does).`);
    if (!existsSync(BUN)) throw new Error(`${BUN} not found: run \`npm ci\` (the bun devDependency brings its binary).`);
    work = mkdtempSync(join(tmpdir(), 'wasm-mlp-bun-'));
    writeFileSync(join(work, 'cases.json'), toExactJSON(CASES));
    const bunRun = promisify(execFile)(BUN, [SCRIPT, ENTRY, join(work, 'cases.json'), join(work, 'out.json')], { cwd: root, timeout: 100_000 });
    const lib = (await import(pathToFileURL(ENTRY).href)) as Parameters<typeof trainAll>[0];
    inNode = await trainAll(lib, CASES);
    await bunRun;
    inBun = fromExactJSON(readFileSync(join(work, 'out.json'), 'utf8'));
  });

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('the cases reach every way a fit ends, with thousands of doubles', () => {
    expect(inBun.bun).toMatch(/^\d+\.\d+\.\d+/);
    expect(inNode).toHaveLength(CASES.length);
    const ends = new Set<string>();
    for (const byKernel of inNode) {
      for (const [step, value] of Object.entries(byKernel.js)) {
        if (!step.endsWith('fit')) continue;
        ends.add(/"stopReason":"(\w+)"/.exec(value)?.[1] ?? value.slice(0, value.indexOf(':')));
      }
    }
    expect([...ends].sort()).toEqual(expect.arrayContaining(['TRAINING_DIVERGED', 'callback', 'completed', 'earlyStopping', 'errorThreshold']));
    const doubles = inNode.reduce((n, byKernel) => n + (Object.values(byKernel.js).join().match(/f64:/g)?.length ?? 0), 0);
    expect(doubles).toBeGreaterThan(10_000);
  });

  it('every kernel agrees with js, in each engine', () => {
    for (const [engine, results] of [['Node', inNode], ['Bun', inBun.results]] as const) {
      results.forEach((byKernel, i) => {
        for (const kernel of Object.keys(KERNELS) as KernelName[]) {
          expect(byKernel[kernel], `${engine}, case ${i}, ${kernel} vs js`).toEqual(byKernel.js);
        }
      });
    }
  });

  it('Bun gives the same bits as Node for every case and kernel', () => {
    expect(inBun.results).toHaveLength(inNode.length);
    inNode.forEach((byKernel, i) => {
      for (const kernel of Object.keys(KERNELS) as KernelName[]) {
        expect(inBun.results[i][kernel], `case ${i} (${CASES[i].kind}), ${kernel}: Bun vs Node`).toEqual(byKernel[kernel]);
      }
    });
  });
});
