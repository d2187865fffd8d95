// Writes a file so that readers see the old content or the new, never a torn mix: a temp
// file in the target's directory, fsync, then rename over the target. A symbolic link is
// written through (its target is replaced, in the target's directory); a path that is
// anything else but a regular file (a directory, a device, a FIFO) is refused. A temp file
// is named after its target and its writer's process id, so that a later write to the same
// path removes the ones a killed writer left behind. The content is text, bytes, or bytes in
// chunks (a file larger than memory is written as it is produced; an MLPError thrown while
// producing it is passed on as it is, the temp file removed).
import { closeSync, fchmodSync, fsyncSync, lstatSync, openSync, readdirSync, readlinkSync, renameSync, rmSync, writeFileSync, type Stats } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import { MLPError, systemReason } from '../api/errors.ts';
import { checkPath } from './file-path.ts';

/** A temp file of a live process this old is stale too (a hung writer, or a reused process id). */
export const STALE_TEMP_AGE_MS = 60_000;
/** As Linux's own limit on symbolic links followed in one lookup. */
const MAX_SYMLINKS = 40;

/** The temp-file name's start for a target: `.NAME.tmp-`, then `PID-RANDOM`. */
export function tempPrefix(target: string): string {
  // Keeps `.NAME.tmp-PID-RANDOM` within a 255-byte file name; two long names that share
  // their first 200 characters only ever remove each other's stale temp files.
  return `.${basename(target).slice(0, 200)}.tmp-`;
}

export function writeFileAtomic(path: string, content: string | Uint8Array | Iterable<Uint8Array>): void {
  checkPath(path);
  const target = resolveTarget(path);
  const directory = dirname(target.file);
  const prefix = tempPrefix(target.file);
  removeStaleTemps(directory, prefix);
  const temp = join(directory, `${prefix}${process.pid}-${randomBytes(6).toString('hex')}`);
  let fd: number | undefined;
  try {
    fd = openSync(temp, 'wx', 0o644);
    // A replaced file keeps its permissions (a private model stays private).
    if (target.mode !== undefined) fchmodSync(fd, target.mode);
    if (typeof content === 'string' || content instanceof Uint8Array) writeFileSync(fd, content);
    else for (const chunk of content) writeFileSync(fd, chunk);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, target.file);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    rmSync(temp, { force: true });
    if (error instanceof MLPError) throw error;
    throw new MLPError('IO', `cannot write ${path}: ${systemReason(error)}`);
  }
  syncDirectory(directory);
}

/** The regular file a write to `path` replaces or creates: symbolic links followed, even dangling ones. */
function resolveTarget(path: string): { file: string; mode?: number } {
  let file = path;
  for (let links = 0; ; links++) {
    let stats: Stats;
    try {
      stats = lstatSync(file);
    } catch (error) {
      // A new file; a missing directory on the way is reported when the temp file is opened.
      if ((error as { code?: string }).code === 'ENOENT') return { file };
      throw new MLPError('IO', `cannot write ${path}: ${systemReason(error)}`);
    }
    if (stats.isFile()) return { file, mode: stats.mode & 0o777 };
    if (!stats.isSymbolicLink()) {
      throw new MLPError('IO', `cannot write ${path}: ${stats.isDirectory() ? 'it is a directory' : `it is ${kindOf(stats)}, not a regular file`}`);
    }
    if (links === MAX_SYMLINKS) throw new MLPError('IO', `cannot write ${path}: more than ${MAX_SYMLINKS} symbolic links in a row (a loop?)`);
    try {
      file = resolve(dirname(file), readlinkSync(file));
    } catch (error) {
      throw new MLPError('IO', `cannot write ${path}: ${systemReason(error)}`);
    }
  }
}

function kindOf(stats: Stats): string {
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Removes the temp files of writers to this target that died (or hung) before their rename. */
function removeStaleTemps(directory: string, prefix: string): void {
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch {
    return;
  }
  const now = Date.now();
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const owner = /^(\d+)-[0-9a-f]+$/.exec(name.slice(prefix.length));
    if (owner === null) continue;
    const file = join(directory, name);
    try {
      if (isRunning(Number(owner[1])) && now - lstatSync(file).mtimeMs < STALE_TEMP_AGE_MS) continue;
      rmSync(file, { force: true });
    } catch {
      /* another writer removed it first, or it is not ours to remove */
    }
  }
}

function isRunning(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as { code?: string }).code === 'EPERM';
  }
}

/** Makes the rename itself durable; not every platform lets a directory be fsynced. */
function syncDirectory(directory: string): void {
  try {
    const fd = openSync(directory, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    /* best effort */
  }
}
