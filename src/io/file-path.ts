// A file path's checks before any file is read or written: the path itself, and that there is
// a file system to use (the Node entry plugs it in, see storage.ts). Apart from storage.ts so
// that the browser bundle's core, which has no file system, carries none of it.
import { invalidArgument, MLPError } from '../api/errors.ts';
import { fileSystem, type Storage } from './storage.ts';

export function storage(): Storage {
  const current = fileSystem();
  if (current === undefined) {
    throw new MLPError('INVALID_ARGUMENT', 'save() and load() of a file path need Node\'s file system; in a browser save to \'indexeddb://NAME\' or \'localstorage://NAME\', or use net.toJSON() and MLP.fromJSON()');
  }
  return current;
}

/**
 * Every storage function checks its path first: node:fs takes a number as a file
 * descriptor (MLP.load(0) would read standard input) and a Buffer or URL as a path.
 */
export function checkPath(path: unknown): asserts path is string {
  if (typeof path !== 'string' || path === '' || path.includes('\0')) {
    throw invalidArgument('path', path, 'a file path (a non-empty string without NUL characters)');
  }
}
