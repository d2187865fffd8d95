// Reads and writes a model file's text where its path says (storage.ts): a file, all or
// nothing, or a browser store's entry. A lazy piece of the browser bundle: only save() and
// load() need it.
import { MLPError } from '../api/errors.ts';
import { printable } from './printable.ts';
import { browserLocation, keyedStores, type BrowserScheme, type KeyedStore } from './storage.ts';
import { checkPath, storage } from './file-path.ts';

/** A file path's checks, for a worker net's load (see worker-net.ts), which otherwise never loads them. */
export { checkPath, storage } from './file-path.ts';

/** The model text at `path`: a file, or a browser store's entry. */
export async function readModelText(path: string): Promise<string> {
  checkPath(path);
  const location = browserLocation(path);
  if (location) return (await keyedStore(location.scheme, path)).read(location.key);
  return storage().read(path);
}

/** Writes the model text at `path`, all or nothing: a file atomically, or a browser store's entry. */
export async function writeModelText(path: string, text: string): Promise<void> {
  checkPath(path);
  const location = browserLocation(path);
  if (location) return (await keyedStore(location.scheme, path)).write(location.key, text);
  storage().writeAtomic(path, text);
}

async function keyedStore(scheme: BrowserScheme, path: string): Promise<KeyedStore> {
  const keyed = keyedStores();
  if (keyed === undefined) {
    throw new MLPError('INVALID_ARGUMENT', `path ${JSON.stringify(printable(path))} names browser storage (${scheme === 'indexeddb' ? 'IndexedDB' : 'localStorage'}), which only the browser build of wasm-mlp has; in Node save to a file path`);
  }
  return (await keyed())[scheme];
}
