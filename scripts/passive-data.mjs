// Makes the active data segments of a compiled kernel passive (scripts/build.mjs runs it on the
// threads build, in place). Instantiating a module on a shared memory writes its data segments
// again, and each worker that joins a net instantiates the module on that net's memory while
// the net may be computing: the threads build's only segment is the zeroed exp table, which
// the host fills, so rewriting it would zero the table under a running call. A new memory is
// zero already, so a passive (never written) segment that holds only zeros leaves every
// instance as before. Done once here rather than at every load, so the host ships no wasm
// rewriter.
import { readFileSync, writeFileSync } from 'node:fs';

/** The module with its zero-filled active data segments made passive; throws on any other segment. */
export function withPassiveData(bytes) {
  let at = 8;
  const leb = () => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[at++];
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  };
  while (at < bytes.length) {
    const sectionStart = at;
    const id = bytes[at++];
    const size = leb();
    const end = at + size;
    if (id !== 11) {
      at = end;
      continue;
    }
    const segments = [];
    for (let count = leb(), i = 0; i < count; i++) {
      const flags = leb();
      if (flags === 1) {
        // Passive already (a second run): kept as it is.
        const length = leb();
        segments.push([1, ...uleb(length), ...bytes.subarray(at, at + length)]);
        at += length;
        continue;
      }
      // Flag 0: active at memory 0 with an i32.const offset; anything else is not asc's output.
      if (flags !== 0 || bytes[at] !== 0x41) throw new Error(`unexpected data segment (flags ${flags})`);
      at++;
      leb();
      if (bytes[at++] !== 0x0b) throw new Error('unexpected data segment offset expression');
      const length = leb();
      const data = bytes.subarray(at, at + length);
      at += length;
      if (data.some((b) => b !== 0)) throw new Error('the threads kernel has initialised data, which worker threads would overwrite');
      segments.push([1, ...uleb(length), ...data]);
    }
    const body = [...uleb(segments.length), ...segments.flat()];
    const section = [11, ...uleb(body.length), ...body];
    const out = new Uint8Array(bytes.length - (end - sectionStart) + section.length);
    out.set(bytes.subarray(0, sectionStart));
    out.set(section, sectionStart);
    out.set(bytes.subarray(end), sectionStart + section.length);
    return out;
  }
  return bytes;
}

function uleb(value) {
  const out = [];
  do {
    const byte = value & 0x7f;
    value >>>= 7;
    out.push(value === 0 ? byte : byte | 0x80);
  } while (value !== 0);
  return out;
}

/** Rewrites the kernel at `path` with passive data segments. */
export function makeDataPassive(path) {
  writeFileSync(path, withPassiveData(new Uint8Array(readFileSync(path))));
}
