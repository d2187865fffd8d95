// Protocol Buffers' wire format, the writing half, for the field kinds ONNX export needs:
// integers (varint), and strings, bytes and nested messages (length-delimited). A message is
// the concatenation of its encoded fields, so a nested message is its fields' bytes behind
// a tag and a length. Nothing here knows ONNX; onnx-proto.ts names the fields.

const WIRE_VARINT = 0;
const WIRE_LENGTH_DELIMITED = 2;

const utf8 = new TextEncoder();

/** A varint: 7 bits a byte, lowest first; a negative int64 as its 64-bit two's complement (ten bytes). */
function varint(value: number): number[] {
  if (!Number.isSafeInteger(value)) throw new RangeError(`a protobuf integer must be a safe integer; got ${value}`);
  const bytes: number[] = [];
  let rest = BigInt.asUintN(64, BigInt(value));
  while (rest >= 0x80n) {
    bytes.push(Number(rest & 0x7fn) | 0x80);
    rest >>= 7n;
  }
  bytes.push(Number(rest));
  return bytes;
}

function tag(field: number, wireType: number): number[] {
  return varint(field * 8 + wireType);
}

/** The parts one after the other. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** An int32, int64 or enum field. */
export function intField(field: number, value: number): Uint8Array {
  return Uint8Array.from([...tag(field, WIRE_VARINT), ...varint(value)]);
}

export function bytesField(field: number, bytes: Uint8Array): Uint8Array {
  return concat([Uint8Array.from([...tag(field, WIRE_LENGTH_DELIMITED), ...varint(bytes.length)]), bytes]);
}

export function stringField(field: number, text: string): Uint8Array {
  return bytesField(field, utf8.encode(text));
}

/** A nested message made of `fields`, already encoded. */
export function messageField(field: number, fields: readonly Uint8Array[]): Uint8Array {
  return bytesField(field, concat(fields));
}
