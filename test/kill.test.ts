// Kill safety of saves: a writer killed (SIGKILL) at a random, seeded moment leaves the path
// holding the old file, the new file, or nothing when there was none, never a torn one; and
// the temp file it may leave is removed by the next save to the same path. Runs net.save in
// a loop in a child process (a 100-200-10 net, about 0.5 MB of JSON) and `wasm-mlp train
// --out` (the same size), killed 35 and 15 times.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MLP } from '../src/index.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'build', 'node', 'cli.js');
const ENTRY = new URL('../build/node/index.js', import.meta.url).href;
const LAYERS = [100, 200, 10];

let dir: string;
let oldText: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wasm-mlp-kill-'));
  const old = await MLP.create({ layers: LAYERS, seed: 1 });
  await old.save(join(dir, 'old.json'));
  oldText = readFileSync(join(dir, 'old.json'), 'utf8');
  old.dispose();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** mulberry32: the kill moments are the same on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const temps = (name: string) => readdirSync(dir).filter((n) => n.startsWith(`.${name}.tmp-`));

/** Starts `args`, waits for `ready` on stdout (when given), then `delay` ms, kills it and waits until it is gone. */
async function killAfter(args: string[], delay: number, ready?: string): Promise<boolean> {
  const child = spawn(process.execPath, args, { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'] });
  const exited = new Promise<boolean>((resolve) => child.on('exit', (_code, signal) => resolve(signal === 'SIGKILL')));
  if (ready !== undefined) {
    await new Promise<void>((resolve) => {
      let seen = '';
      child.stdout.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        if (seen.includes(ready)) resolve();
      });
      child.on('exit', () => resolve());
    });
  }
  await new Promise((resolve) => setTimeout(resolve, delay));
  child.kill('SIGKILL');
  return exited;
}

/** Before a run: a save by this process (which removes the stale temp files), then the old model at `path` or no file. */
async function prepare(path: string, withOld: boolean, old: MLP): Promise<void> {
  await old.save(path);
  expect(readFileSync(path, 'utf8')).toBe(oldText);
  if (!withOld) rmSync(path);
}

/** After a kill: the old model, the new one, or nothing where there was none — never a torn file. */
function inspect(path: string, name: string, run: number, withOld: boolean, [oldText, newText]: [string, string], seen: { old: number; new: number; none: number; temps: number }): void {
  seen.temps += temps(name).length;
  if (!existsSync(path)) {
    expect(withOld, `run ${run}: the old model is gone`).toBe(false);
    seen.none++;
    return;
  }
  const text = readFileSync(path, 'utf8');
  expect(() => JSON.parse(text), `run ${run}: torn file`).not.toThrow();
  expect([withOld ? oldText : newText, newText], `run ${run}`).toContain(text);
  if (text === newText) seen.new++;
  else seen.old++;
}

describe('SIGKILL during a save', () => {
  it('net.save in a loop, killed 35 times: the old model, the new one or nothing, never torn; the next save removes the temp file', async () => {
    const path = join(dir, 'model.json');
    const fresh = await MLP.create({ layers: LAYERS, seed: 2 });
    await fresh.save(join(dir, 'new.json'));
    const newText = readFileSync(join(dir, 'new.json'), 'utf8');
    fresh.dispose();
    const script = join(dir, 'save-loop.mjs');
    writeFileSync(
      script,
      `import { MLP } from ${JSON.stringify(ENTRY)};
const net = await MLP.create({ layers: ${JSON.stringify(LAYERS)}, seed: 2 });
process.stdout.write('ready\\n');
for (;;) await net.save(process.argv[2]);
`,
    );
    const old = await MLP.create({ layers: LAYERS, seed: 1 });
    const next = random(42);
    const seen = { old: 0, new: 0, none: 0, temps: 0 };
    for (let run = 0; run < 35; run++) {
      const withOld = run % 4 !== 3;
      await prepare(path, withOld, old);
      expect(temps('model.json')).toEqual([]);
      expect(await killAfter([script, path], Math.floor(next() * 60), 'ready')).toBe(true);
      inspect(path, 'model.json', run, withOld, [oldText, newText], seen);
    }
    await prepare(path, true, old);
    expect(temps('model.json')).toEqual([]);
    old.dispose();
    // The moments reached every stage: before the first rename and after it, and mid-write.
    expect(seen.old + seen.none).toBeGreaterThan(0);
    expect(seen.new).toBeGreaterThan(0);
    expect(seen.temps).toBeGreaterThan(0);
  }, 60_000);

  it('`wasm-mlp train --out`, killed 15 times: the old model, the new one or nothing; the next save removes the temp file', async () => {
    const path = join(dir, 'cli-model.json');
    const inputs = Array.from({ length: 8 }, (_, r) => Array.from({ length: LAYERS[0] }, (_, i) => ((r * 31 + i * 17) % 10) / 10));
    const targets = inputs.map((_, r) => Array.from({ length: LAYERS.at(-1)! }, (_, k) => (k === r % 10 ? 1 : 0)));
    writeFileSync(join(dir, 'spec.json'), JSON.stringify({ layers: LAYERS, seed: 3, epochs: 5, inputs, targets }));
    const start = performance.now();
    const reference = spawnSync(process.execPath, [CLI, 'train', 'spec.json', '--out', 'cli-new.json'], { cwd: dir });
    const runTime = performance.now() - start;
    expect(reference.status).toBe(0);
    const newText = readFileSync(join(dir, 'cli-new.json'), 'utf8');
    const old = await MLP.create({ layers: LAYERS, seed: 1 });
    const next = random(7);
    const seen = { old: 0, new: 0, none: 0, temps: 0 };
    for (let run = 0; run < 15; run++) {
      const withOld = run % 4 !== 3;
      await prepare(path, withOld, old);
      expect(temps('cli-model.json')).toEqual([]);
      // Most of a run is start-up and training: the moments cluster near its end, where the file is written.
      const delay = runTime * (0.5 + next() * 0.7);
      await killAfter([CLI, 'train', 'spec.json', '--out', 'cli-model.json'], delay);
      inspect(path, 'cli-model.json', run, withOld, [oldText, newText], seen);
    }
    await prepare(path, true, old);
    expect(temps('cli-model.json')).toEqual([]);
    old.dispose();
    expect(seen.old + seen.none).toBeGreaterThan(0);
  }, 60_000);
});
