// Where save(), load() and loadCSV(path) read and write: the Node entry plugs in node:fs (atomic writes);
// the browser bundle has none, and says so.
import { MLPError } from '../api/errors.ts';

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
