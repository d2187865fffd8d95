// Reads and writes a model file's text where its path says (storage.ts): a file, all or
// nothing, or a browser store's entry; and MLP.load, which reads one. A lazy piece of the
// browser bundle: only save() and load() need it.
import { MLPError } from '../api/errors.ts';
import { MLP, type WithWorker } from '../api/mlp.ts';
import { checkLoadOptions, type LoadSettings } from '../api/options.ts';
import type { LoadOptions } from '../api/options.generated.ts';
import { openWorkerNet, type WorkerMLP } from '../worker/worker-mlp.ts';
import { printable } from './printable.ts';
import { browserLocation, type BrowserScheme } from './browser-location.ts';
import { keyedStores, type KeyedStore } from './storage.ts';
import { checkPath, storage } from './file-path.ts';
import { modelText } from './model-text.ts';

/** A file path's checks, for a worker net's load (see worker-net.ts), which otherwise never loads them. */
export { checkPath, storage } from './file-path.ts';
/** Whether a path names a browser store, for a worker net's save, which writes those on the caller's thread. */
export { browserLocation } from './browser-location.ts';

/** MLP.load: the model save() wrote at `path`, opened as MLP.fromJSON opens it. */
export async function loadModel(path: string, options: LoadOptions | WithWorker<LoadOptions> | undefined): Promise<MLP | WorkerMLP> {
  // Bad options are reported by fromJSON, after the file is read, as they always were.
  const loadOptions = peekLoadOptions(options);
  // A browser store is read on this thread (a worker has no localStorage).
  const stored = browserLocation(path);
  // Files are read in Node only, whose workers load any other module they need themselves.
  if (loadOptions?.worker && stored === undefined) return openWorkerNet('load', loadOptions, path);
  const text = await readModelText(path);
  if (stored === undefined) return MLP.fromJSON(text, options as LoadOptions);
  try {
    return await MLP.fromJSON(text, options as WithWorker<LoadOptions>);
  } catch (error) {
    if (!(error instanceof MLPError && error.code === 'INVALID_MODEL')) throw error;
    throw new MLPError('INVALID_MODEL', `the model stored at ${path} is not valid: ${error.message}`, { cause: error });
  }
}

/** The load options when they are valid, else undefined. */
function peekLoadOptions(options: unknown): LoadSettings | undefined {
  try {
    return checkLoadOptions(options);
  } catch {
    return undefined;
  }
}

/** The model text at `path`: a file, or a browser store's entry. */
export async function readModelText(path: string): Promise<string> {
  checkPath(path);
  const location = browserLocation(path);
  if (location) return (await keyedStore(location.scheme, path)).read(location.key);
  return storage().read(path);
}

/** Writes `model` (a toJSON snapshot) as model text at `path`, all or nothing: a file atomically, or a browser store's entry. */
export async function writeModel(path: string, model: object): Promise<void> {
  checkPath(path);
  const text = modelText(model);
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
