// Text from outside (a file's bytes, a path, a storage key) made safe to quote in a one-line
// message. Apart from errors.ts, whose wording every call needs: only the code that reads files
// and stores (and the CLI) quotes such text, so the browser bundle's core leaves it out.

/**
 * Text from outside (a file's bytes quoted by JSON.parse, a path) made safe to print on one
 * terminal line: control, bidirectional and replacement characters, a byte-order mark and
 * lone surrogates become \uXXXX escapes.
 */
export function printable(text: string): string {
  return text.replace(
    /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ufffd]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
