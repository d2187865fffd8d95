// The wording of errors: every message names the argument, the value it got and what was
// expected, so a CLI can print it as a single line (the error type is in mlp-error.ts).
import { MLPError } from './mlp-error.ts';

export { MLPError, type MLPErrorCode } from './mlp-error.ts';

/** A short, single-line rendering of a bad value for an error message (numbers as JS writes them: NaN, -0, Infinity). */
export function describeValue(value: unknown): string {
  let text: string;
  try {
    text = render(value, 0);
  } catch {
    // A revoked proxy, a getter that throws: describing a bad value must not fail in turn.
    text = typeof value === 'object' && value !== null ? 'an unreadable object' : 'an unreadable value';
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function render(value: unknown, depth: number): string {
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return value.toString();
  if (value === null || value === undefined || typeof value === 'boolean') return String(value);
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} of length ${(value as Float64Array).length}`;
  if (depth > 2) return Array.isArray(value) ? '[...]' : '{...}';
  if (Array.isArray(value)) {
    const shown = Array.from({ length: Math.min(value.length, 12) }, (_, i) => render(value[i], depth + 1));
    return `[${shown.join(',')}${value.length > 12 ? ',...' : ''}]`;
  }
  const keys = Object.keys(value);
  const shown = keys.slice(0, 6).map((k) => `${JSON.stringify(k)}:${render((value as Record<string, unknown>)[k], depth + 1)}`);
  return `{${shown.join(',')}${keys.length > 6 ? ',...' : ''}}`;
}

/** Makes any message one line: engines quote multi-line input in some of theirs. */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

export function invalidArgument(argument: string, value: unknown, expected: string): MLPError {
  return new MLPError('INVALID_ARGUMENT', `${argument} must be ${expected}; got ${describeValue(value)}`);
}

/** A file-system failure in plain words, never the raw message (it can name our temp file). */
export function systemReason(error: unknown): string {
  const code = (error as { code?: string }).code;
  const reasons: Record<string, string> = {
    ENOENT: 'no such file or directory',
    EACCES: 'permission denied',
    EISDIR: 'it is a directory',
    ENOTDIR: 'a parent is not a directory',
    EBUSY: 'the path is busy (a mount point or directory?)',
    ENOSPC: 'no space left on the device',
    EROFS: 'read-only file system',
    EPERM: 'operation not permitted',
    EEXIST: 'it already exists',
    ENAMETOOLONG: 'the name is too long',
  };
  if (code && reasons[code]) return reasons[code];
  return code ? `system error ${code}` : 'an unknown error';
}

/** Names for a one-line message: the first `max`, then how many more there are. */
export function listNames(names: readonly string[], max = 20): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} … and ${names.length - max} more`;
}
