// Which model paths name a browser store: `indexeddb://NAME` and `localstorage://NAME`
// (TensorFlow.js's scheme names). Read by save() and load() in their lazy pieces.
import { invalidArgument } from '../api/errors.ts';

export const BROWSER_SCHEMES = ['indexeddb', 'localstorage'] as const;
export type BrowserScheme = (typeof BROWSER_SCHEMES)[number];

/** `scheme://NAME` split, for a path in one of the browser schemes (any case); else undefined. */
export function browserLocation(path: unknown): { scheme: BrowserScheme; key: string } | undefined {
  const match = typeof path === 'string' ? /^([a-z]+):\/\/(.*)$/is.exec(path) : null;
  const scheme = match?.[1].toLowerCase() as BrowserScheme | undefined;
  if (!match || !BROWSER_SCHEMES.includes(scheme!)) return undefined;
  if (match[2] === '') throw invalidArgument('path', path, `'${scheme}://NAME' with a non-empty NAME`);
  return { scheme: scheme!, key: match[2] };
}
