// Python 3's repr(float) (also str(float) and f-string `{x}`) for the CLI's loss lines and
// numpy's 0-D str(); the shortest round-trip digits come from JavaScript, the layout from
// CPython's float_repr_style='short' rules (Python/pystrtod.c, format code 'r').
import { invalidArgument } from '../api/errors.ts';

/**
 * The shortest round-trip decimal digits of a finite positive double, as JavaScript prints
 * them: `digits` has no leading or trailing zeros and `exponent` is the power of ten of its
 * first digit. ECMAScript's Number::toString picks, among the shortest digit strings that
 * read back to `x`, the one closest to `x` (ties to even), which is David Gay's mode 0 that
 * CPython uses, so the digits agree and only the layout needs translating.
 */
export function shortestDigits(x: number): { digits: string; exponent: number } {
  const text = String(x);
  const e = text.indexOf('e');
  const mantissa = e < 0 ? text : text.slice(0, e);
  const exp10 = e < 0 ? 0 : Number(text.slice(e + 1));
  const dot = mantissa.indexOf('.');
  const intLength = dot < 0 ? mantissa.length : dot;
  const raw = dot < 0 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1);
  let start = 0;
  while (start < raw.length - 1 && raw[start] === '0') start++;
  let end = raw.length;
  while (end > start + 1 && raw[end - 1] === '0') end--;
  return { digits: raw.slice(start, end), exponent: intLength - 1 - start + exp10 };
}

/** Exactly Python 3's `repr(x)` for a float. */
export function pythonFloatRepr(x: number): string {
  if (typeof x !== 'number') throw invalidArgument('x', x, 'a number');
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const { digits, exponent } = shortestDigits(Math.abs(x));
  // CPython switches to exponent notation when decpt = exponent + 1 is <= -4 or > 16.
  if (exponent < -4 || exponent >= 16) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const abs = Math.abs(exponent);
    return `${sign}${mant}e${exponent < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const whole = exponent + 1;
  if (digits.length <= whole) return `${sign}${digits}${'0'.repeat(whole - digits.length)}.0`;
  return `${sign}${digits.slice(0, whole)}.${digits.slice(whole)}`;
}
