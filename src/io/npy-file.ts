// .npy files on a Node file system: loadNpy reads one whole into a Float64Array, saveNpy
// writes one atomically (numpy's own header, little-endian float64 or float32), and NpyReader
// reads rows from an open file descriptor in blocks, so a file of any size is read with
// bounded memory. A little-endian float64 file's rows are read straight into the caller's
// Float64Array; other types go through one reused buffer and are converted from there
// (src/io/npy.ts does the format and the conversion). A Fortran-order 2-D file is read
// column by column into rows: the result is always row-major (C order).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { invalidArgument, MLPError, systemReason } from '../api/errors.ts';
import { checkOptions } from '../api/validate.ts';
import { writeFileAtomic } from './atomic-write.ts';
import { checkPath } from './file-path.ts';
import { decodeNpyNumbers, HOST_LITTLE_ENDIAN, MAX_NPY_HEADER_BYTES, npyHeaderBytes, NPY_PREAMBLE_MAX, parseNpyHeader, readNpyPreamble, type NpyHeader } from './npy.ts';

/** The bytes a reader converts at a time when a file is not little-endian float64 (and the chunk saveNpy writes). */
export const NPY_CONVERT_BYTES = 1 << 20;
/** Node reads at most 2 GiB - 1 bytes in one call; a read this large is split. */
const MAX_READ_BYTES = 1 << 30;

/** An open .npy file: its header, and its rows read on request. Close it when done. */
export class NpyReader {
  readonly header: NpyHeader;
  readonly path: string;
  #fd: number | undefined;
  #scratch: Uint8Array | undefined;

  private constructor(path: string, fd: number, header: NpyHeader) {
    this.path = path;
    this.#fd = fd;
    this.header = header;
  }

  /** Opens `path` and reads its header; a file whose length disagrees with its header is refused. */
  static open(path: string): NpyReader {
    checkPath(path);
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (error) {
      throw new MLPError('IO', `cannot read ${path}: ${systemReason(error)}`);
    }
    try {
      const size = fstatSync(fd).size;
      const start = new Uint8Array(Math.min(size, 4096));
      readFully(fd, start, 0, path);
      let header: NpyHeader;
      const { dataOffset } = readNpyPreamble(start.subarray(0, NPY_PREAMBLE_MAX), path);
      if (dataOffset > start.length && size > start.length) {
        const whole = new Uint8Array(Math.min(size, dataOffset, MAX_NPY_HEADER_BYTES + NPY_PREAMBLE_MAX));
        readFully(fd, whole, 0, path);
        header = parseNpyHeader(whole, path);
      } else {
        header = parseNpyHeader(start, path);
      }
      const expected = header.dataOffset + header.dataBytes;
      if (size !== expected) {
        const what = `its header says ${shapeText(header)} of '${header.dtype.descr}', ${header.dataBytes} bytes of data after ${header.dataOffset} bytes of header (${expected} in all)`;
        throw new MLPError('INVALID_ARGUMENT', `${path}: the file has ${size} bytes but ${what}; ${size < expected ? 'it is cut short' : 'expected no bytes after the data'}`);
      }
      return new NpyReader(path, fd, header);
    } catch (error) {
      closeSync(fd);
      if (error instanceof MLPError) throw error;
      throw new MLPError('IO', `cannot read ${path}: ${systemReason(error)}`);
    }
  }

  get rows(): number {
    return this.header.rows;
  }

  get columns(): number {
    return this.header.columns;
  }

  /** Reads rows [first, first + count) into `out` from element `at`, row-major, as float64. */
  readRows(first: number, count: number, out: Float64Array, at = 0): void {
    const fd = this.#fd;
    if (fd === undefined) throw new MLPError('INVALID_ARGUMENT', `${this.path}: the .npy reader is closed`);
    const { dtype, dataOffset, rows, columns, fortranOrder } = this.header;
    if (first < 0 || count < 0 || first + count > rows || at + count * columns > out.length) {
      throw new MLPError('INTERNAL', `readRows(${first}, ${count}) of ${this.path}, ${rows} rows, into ${out.length - at} numbers`);
    }
    if (count === 0) return;
    if (!fortranOrder || columns === 1) {
      const position = dataOffset + first * columns * dtype.bytes;
      if (dtype.kind === 'f' && dtype.bytes === 8 && dtype.littleEndian === HOST_LITTLE_ENDIAN) {
        readFully(fd, new Uint8Array(out.buffer, out.byteOffset + at * 8, count * columns * 8), position, this.path);
        return;
      }
      this.#convert(fd, position, count * columns, out, at, 1, (k) => this.#place(first * columns + k));
      return;
    }
    // Fortran order: each column's part of these rows is contiguous.
    for (let c = 0; c < columns; c++) {
      const position = dataOffset + (c * rows + first) * dtype.bytes;
      this.#convert(fd, position, count, out, at + c, columns, (k) => this.#place(c * rows + first + k));
    }
  }

  /** Closes the file; further reads are refused. */
  close(): void {
    if (this.#fd === undefined) return;
    const fd = this.#fd;
    this.#fd = undefined;
    this.#scratch = undefined;
    closeSync(fd);
  }

  /** Reads `count` numbers from `position` through the reused buffer into out[at], out[at + stride], .... */
  #convert(fd: number, position: number, count: number, out: Float64Array, at: number, stride: number, where: (k: number) => string): void {
    const size = this.header.dtype.bytes;
    const chunk = Math.floor(NPY_CONVERT_BYTES / size);
    const needed = Math.min(chunk, count) * size;
    if (this.#scratch === undefined || this.#scratch.length < needed) this.#scratch = new Uint8Array(needed);
    const scratch = this.#scratch;
    for (let done = 0; done < count; done += chunk) {
      const n = Math.min(chunk, count - done);
      const bytes = scratch.subarray(0, n * size);
      readFully(fd, bytes, position + done * size, this.path);
      decodeNpyNumbers(bytes, this.header.dtype, n, out, at + done * stride, stride, (k) => where(done + k));
    }
  }

  /** The k-th stored number by its place in the array, for a message. */
  #place(k: number): string {
    const { rows, columns, fortranOrder, shape } = this.header;
    if (shape.length === 1) return `${this.path}: row ${k}`;
    const [row, column] = fortranOrder ? [k % rows, Math.floor(k / rows)] : [Math.floor(k / columns), k % columns];
    return `${this.path}: row ${row}, column ${column},`;
  }
}

function shapeText(header: NpyHeader): string {
  return header.shape.length === 1 ? `shape (${header.shape[0]},)` : `shape (${header.shape.join(', ')})`;
}

/** Fills `into` from `position`, however many reads it takes; a file that ends first is an MLPError. */
function readFully(fd: number, into: Uint8Array, position: number, path: string): void {
  let done = 0;
  while (done < into.length) {
    let n: number;
    try {
      n = readSync(fd, into, done, Math.min(into.length - done, MAX_READ_BYTES), position + done);
    } catch (error) {
      throw new MLPError('IO', `cannot read ${path}: ${systemReason(error)}`);
    }
    if (n === 0) throw new MLPError('IO', `cannot read ${path}: the file ended at byte ${position + done}, before the ${position + into.length} its header promises (was it cut short while being read?)`);
    done += n;
  }
}

/** A .npy file's numbers as float64, row-major, and numpy's shape ([n] or [rows, columns]). */
export interface NpyArray {
  data: Float64Array;
  shape: number[];
}

/**
 * Reads a whole .npy file (float64, float32, integers or bool, either byte order, C or
 * Fortran order, 1-D or 2-D) into a Float64Array in C order. The memory it takes is the
 * result and, for types other than little-endian float64, a 1 MiB buffer.
 */
export function loadNpy(path: string): NpyArray {
  if (typeof path !== 'string') throw invalidArgument('path', path, 'a file path');
  const reader = NpyReader.open(path);
  try {
    const { rows, columns, shape } = reader.header;
    let data: Float64Array;
    try {
      data = new Float64Array(rows * columns);
    } catch {
      throw new MLPError('OUT_OF_MEMORY', `${path}: ${rows * columns} numbers do not fit in one Float64Array; stream the file instead (npySource)`);
    }
    reader.readRows(0, rows, data);
    return { data, shape: [...shape] };
  } finally {
    reader.close();
  }
}

export interface SaveNpyOptions {
  /** The stored type: 'float64' (the default for a Float64Array) or 'float32' (the default for a Float32Array). */
  dtype?: 'float64' | 'float32';
}

/**
 * Writes `data` (row-major) as a .npy file of `shape` ([n] or [rows, columns]) that numpy
 * reads with np.load: numpy's own header bytes, little-endian numbers. The write is atomic
 * (a temp file renamed over the target).
 */
export function saveNpy(path: string, data: Float64Array | Float32Array, shape: readonly number[], options?: SaveNpyOptions): void {
  if (typeof path !== 'string') throw invalidArgument('path', path, 'a file path');
  if (!(data instanceof Float64Array) && !(data instanceof Float32Array)) throw invalidArgument('data', data, 'a Float64Array or a Float32Array');
  const o = checkOptions(options, 'options', ['dtype']);
  const dtype = o.dtype ?? (data instanceof Float32Array ? 'float32' : 'float64');
  if (dtype !== 'float64' && dtype !== 'float32') throw invalidArgument('options.dtype', dtype, "'float64' or 'float32'");
  checkShape(shape, data.length);
  writeFileAtomic(path, npyChunks(npyHeaderBytes(shape, dtype), [data], dtype));
}

function checkShape(shape: unknown, length: number): asserts shape is number[] {
  const expected = `[rows] or [rows, columns] of non-negative integers whose product is the data's length, ${length}`;
  if (!Array.isArray(shape) || shape.length < 1 || shape.length > 2 || !shape.every((n) => Number.isSafeInteger(n) && n >= 0)) {
    throw invalidArgument('shape', shape, expected);
  }
  if (shape.reduce((a: number, b: number) => a * b, 1) !== length) throw invalidArgument('shape', shape, expected);
}

/** A .npy file's bytes in bounded chunks: the header, then each block's numbers little-endian in `dtype`. */
export function* npyChunks(header: Uint8Array, blocks: Iterable<Float64Array | Float32Array>, dtype: 'float64' | 'float32'): Generator<Uint8Array> {
  yield header;
  const size = dtype === 'float64' ? 8 : 4;
  for (const block of blocks) {
    const same = (dtype === 'float64') === block instanceof Float64Array;
    if (same && HOST_LITTLE_ENDIAN) {
      yield new Uint8Array(block.buffer, block.byteOffset, block.byteLength);
      continue;
    }
    const chunk = NPY_CONVERT_BYTES / size;
    const out = new Uint8Array(Math.min(block.length, chunk) * size);
    const view = new DataView(out.buffer);
    for (let start = 0; start < block.length; start += chunk) {
      const n = Math.min(chunk, block.length - start);
      if (size === 8) for (let k = 0; k < n; k++) view.setFloat64(k * 8, block[start + k], true);
      else for (let k = 0; k < n; k++) view.setFloat32(k * 4, block[start + k], true);
      yield out.subarray(0, n * size);
    }
  }
}
