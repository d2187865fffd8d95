// A file too large for one JavaScript string (over 512 MiB, or over 2 GiB for a Buffer) is
// an MLPError (IO) that says so and names the limit, for models, CSV files and the CLI's
// JSON reader alike. node:fs is stubbed for the one huge path, so no such file is written.
import { constants } from 'node:buffer';
import { beforeEach, describe, expect, it, vi } from 'vitest';

const HUGE = '/data/huge.csv';
const failure = { code: 'ERR_STRING_TOO_LONG', message: 'Cannot create a string longer than 0x1fffffe8 characters' };

vi.mock('node:fs', async (original) => {
  const fs = await original<typeof import('node:fs')>();
  const readFileSync = ((path: unknown, ...rest: unknown[]) => {
    if (path !== HUGE) return (fs.readFileSync as (...args: unknown[]) => unknown)(path, ...rest);
    if (failure.code === 'ERR_FS_FILE_TOO_LARGE') throw Object.assign(new RangeError(failure.message), { code: failure.code });
    // What readFileSync returns for 600 MB: a Buffer that cannot become one string.
    return { toString: () => { throw Object.assign(new Error(failure.message), { code: failure.code }); } };
  }) as typeof fs.readFileSync;
  const statSync = ((path: unknown, ...rest: unknown[]) =>
    path === HUGE ? { size: failure.code === 'ERR_FS_FILE_TOO_LARGE' ? 3_000_000_000 : 600_000_000 } : (fs.statSync as (...args: unknown[]) => unknown)(path, ...rest)) as typeof fs.statSync;
  return { ...fs, default: { ...fs, readFileSync, statSync }, readFileSync, statSync };
});

const { loadCSV, MLP, MLPError } = await import('../src/index.ts');
const { readTextFile } = await import('../src/io/read-text.ts');

function messageOf(run: () => unknown): Promise<[string, string]> {
  return Promise.resolve()
    .then(run)
    .then(
      () => ['', 'no error'],
      (error: unknown) => [error instanceof MLPError ? error.code : 'not an MLPError', (error as Error).message],
    );
}

describe('a file larger than the longest string', () => {
  beforeEach(() => {
    failure.code = 'ERR_STRING_TOO_LONG';
  });

  it('names the limit, which is V8\'s longest string', () => {
    expect(constants.MAX_STRING_LENGTH).toBe(536_870_888);
  });

  it('loadCSV, MLP.load and the CLI\'s reader say how large the file is and how large one may be', async () => {
    const expected = `cannot read ${HUGE}: the file is too large (600,000,000 bytes); the largest file this can read is 536,870,888 bytes (about 512 MiB), the longest string JavaScript can hold`;
    expect(await messageOf(() => loadCSV(HUGE))).toEqual(['IO', expected]);
    expect(await messageOf(() => MLP.load(HUGE))).toEqual(['IO', expected]);
    expect(await messageOf(() => readTextFile(HUGE))).toEqual(['IO', expected]);
  });

  it('a file over 2 GiB (which no Buffer holds) gets the same message', async () => {
    failure.code = 'ERR_FS_FILE_TOO_LARGE';
    failure.message = 'File size (3000000000) is greater than 2 GiB';
    expect(await messageOf(() => MLP.load(HUGE))).toEqual([
      'IO',
      `cannot read ${HUGE}: the file is too large (3,000,000,000 bytes); the largest file this can read is 536,870,888 bytes (about 512 MiB), the longest string JavaScript can hold`,
    ]);
  });
});
