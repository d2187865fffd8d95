// The runnable examples, run as a user runs them (`node examples/iris.mjs [wasm|js] [MODEL.json]`,
// `node examples/digits.mjs [wasm|js]`, importing the built package by name): each exits 0,
// reaches at least 95 % test accuracy, and prints the same output on both backends apart from
// its time line; the iris model is saved (by default into os.tmpdir()), the same bytes from
// both backends, and reloads to the test figures it printed.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MLP, loadCSV, trainTestSplit } from '../src/index.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ENTRY = join(ROOT, 'build', 'node', 'index.js');
const run = promisify(execFile);

type Backend = 'wasm' | 'js';
interface Output {
  stdout: string;
  accuracy: number;
  loss: number;
}

let dir: string;
const results: Record<string, Promise<Output>> = {};

/** Runs an example from the repo root; TMPDIR points os.tmpdir() into this test's directory. */
async function example(name: string, args: string[]): Promise<Output> {
  const { stdout, stderr } = await run(process.execPath, [join('examples', `${name}.mjs`), ...args], {
    cwd: ROOT,
    env: { ...process.env, TMPDIR: dir },
    timeout: 60_000,
  });
  expect(stderr).toBe('');
  const accuracy = /^test accuracy (\S+) \(\d+\/\d+\)$/m.exec(stdout);
  const loss = /^test loss (\S+)$/m.exec(stdout);
  if (!accuracy || !loss) throw new Error(`no test accuracy or loss line in the output of ${name}.mjs ${args.join(' ')}:\n${stdout}`);
  return { stdout, accuracy: Number(accuracy[1]), loss: Number(loss[1]) };
}

/** The output without what may differ between runs: the time line and the model's path. */
const numbers = (stdout: string) => stdout.split('\n').filter((line) => !/^(time|saved) /.test(line)).join('\n');

beforeAll(() => {
  // `npm test` rebuilds first (pretest); the examples import the built package by name.
  if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: run 'npm run build' first`);
  dir = mkdtempSync(join(tmpdir(), 'wasm-mlp-examples-'));
  // All four runs at once: each takes a second or less.
  results['iris wasm'] = example('iris', ['wasm']); // the default model path, in os.tmpdir()
  results['iris js'] = example('iris', ['js', join(dir, 'iris-js.json')]);
  results['digits wasm'] = example('digits', ['wasm']);
  results['digits js'] = example('digits', ['js']);
  // Rejections are awaited in the tests; keep Node from reporting them as unhandled first.
  for (const r of Object.values(results)) r.catch(() => {});
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.each(['iris', 'digits'])('examples/%s.mjs', (name) => {
  it.each(['wasm', 'js'] as Backend[])('exits 0 with a test accuracy of at least 0.95 on %s', async (backend) => {
    const { accuracy, stdout } = await results[`${name} ${backend}`];
    expect(accuracy, stdout).toBeGreaterThanOrEqual(0.95);
    expect(stdout).toMatch(new RegExp(`^time .*\\(${backend}[,)]`, 'm'));
    expect(stdout).toMatch(/^true \\ predicted /m);
  });

  it('prints the same numbers on both backends', async () => {
    const [wasm, js] = await Promise.all([results[`${name} wasm`], results[`${name} js`]]);
    expect(js.accuracy).toBe(wasm.accuracy);
    expect(js.loss).toBe(wasm.loss);
    expect(numbers(js.stdout)).toBe(numbers(wasm.stdout));
  });
});

describe('examples/iris.mjs model file', () => {
  it('is the same bytes from both backends and reloads to the printed test figures', async () => {
    const [wasm] = await Promise.all([results['iris wasm'], results['iris js']]);
    const defaultPath = join(dir, 'wasm-mlp-iris.json');
    expect(wasm.stdout).toContain(`saved ${defaultPath}\n`);
    const text = readFileSync(defaultPath, 'utf8');
    expect(readFileSync(join(dir, 'iris-js.json'), 'utf8')).toBe(text);
    // The model keeps its normalisation, so it takes the raw test rows of the example's split.
    const { test } = trainTestSplit(loadCSV(join(ROOT, 'examples', 'data', 'iris.csv')), { seed: 42, testFraction: 0.2 });
    const net = await MLP.load(defaultPath);
    try {
      expect(net.classes).toEqual(['setosa', 'versicolor', 'virginica']);
      const { loss, accuracy } = net.evaluate(test.inputs, test.targets);
      expect(accuracy).toBe(wasm.accuracy);
      expect(loss).toBe(wasm.loss);
    } finally {
      net.dispose();
    }
  });
});
