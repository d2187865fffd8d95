// The browser's stores for net.save() and MLP.load(), by TensorFlow.js's scheme names:
// 'indexeddb://NAME' is key NAME of the object store "models" in this origin's IndexedDB
// database "wasm-mlp"; 'localstorage://NAME' is this origin's localStorage key
// "wasm-mlp/NAME". Both hold the model file's text, replaced in one step (one IndexedDB
// transaction; localStorage.setItem is atomic), so a failed save keeps the model saved
// before. The browser entry plugs this module in (useKeyedStores), to be loaded on first use;
// its exports are the stores by scheme.
import { describeValue, MLPError, oneLine } from '../api/errors.ts';
import { printable } from '../io/printable.ts';
import type { KeyedStore } from '../io/storage.ts';

const DATABASE = 'wasm-mlp';
const OBJECT_STORE = 'models';
const LOCAL_STORAGE_PREFIX = 'wasm-mlp/';

type Action = 'save' | 'load';

export const indexeddb: KeyedStore = {
  async read(key) {
    const url = `indexeddb://${key}`;
    const value = await inTransaction(url, 'load', (store) => store.get(key));
    if (value === undefined) throw missing(url);
    if (typeof value !== 'string') throw new MLPError('INVALID_MODEL', `the model stored at ${printable(url)} is not valid: it holds ${describeValue(value)}, not the text net.save() writes`);
    return value;
  },
  async write(key, text) {
    await inTransaction(`indexeddb://${key}`, 'save', (store) => store.put(text, key));
  },
};

export const localstorage: KeyedStore = {
  async read(key) {
    const url = `localstorage://${key}`;
    const text = withLocalStorage(url, 'load', (store) => store.getItem(LOCAL_STORAGE_PREFIX + key));
    if (text === null) throw missing(url);
    return text;
  },
  async write(key, text) {
    withLocalStorage(`localstorage://${key}`, 'save', (store) => store.setItem(LOCAL_STORAGE_PREFIX + key, text));
  },
};

/**
 * Runs one request in one transaction on the models store (a write: read-write, committed
 * before this resolves) and resolves with its result. The connection is closed after, so
 * that it never blocks another tab's upgrade of the database.
 */
async function inTransaction(url: string, action: Action, request: (store: IDBObjectStore) => IDBRequest): Promise<unknown> {
  const database = await new Promise<IDBDatabase>((resolve, reject) => {
    const opening = indexedDB.open(DATABASE, 1);
    opening.onupgradeneeded = () => opening.result.createObjectStore(OBJECT_STORE);
    opening.onsuccess = () => resolve(opening.result);
    opening.onerror = () => reject(opening.error);
    opening.onblocked = () => {
      opening.onsuccess = () => opening.result.close();
      reject(new MLPError('IO', `cannot ${action} ${printable(url)}: another tab holds the IndexedDB database "${DATABASE}" open at an older version; close it and try again`));
    };
  }).catch((error: unknown) => Promise.reject(failure(url, action, error)));
  try {
    return await new Promise((resolve, reject) => {
      const transaction = database.transaction(OBJECT_STORE, action === 'save' ? 'readwrite' : 'readonly', { durability: 'strict' });
      const pending = request(transaction.objectStore(OBJECT_STORE));
      transaction.oncomplete = () => resolve(pending.result);
      transaction.onabort = () => reject(transaction.error ?? pending.error);
    });
  } catch (error) {
    throw failure(url, action, error);
  } finally {
    database.close();
  }
}

function withLocalStorage<T>(url: string, action: Action, use: (store: Storage) => T): T {
  try {
    // Reading the property itself throws where the browser denies storage (sandboxed frames);
    // a worker has none.
    return use(localStorage);
  } catch (error) {
    throw failure(url, action, error);
  }
}

function missing(url: string): MLPError {
  return new MLPError('IO', `cannot load ${printable(url)}: no model is saved under that name in this origin's storage`);
}

/** A browser's storage failure in plain words, naming the model's URL. */
function failure(url: string, action: Action, error: unknown): MLPError {
  if (error instanceof MLPError) return error;
  const { name, message } = (error ?? {}) as { name?: string; message?: string };
  const reason = /quota/i.test(`${name}`)
    ? "this origin's storage quota is used up (a model saved before under this name is kept)"
    : name === 'SecurityError' || name === 'InvalidStateError'
      ? 'the browser allows no storage here (a sandboxed frame, private browsing, or storage blocked in its settings)'
      : name === 'ReferenceError'
        ? `this JavaScript environment has no ${url.startsWith('indexeddb') ? 'IndexedDB' : 'localStorage (a worker has none)'}`
        : `${name ?? 'error'}${message ? `: ${oneLine(message)}` : ''}`;
  return new MLPError('IO', `cannot ${action} ${printable(url)}: ${printable(reason)}`, { cause: error });
}
