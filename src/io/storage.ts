// Where save(), load() and loadCSV(path) read and write. A path is a file (the Node entry
// plugs in node:fs, with atomic writes) or, in the browser bundle, `indexeddb://NAME` or
// `localstorage://NAME` (TensorFlow.js's scheme names), whose stores the browser entry plugs
// in, loaded on first use (src/platform/browser-storage.ts). Either way the text stored is the model file's. Where
// there is a file system (Node, whose entry also loads the browser entry's code), those
// URLs are refused rather than written to whatever storage the runtime may have. A file
// path's checks are in file-path.ts, which only the code that reads and writes files loads,
// and which paths name a browser store in browser-location.ts.
import type { BrowserScheme } from './browser-location.ts';

/** A file system; its failures are MLPErrors (IO) naming the path. */
export interface Storage {
  read(path: string): string;
  writeAtomic(path: string, text: string): void;
}

/** A browser's key-value store of model texts; its errors are MLPErrors naming the key. */
export interface KeyedStore {
  /** The text saved under `key`; an MLPError (IO) when there is none. */
  read(key: string): Promise<string>;
  /** Replaces the text under `key` at once: a failed write leaves the text before it. */
  write(key: string, text: string): Promise<void>;
}

let current: Storage | undefined;
/** Loads the browser's stores (the browser bundle's lazy chunk). */
let keyed: (() => Promise<Record<BrowserScheme, KeyedStore>>) | undefined;

export function useStorage(next: Storage): void {
  current = next;
}

export function useKeyedStores(load: () => Promise<Record<BrowserScheme, KeyedStore>>): void {
  keyed = load;
}

/** The file system, when the entry point provided one. */
export function fileSystem(): Storage | undefined {
  return current;
}

/** The browser's stores, when the entry point plugged them in and there is no file system. */
export function keyedStores(): (() => Promise<Record<BrowserScheme, KeyedStore>>) | undefined {
  return current === undefined ? keyed : undefined;
}
