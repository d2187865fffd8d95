// The browser's stores for net.save() and MLP.load(), by TensorFlow.js's scheme names:
// 'indexeddb://NAME' is key NAME of the object store "models" in this origin's IndexedDB
// database "wasm-mlp"; 'localstorage://NAME' is this origin's localStorage key
// "wasm-mlp/NAME". Both hold the model file's text, replaced in one step (one IndexedDB
// transaction; localStorage.setItem is atomic), so a failed save keeps the model saved
// before. Imported for its effect by the browser entry.
import { describeValue, MLPError, oneLine, printable } from '../api/errors.ts';
import { useKeyedStores, type KeyedStore } from '../io/storage.ts';

const DATABASE = 'wasm-mlp';
const DATABASE_VERSION = 1;
const OBJECT_STORE = 'models';
const LOCAL_STORAGE_PREFIX = 'wasm-mlp/';

const indexedDBStore: KeyedStore = {
  async read(key) {
    const url = `indexeddb://${key}`;
    const value = await withDatabase(url, 'load', 'readonly', (store) => store.get(key));
    if (value === undefined) throw missing(url, "this origin's IndexedDB");
    if (typeof value !== 'string') throw new MLPError('INVALID_MODEL', `the model stored at ${printable(url)} is not valid: it holds ${describeValue(value)}, not the text net.save() writes`);
    return value;
  },
  async write(key, text) {
    await withDatabase(`indexeddb://${key}`, 'save', 'readwrite', (store) => store.put(text, key));
  },
};

const localStorageStore: KeyedStore = {
  async read(key) {
    const url = `localstorage://${key}`;
    let text: string | null;
    try {
      text = localStore(url).getItem(LOCAL_STORAGE_PREFIX + key);
    } catch (error) {
      throw storeFailure(url, 'load', error);
    }
    if (text === null) throw missing(url, "this origin's localStorage");
    return text;
  },
  async write(key, text) {
    const url = `localstorage://${key}`;
    try {
      localStore(url).setItem(LOCAL_STORAGE_PREFIX + key, text);
    } catch (error) {
      throw storeFailure(url, 'save', error);
    }
  },
};

useKeyedStores({ indexeddb: indexedDBStore, localstorage: localStorageStore });

/**
 * Runs one request in one transaction on the models store and resolves with its result once
 * the transaction has completed (a write is then committed); the connection is closed after,
 * so that it never blocks another tab's upgrade.
 */
async function withDatabase(url: string, action: 'save' | 'load', mode: IDBTransactionMode, request: (store: IDBObjectStore) => IDBRequest): Promise<unknown> {
  const database = await openDatabase(url, action);
  try {
    return await new Promise((resolve, reject) => {
      try {
        const transaction = database.transaction(OBJECT_STORE, mode, { durability: 'strict' });
        const pending = request(transaction.objectStore(OBJECT_STORE));
        transaction.oncomplete = () => resolve(pending.result);
        transaction.onabort = () => reject(storeFailure(url, action, transaction.error ?? pending.error));
      } catch (error) {
        reject(storeFailure(url, action, error));
      }
    });
  } finally {
    database.close();
  }
}

function openDatabase(url: string, action: 'save' | 'load'): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (error: unknown) => {
      settled = true;
      reject(storeFailure(url, action, error));
    };
    try {
      const factory = (globalThis as { indexedDB?: IDBFactory }).indexedDB;
      if (factory === undefined) throw new MLPError('IO', `cannot ${action} ${printable(url)}: this JavaScript environment has no IndexedDB`);
      const opening = factory.open(DATABASE, DATABASE_VERSION);
      opening.onupgradeneeded = () => opening.result.createObjectStore(OBJECT_STORE);
      opening.onsuccess = () => {
        const database = opening.result;
        // A connection that outlived its call (the open was reported blocked) goes at once.
        if (settled) return database.close();
        settled = true;
        database.onversionchange = () => database.close();
        resolve(database);
      };
      opening.onerror = () => fail(opening.error);
      opening.onblocked = () => fail(new MLPError('IO', `cannot ${action} ${printable(url)}: the IndexedDB database "${DATABASE}" is blocked by another tab that has it open; close that tab and try again`));
    } catch (error) {
      fail(error);
    }
  });
}

function localStore(url: string): Storage {
  // Reading the property itself throws where the browser denies storage (sandboxed frames).
  const store = (globalThis as { localStorage?: Storage }).localStorage;
  if (store === undefined || store === null) throw new MLPError('IO', `cannot use ${printable(url)}: this JavaScript environment has no localStorage (a worker has none: use indexeddb://)`);
  return store;
}

function missing(url: string, where: string): MLPError {
  return new MLPError('IO', `cannot load ${printable(url)}: no model is saved under that name in ${where}`);
}

/** A browser's storage failure in plain words, naming the model's URL. */
function storeFailure(url: string, action: 'save' | 'load', error: unknown): MLPError {
  if (error instanceof MLPError) return error;
  const { name, message } = (error ?? {}) as { name?: string; message?: string };
  let reason: string;
  if (name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED') {
    reason = "this origin's storage quota is used up (the model saved before under this name, if any, is kept)";
  } else if (name === 'SecurityError' || name === 'InvalidStateError') {
    reason = 'the browser allows no storage here (a sandboxed frame or opaque origin, private browsing, or storage blocked in its settings)';
  } else {
    reason = `${name ?? 'error'}${message ? `: ${oneLine(message)}` : ''}`;
  }
  return new MLPError('IO', `cannot ${action} ${printable(url)}: ${printable(reason)}`, { cause: error });
}
