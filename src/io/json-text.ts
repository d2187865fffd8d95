// Parses JSON text for the API and the CLI (model, spec and inputs files) with a one-line
// error that says what was being read and, when the text simply stops, that it looks
// truncated. A leading byte-order mark is skipped, as the CSV reader skips it.
import { MLPError, oneLine, type MLPErrorCode } from '../api/errors.ts';
import { printable } from './printable.ts';

const BYTE_ORDER_MARK = 0xfeff;

export function parseJsonText(text: string, what: string, code: MLPErrorCode): unknown {
  const body = text.charCodeAt(0) === BYTE_ORDER_MARK ? text.slice(1) : text;
  try {
    return JSON.parse(body);
  } catch (error) {
    // V8 quotes the start of the text, which can be any bytes (line breaks too): escape what it shows.
    const reason = oneLine(printable(error instanceof Error ? error.message : String(error)));
    // V8 reports either "Unexpected end of JSON input" or the position where parsing stopped.
    const position = /at position (\d+)/.exec(reason);
    const atEnd = /end of JSON input/i.test(reason) || (position !== null && Number(position[1]) >= body.trimEnd().length);
    throw new MLPError(code, `${what} is not valid JSON (${reason})${atEnd ? '; is the file truncated?' : ''}`);
  }
}
