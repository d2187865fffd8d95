// Where save(), load() and loadCSV(path) read and write. A path is a file (the Node entry
// plugs in node:fs, with atomic writes) or, in the browser bundle, `indexeddb://NAME` or
// `localstorage://NAME` (TensorFlow.js's scheme names), whose stores the browser entry plugs
// in, loaded on first use (src/platform/browser-storage.ts). Either way the text stored is the model file's. Where
// there is a file system (Node, whose entry also loads the browser entry's code), those
// URLs are refused rather than written to whatever storage the runtime may have.
import { invalidArgument, MLPError } from '../api/errors.ts';

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

export const BROWSER_SCHEMES = ['indexeddb', 'localstorage'] as const;
export type BrowserScheme = (typeof BROWSER_SCHEMES)[number];

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

export function storage(): Storage {
  if (current === undefined) {
    throw new MLPError('INVALID_ARGUMENT', 'save() and load() of a file path need Node\'s file system; in a browser save to \'indexeddb://NAME\' or \'localstorage://NAME\', or use net.toJSON() and MLP.fromJSON()');
  }
  return current;
}

/** `scheme://NAME` split, for a path in one of the browser schemes (any case); else undefined. */
export function browserLocation(path: unknown): { scheme: BrowserScheme; key: string } | undefined {
  const match = typeof path === 'string' ? /^([a-z]+):\/\/(.*)$/is.exec(path) : null;
  const scheme = match?.[1].toLowerCase() as BrowserScheme | undefined;
  if (!match || !BROWSER_SCHEMES.includes(scheme!)) return undefined;
  if (match[2] === '') throw invalidArgument('path', path, `'${scheme}://NAME' with a non-empty NAME`);
  return { scheme: scheme!, key: match[2] };
}

/** The browser's stores, when the entry point plugged them in and there is no file system. */
export function keyedStores(): (() => Promise<Record<BrowserScheme, KeyedStore>>) | undefined {
  return current === undefined ? keyed : undefined;
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
