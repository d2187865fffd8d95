// numpy's .npy format without a file system: the preamble (magic, version, header length),
// the header (a Python dict literal: descr, fortran_order, shape) read into checked fields,
// the header numpy itself writes for an array (byte for byte), and the conversion of stored
// numbers of every supported type and byte order into float64. Versions 1.0, 2.0 and 3.0
// (3.0: the header is UTF-8); descr '<f8' '>f8' '<f4' '>f4', signed and unsigned integers of
// 1, 2, 4 and 8 bytes in either byte order, and '|b1'. Shapes are 1-D (one column) or 2-D.
// A Fortran-order 2-D array is read transposed into rows (the file layer does the reordering).
// int64/uint64 values that float64 cannot hold exactly are refused, naming the value.
// Every malformed header is an MLPError naming the file, the field, the value and what was expected.
import { MLPError } from '../api/errors.ts';

/** `\x93NUMPY`: the first six bytes of every .npy file. */
export const NPY_MAGIC = Uint8Array.of(0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59);
/** The magic, the two version bytes and the header length (2 bytes in version 1.0, 4 after). */
const PREAMBLE_BYTES: Record<number, number> = { 1: 10, 2: 12, 3: 12 };
/** Enough bytes to read any version's preamble. */
export const NPY_PREAMBLE_MAX = 12;
/**
 * A header longer than this is refused unread: ours are about 128 bytes, and numpy refuses
 * headers over 10,000 bytes by default; the bound keeps a corrupt length from allocating gigabytes.
 */
export const MAX_NPY_HEADER_BYTES = 1 << 20;
/** numpy pads the header so the data starts at a multiple of this (numpy.lib.format.ARRAY_ALIGN). */
const ARRAY_ALIGN = 64;
/** numpy leaves room in the header for a shape this many digits long (numpy.lib.format.GROWTH_AXIS_MAX_DIGITS). */
const GROWTH_AXIS_MAX_DIGITS = 21;

export type NpyKind = 'f' | 'i' | 'u' | 'b';

export interface NpyDtype {
  /** As written in the header, e.g. '<f8'. */
  readonly descr: string;
  readonly kind: NpyKind;
  readonly bytes: number;
  readonly littleEndian: boolean;
}

export interface NpyHeader {
  /** '1.0', '2.0' or '3.0'. */
  readonly version: string;
  readonly dtype: NpyDtype;
  readonly fortranOrder: boolean;
  /** numpy's shape: [n] (read as n rows of one column) or [rows, columns]. */
  readonly shape: readonly number[];
  readonly rows: number;
  readonly columns: number;
  /** Where the numbers start: the preamble and the header. */
  readonly dataOffset: number;
  /** rows × columns × the item size. */
  readonly dataBytes: number;
}

/** The dtypes read, as numpy writes them ('|' for one-byte types; '<' or '>' else; '=' is this machine's order). */
export const NPY_READ_DTYPES = "'<f8', '>f8', '<f4', '>f4', '|i1', '<i2', '<i4', '<i8', '|u1', '<u2', '<u4', '<u8' (or '>' for big-endian) or '|b1'";
const SIZES: Record<NpyKind, readonly number[]> = { f: [4, 8], i: [1, 2, 4, 8], u: [1, 2, 4, 8], b: [1] };

/** Whether this machine stores numbers little-endian (every platform Node and browsers run on today). */
export const HOST_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

function bad(file: string, message: string): MLPError {
  return new MLPError('INVALID_ARGUMENT', `${file}: ${message}`);
}

/** Bytes as text for a message: printable ASCII as is, others as \xNN, at most `max` bytes. */
function showBytes(bytes: Uint8Array, max = 16): string {
  let text = '';
  for (const b of bytes.subarray(0, max)) text += b >= 0x20 && b < 0x7f && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
  return `'${text}${bytes.length > max ? '...' : ''}'`;
}

/**
 * The version and the header's length from a file's first bytes (`start`: at least
 * NPY_PREAMBLE_MAX bytes, or the whole file when shorter).
 */
export function readNpyPreamble(start: Uint8Array, file: string): { major: number; minor: number; headerBytes: number; dataOffset: number } {
  if (start.length < NPY_MAGIC.length + 2 || NPY_MAGIC.some((b, i) => start[i] !== b)) {
    if (NPY_MAGIC.every((b, i) => i >= start.length || start[i] === b)) {
      throw bad(file, `the file ends after ${start.length} bytes, inside the .npy preamble (the magic '\\x93NUMPY', two version bytes, the header length)`);
    }
    throw bad(file, `not a .npy file: it starts with ${showBytes(start.subarray(0, 6))}; expected the magic '\\x93NUMPY'`);
  }
  const major = start[6];
  const minor = start[7];
  const preamble = PREAMBLE_BYTES[major];
  if (preamble === undefined || minor !== 0) throw bad(file, `the .npy format version is ${major}.${minor}; expected 1.0, 2.0 or 3.0`);
  if (start.length < preamble) throw bad(file, `the file ends after ${start.length} bytes, inside the .npy preamble of version ${major}.0 (${preamble} bytes)`);
  const view = new DataView(start.buffer, start.byteOffset, preamble);
  const headerBytes = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (headerBytes > MAX_NPY_HEADER_BYTES) {
    throw bad(file, `the .npy header length is ${headerBytes} bytes; expected at most ${MAX_NPY_HEADER_BYTES} (a corrupt file?)`);
  }
  return { major, minor, headerBytes, dataOffset: preamble + headerBytes };
}

/** The header of a .npy file from its first bytes (`start` holds at least the preamble and the header). */
export function parseNpyHeader(start: Uint8Array, file: string): NpyHeader {
  const { major, headerBytes, dataOffset } = readNpyPreamble(start, file);
  if (start.length < dataOffset) {
    throw bad(file, `the file ends after ${start.length} bytes, inside the .npy header (${headerBytes} bytes from byte ${dataOffset - headerBytes})`);
  }
  const raw = start.subarray(dataOffset - headerBytes, dataOffset);
  let text: string;
  if (major === 3) {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
    } catch {
      throw bad(file, 'the .npy header of version 3.0 is not valid UTF-8');
    }
  } else {
    // Versions 1.0 and 2.0: latin-1, one character per byte.
    text = '';
    for (let i = 0; i < raw.length; i += 4096) text += String.fromCharCode(...raw.subarray(i, i + 4096));
  }
  const dict = parseHeaderDict(text, file);
  const field = (name: string) => {
    const value = dict.get(name);
    if (value === undefined) throw bad(file, `the .npy header ${clip(text.trim())} has no '${name}'; expected the keys 'descr', 'fortran_order' and 'shape'`);
    return value;
  };
  const dtype = readDescr(field('descr'), file);
  const order = field('fortran_order');
  if (typeof order.value !== 'boolean') throw bad(file, `the .npy header's 'fortran_order' is ${order.text}; expected True or False`);
  const shape = readShape(field('shape'), file);
  for (const key of dict.keys()) {
    if (key !== 'descr' && key !== 'fortran_order' && key !== 'shape') {
      throw bad(file, `the .npy header has the key '${key}'; expected only 'descr', 'fortran_order' and 'shape'`);
    }
  }
  const rows = shape[0];
  const columns = shape.length === 2 ? shape[1] : 1;
  const dataBytes = rows * columns * dtype.bytes;
  if (!Number.isSafeInteger(dataBytes)) throw bad(file, `the .npy header's 'shape' is ${field('shape').text}, ${dataBytes} bytes of data; expected a shape that fits in a file`);
  return { version: `${major}.0`, dtype, fortranOrder: order.value, shape, rows, columns, dataOffset, dataBytes };
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function readDescr(descr: Literal, file: string): NpyDtype {
  if (typeof descr.value !== 'string') {
    const structured = Array.isArray(descr.value) ? '; structured arrays (a list of fields) are not read' : '';
    throw bad(file, `the .npy header's 'descr' is ${clip(descr.text)}; expected one of ${NPY_READ_DTYPES}${structured}`);
  }
  const match = /^([<>|=])([fiub])(\d)$/.exec(descr.value);
  const kind = match?.[2] as NpyKind | undefined;
  const bytes = Number(match?.[3]);
  const order = match?.[1];
  if (match === null || kind === undefined || !SIZES[kind].includes(bytes) || (order === '|' && bytes !== 1)) {
    const half = descr.value.endsWith('f2') ? '; float16 is not read (convert with astype(np.float32))' : '';
    throw bad(file, `the .npy header's 'descr' is ${descr.text}; expected one of ${NPY_READ_DTYPES}${half}`);
  }
  return { descr: descr.value, kind, bytes, littleEndian: order === '<' || (order !== '>' && HOST_LITTLE_ENDIAN) };
}

function readShape(shape: Literal, file: string): number[] {
  const expected = 'a tuple of one or two non-negative integers: (rows,) or (rows, columns)';
  if (!(shape.value instanceof Tuple)) throw bad(file, `the .npy header's 'shape' is ${clip(shape.text)}; expected ${expected}`);
  const items = shape.value.items;
  if (items.length === 0) throw bad(file, `the .npy header's 'shape' is (), a single number; expected ${expected}`);
  if (items.length > 2) throw bad(file, `the .npy header's 'shape' is ${clip(shape.text)}, ${items.length} dimensions; expected ${expected}`);
  return items.map((item) => {
    if (typeof item.value !== 'bigint' || item.value < 0n || item.value > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw bad(file, `the .npy header's 'shape' is ${clip(shape.text)}; expected ${expected}`);
    }
    return Number(item.value);
  });
}

// ---------------------------------------------------------------------------------------------
// The header is a Python literal (numpy reads it with ast.literal_eval): a dict of strings,
// booleans, None, integers, tuples and lists. This reads that much of Python and no more.

/** A tuple, told apart from a list (a list is a JS array). */
class Tuple {
  constructor(readonly items: Literal[]) {}
}

type Value = string | boolean | null | bigint | Tuple | Literal[] | Map<string, Literal>;
/** A value and the header text it was read from, for messages. */
interface Literal {
  readonly value: Value;
  readonly text: string;
}

function parseHeaderDict(text: string, file: string): Map<string, Literal> {
  let at = 0;
  const fail = (expected: string): never => {
    const rest = text.slice(at).trim();
    const got = rest === '' ? 'the end of the header' : `'${clip(rest).replace(/\n/g, '\\n')}'`;
    throw bad(file, `the .npy header ${clip(text.trim())} is not a Python dict literal: at character ${at} ${got}; expected ${expected}`);
  };
  const skip = () => {
    while (at < text.length && /\s/.test(text[at])) at++;
  };
  const take = (c: string) => {
    skip();
    if (text[at] !== c) return false;
    at++;
    return true;
  };
  const items = (close: string, item: () => void) => {
    for (;;) {
      if (take(close)) return;
      item();
      if (take(close)) return;
      if (!take(',')) fail(`',' or '${close}'`);
    }
  };
  const value = (): Literal => {
    skip();
    const start = at;
    const c = text[at];
    let v: Value;
    if (c === "'" || c === '"') v = string();
    else if (c === '(') {
      at++;
      const list: Literal[] = [];
      let commas = 0;
      for (;;) {
        if (take(')')) break;
        list.push(value());
        if (take(')')) break;
        if (!take(',')) fail("',' or ')'");
        commas++;
      }
      // (x) is x itself; (x,) a tuple.
      if (list.length === 1 && commas === 0) return { value: list[0].value, text: text.slice(start, at) };
      v = new Tuple(list);
    } else if (c === '[') {
      at++;
      const list: Literal[] = [];
      items(']', () => list.push(value()));
      v = list;
    } else if (c === '{') {
      at++;
      const map = new Map<string, Literal>();
      items('}', () => {
        const key = value();
        if (typeof key.value !== 'string') fail('a string key');
        if (!take(':')) fail("':'");
        map.set(key.value as string, value());
      });
      v = map;
    } else {
      const word = /^(True|False|None|[+-]?\d+L?)(?![\w.])/.exec(text.slice(at, at + 40));
      if (word === null) return fail('a value: a string, True, False, None, an integer, a tuple, a list or a dict');
      at += word[1].length;
      const w = word[1];
      v = w === 'True' ? true : w === 'False' ? false : w === 'None' ? null : BigInt(w.replace(/L$/, ''));
    }
    return { value: v, text: text.slice(start, at) };
  };
  const string = (): string => {
    const quote = text[at++];
    let out = '';
    for (;;) {
      if (at >= text.length) fail(`the closing ${quote}`);
      const c = text[at++];
      if (c === quote) return out;
      if (c === '\n') fail(`the closing ${quote} before the end of the line`);
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = text[at++];
      const simple: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', n: '\n', t: '\t', r: '\r', '0': '\0' };
      if (e in simple) out += simple[e];
      else if (e === 'x' && /^[0-9a-fA-F]{2}$/.test(text.slice(at, at + 2))) {
        out += String.fromCharCode(parseInt(text.slice(at, at + 2), 16));
        at += 2;
      } else fail('a known escape in a string');
    }
  };
  skip();
  if (text[at] !== '{') fail("'{'");
  const dict = value();
  skip();
  if (at !== text.length) fail('nothing after the dict but spaces and a line break');
  return dict.value as Map<string, Literal>;
}

// ---------------------------------------------------------------------------------------------

/**
 * The header numpy's `np.save` writes for a C-order array of this shape: the same bytes
 * (keys sorted, room for the shape to grow, padded with spaces so the data starts at a
 * multiple of 64 bytes, version 1.0 unless the header needs 2.0).
 */
export function npyHeaderBytes(shape: readonly number[], dtype: 'float64' | 'float32'): Uint8Array {
  const descr = dtype === 'float64' ? '<f8' : '<f4';
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  if (shape.length > 0) dict += ' '.repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length));
  // Latin-1 and ASCII agree here: the header is ASCII.
  for (const major of [1, 2]) {
    const preamble = PREAMBLE_BYTES[major];
    const length = dict.length + 1;
    const pad = ARRAY_ALIGN - ((preamble + length) % ARRAY_ALIGN);
    const headerBytes = length + pad;
    if (major === 1 && headerBytes > 0xffff) continue;
    const out = new Uint8Array(preamble + headerBytes);
    out.set(NPY_MAGIC);
    out[6] = major;
    const view = new DataView(out.buffer);
    if (major === 1) view.setUint16(8, headerBytes, true);
    else view.setUint32(8, headerBytes, true);
    const text = `${dict}${' '.repeat(pad)}\n`;
    for (let i = 0; i < text.length; i++) out[preamble + i] = text.charCodeAt(i);
    return out;
  }
  throw new MLPError('INTERNAL', 'unreachable: a .npy header of version 2.0 fits any shape');
}

/**
 * Converts `count` stored numbers of `dtype` from `bytes` into float64, writing them to
 * out[outAt], out[outAt + stride], .... `where(k)` names the k-th number (for the one error:
 * a 64-bit integer float64 cannot hold exactly).
 */
export function decodeNpyNumbers(bytes: Uint8Array, dtype: NpyDtype, count: number, out: Float64Array, outAt: number, stride: number, where: (k: number) => string): void {
  const { kind, littleEndian } = dtype;
  const size = dtype.bytes;
  const native = littleEndian === HOST_LITTLE_ENDIAN || size === 1;
  if (native && bytes.byteOffset % size === 0) {
    const source = typedView(bytes, kind, size, count);
    if (kind === 'i' && size === 8) return exactIntegers(source as BigInt64Array, count, out, outAt, stride, where);
    if (kind === 'u' && size === 8) return exactIntegers(source as BigUint64Array, count, out, outAt, stride, where);
    const numbers = source as Float64Array;
    if (kind === 'b') for (let k = 0, o = outAt; k < count; k++, o += stride) out[o] = numbers[k] === 0 ? 0 : 1;
    else for (let k = 0, o = outAt; k < count; k++, o += stride) out[o] = numbers[k];
    return;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, count * size);
  const read = reader(view, kind, size, littleEndian);
  if (kind === 'i' && size === 8) {
    for (let k = 0, o = outAt; k < count; k++, o += stride) out[o] = exact(view.getBigInt64(k * 8, littleEndian), () => where(k));
  } else if (kind === 'u' && size === 8) {
    for (let k = 0, o = outAt; k < count; k++, o += stride) out[o] = exact(view.getBigUint64(k * 8, littleEndian), () => where(k));
  } else {
    for (let k = 0, o = outAt; k < count; k++, o += stride) out[o] = read(k * size);
  }
}

function typedView(bytes: Uint8Array, kind: NpyKind, size: number, count: number): ArrayLike<number | bigint> {
  const { buffer, byteOffset } = bytes;
  if (kind === 'f') return size === 8 ? new Float64Array(buffer, byteOffset, count) : new Float32Array(buffer, byteOffset, count);
  if (kind === 'b') return new Uint8Array(buffer, byteOffset, count);
  const signed = kind === 'i';
  if (size === 1) return signed ? new Int8Array(buffer, byteOffset, count) : new Uint8Array(buffer, byteOffset, count);
  if (size === 2) return signed ? new Int16Array(buffer, byteOffset, count) : new Uint16Array(buffer, byteOffset, count);
  if (size === 4) return signed ? new Int32Array(buffer, byteOffset, count) : new Uint32Array(buffer, byteOffset, count);
  return signed ? new BigInt64Array(buffer, byteOffset, count) : new BigUint64Array(buffer, byteOffset, count);
}

function reader(view: DataView, kind: NpyKind, size: number, le: boolean): (at: number) => number {
  if (kind === 'f') return size === 8 ? (at) => view.getFloat64(at, le) : (at) => view.getFloat32(at, le);
  if (kind === 'b') return (at) => (view.getUint8(at) === 0 ? 0 : 1);
  if (kind === 'i') return size === 1 ? (at) => view.getInt8(at) : size === 2 ? (at) => view.getInt16(at, le) : (at) => view.getInt32(at, le);
  return size === 1 ? (at) => view.getUint8(at) : size === 2 ? (at) => view.getUint16(at, le) : (at) => view.getUint32(at, le);
}

function exactIntegers(source: BigInt64Array | BigUint64Array, count: number, out: Float64Array, outAt: number, stride: number, where: (k: number) => string): void {
  for (let k = 0, o = outAt; k < count; k++, o += stride) out[o] = exact(source[k], () => where(k));
}

/** A 64-bit integer as float64 when float64 holds it exactly (every one up to 2^53, and larger multiples of powers of two). */
function exact(value: bigint, where: () => string): number {
  const n = Number(value);
  if (BigInt(n) !== value) {
    throw new MLPError('INVALID_ARGUMENT', `${where()} is the integer ${value}, which float64 cannot hold exactly (the nearest float64 is ${BigInt(n)}); expected integers float64 holds exactly, such as every one up to 2^53 = 9007199254740992 in magnitude`);
  }
  return n;
}
