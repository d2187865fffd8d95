// Where save(), load() and loadCSV(path) read and write: the Node entry plugs in node:fs (atomic writes);
// the browser bundle has none, and says so.
import { invalidArgument, MLPError } from '../api/errors.ts';

export interface Storage {
  read(path: string): string;
  writeAtomic(path: string, text: string): void;
}

let current: Storage | undefined;

export function useStorage(next: Storage): void {
  current = next;
}

/** The file system, when the entry point provided one. */
export function fileSystem(): Storage | undefined {
  return current;
}

export function storage(): Storage {
  if (current === undefined) {
    throw new MLPError('INVALID_ARGUMENT', 'save() and load() need Node\'s file system; in a browser use net.toJSON() and MLP.fromJSON()');
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
