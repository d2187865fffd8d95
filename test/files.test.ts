// Reading and writing files, in the library and through the CLI: a write replaces the
// target of a symbolic link (in the target's directory) and refuses a path that is not a
// regular file; stale temp files of dead (or hung) writers are removed by the next write to
// the same path; JSON files with a byte-order mark are read (model, spec, inputs); a path
// must be a string (MLP.load(0) would read standard input); a 100,000-column CSV reads
// correctly and errors list at most 20 names; a closed stdout pipe ends the CLI quietly; an
// error line escapes the control characters it quotes and is at most 500 characters.
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../src/io/atomic-write.ts';
import { loadCSV, MLP, MLPError, parseCSV } from '../src/index.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'build', 'node', 'cli.js');
const IRIS = join(ROOT, 'examples', 'data', 'iris.csv');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wasm-mlp-files-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, timeout: 60_000 });
  expect(r.signal).toBeNull();
  return { status: r.status, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}

async function expectMLPError(run: () => unknown, code: string, message: string): Promise<void> {
  let caught: unknown;
  try {
    await run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(MLPError);
  expect((caught as MLPError).code).toBe(code);
  expect((caught as MLPError).message).toBe(message);
}

/** The id of a process that has exited (and been reaped). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(r.stdout.toString());
}

const XOR = { layers: [2, 3, 1], seed: 7 };

describe('writing a file', () => {
  it('writes through a symbolic link: the link stays, its target (in another directory) is replaced, no temp file is left', async () => {
    mkdirSync(join(dir, 'models'));
    writeFileSync(join(dir, 'models', 'real.json'), 'old');
    symlinkSync('models/real.json', join(dir, 'link.json'));
    symlinkSync('link.json', join(dir, 'link2.json'));
    const net = await MLP.create(XOR);
    await net.save(join(dir, 'link2.json'));
    expect(lstatSync(join(dir, 'link.json')).isSymbolicLink()).toBe(true);
    expect(lstatSync(join(dir, 'link2.json')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(dir, 'link.json'))).toBe('models/real.json');
    await net.save(join(dir, 'plain.json'));
    expect(readFileSync(join(dir, 'models', 'real.json'), 'utf8')).toBe(readFileSync(join(dir, 'plain.json'), 'utf8'));
    expect((await MLP.load(join(dir, 'models', 'real.json'))).toJSON()).toEqual(net.toJSON());
    expect(readdirSync(dir).sort()).toEqual(['link.json', 'link2.json', 'models', 'plain.json']);
    expect(readdirSync(join(dir, 'models'))).toEqual(['real.json']);
    net.dispose();
  });

  it('a dangling symbolic link gets its target created; the CLI writes through a link too', async () => {
    mkdirSync(join(dir, 'models'));
    symlinkSync('models/new.json', join(dir, 'dangling.json'));
    writeFileAtomic(join(dir, 'dangling.json'), 'text\n');
    expect(readFileSync(join(dir, 'models', 'new.json'), 'utf8')).toBe('text\n');
    expect(lstatSync(join(dir, 'dangling.json')).isSymbolicLink()).toBe(true);
    writeFileSync(join(dir, 'spec.json'), JSON.stringify({ ...XOR, epochs: 2, inputs: [[0, 1]], targets: [[1]] }));
    const r = cli('train', 'spec.json', '--out', 'dangling.json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'models', 'new.json'), 'utf8')).format).toBe('wasm-mlp');
    expect(lstatSync(join(dir, 'dangling.json')).isSymbolicLink()).toBe(true);
  });

  it('a symbolic-link loop is an MLPError', async () => {
    symlinkSync('b', join(dir, 'a'));
    symlinkSync('a', join(dir, 'b'));
    await expectMLPError(() => writeFileAtomic(join(dir, 'a'), 'x'), 'IO', `cannot write ${join(dir, 'a')}: more than 40 symbolic links in a row (a loop?)`);
  });

  it('refuses a path that is not a regular file (a device node, a FIFO, a directory), leaving it as it was', async () => {
    const cases: [string, string][] = [];
    // As root, `cp -a /dev/full` makes a device node; elsewhere only the FIFO and directory cases run.
    if (spawnSync('cp', ['-a', '/dev/full', join(dir, 'full')]).status === 0) cases.push(['full', 'it is a character device, not a regular file']);
    expect(spawnSync('mkfifo', [join(dir, 'fifo')]).status).toBe(0);
    cases.push(['fifo', 'it is a FIFO (named pipe), not a regular file']);
    mkdirSync(join(dir, 'adir'));
    cases.push(['adir', 'it is a directory']);
    symlinkSync('fifo', join(dir, 'link-to-fifo'));
    cases.push(['link-to-fifo', 'it is a FIFO (named pipe), not a regular file']);
    writeFileSync(join(dir, 'spec.json'), JSON.stringify({ ...XOR, epochs: 1, inputs: [[0, 1]], targets: [[1]] }));
    const net = await MLP.create(XOR);
    for (const [name, reason] of cases) {
      const before = lstatSync(join(dir, name));
      await expectMLPError(() => net.save(join(dir, name)), 'IO', `cannot write ${join(dir, name)}: ${reason}`);
      const r = cli('train', 'spec.json', '--out', name);
      expect(r).toEqual({ status: 2, stdout: '', stderr: `wasm-mlp: cannot write ${name}: ${reason}\n` });
      const after = lstatSync(join(dir, name));
      expect([after.ino, after.mode, after.rdev]).toEqual([before.ino, before.mode, before.rdev]);
    }
    expect(readdirSync(dir).filter((n) => n.includes('.tmp-'))).toEqual([]);
    net.dispose();
  });

  it('removes the temp files of dead writers, and of live ones older than a minute; keeps a live writer\'s fresh one', () => {
    const dead = deadPid();
    const stale = [`.m.json.tmp-${dead}-0a1b2c`, `.m.json.tmp-${process.pid}-0dd000`];
    const kept = [`.m.json.tmp-${process.pid}-f00d00`, `.other.json.tmp-${dead}-abc123`, '.m.json.tmp-notapid', 'm.json.tmp-1-ab'];
    for (const name of [...stale, ...kept]) writeFileSync(join(dir, name), 'partial');
    const old = (Date.now() - 61_000) / 1000;
    utimesSync(join(dir, stale[1]), old, old);
    writeFileAtomic(join(dir, 'm.json'), 'new\n');
    expect(readdirSync(dir).sort()).toEqual([...kept, 'm.json'].sort());
    expect(readFileSync(join(dir, 'm.json'), 'utf8')).toBe('new\n');
  });

  it('a replaced file keeps its permissions; a new one is 0644 less the umask', () => {
    writeFileSync(join(dir, 'private.json'), 'old', { mode: 0o600 });
    writeFileAtomic(join(dir, 'private.json'), 'new');
    expect(statSync(join(dir, 'private.json')).mode & 0o777).toBe(0o600);
    writeFileAtomic(join(dir, 'fresh.json'), 'new');
    const umask = process.umask();
    expect(statSync(join(dir, 'fresh.json')).mode & 0o777).toBe(0o644 & ~umask);
  });
});

describe('paths must be strings', () => {
  it('MLP.load(0) and net.save(0) are INVALID_ARGUMENT naming path (0 would be standard input)', async () => {
    const message = (value: string) => `path must be a file path (a non-empty string without NUL characters); got ${value}`;
    await expectMLPError(() => MLP.load(0 as never), 'INVALID_ARGUMENT', message('0'));
    await expectMLPError(() => MLP.load(Buffer.from('model.json') as never), 'INVALID_ARGUMENT', message('a Buffer of length 10'));
    await expectMLPError(() => MLP.load(''), 'INVALID_ARGUMENT', message('""'));
    await expectMLPError(() => MLP.load('a\0b'), 'INVALID_ARGUMENT', message('"a\\u0000b"'));
    const net = await MLP.create(XOR);
    await expectMLPError(() => net.save(1 as never), 'INVALID_ARGUMENT', message('1'));
    net.dispose();
  });
});

describe('a byte-order mark', () => {
  const BOM = '\ufeff';

  it('is skipped in a model file (MLP.load, MLP.fromJSON) as in a CSV file', async () => {
    const net = await MLP.create(XOR);
    const text = JSON.stringify(net.toJSON());
    writeFileSync(join(dir, 'bom.json'), `${BOM}${text}`);
    expect((await MLP.load(join(dir, 'bom.json'))).toJSON()).toEqual(net.toJSON());
    expect((await MLP.fromJSON(`${BOM}${text}`)).toJSON()).toEqual(net.toJSON());
    writeFileSync(join(dir, 'bom.csv'), `${BOM}a,b,y\n1,2,3\n`);
    expect(loadCSV(join(dir, 'bom.csv')).features).toEqual(['a', 'b']);
    net.dispose();
  });

  it('is skipped in the CLI\'s spec, inputs and model files: the same output as without', () => {
    const spec = JSON.stringify({ ...XOR, epochs: 20, learningRate: 0.5, inputs: [[0, 0], [0, 1], [1, 0], [1, 1]], targets: [[0], [1], [1], [0]] });
    writeFileSync(join(dir, 'spec.json'), spec);
    writeFileSync(join(dir, 'bom-spec.json'), `${BOM}${spec}`);
    expect(cli('train', 'spec.json', '--out', 'plain.json').status).toBe(0);
    const r = cli('train', 'bom-spec.json', '--out', 'bom.json');
    expect(r.stderr).toBe('');
    expect(readFileSync(join(dir, 'bom.json'), 'utf8')).toBe(readFileSync(join(dir, 'plain.json'), 'utf8'));
    writeFileSync(join(dir, 'bom-model.json'), `${BOM}${readFileSync(join(dir, 'plain.json'), 'utf8')}`);
    writeFileSync(join(dir, 'in.json'), '[[0,1],[1,1]]');
    writeFileSync(join(dir, 'bom-in.json'), `${BOM}[[0,1],[1,1]]`);
    const plain = cli('predict', 'plain.json', 'in.json');
    expect(plain.status).toBe(0);
    expect(JSON.parse(plain.stdout)).toHaveLength(2);
    expect(cli('predict', 'bom-model.json', 'bom-in.json')).toEqual(plain);
  });
});

describe('wide CSV files', () => {
  const COLUMNS = 100_000;
  const names = Array.from({ length: COLUMNS }, (_, i) => `f${i}`);

  it(`reads ${COLUMNS.toLocaleString('en-US')} columns: every feature in order, every value, the last column as the target`, () => {
    const rows = [0, 1].map((r) => names.map((_, i) => (i === COLUMNS - 1 ? ['yes', 'no'][r] : String((i * 7 + r) % 13))).join(','));
    const data = parseCSV(`${names.join(',')}\n${rows.join('\n')}\n`);
    expect(data.features).toEqual(names.slice(0, -1));
    expect(data.target).toBe(`f${COLUMNS - 1}`);
    expect(data.classes).toEqual(['no', 'yes']);
    expect(data.targets).toEqual([[0, 1], [1, 0]]);
    expect(data.inputs.map((row) => row.length)).toEqual([COLUMNS - 1, COLUMNS - 1]);
    for (const r of [0, 1]) {
      for (const i of [0, 1, 12, 50_000, COLUMNS - 2]) expect(data.inputs[r][i]).toBe((i * 7 + r) % 13);
    }
    const withFeatures = parseCSV(`${names.join(',')}\n${rows[0]}\n`, { features: ['f99998', 'f3', 'f0'], target: null });
    expect(withFeatures.inputs).toEqual([[(99_998 * 7) % 13, 21 % 13, 0]]);
  });

  it('a column error lists the first 20 names and how many more', () => {
    const text = `${names.join(',')}\n${names.map(() => '1').join(',')}\n`;
    const listed = `${names.slice(0, 20).join(', ')} … and ${COLUMNS - 20} more`;
    expect(() => parseCSV(text, { target: 'label' })).toThrow(`target 'label' is not a column of CSV; its columns are ${listed}`);
    expect(() => parseCSV(text, { features: ['f1', 'nope'] })).toThrow(`feature column 'nope' is not a column of CSV; its columns are ${listed}`);
    // Before: accepted here, and refused only by fit as "data.features must be an array of 2 distinct column names".
    expect(() => parseCSV(text, { features: ['f1', 'f1'] })).toThrow(`features must be distinct column names ('f1' is named twice); got ["f1","f1"]`);
    const classes = Array.from({ length: 30 }, (_, i) => `c${String(i).padStart(2, '0')}`);
    expect(() => parseCSV(`x,y\n${classes.map((c) => `1,${c}`).join('\n')}\n2,zz\n`, { classes })).toThrow(
      `CSV line 32, column 'y': "zz" is not one of the classes ${classes.slice(0, 20).join(', ')} … and 10 more`,
    );
  });

  it('the CLI names at most 20 feature columns when --layers does not fit', () => {
    const wide = names.slice(0, 1000);
    writeFileSync(join(dir, 'wide.csv'), `${wide.join(',')}\n${wide.map(() => '1').join(',')}\n`);
    const r = cli('train', '--data', 'wide.csv', '--layers', '4,1', '--out', 'm.json');
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`wasm-mlp: --layers starts with 4 inputs but wide.csv has 999 feature columns (${wide.slice(0, 20).join(', ')} … and 979 more)\n`);
  });
});

describe('the CLI\'s output and error lines', () => {
  it('a reader that closes the pipe early (| head -1) ends predict quietly, exit 0', async () => {
    const iris = readFileSync(IRIS, 'utf8').trimEnd().split('\n');
    writeFileSync(join(dir, 'big.csv'), `${[iris[0], ...Array.from({ length: 200 }, () => iris.slice(1)).flat()].join('\n')}\n`);
    expect(cli('train', '--data', IRIS, '--layers', '4,3,3', '--activation', 'sigmoid,softmax', '--loss', 'cross-entropy', '--out', 'iris.json').status).toBe(0);
    const child = spawn(process.execPath, [CLI, 'predict', 'iris.json', '--data', 'big.csv'], { cwd: dir });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const first = await new Promise<string>((resolve) => child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString())));
    child.stdout.destroy();
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
    expect(first.startsWith('class,p_setosa,p_versicolor,p_virginica\n')).toBe(true);
    expect({ code, signal, stderr }).toEqual({ code: 0, signal: null, stderr: '' });
  });

  it('quotes raw bytes of a file with control characters escaped, on one line', () => {
    writeFileSync(join(dir, 'bad.json'), Buffer.from([0x02, 0x0f, 0xff, 0xfe, 0x67, 0x77, 0x3d, 0x80, 0x0a, 0x1b, 0x5b, 0x33, 0x31, 0x6d]));
    writeFileSync(join(dir, 'in.json'), '[[1,2]]');
    const r = cli('predict', 'bad.json', 'in.json');
    expect(r).toEqual({
      status: 2,
      stdout: '',
      stderr: 'wasm-mlp: bad.json is not valid JSON (Unexpected token \'\\u0002\', "\\u0002\\u000f\\ufffd\\ufffdgw=\\ufffd\\u000a\\u001b[31m" is not valid JSON)\n',
    });
  });

  it('caps an error line at 500 characters', () => {
    const path = `${'long-directory-name/'.repeat(40)}model.json`;
    const r = cli('predict', path, 'in.json');
    expect(r.status).toBe(2);
    const line = `cannot read ${path}: no such file or directory`;
    expect(r.stderr).toBe(`wasm-mlp: ${line.slice(0, 499)}…\n`);
  });

  it('escapes control characters in a path it names', () => {
    const r = cli('predict', 'a\x1b[31mred\tb.json', 'in.json');
    expect(r.stderr).toBe('wasm-mlp: cannot read a\\u001b[31mred\\u0009b.json: no such file or directory\n');
  });
});

describe('no stray files', () => {
  it('a failed write leaves no temp file', async () => {
    await expectMLPError(() => writeFileAtomic(join(dir, 'nodir', 'm.json'), 'x'), 'IO', `cannot write ${join(dir, 'nodir', 'm.json')}: no such file or directory`);
    expect(existsSync(join(dir, 'nodir'))).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });
});
