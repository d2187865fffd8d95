// numpy's .npy files: every file test/fixtures/npy/make_npy.py wrote with numpy (versions
// 1.0-3.0, both byte orders, float64/float32/integers/bool, Fortran order, 1-D, empty) reads
// to exactly the float64 bits numpy gives; saveNpy writes numpy's own bytes for the same
// array, and saveNpy -> loadNpy is bitwise; every malformed file is one MLPError with an exact
// message, and randomly damaged files give numbers or an MLPError, nothing else; the block reader gives the same numbers on files larger than its buffer, in any
// block size; npySource checks row counts up front and reads every pass afresh.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadNpy, MLPError, npySource, saveNpy } from '../src/index.ts';
import { NPY_CONVERT_BYTES, NpyReader } from '../src/io/npy-file.ts';
import { npyHeaderBytes } from '../src/io/npy.ts';

const FIXTURES = fileURLToPath(new URL('./fixtures/npy/', import.meta.url));
interface Expected {
  shape: number[];
  descr: string;
  fortran_order: boolean;
  bits?: string[];
  refused?: boolean;
}
const EXPECTED = (JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as { files: Record<string, Expected> }).files;

const bitsOf = (data: Float64Array) => Array.from(new BigUint64Array(data.buffer, data.byteOffset, data.length), (b) => b.toString(16).padStart(16, '0'));
/** Bitwise equality of two large arrays, without a slow diff of their elements on failure. */
const sameBits = (a: Float64Array, b: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wasm-mlp-npy-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The MLPError `run` throws (a test fails when it throws anything else or nothing). */
function errorOf(run: () => unknown): MLPError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(MLPError);
    return error as MLPError;
  }
  throw new Error('expected an MLPError; nothing was thrown');
}

describe('loadNpy reads what numpy wrote', () => {
  const readable = Object.entries(EXPECTED).filter(([, e]) => !e.refused);
  it('the fixtures cover every version, byte order, type, Fortran order and 1-D', () => {
    const descrs = new Set(readable.map(([, e]) => e.descr));
    for (const d of ['<f8', '>f8', '<f4', '>f4', '|i1', '<i2', '>i2', '<i4', '>i4', '<i8', '>i8', '|u1', '<u2', '>u2', '<u4', '>u4', '<u8', '>u8', '|b1']) expect(descrs).toContain(d);
    const versions = new Set(readable.map(([name]) => readFileSync(join(FIXTURES, name))[6]));
    expect([...versions].sort()).toEqual([1, 2, 3]);
    expect(readable.filter(([, e]) => e.fortran_order).length).toBeGreaterThanOrEqual(2);
    expect(readable.filter(([, e]) => e.shape.length === 1).length).toBeGreaterThanOrEqual(2);
    expect(readdirSync(FIXTURES).filter((f) => f.endsWith('.npy')).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(readable)('%s: numpy\'s shape and exactly its float64 values', (name, expected) => {
    const { data, shape } = loadNpy(join(FIXTURES, name));
    expect(shape).toEqual(expected.shape);
    expect(bitsOf(data)).toEqual(expected.bits);
  });

  it('an int64 beyond what float64 holds exactly is refused, naming its place and value', () => {
    const path = join(FIXTURES, 'i8-inexact.npy');
    const error = errorOf(() => loadNpy(path));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toBe(
      `${path}: row 1, column 1, is the integer 9007199254740993, which float64 cannot hold exactly (the nearest float64 is 9007199254740992); expected integers float64 holds exactly, such as every one up to 2^53 = 9007199254740992 in magnitude`,
    );
  });

  it('int64 and uint64 values beyond 2^53 that float64 holds exactly are read exactly', () => {
    const { data } = loadNpy(join(FIXTURES, 'i8-le.npy'));
    expect(Array.from(data).slice(6, 9)).toEqual([2 ** 60, 2 ** 53, -(2 ** 62)]);
    expect(loadNpy(join(FIXTURES, 'u8-be.npy')).data[8]).toBe(2 ** 64 - 2 ** 11);
  });
});

describe('saveNpy', () => {
  it.each([
    ['ours-f8.npy', 'float64'],
    ['ours-f8-column.npy', 'float64'],
    ['ours-f8-wide.npy', 'float64'],
    ['ours-f4.npy', 'float32'],
  ] as const)('writes %s byte for byte as numpy\'s np.save wrote it', (name, dtype) => {
    const numpy = readFileSync(join(FIXTURES, name));
    const { data, shape } = loadNpy(join(FIXTURES, name));
    saveNpy(join(dir, 'ours.npy'), data, shape, { dtype });
    expect(readFileSync(join(dir, 'ours.npy')).equals(numpy)).toBe(true);
    // A Float32Array is stored as float32 unless told otherwise.
    if (dtype === 'float32') {
      saveNpy(join(dir, 'f32.npy'), Float32Array.from(data), shape);
      expect(readFileSync(join(dir, 'f32.npy')).equals(numpy)).toBe(true);
    }
  });

  it('writes numpy\'s header for any shape: padded to 64 bytes, room for the first axis to grow', () => {
    const header = (shape: number[]) => Buffer.from(npyHeaderBytes(shape, 'float64')).toString('latin1');
    expect(header([3, 2])).toBe(`\x93NUMPY\x01\x00v\x00{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }${' '.repeat(58)}\n`);
    expect(header([123456789012345, 7]).length % 64).toBe(0);
    expect(header([0]).slice(10, 60)).toBe("{'descr': '<f8', 'fortran_order': False, 'shape': ");
  });

  it('saveNpy -> loadNpy gives back every bit: NaN, -0, subnormals, infinities; float32 through float32', () => {
    const values = new Float64Array(2000);
    for (let i = 0; i < values.length; i++) values[i] = Math.sin(i * 12.9898) * 10 ** ((i % 40) - 20);
    values.set([NaN, -0, 5e-324, -Infinity, Infinity, Number.MAX_VALUE, -Number.MIN_VALUE]);
    saveNpy(join(dir, 'a.npy'), values, [400, 5]);
    const back = loadNpy(join(dir, 'a.npy'));
    expect(back.shape).toEqual([400, 5]);
    expect(bitsOf(back.data)).toEqual(bitsOf(values));
    const single = Float32Array.from(values);
    saveNpy(join(dir, 'b.npy'), single, [2000]);
    const b = loadNpy(join(dir, 'b.npy'));
    expect(b.shape).toEqual([2000]);
    expect(bitsOf(b.data)).toEqual(bitsOf(Float64Array.from(single)));
    // float64 stored as float32: rounded once, as numpy's astype(np.float32).
    saveNpy(join(dir, 'c.npy'), values, [2000], { dtype: 'float32' });
    expect(bitsOf(loadNpy(join(dir, 'c.npy')).data)).toEqual(bitsOf(Float64Array.from(single)));
  });

  it('refuses bad arguments with MLPErrors naming them, leaving no file', () => {
    const data = new Float64Array(6);
    const path = join(dir, 'x.npy');
    expect(errorOf(() => saveNpy(path, data, [4, 2])).message).toBe("shape must be [rows] or [rows, columns] of non-negative integers whose product is the data's length, 6; got [4,2]");
    expect(errorOf(() => saveNpy(path, data, [1, 2, 3])).message).toBe("shape must be [rows] or [rows, columns] of non-negative integers whose product is the data's length, 6; got [1,2,3]");
    expect(errorOf(() => saveNpy(path, [1, 2] as never, [2])).message).toBe('data must be a Float64Array or a Float32Array; got [1,2]');
    expect(errorOf(() => saveNpy(path, data, [6], { dtype: 'int8' as never })).message).toBe("options.dtype must be 'float64' or 'float32'; got \"int8\"");
    expect(errorOf(() => saveNpy(path, data, [6], { order: 'F' } as never)).code).toBe('INVALID_ARGUMENT');
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('malformed files: one MLPError naming the file, the field, the value and what was expected', () => {
  const valid = () => Buffer.concat([Buffer.from(npyHeaderBytes([2, 3], 'float64')), Buffer.alloc(48)]);
  /** A version 1.0 file with this header text (padded as numpy pads) and `data` bytes after it. */
  const withHeader = (text: string, data = 48, version = 1) => {
    const body = Buffer.from(text, version === 3 ? 'utf8' : 'latin1');
    const preamble = version === 1 ? 10 : 12;
    const length = body.length + 1 + (64 - ((preamble + body.length + 1) % 64));
    const head = Buffer.alloc(preamble + length, 0x20);
    head.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
    if (version === 1) head.writeUInt16LE(length, 8);
    else head.writeUInt32LE(length, 8);
    body.copy(head, preamble);
    head[head.length - 1] = 0x0a;
    return Buffer.concat([head, Buffer.alloc(data)]);
  };
  const dict = (descr: string, order: string, shape: string) => `{'descr': ${descr}, 'fortran_order': ${order}, 'shape': ${shape}, }`;
  const EXPECTED_TYPES = "one of '<f8', '>f8', '<f4', '>f4', '|i1', '<i2', '<i4', '<i8', '|u1', '<u2', '<u4', '<u8' (or '>' for big-endian) or '|b1'";
  const SHAPES = 'a tuple of one or two non-negative integers: (rows,) or (rows, columns)';
  const cases: [string, () => Buffer, string][] = [
    ['not a .npy file', () => Buffer.from('PK\x03\x04\x14\x00\x00\x00\x08\x00rest', 'latin1'), "not a .npy file: it starts with 'PK\\x03\\x04\\x14\\x00'; expected the magic '\\x93NUMPY'"],
    ['an empty file', () => Buffer.alloc(0), "the file ends after 0 bytes, inside the .npy preamble (the magic '\\x93NUMPY', two version bytes, the header length)"],
    ['a cut preamble', () => valid().subarray(0, 9), 'the file ends after 9 bytes, inside the .npy preamble of version 1.0 (10 bytes)'],
    ['version 4.0', () => Object.assign(valid(), { 6: 4 }), 'the .npy format version is 4.0; expected 1.0, 2.0 or 3.0'],
    ['version 1.1', () => Object.assign(valid(), { 7: 1 }), 'the .npy format version is 1.1; expected 1.0, 2.0 or 3.0'],
    ['a huge header length', () => { const b = withHeader(dict("'<f8'", 'False', '(2, 3)'), 48, 2); b.writeUInt32LE(0xfffffff0, 8); return b; }, 'the .npy header length is 4294967280 bytes; expected at most 1048576 (a corrupt file?)'],
    ['a cut header', () => valid().subarray(0, 100), 'the file ends after 100 bytes, inside the .npy header (118 bytes from byte 10)'],
    ['a complex type', () => withHeader(dict("'<c16'", 'False', '(2, 3)')), `the .npy header's 'descr' is '<c16'; expected ${EXPECTED_TYPES}`],
    ['float16', () => withHeader(dict("'<f2'", 'False', '(2, 3)')), `the .npy header's 'descr' is '<f2'; expected ${EXPECTED_TYPES}; float16 is not read (convert with astype(np.float32))`],
    ['a structured type', () => withHeader(dict("[('x', '<f8'), ('y', '<f8')]", 'False', '(2,)'), 32), `the .npy header's 'descr' is [('x', '<f8'), ('y', '<f8')]; expected ${EXPECTED_TYPES}; structured arrays (a list of fields) are not read`],
    ["'|' on a multi-byte type", () => withHeader(dict("'|f8'", 'False', '(2, 3)')), `the .npy header's 'descr' is '|f8'; expected ${EXPECTED_TYPES}`],
    ['fortran_order not a boolean', () => withHeader(dict("'<f8'", "'yes'", '(2, 3)')), "the .npy header's 'fortran_order' is 'yes'; expected True or False"],
    ['three dimensions', () => withHeader(dict("'<f8'", 'False', '(2, 3, 1)')), `the .npy header's 'shape' is (2, 3, 1), 3 dimensions; expected ${SHAPES}`],
    ['a single number', () => withHeader(dict("'<f8'", 'False', '()'), 8), `the .npy header's 'shape' is (), a single number; expected ${SHAPES}`],
    ['a negative size', () => withHeader(dict("'<f8'", 'False', '(-2, 3)')), `the .npy header's 'shape' is (-2, 3); expected ${SHAPES}`],
    ['a list for the shape', () => withHeader(dict("'<f8'", 'False', '[2, 3]')), `the .npy header's 'shape' is [2, 3]; expected ${SHAPES}`],
    ['no shape', () => withHeader("{'descr': '<f8', 'fortran_order': False, }"), "the .npy header {'descr': '<f8', 'fortran_order': False, } has no 'shape'; expected the keys 'descr', 'fortran_order' and 'shape'"],
    ['an extra key', () => withHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), 'order': 'C'}"), "the .npy header has the key 'order'; expected only 'descr', 'fortran_order' and 'shape'"],
    ['not a dict', () => withHeader('descr=<f8 shape=2,3'), "the .npy header descr=<f8 shape=2,3 is not a Python dict literal: at character 0 'descr=<f8 shape=2,3'; expected '{'"],
    ['an unclosed dict', () => withHeader("{'descr': '<f8', 'fortran_order': False 'shape': (2, 3)}"), "the .npy header {'descr': '<f8', 'fortran_order': False 'shape': (2, 3)} is not a Python dict literal: at character 40 ''shape': (2, 3)}'; expected ',' or '}'"],
    ['a header that is not UTF-8 (version 3.0)', () => { const b = withHeader(dict("'<f8'", 'False', '(2, 3)'), 48, 3); b[20] = 0xff; return b; }, 'the .npy header of version 3.0 is not valid UTF-8'],
    ['data cut short', () => valid().subarray(0, 128 + 40), "the file has 168 bytes but its header says shape (2, 3) of '<f8', 48 bytes of data after 128 bytes of header (176 in all); it is cut short"],
    ['bytes after the data', () => Buffer.concat([valid(), Buffer.alloc(8)]), "the file has 184 bytes but its header says shape (2, 3) of '<f8', 48 bytes of data after 128 bytes of header (176 in all); expected no bytes after the data"],
  ];
  it.each(cases)('%s', (_name, bytes, message) => {
    const path = join(dir, 'bad.npy');
    writeFileSync(path, bytes());
    const error = errorOf(() => loadNpy(path));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toBe(`${path}: ${message}`);
    expect(errorOf(() => npySource(path, path)).message).toBe(`${path}: ${message}`);
  });

  it('the test\'s own header builder makes files loadNpy reads (so the cases above differ only where they say)', () => {
    writeFileSync(join(dir, 'ok.npy'), withHeader(dict("'>i2'", 'True', '(2, 3)'), 12));
    expect(loadNpy(join(dir, 'ok.npy'))).toEqual({ data: new Float64Array(6), shape: [2, 3] });
    writeFileSync(join(dir, 'ok3.npy'), withHeader(dict('"<f4"', 'False', '(3L,)'), 12, 3));
    expect(loadNpy(join(dir, 'ok3.npy')).shape).toEqual([3]);
  });

  it('any bytes changed, cut or added in a valid file: the numbers, or an MLPError naming the file (never another error)', () => {
    const files = Object.keys(EXPECTED).map((name) => readFileSync(join(FIXTURES, name)));
    const path = join(dir, 'fuzz.npy');
    fc.assert(
      fc.property(
        fc.nat(files.length - 1),
        fc.array(fc.tuple(fc.nat(200), fc.nat(255)), { maxLength: 4 }),
        fc.option(fc.nat(260)),
        fc.option(fc.uint8Array({ maxLength: 16 })),
        (which, edits, cut, extra) => {
          let bytes = Buffer.from(files[which]);
          for (const [at, value] of edits) if (at < bytes.length) bytes[at] = value;
          if (cut !== null) bytes = bytes.subarray(0, cut);
          if (extra !== null) bytes = Buffer.concat([bytes, extra]);
          writeFileSync(path, bytes);
          try {
            const { data, shape } = loadNpy(path);
            expect(data.length).toBe(shape.reduce((a, b) => a * b, 1));
          } catch (error) {
            expect(error, String(error)).toBeInstanceOf(MLPError);
            expect((error as MLPError).message.startsWith(path)).toBe(true);
          }
        },
      ),
      { numRuns: 1500, seed: 11 },
    );
  });

  it('a missing file and a directory are IO errors naming the path', () => {
    expect(errorOf(() => loadNpy(join(dir, 'none.npy')))).toMatchObject({ code: 'IO', message: `cannot read ${join(dir, 'none.npy')}: no such file or directory` });
    expect(errorOf(() => loadNpy(dir))).toMatchObject({ code: 'IO', message: `cannot read ${dir}: it is a directory` });
  });
});

describe('the block reader', () => {
  /** A big-endian float64 file (read through the conversion buffer), C or Fortran order, built byte by byte. */
  function bigEndianFile(path: string, values: Float64Array, rows: number, columns: number, fortran: boolean): void {
    const text = `{'descr': '>f8', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': (${rows}, ${columns}), }`;
    const length = text.length + 1 + (64 - ((10 + text.length + 1) % 64));
    const head = Buffer.alloc(10 + length, 0x20);
    head.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    head.writeUInt16LE(length, 8);
    head.write(text, 10, 'latin1');
    head[head.length - 1] = 0x0a;
    const body = Buffer.alloc(values.length * 8);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < columns; c++) body.writeDoubleBE(values[r * columns + c], 8 * (fortran ? c * rows + r : r * columns + c));
    }
    writeFileSync(path, Buffer.concat([head, body]));
  }

  const rows = 40_003;
  const columns = 7;
  const values = Float64Array.from({ length: rows * columns }, (_, i) => Math.cos(i * 0.37) * 1e3 + i);

  it.each([
    ['little-endian float64 (read in place)', 'le'],
    ['big-endian float64 (converted through the buffer)', 'be'],
    ['big-endian float64 in Fortran order', 'fortran'],
  ])('%s: a file larger than the buffer reads the same in any block size', (_name, kind) => {
    const path = join(dir, 'big.npy');
    if (kind === 'le') saveNpy(path, values, [rows, columns]);
    else bigEndianFile(path, values, rows, columns, kind === 'fortran');
    expect(rows * columns * 8).toBeGreaterThan(2 * NPY_CONVERT_BYTES);
    expect(sameBits(loadNpy(path).data, values)).toBe(true);
    const reader = NpyReader.open(path);
    try {
      for (const block of [1, 997, 20_000, rows]) {
        const out = new Float64Array(rows * columns);
        for (let first = 0; first < rows; first += block) {
          const count = Math.min(block, rows - first);
          const part = new Float64Array(count * columns);
          reader.readRows(first, count, part);
          out.set(part, first * columns);
          if (block === 1 && first === 300) first = rows - 302;
        }
        const checked = block === 1 ? [...Array.from({ length: 301 * columns }, (_, i) => i), ...Array.from({ length: 301 * columns }, (_, i) => (rows - 301) * columns + i)] : undefined;
        if (checked) expect(checked.map((i) => out[i])).toEqual(checked.map((i) => values[i]));
        else expect(sameBits(out, values), `blocks of ${block}`).toBe(true);
      }
    } finally {
      reader.close();
    }
  });
});

describe('npySource', () => {
  const x = Float64Array.from({ length: 23 * 3 }, (_, i) => i * 0.5 - 7);
  const y = Float64Array.from({ length: 23 }, (_, i) => i % 3);

  async function collect(source: ReturnType<typeof npySource>) {
    const blocks: { inputs: { data: Float64Array; rows: number }; targets: { data: Float64Array; rows: number } }[] = [];
    for await (const block of source.batches()) blocks.push(block as never);
    return blocks;
  }

  it('gives the rows in blocks of blockRows, inputs and targets side by side, afresh on every pass', async () => {
    saveNpy(join(dir, 'x.npy'), x, [23, 3]);
    saveNpy(join(dir, 'y.npy'), Float32Array.from(y), [23]);
    const source = npySource(join(dir, 'x.npy'), join(dir, 'y.npy'), { blockRows: 5 });
    expect([source.rows, source.inputColumns, source.targetColumns]).toEqual([23, 3, 1]);
    for (let pass = 0; pass < 2; pass++) {
      const blocks = await collect(source);
      expect(blocks.map((b) => [b.inputs.rows, b.targets.rows])).toEqual([[5, 5], [5, 5], [5, 5], [5, 5], [3, 3]]);
      expect(Array.from(blocks.flatMap((b) => Array.from(b.inputs.data)))).toEqual(Array.from(x));
      expect(Array.from(blocks.flatMap((b) => Array.from(b.targets.data)))).toEqual(Array.from(y));
    }
    // By default one block holds about 8 MiB: here, all the rows.
    expect((await collect(npySource(join(dir, 'x.npy'), join(dir, 'y.npy')))).length).toBe(1);
  });

  it('refuses files of different row counts, empty files and a bad blockRows before any pass', () => {
    saveNpy(join(dir, 'x.npy'), x, [23, 3]);
    saveNpy(join(dir, 'y.npy'), y.subarray(0, 22), [22, 1]);
    saveNpy(join(dir, 'e.npy'), new Float64Array(0), [0, 3]);
    expect(errorOf(() => npySource(join(dir, 'x.npy'), join(dir, 'y.npy'))).message).toBe(
      `${join(dir, 'x.npy')} has 23 rows (shape (23, 3)) but ${join(dir, 'y.npy')} has 22 (shape (22, 1)); expected one target row per input row`,
    );
    expect(errorOf(() => npySource(join(dir, 'e.npy'), join(dir, 'e.npy'))).message).toBe(`${join(dir, 'e.npy')} has no rows (shape (0, 3)); expected at least one`);
    expect(errorOf(() => npySource(join(dir, 'x.npy'), join(dir, 'x.npy'), { blockRows: 0 })).message).toBe('options.blockRows must be a positive integer; got 0');
  });

  it('a NaN or infinity is an MLPError naming the file, its row and column (not its place in the block)', async () => {
    saveNpy(join(dir, 'x.npy'), Object.assign(Float64Array.from(x), { [17 * 3 + 1]: Infinity }), [23, 3]);
    saveNpy(join(dir, 'y.npy'), y, [23]);
    await expect(collect(npySource(join(dir, 'x.npy'), join(dir, 'y.npy'), { blockRows: 5 }))).rejects.toThrow(
      `${join(dir, 'x.npy')}: row 17, column 1, must be a finite number; got Infinity`,
    );
  });

  it('a file changed between passes is an MLPError on the next pass', async () => {
    saveNpy(join(dir, 'x.npy'), x, [23, 3]);
    saveNpy(join(dir, 'y.npy'), y, [23]);
    const source = npySource(join(dir, 'x.npy'), join(dir, 'y.npy'));
    await collect(source);
    saveNpy(join(dir, 'x.npy'), x, [69]);
    await expect(collect(source)).rejects.toThrow(`${join(dir, 'x.npy')} changed since the source was made: shape (69,) of '<f8'; expected shape (23, 3) of '<f8'`);
  });
});
