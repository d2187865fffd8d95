// numpy's default str() of a float64 array, so the CLI can print the notebook's matrices byte
// for byte. A port of numpy 2.4's arrayprint.py (FloatingFormat, _formatArray,
// _leading_trailing) and of the parts of dragon4.c those use (Dragon4 in unique mode with a
// cutoff, FormatPositional, FormatScientific), under the default print options only:
// precision 8, floatmode 'maxprec', suppress False, sign '-', linewidth 75, threshold 1000,
// edgeitems 3, nanstr 'nan', infstr 'inf', legacy off.
import { invalidArgument } from '../api/errors.ts';
import { pythonFloatRepr } from './float-repr.ts';

const PRECISION = 8;
const LINE_WIDTH = 75;
const THRESHOLD = 1000;
const EDGE_ITEMS = 3;

/** numpy's TrimMode, named by the one-letter codes arrayprint.py passes. */
type Trim = 'k' | '.' | '0' | '-';

interface Decomposed {
  negative: boolean;
  mantissa: bigint;
  exponent: number;
  mantissaBit: number;
  unequalMargins: boolean;
}

const bitsView = new DataView(new ArrayBuffer(8));

/** Splits a finite double as Dragon4_PrintFloat_IEEE_binary64 does: value = mantissa * 2^exponent. */
function decompose(x: number): Decomposed {
  bitsView.setFloat64(0, x);
  const hi = bitsView.getUint32(0);
  const lo = bitsView.getUint32(4);
  const negative = hi >>> 31 === 1;
  const floatExponent = (hi >>> 20) & 0x7ff;
  const fraction = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (floatExponent !== 0) {
    return {
      negative,
      mantissa: (1n << 52n) | fraction,
      exponent: floatExponent - 1023 - 52,
      mantissaBit: 52,
      // The gap below a power of two is half the gap above it, except at the smallest normal.
      unequalMargins: floatExponent !== 1 && fraction === 0n,
    };
  }
  return {
    negative,
    mantissa: fraction,
    exponent: 1 - 1023 - 52,
    mantissaBit: fraction === 0n ? 0 : fraction.toString(2).length - 1,
    unequalMargins: false,
  };
}

const LOG10_2 = 0.30102999566398119521373889472449;
/** Size of numpy's scratch output buffer, which bounds the digits when there is no cutoff. */
const BUFFER_SIZE = 16384;

/**
 * Dragon4 in numpy's DigitMode_Unique: emits the digits of the exact binary value until they
 * identify it among its neighbours (and at least `cutoffMin` are out) or until `cutoffMax`,
 * then rounds the last digit. So a value whose shortest repr fits the cutoff prints exactly
 * that repr, and a longer one is the exact binary value rounded half-to-even at the cutoff —
 * not the shortest decimal string rounded again, and not JavaScript's toFixed/toPrecision,
 * which round ties away from zero (1/512 prints 0.00195312 here, 0.00195313 there).
 * Returns the digits and the power of ten of the first one.
 */
function dragon4(
  d: Decomposed,
  fractionCutoff: boolean,
  cutoffMax: number,
  cutoffMin: number,
): { digits: string; exponent: number } {
  const { mantissa, exponent, mantissaBit, unequalMargins } = d;
  if (mantissa === 0n) return { digits: '0', exponent: 0 };
  const isEven = (mantissa & 1n) === 0n;

  // value = scaledValue / scale; the margins are half the gaps to the neighbouring doubles.
  let scaledValue: bigint;
  let scale: bigint;
  let marginLow: bigint;
  if (unequalMargins) {
    if (exponent > 0) {
      scaledValue = mantissa << BigInt(exponent + 2);
      scale = 4n;
      marginLow = 1n << BigInt(exponent);
    } else {
      scaledValue = mantissa << 2n;
      scale = 1n << BigInt(-exponent + 2);
      marginLow = 1n;
    }
  } else if (exponent > 0) {
    scaledValue = mantissa << BigInt(exponent + 1);
    scale = 2n;
    marginLow = 1n << BigInt(exponent);
  } else {
    scaledValue = mantissa << 1n;
    scale = 1n << BigInt(-exponent + 1);
    marginLow = 1n;
  }
  const highOf = (low: bigint): bigint => (unequalMargins ? low * 2n : low);

  // The same float estimate as numpy's, then the same correction, so the clamp below and
  // the digit positions match numpy's in every case.
  let digitExponent = Math.ceil((mantissaBit + exponent) * LOG10_2 - 0.69);
  if (cutoffMax >= 0 && fractionCutoff && digitExponent <= -cutoffMax) {
    digitExponent = -cutoffMax + 1;
  }
  if (digitExponent > 0) {
    scale *= 10n ** BigInt(digitExponent);
  } else if (digitExponent < 0) {
    const pow10 = 10n ** BigInt(-digitExponent);
    scaledValue *= pow10;
    marginLow *= pow10;
  }
  if (scaledValue >= scale) {
    digitExponent += 1;
  } else {
    scaledValue *= 10n;
    marginLow *= 10n;
  }
  let marginHigh = highOf(marginLow);

  let cutoffMaxExponent = digitExponent - BUFFER_SIZE;
  if (cutoffMax >= 0) {
    const desired = fractionCutoff ? -cutoffMax : digitExponent - cutoffMax;
    if (desired > cutoffMaxExponent) cutoffMaxExponent = desired;
  }
  let cutoffMinExponent = digitExponent;
  if (cutoffMin >= 0) {
    const desired = fractionCutoff ? -cutoffMin : digitExponent - cutoffMin;
    if (desired < cutoffMinExponent) cutoffMinExponent = desired;
  }
  let outExponent = digitExponent - 1;

  const out: number[] = [];
  let low: boolean;
  let high: boolean;
  let digit: number;
  for (;;) {
    digitExponent -= 1;
    digit = Number(scaledValue / scale);
    scaledValue %= scale;
    // IEEE round-half-even reading: an even mantissa owns the midpoints to its neighbours.
    const lowCmp = scaledValue - marginLow;
    low = isEven ? lowCmp <= 0n : lowCmp < 0n;
    const highCmp = scaledValue + marginHigh - scale;
    high = isEven ? highCmp >= 0n : highCmp > 0n;
    if (((low || high) && digitExponent <= cutoffMinExponent) || digitExponent === cutoffMaxExponent) {
      break;
    }
    out.push(digit);
    scaledValue *= 10n;
    marginLow *= 10n;
    marginHigh = highOf(marginLow);
  }

  let roundDown = low;
  if (low === high) {
    const twice = scaledValue * 2n;
    roundDown = twice < scale;
    if (twice === scale) roundDown = (digit & 1) === 0;
  }
  if (roundDown) {
    out.push(digit);
  } else if (digit !== 9) {
    out.push(digit + 1);
  } else {
    // Carry: drop trailing nines; a carry out of the first digit becomes a leading 1.
    for (;;) {
      if (out.length === 0) {
        out.push(1);
        outExponent += 1;
        break;
      }
      const prev = out.pop()!;
      if (prev !== 9) {
        out.push(prev + 1);
        break;
      }
    }
  }
  return { digits: out.join(''), exponent: outExponent };
}

interface PositionalOptions {
  precision: number;
  minDigits: number;
  trim: Trim;
  padLeft: number;
  padRight: number;
}

/** dragon4.c FormatPositional with unique digits and a fractional cutoff, for a finite x. */
function formatPositional(x: number, o: PositionalOptions): string {
  const d = decompose(x);
  const sign = d.negative ? '-' : '';
  const { digits, exponent } = dragon4(d, true, o.precision, o.minDigits);
  let body: string;
  let wholeDigits: number;
  let fractionDigits = 0;
  if (exponent >= 0) {
    wholeDigits = exponent + 1;
    if (digits.length <= wholeDigits) {
      body = digits + '0'.repeat(wholeDigits - digits.length);
    } else {
      fractionDigits = digits.length - wholeDigits;
      body = `${digits.slice(0, wholeDigits)}.${digits.slice(wholeDigits)}`;
    }
  } else {
    const zeros = -(exponent + 1);
    body = `0.${'0'.repeat(zeros)}${digits}`;
    fractionDigits = digits.length + zeros;
    wholeDigits = 1;
  }
  if (o.trim !== '-' && fractionDigits === 0) body += '.';

  const wanted = o.minDigits < 0 ? 0 : o.minDigits;
  if (o.trim === '0') {
    if (fractionDigits === 0) {
      body += '0';
      fractionDigits++;
    }
  } else if (o.trim === 'k' && wanted > fractionDigits) {
    body += '0'.repeat(wanted - fractionDigits);
    fractionDigits = wanted;
  }
  // Rounding can leave trailing zeros even in unique mode.
  if (o.trim !== 'k' && fractionDigits > 0) {
    while (body.endsWith('0')) {
      body = body.slice(0, -1);
      fractionDigits--;
    }
    if (body.endsWith('.')) {
      if (o.trim === '0') {
        body += '0';
        fractionDigits++;
      } else if (o.trim === '-') {
        body = body.slice(0, -1);
      }
    }
  }
  if (o.padRight >= fractionDigits) {
    if (o.trim === '-' && fractionDigits === 0) body += ' ';
    body += ' '.repeat(o.padRight - fractionDigits);
  }
  const left = wholeDigits + sign.length;
  const pad = o.padLeft > left ? ' '.repeat(o.padLeft - left) : '';
  return pad + sign + body;
}

interface ScientificOptions {
  precision: number;
  minDigits: number;
  trim: Trim;
  padLeft: number;
  expDigits: number;
}

/** dragon4.c FormatScientific with unique digits, for a finite x. */
function formatScientific(x: number, o: ScientificOptions): string {
  const d = decompose(x);
  const sign = d.negative ? '-' : '';
  const leftChars = 1 + sign.length;
  const pad = o.padLeft > leftChars ? ' '.repeat(o.padLeft - leftChars) : '';
  const { digits, exponent } = dragon4(
    d,
    false,
    o.precision < 0 ? -1 : o.precision + 1,
    o.minDigits < 0 ? -1 : o.minDigits + 1,
  );
  let body = digits[0]!;
  let fractionDigits = digits.length - 1;
  if (fractionDigits > 0) body += `.${digits.slice(1)}`;
  if (o.trim !== '-' && fractionDigits === 0) body += '.';

  const wanted = o.minDigits < 0 ? 0 : o.minDigits;
  if (o.trim === '0') {
    if (fractionDigits === 0) {
      body += '0';
      fractionDigits++;
    }
  } else if (o.trim === 'k' && wanted > fractionDigits) {
    body += '0'.repeat(wanted - fractionDigits);
    fractionDigits = wanted;
  }
  if (o.trim !== 'k' && fractionDigits > 0) {
    while (body.endsWith('0')) {
      body = body.slice(0, -1);
      fractionDigits--;
    }
    if (o.trim === '0' && body.endsWith('.')) {
      body += '0';
      fractionDigits++;
    }
  }

  const expDigits = o.expDigits < 0 ? 2 : Math.min(o.expDigits, 5);
  const absExp = String(Math.abs(exponent));
  const expText = absExp.length < expDigits ? '0'.repeat(expDigits - absExp.length) + absExp : absExp;
  return `${pad}${sign}${body}e${exponent >= 0 ? '+' : '-'}${expText}`;
}

/**
 * arrayprint.FloatingFormat: one pass over the (summarised) data fixes the notation, the
 * digits kept and the padding, so every element of the array prints with the same width.
 */
function floatingFormat(data: readonly number[]): (x: number) => string {
  const finite = data.filter(Number.isFinite);
  let expFormat = false;
  let maxVal = -Infinity;
  let minVal = Infinity;
  for (const v of finite) {
    const a = Math.abs(v);
    if (a === 0) continue;
    if (a > maxVal) maxVal = a;
    if (a < minVal) minVal = a;
  }
  if (maxVal !== -Infinity) {
    // exp_cutoff_max = 10**min(8, finfo(float64).precision) = 1e8.
    if (maxVal >= 1e8 || minVal < 0.0001 || maxVal / minVal > 1000) expFormat = true;
  }

  let padLeft = 0;
  let padRight = 0;
  let expSize = -1;
  let precision = PRECISION;
  if (expFormat) {
    precision = 0;
    for (const v of finite) {
      const s = formatScientific(v, { precision: PRECISION, minDigits: -1, trim: '.', padLeft: -1, expDigits: -1 });
      const e = s.indexOf('e');
      const [intPart, fracPart] = s.slice(0, e).split('.') as [string, string];
      expSize = Math.max(expSize, s.length - e - 2);
      precision = Math.max(precision, fracPart.length);
      padLeft = Math.max(padLeft, intPart.length);
    }
    padRight = expSize + 2 + precision;
  } else {
    for (const v of finite) {
      const s = formatPositional(v, { precision: PRECISION, minDigits: -1, trim: '.', padLeft: -1, padRight: -1 });
      const [intPart, fracPart] = s.split('.') as [string, string];
      padLeft = Math.max(padLeft, intPart.length);
      padRight = Math.max(padRight, fracPart.length);
    }
  }
  // Non-finite values widen the columns of the finite ones too (numpy updates pad_left).
  if (finite.length !== data.length) {
    const negInf = data.some((v) => v === -Infinity) ? 1 : 0;
    const offset = padRight + 1;
    padLeft = Math.max(padLeft, 3 - offset, 3 + negInf - offset);
  }

  // The second pass keeps `precision` digits everywhere in scientific notation (trim 'k'),
  // but only the digits each value needs in positional notation (trim '.', padded right).
  const format = expFormat
    ? (x: number) => formatScientific(x, { precision, minDigits: precision, trim: 'k', padLeft, expDigits: expSize })
    : (x: number) => formatPositional(x, { precision, minDigits: 0, trim: '.', padLeft, padRight });
  const width = padLeft + padRight + 1;
  return (x) => {
    if (Number.isFinite(x)) return format(x);
    const text = Number.isNaN(x) ? 'nan' : x < 0 ? '-inf' : 'inf';
    return ' '.repeat(Math.max(0, width - text.length)) + text;
  };
}

/** The C-order flat indices of the corners arrayprint._leading_trailing keeps. */
function leadingTrailing(shape: readonly number[], strides: readonly number[]): number[] {
  const out: number[] = [];
  const walk = (axis: number, offset: number): void => {
    if (axis === shape.length) {
      out.push(offset);
      return;
    }
    const n = shape[axis]!;
    const stride = strides[axis]!;
    if (n > 2 * EDGE_ITEMS) {
      for (let i = 0; i < EDGE_ITEMS; i++) walk(axis + 1, offset + i * stride);
      for (let i = n - EDGE_ITEMS; i < n; i++) walk(axis + 1, offset + i * stride);
    } else {
      for (let i = 0; i < n; i++) walk(axis + 1, offset + i * stride);
    }
  };
  walk(0, 0);
  return out;
}

function describeShape(shape: readonly number[]): string {
  return `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;
}

/** arrayprint._extendLine (legacy off): wrap unless the line holds nothing but its indent. */
function extendLine(s: string, line: string, word: string, width: number, indent: string): [string, string] {
  if (line.length + word.length > width && line.length > indent.length) {
    s += `${line.trimEnd()}\n`;
    line = indent;
  }
  return [s, line + word];
}

/**
 * Exactly numpy's `str(np.array(data, dtype=np.float64).reshape(shape))` under the default
 * print options, for any number of dimensions. `data` is in C (row-major) order.
 */
export function formatNumpyArray(data: ArrayLike<number>, shape: readonly number[]): string {
  if (!Array.isArray(shape) || !shape.every((n) => Number.isSafeInteger(n) && n >= 0)) {
    throw invalidArgument('shape', shape, 'an array of non-negative integers (numpy\'s shape)');
  }
  const size = shape.reduce((a, b) => a * b, 1);
  if (!(Array.isArray(data) || (ArrayBuffer.isView(data) && !(data instanceof DataView))) || data.length !== size) {
    throw invalidArgument('data', data, `an array or typed array of ${size} numbers (shape ${describeShape(shape)})`);
  }
  for (let i = 0; i < size; i++) if (typeof data[i] !== 'number') throw invalidArgument(`data[${i}]`, data[i], 'a number');
  // A 0-D array prints as its scalar, and str(np.float64) agrees with Python's float repr.
  if (shape.length === 0) return pythonFloatRepr(data[0]!);
  if (size === 0) return '[]';

  const strides: number[] = new Array<number>(shape.length);
  let stride = 1;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    strides[axis] = stride;
    stride *= shape[axis]!;
  }
  const summarise = size > THRESHOLD;
  const shown = summarise
    ? leadingTrailing(shape, strides).map((i) => data[i]!)
    : Array.from(data);
  const format = floatingFormat(shown);
  const separator = ' ';

  const recurse = (axis: number, offset: number, hangingIndent: string, currWidth: number): string => {
    if (axis === shape.length) return format(data[offset]!);
    const axesLeft = shape.length - axis;
    const nextHangingIndent = `${hangingIndent} `;
    const nextWidth = currWidth - 1; // room for this level's ']'
    const n = shape[axis]!;
    const step = strides[axis]!;
    const showSummary = summarise && 2 * EDGE_ITEMS < n;
    const leading = showSummary ? EDGE_ITEMS : 0;
    const trailing = showSummary ? EDGE_ITEMS : n;
    const child = (i: number): string => recurse(axis + 1, offset + i * step, nextHangingIndent, nextWidth);

    let s = '';
    if (axesLeft === 1) {
      // Each element, the last included, keeps room for a closing ']' after it.
      const elemWidth = currWidth - Math.max(separator.trimEnd().length, 1);
      let line = hangingIndent;
      for (let i = 0; i < leading; i++) {
        [s, line] = extendLine(s, line, child(i), elemWidth, hangingIndent);
        line += separator;
      }
      if (showSummary) {
        [s, line] = extendLine(s, line, '...', elemWidth, hangingIndent);
        line += separator;
      }
      for (let i = trailing; i > 1; i--) {
        [s, line] = extendLine(s, line, child(n - i), elemWidth, hangingIndent);
        line += separator;
      }
      [s, line] = extendLine(s, line, child(n - 1), elemWidth, hangingIndent);
      s += line;
    } else {
      const lineSep = separator.trimEnd() + '\n'.repeat(axesLeft - 1);
      for (let i = 0; i < leading; i++) s += hangingIndent + child(i) + lineSep;
      if (showSummary) s += hangingIndent + '...' + lineSep;
      for (let i = trailing; i > 1; i--) s += hangingIndent + child(n - i) + lineSep;
      s += hangingIndent + child(n - 1);
    }
    return `[${s.slice(hangingIndent.length)}]`;
  };
  return recurse(0, 0, ' ', LINE_WIDTH);
}
