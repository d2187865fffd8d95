// The one error type users see. Every message names the argument, the value it got and
// what was expected, so a CLI can print it as a single line.

export type MLPErrorCode =
  | 'INVALID_ARGUMENT'
  | 'INVALID_MODEL'
  | 'OUT_OF_MEMORY'
  | 'DISPOSED'
  | 'TRAINING_DIVERGED'
  | 'IO'
  | 'INTERNAL';

export class MLPError extends Error {
  readonly code: MLPErrorCode;

  constructor(code: MLPErrorCode, message: string) {
    super(message);
    this.name = 'MLPError';
    this.code = code;
  }
}

/** A short, single-line rendering of a bad value for an error message. */
export function describeValue(value: unknown): string {
  if (typeof value === 'number') {
    return Object.is(value, -0) ? '-0' : String(value);
  }
  if (typeof value === 'bigint') return `${value}n`;
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return value.toString();
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} of length ${(value as Float64Array).length}`;
  let text: string;
  try {
    text = JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)) ?? String(value);
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export function invalidArgument(argument: string, value: unknown, expected: string): MLPError {
  return new MLPError('INVALID_ARGUMENT', `${argument} must be ${expected}; got ${describeValue(value)}`);
}
